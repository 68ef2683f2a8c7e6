//! 整改情况报告: the community's report to its district and the office,
//! rendered from its answers: for each item the problem, what was done and
//! the evidence handed in. Under the community's own letterhead when
//! `[rectify.letterheads]` has one, otherwise without a red header;
//! numbered in the community's own sequence and registered.

use chrono::NaiveDate;
use serde::Serialize;

use super::data::Para;
use super::{district_office, full_name};
use crate::catalog::Catalog;
use crate::community::Community;
use crate::config::Config;
use crate::issuance::{DocKind, Draft, Numbering};
use crate::rectify::Item;
use crate::render::DocMeta;

/// Kind name in the register.
pub const KIND_NAME: &str = "整改情况报告";

/// The register kind.
pub fn kind() -> DocKind {
    DocKind::Other(KIND_NAME.into())
}

/// The template data.
#[derive(Debug, Serialize)]
struct Data {
    #[serde(skip_serializing_if = "Option::is_none")]
    letterhead: Option<Vec<String>>,
    title: String,
    recipients: String,
    body: Vec<Para>,
    signatures: Vec<String>,
    date: NaiveDate,
}

/// Builds the report of `community` on its `answered` items.
pub fn build(
    config: &Config,
    catalog: &Catalog,
    community: &Community,
    answered: &[&Item],
    date: NaiveDate,
) -> Draft {
    let name = full_name(community);
    let head = config.rectify.letterheads.get(&community.id);
    let office = config
        .issuers()
        .first()
        .map(|o| o.name.clone())
        .unwrap_or_default();
    let recipients = format!("{}、{office}", district_office(community));
    let title = format!("{name}关于城乡社区治理创新试点\n考评问题整改情况的报告");
    let data = Data {
        letterhead: head.map(|h| vec![h.header.clone()]),
        title: title.clone(),
        recipients: recipients.clone(),
        body: body(catalog, answered),
        signatures: vec![name.clone()],
        date,
    };
    let prefix = head
        .map(|h| h.prefix.clone())
        .unwrap_or_else(|| community.name.clone());
    Draft {
        kind: kind(),
        template: "zgbaogao".into(),
        data: super::data::to_value(&data),
        meta: DocMeta {
            title: title.replace('\n', ""),
            author: name.clone(),
            date,
        },
        recipient: recipients,
        community: Some(community.id.clone()),
        district: None,
        numbering: Numbering::Document { prefix },
        over_quota: None,
        submission: None,
        file_name: super::file_name(Some(community), KIND_NAME),
        organs: vec![name],
        follow: None,
        cites: None,
    }
}

/// The report's text: the notices answered, each item with what was done
/// and its evidence, and the request for a recheck.
fn body(catalog: &Catalog, answered: &[&Item]) -> Vec<Para> {
    let mut notices: Vec<&str> = answered.iter().map(|i| i.opened.notice.as_str()).collect();
    notices.dedup();
    let mut body = vec![Para::from(format!(
        "根据整改通知（{}）的要求，我社区对照考评发现的 {} 个问题逐项制定措施、落实整改，现将整改情况报告如下。",
        notices.join("、"),
        answered.len()
    ))];
    body.push(Para::h1("一、问题整改情况"));
    for (n, i) in answered.iter().enumerate() {
        body.extend(item_paras(catalog, n + 1, i));
    }
    body.push(Para::h1("二、请求复查"));
    body.push(Para::from(
        "以上问题已全部整改完毕，请予复查销号。特此报告。",
    ));
    body
}

/// Item `n`: its problem (the indicator named), and when answered the
/// measures taken and the evidence handed in.
fn item_paras(catalog: &Catalog, n: usize, i: &Item) -> Vec<Para> {
    let mut paras = vec![Para::from(format!("{n}.{}", named_summary(catalog, i)))];
    if let Some(a) = i.answer() {
        paras.push(Para::from(format!("整改措施和结果：{}", a.text)));
        let files = if a.files.is_empty() {
            "无".to_string()
        } else {
            format!(
                "{}（共 {} 份，已存入档案库）",
                a.files.join("、"),
                a.files.len()
            )
        };
        paras.push(Para::from(format!("证明材料：{files}")));
    }
    paras
}

/// The item's summary with its indicator's name after the code.
fn named_summary(catalog: &Catalog, i: &Item) -> String {
    let p = &i.opened.problem;
    let named = match (&p.indicator, p.standard) {
        (Some(code), Some(standard)) => catalog
            .standard(code, standard)
            .map(|(_, ind, _)| (code, ind.name.clone()))
            .ok(),
        (Some(code), None) => catalog
            .indicator(code)
            .map(|(_, ind)| (code, ind.name.clone()))
            .ok(),
        _ => None,
    };
    match named {
        Some((code, ind)) => i
            .summary()
            .replacen(code.as_str(), &format!("{code} {ind}"), 1),
        None => i.summary(),
    }
}

/// `community`'s 整改情况报告 of `date` from its answered items; refused
/// while an item is still open or returned, or when nothing is answered.
pub fn draft_for(
    archive: &crate::archive::Archive,
    config: &Config,
    community: &Community,
    date: NaiveDate,
) -> Result<Draft, crate::rectify::RectifyError> {
    let answered = crate::rectify::act::reportable(archive, community)?;
    let answered: Vec<&Item> = answered.iter().collect();
    Ok(build(
        config,
        Catalog::builtin(),
        community,
        &answered,
        date,
    ))
}
