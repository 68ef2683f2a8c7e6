//! 材料提交回执: what the office received from a community in one
//! submission — per indicator and standard the file count and bytes, the
//! file list with short hashes, the submission's root hash, and the
//! standards still missing evidence.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::data::{Attachment, Cell, Para, Row, Table};
use super::{Issuer, full_name, grouped_hash, size_and_hash, size_text};
use crate::archive::Submission;
use crate::archive::coverage::Coverage;
use crate::archive::manifest::Manifest;
use crate::community::Community;
use crate::issuance::{Draft, Entry};

/// Kind name in the register.
pub const KIND: crate::issuance::DocKind = crate::issuance::DocKind::Receipt;

/// The registered receipt of `community`'s submission `version`, if one
/// was issued (one receipt per version).
pub fn existing<'a>(entries: &'a [Entry], community: &str, version: u32) -> Option<&'a Entry> {
    entries.iter().find(|e| {
        e.record.kind == KIND
            && e.record.community.as_deref() == Some(community)
            && e.record.submission == Some(version)
    })
}

/// Builds the receipt for one submission.
pub fn build(
    issuer: &Issuer<'_>,
    community: &Community,
    (sub, m, cov): (&Submission, &Manifest, &Coverage),
    date: NaiveDate,
) -> Draft {
    let name = full_name(community);
    // "\n" breaks the title where the sense allows (GB/T 9704).
    let title = format!("{name}城乡社区治理创新试点\n考评材料提交回执");
    let mut data = issuer.common(&title, &community.name, date);
    data.body = body(issuer, (sub, m, cov));
    data.attachments = vec![summary(m), file_list(m)];
    let mut draft = issuer.draft(
        KIND,
        "huizhi",
        &title,
        &data,
        date,
        &community.name,
        Some(community),
    );
    draft.submission = Some(m.version);
    // One receipt per version: the version is in the file name, so the
    // receipts of two versions never take each other's place.
    draft.file_name = super::file_name(Some(community), &format!("第{}版-{KIND}", m.version));
    draft
}

/// What was received, its root hash, and the standards still lacking
/// evidence.
fn body(issuer: &Issuer<'_>, (sub, m, cov): (&Submission, &Manifest, &Coverage)) -> Vec<Para> {
    let submitter = m
        .submitter
        .as_deref()
        .map(|s| format!("（提交人：{s}）"))
        .unwrap_or_default();
    let missing: Vec<String> = cov
        .missing()
        .map(|s| format!("{} {} 标准{}", s.indicator, s.indicator_name, s.standard))
        .collect();
    let mut body: Vec<Para> = vec![
        Para::from(format!(
            "你社区于 {} 提交的城乡社区治理创新试点考评材料{submitter}已收到，登记为第 {} 版提交，共 {} 个文件、{}。",
            issuer.config.time.show(&sub.time),
            m.version,
            m.file_count,
            size_text(m.total_bytes)
        )),
        Para::from(format!(
            "本次提交的清单根哈希（SHA-256）为 {}。考评时以该版材料为准；清单和每个文件的哈希见附件。",
            grouped_hash(&sub.record.root_hash)
        )),
    ];
    if missing.is_empty() {
        body.push(Para::from("需要材料审核的各条标准均已有材料。"));
    } else {
        body.push(Para::from(format!(
            "以下 {} 条需要材料审核的标准尚无材料，请在考评前补充提交：{}。",
            missing.len(),
            missing.join("；")
        )));
    }
    body
}

/// Attachment 1: per indicator and standard, the file count and bytes.
fn summary(m: &Manifest) -> Attachment {
    let mut per: BTreeMap<(u32, u32), (String, u64, u64)> = BTreeMap::new();
    for f in &m.files {
        let n = crate::catalog::code::number_of(&f.indicator);
        let label = match f.standard {
            Some(s) => format!("{} 标准{s}", f.indicator),
            None => format!("{}（整项）", f.indicator),
        };
        let e = per
            .entry((n, f.standard.unwrap_or(0)))
            .or_insert((label, 0, 0));
        e.1 += 1;
        e.2 += f.size;
    }
    let summary: Vec<Row> = per
        .values()
        .map(|(label, n, bytes)| {
            Row::Plain(vec![
                Cell::from(label.clone()),
                Cell::from(n.to_string()),
                Cell::from(size_text(*bytes)),
            ])
        })
        .collect();
    Attachment {
        name: "材料分类统计".into(),
        table: Some(Table::compact(
            &["指标/标准", "文件数", "大小"],
            &[4.0, 1.5, 2.0],
            summary,
        )),
        ..Attachment::default()
    }
}

/// Attachment 2: every file with its place, size and short hash.
fn file_list(m: &Manifest) -> Attachment {
    let files: Vec<Row> = m
        .files
        .iter()
        .map(|f| {
            Row::Plain(
                std::iter::once(Cell::left(f.placed.clone()))
                    .chain(size_and_hash(f))
                    .collect(),
            )
        })
        .collect();
    Attachment {
        name: "材料文件清单".into(),
        landscape: true,
        table: Some(Table::compact(
            &["文件", "大小", "SHA-256（前12位）"],
            &[9.0, 1.5, 2.6],
            files,
        )),
        ..Attachment::default()
    }
}
