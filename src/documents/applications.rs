//! 申报汇总表: the applications for pilot communities (工作步骤 1) with
//! their state, for one district or the whole city, beside each district's
//! task numbers — an official document in the 通知 layout with the list
//! as its attachment.

use chrono::NaiveDate;

use super::Issuer;
use super::data::{Attachment, Cell, Para, Row as TableRow, Table};
use crate::application::quota::Use;
use crate::application::{Application, Decision, Status};
use crate::issuance::{DocKind, Draft};

/// Kind name in the register.
pub const KIND: DocKind = DocKind::Applications;

const COLUMNS: [&str; 7] = [
    "申报号",
    "所属区县",
    "社区",
    "类型",
    "批次",
    "状态",
    "登记编号或理由",
];

fn outcome(a: &Application) -> String {
    match &a.decision {
        Some(Decision::Approved {
            community,
            over_quota: Some(r),
        }) => format!("{community}（超出任务数：{r}）"),
        Some(Decision::Approved { community, .. }) => community.clone(),
        Some(Decision::Returned { reason }) => reason.clone(),
        None => String::new(),
    }
}

fn summary(apps: &[Application], usage: &[Use], whom: &str) -> String {
    let count = |s: Status| apps.iter().filter(|a| a.status == s).count();
    let quota: u32 = usage.iter().map(|u| u.quota).sum();
    let registered: u32 = usage.iter().map(|u| u.registered).sum();
    format!(
        "{whom}共收到试点社区申报 {} 项，其中已批准 {} 项、退回 {} 项、待审核 {} 项。试点总任务数 {quota} 个，已登记试点社区 {registered} 个（任务数依据昆办通〔2018〕54号附件1）。申报明细见附件。",
        apps.len(),
        count(Status::Approved),
        count(Status::Returned),
        count(Status::Pending)
    )
}

/// Builds the document for `district` (the city when `None`).
pub fn build(
    issuer: &Issuer<'_>,
    apps: &[Application],
    usage: &[Use],
    district: Option<&str>,
    date: NaiveDate,
) -> Draft {
    let whom = district.unwrap_or("全市");
    let title = format!("{whom}城乡社区治理创新试点申报汇总表");
    let recipients = issuer.config.documents.recipients.join("，");
    let mut data = issuer.common(&title, &recipients, date);
    let over = super::progress::over_quota(apps);
    data.body = vec![
        Para::h1("一、申报情况"),
        Para::from(summary(apps, usage, whom)),
        Para::h1("二、超出任务数批准的试点"),
        Para::from(if over.is_empty() {
            "无。".to_string()
        } else {
            format!("共 {} 个，理由如下：{}。", over.len(), over.join("；"))
        }),
    ];
    let rows = apps
        .iter()
        .map(|a| {
            let p = &a.record.proposal;
            TableRow::Plain(
                [
                    a.record.number.to_string(),
                    p.district.clone(),
                    p.name.clone(),
                    p.kind.name().to_string(),
                    p.batch.name().to_string(),
                    a.status.name().to_string(),
                    outcome(a),
                ]
                .into_iter()
                .map(Cell::from)
                .collect(),
            )
        })
        .collect();
    data.attachments = vec![Attachment {
        name: "试点社区申报明细".into(),
        title: Some(title.clone()),
        table: Some(Table::compact(
            &COLUMNS,
            &[1.2, 2.4, 2.6, 2.0, 1.6, 1.4, 3.2],
            rows,
        )),
        ..Attachment::default()
    }];
    let mut draft = issuer.draft(KIND, "shenbao", &title, &data, date, &recipients, None);
    if let Some(d) = district {
        draft.file_name = crate::fsutil::safe_name(&format!("{d}-{}.pdf", KIND.name()));
    }
    draft
}
