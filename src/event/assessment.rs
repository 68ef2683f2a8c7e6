//! The assessment records of the log: the `data` of each kind and the values
//! it holds. The assessment module re-exports them where they used to live.

use serde::{Deserialize, Serialize};

use super::archive::ObjectRef;
use crate::catalog::Method;

/// The `data` of an assessment's log record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssessmentRecord {
    /// Community id.
    pub community: String,
    /// Version of this community's results, from 1.
    pub version: u32,
    /// File name of the sheet as imported.
    pub sheet: String,
    /// Evidence submission version the 材料审核 rows were checked against
    /// (0 when the community had handed nothing in).
    pub evidence_version: u32,
    /// Root hash of that submission (empty when none).
    pub evidence_root_hash: String,
    /// The sheet's bytes, then the validated results (JSON).
    pub objects: Vec<ObjectRef>,
    /// Who assessed: a record without one (before levels existed) is the
    /// city's final result.
    #[serde(default, skip_serializing_if = "Level::is_final")]
    pub level: Level,
    /// The expert's account, for 专家评估.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expert: Option<String>,
    /// Verdicts the office overrode in this version, with the reasons.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overrides: Vec<Override>,
}

/// Who assessed.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
pub enum Level {
    /// The community's own check.
    #[serde(rename = "社区自查")]
    SelfCheck,
    /// The district's preliminary assessment.
    #[serde(rename = "县区初评")]
    District,
    /// One expert's assessment.
    #[serde(rename = "专家评估")]
    Expert,
    /// The city's final result (what documents are made from).
    #[default]
    #[serde(rename = "最终")]
    Final,
}

/// A level sent back, as the log keeps it: the level's submission is
/// reopened and may be submitted again (a new version).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Returned {
    /// Community id.
    pub community: String,
    /// The level returned.
    pub level: Level,
    /// Why.
    pub reason: String,
}

/// One overridden verdict, as the record keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Override {
    /// Indicator code.
    pub indicator: String,
    /// Standard number.
    pub standard: u32,
    /// Method.
    pub method: Method,
    /// The verdict before.
    pub from: Verdict,
    /// The verdict after.
    pub to: Verdict,
    /// Why.
    pub reason: String,
}

/// An assessor's verdict on one standard by one method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Verdict {
    /// 达标: meets the standard.
    #[serde(rename = "达标")]
    Pass,
    /// 基本达标: mostly meets it; to be rectified.
    #[serde(rename = "基本达标")]
    Partial,
    /// 未达标: does not meet it.
    #[serde(rename = "未达标")]
    Fail,
}
