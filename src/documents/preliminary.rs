//! 初评情况报告: a district's report to the city on its 县区初评 (工作步骤
//! 3), an 上行文 in the GB/T 9704 layout — the district's office as sender
//! with its own 发文字号 and the 签发人 beside it — with the communities'
//! 初评 results as its attachment table.

use chrono::NaiveDate;

use super::Issuer;
use super::data::{Attachment, Cell, Official, Para, Row as TableRow, Table, Upward};
use crate::archive::Archive;
use crate::assessment::level::{Level, State};
use crate::assessment::score;
use crate::assessment::store::{self, AssessmentError};
use crate::catalog::Catalog;
use crate::config::Config;
use crate::issuance::{DocKind, Draft};

/// Kind name in the register.
pub const KIND: DocKind = DocKind::Preliminary;

const COLUMNS: [&str; 8] = [
    "社区",
    "类型",
    "考评状态",
    "初评日期",
    "达标",
    "基本达标",
    "未达标",
    "初评得分（等次）",
];

/// One community of the district in the report.
#[derive(Debug, Clone)]
pub struct Line {
    /// Community name.
    pub name: String,
    /// 城市社区 or “村改居”社区.
    pub kind: String,
    /// Its state in 评估验收.
    pub state: State,
    /// Its standing 初评, if any.
    pub district: Option<Preliminary>,
}

/// A community's standing 初评.
#[derive(Debug, Clone)]
pub struct Preliminary {
    /// The sheet's latest 考评日期, or the day it was submitted (in the
    /// configured zone).
    pub date: String,
    /// Counts of 达标, 基本达标, 未达标.
    pub counts: [usize; 3],
    /// Total marks under the office's scheme.
    pub total: f64,
    /// The grade reached.
    pub grade: String,
    /// Who assessed, as named on the sheet.
    pub assessors: Vec<String>,
}

/// The lines of `district` (its name as in Attachment 1), in roster order:
/// a community's latest 初评 counts only while it stands (a return of the
/// 初评 withdraws it).
pub fn lines(
    archive: &Archive,
    config: &Config,
    district: &str,
) -> Result<Vec<Line>, AssessmentError> {
    let states = store::states(archive)?;
    let roster = archive.communities()?;
    let mut latest = std::collections::HashMap::new();
    for (time, rec) in store::all_records(archive, None)? {
        if rec.level == Level::District {
            latest.insert(rec.community.clone(), (time, rec));
        }
    }
    let mut out = Vec::new();
    for c in roster.all().filter(|c| c.district == district) {
        let state = states
            .iter()
            .find(|s| s.community == c.id)
            .map_or(State::NotStarted, |s| s.state);
        let district = match latest.remove(&c.id) {
            Some((time, rec)) if state >= State::DistrictDone => {
                Some(preliminary(archive, config, time, rec)?)
            }
            _ => None,
        };
        out.push(Line {
            name: c.name.clone(),
            kind: c.kind.name().to_string(),
            state,
            district,
        });
    }
    Ok(out)
}

fn preliminary(
    archive: &Archive,
    config: &Config,
    time: String,
    rec: store::AssessmentRecord,
) -> Result<Preliminary, AssessmentError> {
    let shown = config.time.show(&time);
    let stored = store::load(archive, time, rec)?;
    // The sheet's own 考评日期 when it has one, else the day it was submitted.
    let dated = stored
        .assessment
        .results
        .iter()
        .filter_map(|r| r.date)
        .max();
    let card = score::score(&stored.assessment, Catalog::builtin(), config);
    let mut assessors: Vec<String> = Vec::new();
    for r in &stored.assessment.results {
        let a = r.assessor.trim();
        if !a.is_empty() && !assessors.iter().any(|x| x == a) {
            assessors.push(a.to_string());
        }
    }
    Ok(Preliminary {
        date: match dated {
            Some(d) => d.format("%Y-%m-%d").to_string(),
            None => shown.get(..10).unwrap_or(&shown).to_string(),
        },
        counts: card.verdict_counts,
        total: card.total,
        grade: card.grade.name.clone(),
        assessors,
    })
}

fn summary(district: &str, lines: &[Line]) -> String {
    let at_least = |s: State| lines.iter().filter(|l| l.state >= s).count();
    format!(
        "{district}现有登记的城乡社区治理创新试点社区 {} 个。截至目前，完成社区自查的 {} 个，完成县区初评的 {} 个，尚未完成初评的 {} 个。初评按照《昆明市城乡社区治理创新考评体系（试行）》逐项对照社区自查和佐证材料进行，各社区初评结果见附件。",
        lines.len(),
        at_least(State::SelfChecked),
        at_least(State::DistrictDone),
        lines.len() - at_least(State::DistrictDone),
    )
}

fn findings(lines: &[Line]) -> String {
    let short: Vec<String> = lines
        .iter()
        .filter_map(|l| {
            let p = l.district.as_ref()?;
            (p.counts[1] + p.counts[2] > 0).then(|| {
                format!(
                    "{}（基本达标 {} 项、未达标 {} 项）",
                    l.name, p.counts[1], p.counts[2]
                )
            })
        })
        .collect();
    if short.is_empty() {
        "已初评的社区各项标准均为达标。".to_string()
    } else {
        format!(
            "初评中发现需要整改的社区 {} 个：{}。我们已督促相关社区对照标准逐项整改，整改情况将及时报送。",
            short.len(),
            short.join("；")
        )
    }
}

fn row(l: &Line) -> TableRow {
    let cells = match &l.district {
        Some(p) => vec![
            l.name.clone(),
            l.kind.clone(),
            l.state.name().to_string(),
            p.date.clone(),
            p.counts[0].to_string(),
            p.counts[1].to_string(),
            p.counts[2].to_string(),
            format!("{}（{}）", super::marks(p.total), p.grade),
        ],
        None => vec![
            l.name.clone(),
            l.kind.clone(),
            l.state.name().to_string(),
            "未初评".to_string(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ],
    };
    TableRow::Plain(cells.into_iter().map(Cell::from).collect())
}

/// Builds the report of `district` signed by `signer`, addressed to the
/// city's lead organ.
pub fn build(
    config: &Config,
    district: &str,
    lines: &[Line],
    signer: &str,
    date: NaiveDate,
) -> Draft {
    let office = config.district_office(district).organ(district);
    let issuer = Issuer {
        config,
        organs: vec![&office],
    };
    let title = format!("关于{district}城乡社区治理创新试点\n初评情况的报告");
    let recipient = config
        .issuers()
        .first()
        .map(|o| o.name.clone())
        .unwrap_or_default();
    let mut data: Official = issuer.common(&title, &recipient, date);
    data.printer = office.name.clone();
    data.body = vec![
        Para::from(format!(
            "{}按照市城乡社区治理工作领导小组办公室关于评估验收的安排，在社区自查的基础上组织开展了县区初评。现将初评情况报告如下：",
            super::BASIS
        )),
        Para::h1("一、初评工作开展情况"),
        Para::from(summary(district, lines)),
        Para::h1("二、初评发现的问题"),
        Para::from(findings(lines)),
        Para::from("特此报告。"),
    ];
    data.attachments = vec![Attachment {
        name: format!("{district}试点社区初评结果表"),
        table: Some(Table::compact(
            &COLUMNS,
            &[2.4, 1.9, 2.3, 2.1, 0.9, 1.1, 1.0, 2.5],
            lines.iter().map(row).collect(),
        )),
        ..Attachment::default()
    }];
    let data = Upward {
        official: data,
        signer: signer.to_string(),
    };
    let mut draft = issuer.draft(KIND, "chuping", &title, &data, date, &recipient, None);
    draft.district = Some(district.to_string());
    draft.file_name = crate::fsutil::safe_name(&format!("{district}-{}.pdf", KIND.name()));
    draft
}
