//! The rectify records of the log: the `data` of each kind and the values
//! it holds. The rectify module re-exports them where they used to live.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::archive::ObjectRef;
use super::assessment::{Level, Verdict};
use crate::catalog::Method;

/// An item as opened by its notice (the `data` of `rectify-open`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Opened {
    /// Item id, `ZG001` …
    pub id: String,
    /// Community id.
    pub community: String,
    /// The notice's number.
    pub notice: String,
    /// The notice's deadline.
    pub deadline: NaiveDate,
    /// The problem.
    #[serde(flatten)]
    pub problem: Problem,
    /// What found the problem: the assessment (the default, not written)
    /// or a 督查 or 调研 (then `notice` is its record's id).
    #[serde(default, skip_serializing_if = "Source::is_assessment")]
    pub source: Source,
}

/// What found a rectification item's problem.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Source {
    /// 评估验收: a 整改通知书 made from the assessment.
    #[default]
    #[serde(rename = "评估验收")]
    Assessment,
    /// A 督查 during 试点创建.
    #[serde(rename = "督查")]
    Inspection,
    /// A 调研 (a visit, a call or a report).
    #[serde(rename = "调研")]
    Research,
}

impl Source {
    /// Whether it is the assessment (the default).
    pub fn is_assessment(&self) -> bool {
        *self == Source::Assessment
    }

    /// The printed name.
    pub fn name(self) -> &'static str {
        match self {
            Source::Assessment => "评估验收",
            Source::Inspection => "督查",
            Source::Research => "调研",
        }
    }
}

/// A community's answer to an item (the `data` of `rectify-answer`):
/// what was done and the evidence, each answer a new version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    /// Item id.
    pub id: String,
    /// Community id.
    pub community: String,
    /// Answer version of this item, from 1.
    pub version: u32,
    /// What was done.
    pub text: String,
    /// Evidence file names, in the order of `objects`.
    pub files: Vec<String>,
    /// The evidence files in the object store.
    pub objects: Vec<ObjectRef>,
}

/// A re-check (the `data` of `rectify-check`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    /// Item id.
    pub id: String,
    /// Community id.
    pub community: String,
    /// 销号 or 退回.
    pub outcome: Outcome,
    /// The remark (销号) or the reason (退回).
    pub remark: String,
    /// Who.
    pub by: Reviewer,
    /// The assessment version recorded with the closing, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assessment: Option<u32>,
}

/// New deadlines set by a 督办通知 (the `data` of `rectify-extend`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extended {
    /// The 督办通知's number.
    pub notice: String,
    /// The items.
    pub items: Vec<String>,
    /// Their new deadline.
    pub deadline: NaiveDate,
}

/// One problem a notice or a 督查 lists: the standard, how it was
/// assessed, at which level, the verdict and the assessor's remark. A
/// 督查's or 调研's problem has no method, verdict or level, and names an
/// indicator and standard only where it applies (the fields are then
/// absent from the line; an assessment's lines always carry them all).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// Indicator code, e.g. `Ⅱ-2`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indicator: Option<String>,
    /// Standard number within the indicator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standard: Option<u32>,
    /// Assessment method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<Method>,
    /// The verdict that fell short.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<Verdict>,
    /// The level whose result the notice was made from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<Level>,
    /// What the assessor (or the inspector) found.
    pub remark: String,
}

/// The outcome of a re-check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    /// 已整改（销号）.
    #[serde(rename = "已整改（销号）")]
    Closed,
    /// 退回: to be answered again.
    #[serde(rename = "退回")]
    Returned,
}

/// Who re-checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reviewer {
    /// The district, at the 初评 level.
    #[serde(rename = "县区初评")]
    District,
    /// The office.
    #[serde(rename = "考评办")]
    Office,
}

/// What a document of the register opens or moves: a notice opens items,
/// a 督办通知 moves deadlines. Carried by a draft; the rectify area turns
/// it into events, which the register writes in the same log write as the
/// document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FollowUp {
    /// A 整改通知书 opening one item per problem.
    Open {
        /// The deadline.
        deadline: NaiveDate,
        /// The problems.
        problems: Vec<Problem>,
    },
    /// A 督办通知 giving these items a new deadline.
    Extend {
        /// Item ids.
        items: Vec<String>,
        /// The new deadline.
        deadline: NaiveDate,
    },
}
