//! 命名决定: "关于命名第一批昆明市城乡社区治理创新试点的决定", the 公文 that
//! names the pilots of a phase, with an attachment table of the named
//! communities by district (district, community, type, grade). The
//! certificates issued with it cite its number.

use chrono::NaiveDate;

use super::data::{Attachment, Cell, Para, Row, Table};
use super::{BASIS, Issuer};
use crate::community::Community;
use crate::issuance::{DocKind, Draft};

/// Kind name in the register.
pub const KIND_NAME: &str = "命名决定";

/// The register kind.
pub fn kind() -> DocKind {
    DocKind::Other(KIND_NAME.into())
}

/// A community the decision names, with its grade.
#[derive(Debug, Clone)]
pub struct Named<'a> {
    /// The community.
    pub community: &'a Community,
    /// Its grade (等次).
    pub grade: String,
}

/// 第一批, 第二批, …
pub fn phase_name(phase: u8) -> String {
    format!("第{}批", super::supervise::cn_number(phase as usize))
}

/// Builds the decision of `phase` naming `named` (in district order).
pub fn build(issuer: &Issuer<'_>, phase: u8, named: &[Named<'_>], date: NaiveDate) -> Draft {
    let batch = phase_name(phase);
    let honour = format!("{batch}{}", issuer.config.certificate.honour);
    let title = format!(
        "关于命名{batch}\n{}的决定",
        issuer.config.certificate.honour
    );
    let recipients = if issuer.config.documents.recipients.is_empty() {
        "各县（市）区城乡社区治理工作领导小组".to_string()
    } else {
        issuer.config.documents.recipients.join("、")
    };
    let mut data = issuer.common(&title, &recipients, date);
    let mut districts: Vec<&str> = named
        .iter()
        .map(|n| n.community.district.as_str())
        .collect();
    districts.dedup();
    data.body = vec![
        Para::from(format!(
            "{BASIS}经社区自查、县（市）区初评、专家评估和考评办公室审定，考评中发现的问题已整改销号，{} 个县（市）区的 {} 个社区达到城乡社区治理创新试点建设标准。",
            districts.len(),
            named.len()
        )),
        Para::from(format!(
            "经研究，决定命名{}等 {} 个社区为“{honour}”（名单见附件），并颁发命名证书。",
            named
                .iter()
                .take(3)
                .map(|n| super::full_name(n.community))
                .collect::<Vec<_>>()
                .join("、"),
            named.len()
        )),
        Para::from(
            "希望被命名的社区珍惜荣誉，巩固创建成果，持续深化城乡社区治理创新，发挥示范带动作用。各县（市）区要加强指导，推动试点经验在更大范围推广。",
        ),
    ];
    let rows = named
        .iter()
        .enumerate()
        .map(|(i, n)| {
            Row::Plain(vec![
                Cell::from((i + 1).to_string()),
                Cell::from(n.community.district.clone()),
                Cell::from(n.community.name.clone()),
                Cell::from(n.community.kind.name()),
                Cell::from(n.grade.clone()),
            ])
        })
        .collect();
    data.attachments = vec![Attachment {
        name: format!("{honour}名单"),
        table: Some(Table::compact(
            &["序号", "县（市）区", "社区", "类型", "等次"],
            &[1.0, 2.0, 3.0, 2.0, 1.0],
            rows,
        )),
        ..Attachment::default()
    }];
    let mut draft = issuer.draft(kind(), "tongzhi", &title, &data, date, &recipients, None);
    draft.file_name = crate::fsutil::safe_name(&format!("{batch}-{KIND_NAME}.pdf"));
    draft
}

#[cfg(test)]
mod tests {
    #[test]
    fn each_phase_names_its_own_batch() {
        assert_eq!(super::phase_name(1), "第一批");
        assert_eq!(super::phase_name(2), "第二批");
        assert_eq!(super::phase_name(3), "第三批");
    }
}
