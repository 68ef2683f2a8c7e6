//! 考评情况通报 for the 总结会: per district how many pilots were assessed,
//! their grades, how many were named, how many are in rectification and
//! how many items are overdue, as a table and a bar chart; numbered and
//! registered like every document.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::data::{Attachment, Cell, Chart, ChartRow, Para, Row, Table};
use super::{BASIS, Issuer};
use crate::archive::lock::WriterLock;
use crate::archive::{Archive, ArchiveError};
use crate::assessment::store::AssessmentError;
use crate::config::Config;
use crate::issuance::{self, DocKind, Issued};
use crate::meter::Silent;
use crate::render::{Engine, cn_date};

/// Kind name in the register.
pub const KIND_NAME: &str = "考评情况通报";

/// Why no bulletin was issued.
#[derive(Debug, thiserror::Error)]
pub enum BulletinError {
    /// The archive could not be read.
    #[error(transparent)]
    Archive(#[from] ArchiveError),
    /// A result could not be read.
    #[error(transparent)]
    Assessment(#[from] AssessmentError),
    /// The document could not be issued.
    #[error(transparent)]
    Issue(#[from] issuance::IssueError),
    /// Nothing assessed yet.
    #[error("还没有任何试点社区导入考评结果，不需要考评情况通报；没有发文、没有占用文号")]
    NothingAssessed,
}

/// One district's figures.
#[derive(Debug, Clone, Default)]
pub struct Line {
    /// District.
    pub district: String,
    /// Pilots registered.
    pub registered: u32,
    /// Of those, assessed.
    pub assessed: u32,
    /// Assessed pilots by grade, in the scheme's order.
    pub grades: Vec<u32>,
    /// Named.
    pub named: u32,
    /// With rectification items not closed.
    pub rectifying: u32,
    /// Items overdue on the bulletin's date.
    pub overdue: u32,
}

/// The figures of every district with a registered pilot, on `date`.
pub fn lines(
    archive: &Archive,
    config: &Config,
    date: NaiveDate,
) -> Result<Vec<Line>, BulletinError> {
    let reg = archive.communities()?;
    let register = issuance::entries(archive)?;
    let items = crate::rectify::items(archive, None)?;
    let grades: Vec<&str> = config
        .scoring
        .grades
        .iter()
        .map(|g| g.name.as_str())
        .collect();
    let mut by: BTreeMap<usize, Line> = BTreeMap::new();
    let order = &crate::districts::DistrictTable::builtin().districts;
    for c in reg.all() {
        let pos = order
            .iter()
            .position(|d| d.name == c.district)
            .unwrap_or(usize::MAX);
        let line = by.entry(pos).or_insert_with(|| Line {
            district: c.district.clone(),
            grades: vec![0; grades.len()],
            ..Line::default()
        });
        line.registered += 1;
        match crate::assessment::store::latest(archive, &c.id) {
            Ok(stored) => {
                let card = crate::assessment::score::score(
                    &stored.assessment,
                    crate::catalog::Catalog::builtin(),
                    config,
                );
                line.assessed += 1;
                if let Some(g) = grades.iter().position(|g| *g == card.grade.name) {
                    line.grades[g] += 1;
                }
            }
            Err(AssessmentError::NoResults { .. } | AssessmentError::Reopened { .. }) => {}
            Err(e) => return Err(e.into()),
        }
        line.named += u32::from(register.iter().any(|e| {
            e.record.kind == DocKind::Certificate && e.record.community.as_deref() == Some(&c.id)
        }));
        let mine: Vec<_> = items.iter().filter(|i| i.community() == c.id).collect();
        line.rectifying += u32::from(mine.iter().any(|i| i.is_open()));
        line.overdue += mine.iter().filter(|i| i.overdue(date)).count() as u32;
    }
    Ok(by.into_values().collect())
}

/// Issues the bulletin dated `date`.
pub fn issue(
    archive: &Archive,
    lock: &WriterLock,
    engine: &Engine,
    config: &Config,
    date: NaiveDate,
) -> Result<Issued, BulletinError> {
    let draft = draft(archive, config, date)?;
    issuance::issue(
        archive,
        lock,
        engine,
        vec![draft],
        &Silent,
        &crate::rectify::follow_batch,
    )?
    .pop()
    .ok_or(BulletinError::NothingAssessed)
}

/// The bulletin's draft as the archive stands; refused while no
/// community has a result.
pub fn draft(
    archive: &Archive,
    config: &Config,
    date: NaiveDate,
) -> Result<issuance::Draft, BulletinError> {
    let lines = lines(archive, config, date)?;
    if lines.iter().all(|l| l.assessed == 0) {
        return Err(BulletinError::NothingAssessed);
    }
    Ok(build(&Issuer::default_of(config), &lines, date))
}

/// Builds the bulletin from the district lines.
pub fn build(issuer: &Issuer<'_>, lines: &[Line], date: NaiveDate) -> issuance::Draft {
    let title = "关于城乡社区治理创新试点\n考评情况的通报".to_string();
    let recipients = if issuer.config.documents.recipients.is_empty() {
        "各县（市）区城乡社区治理工作领导小组".to_string()
    } else {
        issuer.config.documents.recipients.join("、")
    };
    let grades: Vec<String> = issuer
        .config
        .scoring
        .grades
        .iter()
        .map(|g| g.name.clone())
        .collect();
    let mut data = issuer.common(&title, &recipients, date);
    data.body = body(lines, &grades, date);
    data.attachments = vec![statistics(lines, &grades)];
    let kind = DocKind::Other(KIND_NAME.into());
    let mut draft = issuer.draft(kind, "tongzhi", &title, &data, date, &recipients, None);
    draft.file_name = crate::fsutil::safe_name(&format!("{KIND_NAME}.pdf"));
    draft
}

/// The bulletin's text: the city's totals, each district's figures and
/// the work ahead.
fn body(lines: &[Line], grades: &[String], date: NaiveDate) -> Vec<Para> {
    let sum = |f: &dyn Fn(&Line) -> u32| lines.iter().map(f).sum::<u32>();
    let by_grade: Vec<String> = grades
        .iter()
        .enumerate()
        .map(|(i, g)| format!("{g} {} 个", sum(&|l| l.grades.get(i).copied().unwrap_or(0))))
        .collect();
    let mut body = vec![
        Para::from(format!(
            "{BASIS}考评办公室组织开展了城乡社区治理创新试点考评工作。现将截至{}的考评情况通报如下。",
            cn_date(date)
        )),
        Para::h1("一、总体情况"),
        Para::from(format!(
            "全市已登记试点社区 {} 个，已完成考评 {} 个，其中{}；已命名 {} 个，正在整改 {} 个，逾期未销号的整改事项 {} 项。",
            sum(&|l| l.registered),
            sum(&|l| l.assessed),
            by_grade.join("、"),
            sum(&|l| l.named),
            sum(&|l| l.rectifying),
            sum(&|l| l.overdue)
        )),
        Para::h1("二、各县（市）区情况"),
    ];
    body.extend(lines.iter().map(district_para));
    body.push(Para::h1("三、下一步工作"));
    body.push(Para::from(
        "各县（市）区要督促正在整改的社区按期完成整改、报送整改情况报告；已命名的试点社区要巩固创建成果，发挥示范带动作用。",
    ));
    body
}

/// One district's paragraph, urging it on when items are overdue.
fn district_para(l: &Line) -> Para {
    Para::from(format!(
        "{}：登记试点 {} 个，已考评 {} 个，已命名 {} 个，正在整改 {} 个{}。",
        l.district,
        l.registered,
        l.assessed,
        l.named,
        l.rectifying,
        if l.overdue > 0 {
            format!("，逾期未销号事项 {} 项，须加快整改", l.overdue)
        } else {
            String::new()
        }
    ))
}

/// The attachment: a table of every district's figures and a bar chart.
fn statistics(lines: &[Line], grades: &[String]) -> Attachment {
    let mut columns: Vec<String> = ["县（市）区", "登记", "已考评"].map(String::from).to_vec();
    columns.extend(grades.iter().cloned());
    columns.extend(["已命名", "整改中", "逾期事项"].map(String::from));
    let rows = lines
        .iter()
        .map(|l| {
            let mut cells = vec![
                Cell::from(l.district.clone()),
                Cell::from(l.registered.to_string()),
                Cell::from(l.assessed.to_string()),
            ];
            cells.extend(l.grades.iter().map(|n| Cell::from(n.to_string())));
            cells.extend([l.named, l.rectifying, l.overdue].map(|n| Cell::from(n.to_string())));
            Row::Plain(cells)
        })
        .collect();
    let mut widths = vec![3.0, 1.2, 1.4];
    widths.extend(grades.iter().map(|_| 1.2));
    widths.extend([1.4, 1.4, 1.6]);
    let chart = Chart {
        series: ["已考评", "已命名", "整改中"].map(String::from).to_vec(),
        rows: lines
            .iter()
            .map(|l| ChartRow {
                label: l.district.clone(),
                values: vec![l.assessed, l.named, l.rectifying],
            })
            .collect(),
    };
    Attachment {
        name: "各县（市）区考评情况统计".into(),
        table: Some(Table {
            columns,
            widths,
            compact: true,
            rows,
        }),
        chart: Some(chart),
        ..Attachment::default()
    }
}
