//! 整改通知书: an official 通知 to a community that fell short (主送 the
//! community, 抄送 its district): the basis and date of the assessment,
//! the numbered problem list (every standard judged 基本达标 or 未达标,
//! with the indicator and the assessor's remark), numbered requirements,
//! the deadline and the written 整改情况报告 to submit.

use chrono::NaiveDate;

use super::data::Para;
use super::{BASIS, DocumentError, Issuer, date_range, district_office, full_name, marks};
use crate::assessment::ResultRow;
use crate::assessment::score::ScoreCard;
use crate::assessment::store::StoredAssessment;
use crate::catalog::Catalog;
use crate::community::Community;
use crate::issuance::Draft;
use crate::render::cn_date;

/// Kind name in the register.
pub const KIND: crate::issuance::DocKind = crate::issuance::DocKind::Notice;

/// The notice's deadline and date.
#[derive(Debug, Clone, Copy)]
pub struct When {
    /// The deadline of the rectification.
    pub deadline: NaiveDate,
    /// The notice's date.
    pub date: NaiveDate,
}

/// Builds the notice, or refuses when there is nothing to rectify. A
/// problem that already has an `open` item is listed with that item (its
/// deadline moves to this notice's); it opens no second item.
pub fn build(
    issuer: &Issuer<'_>,
    catalog: &Catalog,
    community: &Community,
    stored: &StoredAssessment,
    card: &ScoreCard,
    open: &[&crate::rectify::Item],
    when: When,
) -> Result<Draft, DocumentError> {
    let When { deadline, date } = when;
    let a = &stored.assessment;
    let problems: Vec<_> = a.shortfalls().collect();
    if problems.is_empty() {
        return Err(DocumentError::NothingToRectify {
            id: community.id.clone(),
            name: community.name.clone(),
        });
    }
    let name = full_name(community);
    // "\n" breaks the title where the sense allows (GB/T 9704).
    let title = format!("关于{name}城乡社区治理\n创新试点考评问题整改的通知");
    let mut data = issuer.common(&title, &community.name, date);
    let mut body: Vec<Para> = vec![Para::from(format!(
        "{BASIS}考评组于{}对你社区城乡社区治理创新试点创建工作进行了考评，总分 {} 分（满分 {} 分），等次为“{}”。考评发现 {} 个问题，现将有关事项通知如下。",
        date_range(a.date_range()),
        marks(card.total),
        marks(card.max),
        card.grade.name,
        problems.len()
    ))];
    body.push(Para::h1("一、存在的问题"));
    body.extend(
        problems
            .iter()
            .enumerate()
            .map(|(i, r)| problem_para(catalog, i + 1, r, open, deadline)),
    );
    body.push(Para::h1("二、整改要求"));
    body.extend(requirements(deadline));
    body.push(Para::from(format!(
        "{}将对整改情况进行复查。",
        issuer.names().join("、")
    )));
    data.body = body;
    data.cc = Some(district_office(community));
    data.deadline = Some(deadline);
    let mut draft = issuer.draft(
        KIND,
        "zhenggai",
        &title,
        &data,
        date,
        &community.name,
        Some(community),
    );
    // Issuing the notice opens one rectification item per problem.
    draft.follow = Some(follow_up(stored, &problems, deadline));
    Ok(draft)
}

/// The numbered paragraph of problem `n`: indicator, standard, method,
/// verdict and what was found, with the open item it already has.
fn problem_para(
    catalog: &Catalog,
    n: usize,
    r: &ResultRow,
    open: &[&crate::rectify::Item],
    deadline: NaiveDate,
) -> Para {
    let (ind_name, text) = catalog
        .standard(&r.indicator, r.standard)
        .map(|(_, ind, s)| (ind.name.clone(), s.text.clone()))
        .unwrap_or_default();
    let found = if r.remark.trim().is_empty() {
        format!("未达到标准要求：{text}")
    } else {
        r.remark.clone()
    };
    let earlier = earlier_item(r, open, deadline);
    Para::from(format!(
        "{}.{} {} 标准{}（{}，{}）：{}{earlier}",
        n, r.indicator, ind_name, r.standard, r.method, r.verdict, found
    ))
}

/// The note on the open item that already covers `r`, or nothing.
fn earlier_item(r: &ResultRow, open: &[&crate::rectify::Item], deadline: NaiveDate) -> String {
    open.iter()
        .find(|o| {
            crate::rectify::same_problem(
                &o.opened.problem,
                &r.indicator,
                r.standard,
                Some(r.method),
            )
        })
        .map(|o| {
            format!(
                "（此问题已列为整改事项 {}，尚未销号，整改期限改为{}）",
                o.id(),
                cn_date(deadline)
            )
        })
        .unwrap_or_default()
}

/// 二、整改要求: the numbered requirements with the deadline.
fn requirements(deadline: NaiveDate) -> Vec<Para> {
    let deadline_text = cn_date(deadline);
    [
        "对照上述问题逐条制定整改方案，明确整改措施、责任人和完成时限，做到问题不解决不销号。".to_string(),
        format!("于{deadline_text}前完成全部整改。需要补充材料审核证据的，按考评指标整理后重新提交。"),
        format!("整改完成后，于{deadline_text}前向考评办公室书面报送《整改情况报告》，逐项说明问题的整改措施和整改结果，并附相关证明材料。"),
        "逾期未整改或整改不到位的，不予命名为城乡社区治理创新试点。".to_string(),
    ]
    .iter()
    .enumerate()
    .map(|(i, req)| Para::from(format!("{}.{req}", i + 1)))
    .collect()
}

/// What issuing the notice does: one rectification item per problem.
fn follow_up(
    stored: &StoredAssessment,
    problems: &[&ResultRow],
    deadline: NaiveDate,
) -> crate::rectify::FollowUp {
    crate::rectify::FollowUp::Open {
        deadline,
        problems: problems
            .iter()
            .map(|r| crate::rectify::Problem {
                indicator: Some(r.indicator.clone()),
                standard: Some(r.standard),
                method: Some(r.method),
                verdict: Some(r.verdict),
                level: Some(stored.record.level),
                remark: r.remark.trim().to_string(),
            })
            .collect(),
    }
}
