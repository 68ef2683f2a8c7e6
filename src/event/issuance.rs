//! The issuance records of the log: the `data` of each kind and the values
//! it holds. The issuance module re-exports them where they used to live.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::archive::ObjectRef;

/// The register entry of an issued document (the `data` of its log line).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedRecord {
    /// The document or certificate number as printed.
    pub number: String,
    /// Sequence it was drawn from.
    pub sequence: Sequence,
    /// Year of the sequence.
    pub year: i32,
    /// Serial within sequence and year (0 for a given number).
    pub serial: u32,
    /// Kind, e.g. 考评报告, 整改通知书, 命名证书.
    pub kind: DocKind,
    /// Title.
    pub title: String,
    /// Main recipient (主送) or the named community.
    pub recipient: String,
    /// Community id, when the document concerns one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub community: Option<String>,
    /// The district that sent it, for a district's own document (初评情况报告).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub district: Option<String>,
    /// 成文日期.
    pub date: NaiveDate,
    /// Issuing organ(s).
    pub organs: Vec<String>,
    /// Suggested file name of the PDF.
    pub file_name: String,
    /// A naming beyond the district's quota, with the office's reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub over_quota: Option<String>,
    /// The submission version the document acknowledges (receipts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submission: Option<u32>,
    /// Objects this record references (the PDF, its detached SM2
    /// signatures, its OFD), for `verify`.
    pub objects: Vec<ObjectRef>,
    /// SHA-256 (hex) of the OFD among `objects`, when one was issued.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ofd: Option<String>,
    /// The templates the PDF was rendered from, with their hashes and
    /// whether each was built in or an override in the archive (absent in
    /// records made before this was kept).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub templates: Vec<TemplateUse>,
    /// The number of the document this one was issued under (a 命名证书
    /// under its 命名决定).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basis: Option<String>,
}

/// The number sequence a document's serial is drawn from. The register
/// writes it as text: the prefix of a 发文字号, `证书:` and the prefix of a
/// certificate number, nothing for a number given by the caller.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum Sequence {
    /// A number given by the caller: no sequence.
    Given,
    /// 发文字号 of this prefix.
    Document(String),
    /// Certificate numbers of this prefix.
    Certificate(String),
}

/// The kinds of document the register holds. The office's own
/// documents made with `kaoping render` may name any other kind.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum DocKind {
    /// 考评报告.
    #[serde(rename = "考评报告")]
    Report,
    /// 整改通知书.
    #[serde(rename = "整改通知书")]
    Notice,
    /// 命名证书.
    #[serde(rename = "命名证书")]
    Certificate,
    /// 材料提交回执.
    #[serde(rename = "材料提交回执")]
    Receipt,
    /// 进度汇总表.
    #[serde(rename = "进度汇总表")]
    Progress,
    /// 申报汇总表.
    #[serde(rename = "申报汇总表")]
    Applications,
    /// 初评情况报告 (a district's 上行文).
    #[serde(rename = "初评情况报告")]
    Preliminary,
    /// Any other kind, as named (e.g. 通知).
    #[serde(untagged)]
    Other(String),
}

/// One template a document was rendered from, as recorded in the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateUse {
    /// File name, e.g. `jindu.typ.j2` or `gongwen.typ`.
    pub name: String,
    /// SHA-256 (hex) of the text used.
    pub sha256: String,
    /// Built-in or an override.
    pub origin: Origin,
}

/// Where a template's text came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// Built into the program.
    Builtin,
    /// A file in the archive's `templates/` folder.
    Override,
}

/// The data of a document check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentCheck {
    /// SHA-256 of the checked PDF.
    pub sha256: String,
    /// The number it is registered under, if it is.
    pub registered: Option<String>,
}

/// A number held for a document while it is rendered outside the writer
/// lock: what the register would show for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReservedNumber {
    /// The number as it will be printed.
    pub number: String,
    /// Sequence it was drawn from.
    pub sequence: Sequence,
    /// Year of the sequence.
    pub year: i32,
    /// Serial within sequence and year (0 for a given number).
    pub serial: u32,
    /// The kind of document it is for.
    pub kind: DocKind,
    /// The document's title.
    pub title: String,
    /// Its main recipient.
    pub recipient: String,
}

/// Numbers reserved for a batch being rendered: used by the batch's
/// `document` records, or given back or voided (作废) by a later record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reservation {
    /// The reservation's id (random hex).
    pub id: String,
    /// The numbers, in the batch's order.
    pub numbers: Vec<ReservedNumber>,
    /// Until when it holds (RFC 3339, UTC); a reservation not used by then
    /// is voided by whoever next numbers a document.
    pub until: String,
    /// The process that holds it (pid, host), for the reason of a void.
    pub holder: String,
}

/// Reserved numbers voided (作废): never used, never given out again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Voided {
    /// The reservation they were held by.
    pub reservation: String,
    /// The numbers.
    pub numbers: Vec<ReservedNumber>,
    /// Why (printed in the register).
    pub reason: String,
}

/// A reservation given back unused while no later number had been drawn
/// from its sequences, so that its numbers are drawn again with no gap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Returned {
    /// The reservation.
    pub reservation: String,
    /// Why it was not used.
    pub reason: String,
}
