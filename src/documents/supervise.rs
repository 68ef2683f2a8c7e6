//! 督办通知: the office's notice to a district naming its communities with
//! overdue rectification items, each item with its first deadline, and the
//! new deadline; issuing it moves the items' deadlines (the register writes
//! the `rectify-extend` event with the document).

use chrono::NaiveDate;

use super::data::Para;
use super::{BASIS, Issuer, full_name};
use crate::community::Community;
use crate::issuance::{DocKind, Draft};
use crate::rectify::{FollowUp, Item};
use crate::render::cn_date;

/// Kind name in the register.
pub const KIND_NAME: &str = "督办通知";

/// The register kind.
pub fn kind() -> DocKind {
    DocKind::Other(KIND_NAME.into())
}

/// Builds the 督办通知 to `district` for its overdue items, by community.
pub fn build(
    issuer: &Issuer<'_>,
    district: &str,
    overdue: &[(&Community, Vec<&Item>)],
    deadline: NaiveDate,
    date: NaiveDate,
) -> Draft {
    let office = format!("{district}城乡社区治理工作领导小组办公室");
    let title = format!("关于督促{district}加快城乡社区治理创新试点\n考评问题整改的通知");
    let mut data = issuer.common(&title, &office, date);
    let count: usize = overdue.iter().map(|(_, i)| i.len()).sum();
    let mut body = vec![Para::from(format!(
        "{BASIS}考评办公室已向你区有关试点社区下发整改通知。截至{}，你区仍有 {} 个社区的 {} 个问题逾期未整改销号，现予督办。",
        cn_date(date),
        overdue.len(),
        count
    ))];
    body.push(Para::h1("一、逾期未销号的问题"));
    for (n, (c, items)) in overdue.iter().enumerate() {
        body.push(Para::h2(&format!(
            "（{}）{}",
            cn_number(n + 1),
            full_name(c)
        )));
        for (k, i) in items.iter().enumerate() {
            body.push(Para::from(format!(
                "{}.{}（整改通知{}，原定期限{}，现为“{}”）",
                k + 1,
                i.summary(),
                i.opened.notice,
                cn_date(i.deadline),
                i.status.name()
            )));
        }
    }
    body.push(Para::h1("二、督办要求"));
    body.push(Para::from(format!(
        "请你区督促上述社区于{}前完成整改，逐项答复并报送整改情况报告，由你区初评复查后报考评办公室。逾期仍未整改的，不予命名为城乡社区治理创新试点。",
        cn_date(deadline)
    )));
    data.body = body;
    data.deadline = Some(deadline);
    let mut draft = issuer.draft(kind(), "tongzhi", &title, &data, date, &office, None);
    draft.file_name = crate::fsutil::safe_name(&format!("{district}-{KIND_NAME}.pdf"));
    draft.follow = Some(FollowUp::Extend {
        items: overdue
            .iter()
            .flat_map(|(_, items)| items.iter().map(|i| i.id().to_string()))
            .collect(),
        deadline,
    });
    draft
}

/// 一, 二, … for headings (up to 99).
pub fn cn_number(n: usize) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => D[n].to_string(),
        10 => "十".into(),
        11..=19 => format!("十{}", D[n % 10]),
        _ if n.is_multiple_of(10) => format!("{}十", D[(n / 10) % 10]),
        _ => format!("{}十{}", D[(n / 10) % 10], D[n % 10]),
    }
}

/// The 督办通知 to `district` (name as typed) about its items overdue on
/// `today`, with the new `deadline`, dated `date`. Refused, before any
/// number is taken, when the deadline is not after today or nothing of
/// the district is overdue.
pub fn draft_for(
    archive: &crate::archive::Archive,
    config: &crate::config::Config,
    district: &str,
    deadline: NaiveDate,
    dates: (NaiveDate, NaiveDate),
) -> Result<Draft, crate::rectify::RectifyError> {
    let (date, today) = dates;
    let (district, groups) =
        crate::rectify::supervise::overdue_of(archive, district, deadline, today)?;
    let groups: Vec<(&Community, Vec<&Item>)> = groups
        .iter()
        .map(|(c, items)| (c, items.iter().collect()))
        .collect();
    let issuer = Issuer::default_of(config);
    Ok(build(&issuer, &district, &groups, deadline, date))
}
