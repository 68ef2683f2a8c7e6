//! 进度汇总表: per district, the Attachment 1 figures beside the pilots
//! registered, evidence submitted, assessed, named and rectifications
//! still open — as rows for CSV/JSON and as an official document.

use crate::issuance::DocKind;
use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::Serialize;

use crate::table::write::{self, Out, Sheet};

use super::Issuer;
use super::data::{Attachment, Cell, Para, Row as TableRow, Table};
use crate::archive::{Archive, ArchiveError, Submission};
use crate::assessment::store::{self, AssessmentRecord};
use crate::community::{Batch, Roster};
use crate::districts::DistrictTable;
use crate::issuance::{Draft, Entry};

/// Kind name in the register.
pub const KIND: crate::issuance::DocKind = crate::issuance::DocKind::Progress;

/// One district's progress.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Row {
    /// District name.
    pub district: String,
    /// 社区总数 (Attachment 1).
    pub communities: u32,
    /// The quota that applies (total, or the phase's with `--phase N`).
    pub quota: u32,
    /// Pilot communities registered.
    pub registered: u32,
    /// Of those, with at least one evidence submission.
    pub submitted: u32,
    /// Of those, with assessment results.
    pub assessed: u32,
    /// Named (certificate issued).
    pub named: u32,
    /// With a rectification notice and not named since.
    pub rectifying: u32,
    /// Rectification items not closed.
    pub items_open: u32,
    /// Rectification items closed.
    pub items_closed: u32,
    /// Rectification items past their deadline and not closed.
    pub items_overdue: u32,
    /// Whether the district filed its 工作方案 (for 总计: how many did).
    pub plans_filed: u32,
}

/// What the archive knows, gathered once.
pub struct Facts<'a> {
    /// Registered communities.
    pub communities: &'a Roster,
    /// Communities with a submission.
    pub submitted: BTreeSet<String>,
    /// Assessment records.
    pub assessments: Vec<AssessmentRecord>,
    /// The document register.
    pub register: &'a [Entry],
    /// Rectification items.
    pub items: Vec<crate::rectify::Item>,
    /// The day overdue items are counted on.
    pub today: NaiveDate,
    /// Districts that filed their 工作方案.
    pub plans: BTreeSet<String>,
    /// The office's tasks of the later phases, when set.
    pub phases: Option<crate::phases::PhaseTasks>,
}

/// Reads the facts from the archive and computes the rows, overdue
/// items counted today.
pub fn from_archive(archive: &Archive, phase: Option<Batch>) -> Result<Vec<Row>, ArchiveError> {
    from_archive_on(archive, phase, crate::dates::today())
}

/// [`from_archive`] with overdue items counted on `day` (a document's
/// date).
pub fn from_archive_on(
    archive: &Archive,
    phase: Option<Batch>,
    day: NaiveDate,
) -> Result<Vec<Row>, ArchiveError> {
    let reg = archive.communities()?;
    let register = crate::issuance::entries(archive)?;
    let subs = archive.submissions(None)?;
    let records = store::standing_records(archive, None)?;
    let mut facts = Facts::new(&reg, &register, &subs, &records)
        .with_items(crate::rectify::items(archive, None)?)
        .with_plans(&crate::plans::all(archive)?)
        .with_phases(crate::phases::latest(archive)?);
    facts.today = day;
    Ok(rows(&facts, phase))
}

impl<'a> Facts<'a> {
    /// The facts from what the archive lists: the register, the document
    /// register, the submissions and the assessment records.
    pub fn new(
        communities: &'a Roster,
        register: &'a [Entry],
        submissions: &[Submission],
        assessments: &[(String, AssessmentRecord)],
    ) -> Facts<'a> {
        Facts {
            communities,
            submitted: submissions
                .iter()
                .map(|s| s.record.community.clone())
                .collect(),
            assessments: assessments.iter().map(|(_, r)| r.clone()).collect(),
            register,
            items: Vec::new(),
            today: crate::dates::today(),
            plans: BTreeSet::new(),
            phases: None,
        }
    }

    /// The facts with the office's later-phase tasks.
    pub fn with_phases(mut self, phases: Option<crate::phases::PhaseTasks>) -> Facts<'a> {
        self.phases = phases;
        self
    }

    /// The facts with the districts' 工作方案 counted.
    pub fn with_plans(mut self, plans: &[crate::plans::DistrictPlans]) -> Facts<'a> {
        self.plans = plans
            .iter()
            .filter(|p| p.plan.is_some())
            .map(|p| p.district.clone())
            .collect();
        self
    }

    /// The facts with the rectification items counted.
    pub fn with_items(mut self, items: Vec<crate::rectify::Item>) -> Facts<'a> {
        self.items = items;
        self
    }
}

/// Computes the rows (and a 总计 row last). `phase` restricts to that
/// phase's pilots and task count (a later phase's 0 while not set).
pub fn rows(facts: &Facts<'_>, phase: Option<Batch>) -> Vec<Row> {
    let assessed: BTreeSet<&str> = facts
        .assessments
        .iter()
        .map(|a| a.community.as_str())
        .collect();
    let mut by_kind: BTreeMap<&DocKind, BTreeSet<&str>> = BTreeMap::new();
    for e in facts.register {
        if let Some(c) = e.record.community.as_deref() {
            by_kind.entry(&e.record.kind).or_default().insert(c);
        }
    }
    let named = by_kind
        .get(&super::certificate::KIND)
        .cloned()
        .unwrap_or_default();
    let noticed = by_kind
        .get(&super::notice::KIND)
        .cloned()
        .unwrap_or_default();
    let mut out = Vec::new();
    let mut total = Row {
        district: "总计".into(),
        ..Row::default()
    };
    for d in &DistrictTable::builtin().districts {
        let mut row = Row {
            district: d.name.clone(),
            communities: d.communities,
            quota: match phase {
                None => d.pilot_quota,
                Some(b) => crate::phases::tasks(facts.phases.as_ref(), b, &d.name).unwrap_or(0),
            },
            plans_filed: u32::from(facts.plans.contains(&d.name)),
            ..Row::default()
        };
        for c in facts
            .communities
            .all()
            .filter(|c| c.district == d.name && phase.is_none_or(|b| c.batch == b))
        {
            row.registered += 1;
            row.submitted += u32::from(facts.submitted.contains(&c.id));
            row.assessed += u32::from(assessed.contains(c.id.as_str()));
            row.named += u32::from(named.contains(c.id.as_str()));
            row.rectifying +=
                u32::from(noticed.contains(c.id.as_str()) && !named.contains(c.id.as_str()));
            let counts = crate::rectify::Counts::of(
                facts.items.iter().filter(|i| i.community() == c.id),
                facts.today,
            );
            row.items_open += counts.open as u32;
            row.items_closed += counts.closed as u32;
            row.items_overdue += counts.overdue as u32;
        }
        total.communities += row.communities;
        total.quota += row.quota;
        total.registered += row.registered;
        total.submitted += row.submitted;
        total.assessed += row.assessed;
        total.named += row.named;
        total.rectifying += row.rectifying;
        total.items_open += row.items_open;
        total.items_closed += row.items_closed;
        total.items_overdue += row.items_overdue;
        total.plans_filed += row.plans_filed;
        out.push(row);
    }
    out.push(total);
    out
}

/// Column headers, shared by the PDF table and the CSV.
pub fn columns(phase: Option<Batch>) -> [&'static str; 12] {
    [
        "县（市）区",
        "社区总数",
        match phase {
            None => "试点总任务数",
            Some(Batch::First) => "第一阶段任务数",
            Some(Batch::Second) => "第二阶段任务数",
            Some(Batch::Third) => "第三阶段任务数",
        },
        "已登记试点",
        "已提交材料",
        "已考评",
        "已命名",
        "整改中",
        "未销号事项",
        "已销号事项",
        "逾期事项",
        "工作方案",
    ]
}

/// A row as table cells.
pub fn cells(r: &Row) -> [String; 12] {
    [
        r.district.clone(),
        r.communities.to_string(),
        r.quota.to_string(),
        r.registered.to_string(),
        r.submitted.to_string(),
        r.assessed.to_string(),
        r.named.to_string(),
        r.rectifying.to_string(),
        r.items_open.to_string(),
        r.items_closed.to_string(),
        r.items_overdue.to_string(),
        plan_cell(r),
    ]
}

/// The 工作方案 cell: 已报 or 未报 (short, so that the table keeps one
/// line a district), or for 总计 how many filed.
pub fn plan_cell(r: &Row) -> String {
    match (r.district.as_str(), r.plans_filed) {
        ("总计", n) => format!("{n}个"),
        (_, 0) => "未报".into(),
        _ => "已报".into(),
    }
}

/// One paragraph on where the districts stand: those that met their
/// quota, those under way, those with no pilot registered yet.
fn district_summary(rows: &[Row]) -> String {
    let districts = &rows[..rows.len().saturating_sub(1)];
    let names = |f: &dyn Fn(&Row) -> bool| {
        districts
            .iter()
            .filter(|r| f(r))
            .map(|r| r.district.as_str())
            .collect::<Vec<_>>()
    };
    let done = names(&|r| r.quota > 0 && r.named >= r.quota);
    let going = names(&|r| r.registered > 0 && r.named < r.quota);
    let none = names(&|r| r.registered == 0);
    let part = |what: &str, v: &[&str]| {
        if v.is_empty() {
            format!("尚无{what}的县（市）区。")
        } else {
            format!("{what}的有 {} 个：{}。", v.len(), v.join("、"))
        }
    };
    [
        part("已完成命名任务", &done),
        part("已登记试点、正在推进", &going),
        part("尚未登记试点", &none),
    ]
    .concat()
}

/// Which districts have filed their 工作方案 (工作步骤1、2).
fn plans_summary(rows: &[Row]) -> String {
    let districts = &rows[..rows.len().saturating_sub(1)];
    let missing: Vec<&str> = districts
        .iter()
        .filter(|r| r.plans_filed == 0)
        .map(|r| r.district.as_str())
        .collect();
    let filed = districts.len() - missing.len();
    if missing.is_empty() {
        format!("各县（市）区均已报送工作方案（{filed} 个）。")
    } else {
        format!(
            "已报送工作方案的县（市）区 {filed} 个，尚未报送的 {} 个：{}。",
            missing.len(),
            missing.join("、")
        )
    }
}

/// Pilots approved beyond a district's task number, each with the
/// office's reason (`区县社区（编号）：理由`), from the 申报 decisions.
pub fn over_quota(apps: &[crate::application::Application]) -> Vec<String> {
    use crate::application::Decision;
    apps.iter()
        .filter_map(|a| match &a.decision {
            Some(Decision::Approved {
                community,
                over_quota: Some(r),
            }) => Some(format!(
                "{}{}（{community}）：{r}",
                a.record.proposal.district, a.record.proposal.name
            )),
            _ => None,
        })
        .collect()
}

/// The 评估验收 sentence: how many pilots stand at each state.
pub fn level_summary(states: &[crate::assessment::store::CommunityState]) -> String {
    use crate::assessment::level::State;
    let all = [
        State::NotStarted,
        State::SelfChecked,
        State::DistrictDone,
        State::Experts,
        State::Final,
    ];
    let parts: Vec<String> = all
        .iter()
        .map(|s| {
            let n = states.iter().filter(|c| c.state == *s).count();
            format!("{} {n} 个", s.name())
        })
        .collect();
    format!(
        "评估验收（社区自查、县区初评、专家评估）：{}。",
        parts.join("，")
    )
}

/// Builds the document; `over` lists the pilots approved beyond their
/// district's task number, with the reasons (see [`over_quota`]);
/// `levels` is the [`level_summary`].
pub fn build(
    issuer: &Issuer<'_>,
    rows: &[Row],
    over: &[String],
    levels: &str,
    phase: Option<Batch>,
    date: NaiveDate,
) -> Draft {
    let scope = phase.map_or("", Batch::name);
    let basis = match phase {
        Some(Batch::Second | Batch::Third) => "考评办下达的阶段任务",
        _ => "昆办通〔2018〕54号附件1",
    };
    let title = format!("昆明市城乡社区治理创新试点{scope}创建进度汇总表");
    let recipients = issuer.config.documents.recipients.join("，");
    let mut data = issuer.common(&title, &recipients, date);
    let total = rows.last().cloned().unwrap_or_default();
    data.body = vec![
        Para::h1("一、总体进度"),
        Para::from(format!(
            "截至{}，全市{}试点任务 {} 个，已登记试点社区 {} 个，其中已提交材料 {} 个、已考评 {} 个、已命名 {} 个，正在整改 {} 个；整改事项未销号 {} 项、已销号 {} 项、逾期 {} 项。各县（市）区、开发（度假）园区进度见附件（任务数依据{}）。",
            crate::render::cn_date(date),
            scope,
            total.quota,
            total.registered,
            total.submitted,
            total.assessed,
            total.named,
            total.rectifying,
            total.items_open,
            total.items_closed,
            total.items_overdue,
            basis
        )),
        Para::h1("二、各地进度"),
        Para::from(district_summary(rows)),
        Para::from(plans_summary(rows)),
        Para::from(levels.to_string()),
        Para::from(if over.is_empty() {
            "没有超出任务数批准的试点社区。".to_string()
        } else {
            format!(
                "超出任务数批准的试点社区 {} 个，理由：{}。",
                over.len(),
                over.join("；")
            )
        }),
        Para::h1("三、工作要求"),
        Para::from(
            "尚未登记试点或未完成任务数的县（市）区，要对照任务分解表抓紧确定试点社区并报市城乡社区治理工作领导小组办公室登记；已登记的试点社区要按考评体系及时提交证据材料；收到整改通知书的社区要按期完成整改并报送整改情况报告。",
        ),
    ];
    let table_rows: Vec<_> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            // The 工作方案 column stays out of the printed table (portrait,
            // one line a district); the body says who has not filed.
            let cells = cells(r).into_iter().take(11).map(Cell::from).collect();
            if i + 1 == rows.len() {
                TableRow::strong(cells)
            } else {
                TableRow::Plain(cells)
            }
        })
        .collect();
    // Portrait and compact: the 17 districts and the total fit one page,
    // and the 版记 can share it.
    data.attachments = vec![Attachment {
        name: format!("{scope}创建进度汇总表"),
        title: Some(title.clone()),
        table: Some(Table::compact(
            &columns(phase)[..11],
            &[3.2, 1.4, 1.7, 1.5, 1.5, 1.3, 1.3, 1.3, 1.4, 1.4, 1.3],
            table_rows,
        )),
        ..Attachment::default()
    }];
    issuer.draft(KIND, "jindu", &title, &data, date, &recipients, None)
}

/// The 进度汇总表 (`kaoping progress`), its 总计 row last.
pub fn sheet(rows: &[Row], phase: Option<Batch>) -> Sheet {
    let mut sheet = Sheet::new("进度汇总表", write::columns(&columns(phase)));
    for r in rows {
        sheet.rows.push(vec![
            Out::from(r.district.as_str()),
            Out::from(r.communities),
            Out::from(r.quota),
            Out::from(r.registered),
            Out::from(r.submitted),
            Out::from(r.assessed),
            Out::from(r.named),
            Out::from(r.rectifying),
            Out::from(r.items_open),
            Out::from(r.items_closed),
            Out::from(r.items_overdue),
            Out::from(plan_cell(r)),
        ]);
    }
    sheet
}
