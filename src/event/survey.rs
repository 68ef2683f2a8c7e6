//! The survey records of the log: the `data` of each kind and the values
//! it holds. The survey module re-exports them where they used to live.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The `data` of a `survey-copies` record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CopiesIssued {
    /// Community id.
    pub community: String,
    /// The copies, in serial order.
    pub copies: Vec<IssuedCopy>,
}

/// One issued copy, as the log keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedCopy {
    /// 问卷编号.
    pub number: String,
    /// The 考评点 it is handed out at.
    pub point: String,
    /// SHA-256 (hex) of its link token.
    pub token_sha256: String,
}

/// The `data` of a `survey-answer` record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerRecord {
    /// 问卷编号.
    pub number: String,
    /// Community id.
    pub community: String,
    /// Web or paper.
    pub channel: Channel,
    /// Item id → the chosen choice's text (unanswered items absent).
    pub answers: BTreeMap<String, String>,
    /// The open answer, as written.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub open: String,
    /// Seconds from opening the page to sending it (web only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seconds: Option<u32>,
    /// Why the answer does not count, if it does not (e.g. too fast).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invalid: Option<String>,
}

/// How an answer came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Channel {
    /// Through the copy's web link.
    #[serde(rename = "网页")]
    Web,
    /// Entered by a clerk from the paper copy.
    #[serde(rename = "纸质")]
    Paper,
    /// Through a per-point open link (no copy number; lower trust).
    #[serde(rename = "开放链接")]
    OpenLink,
}

/// The `data` of a `survey-entry` record: one clerk's entry of a copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Who entered it (the web account, or `--clerk` on the command line).
    pub clerk: String,
    /// The answer as this clerk entered it.
    pub answer: AnswerRecord,
}

/// The `data` of a `survey-close` record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closed {
    /// Community id.
    pub community: String,
    /// Why.
    pub by: ClosedBy,
}

/// Why a survey was closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClosedBy {
    /// The office closed it.
    #[serde(rename = "考评办关闭")]
    Office,
    /// Its verdicts were recorded at a level.
    #[serde(rename = "记录问卷结论")]
    Recorded,
    /// Its 问卷调查统计表 was issued.
    #[serde(rename = "印发统计表")]
    Issued,
}

/// The `data` of a `survey-open-link` record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenLink {
    /// Community id.
    pub community: String,
    /// The 考评点.
    pub point: String,
    /// SHA-256 of the link token (empty when disabling).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub token_sha256: String,
    /// Enabled (a new link) or disabled (the point's link ends).
    pub enabled: bool,
}

/// The `data` of a `survey-open-answer` record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenAnswer {
    /// The 考评点.
    pub point: String,
    /// SHA-256 of the link token answered through.
    pub link_sha256: String,
    /// SHA-256 of the device cookie.
    pub device_sha256: String,
    /// The answer (its `number` is empty).
    pub answer: AnswerRecord,
}

/// The data of a questionnaire put in use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionnaireSet {
    /// SHA-256 of its TOML bytes.
    pub sha256: String,
    /// How many assessment questions it asks.
    pub questions: usize,
    /// The file it came from, as given.
    pub source: String,
}
