//! The record of a district's 工作方案 or 考评实施细则 filed (the `data` of
//! `district-plan`): which district, which kind, its version and the
//! file in the object store.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::archive::ObjectRef;

/// What a district files (工作步骤1、2; 附件2 说明).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum PlanKind {
    /// 工作方案: every district makes one.
    #[serde(rename = "工作方案")]
    Plan,
    /// 考评实施细则: where a district makes its own.
    #[serde(rename = "考评实施细则")]
    Rules,
}

impl PlanKind {
    /// The printed name.
    pub fn name(self) -> &'static str {
        match self {
            PlanKind::Plan => "工作方案",
            PlanKind::Rules => "考评实施细则",
        }
    }

    /// The kind named `s`.
    pub fn parse(s: &str) -> Option<PlanKind> {
        match s.trim() {
            "工作方案" => Some(PlanKind::Plan),
            "考评实施细则" | "实施细则" => Some(PlanKind::Rules),
            _ => None,
        }
    }
}

/// One version of a district's document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanFiled {
    /// The district (Attachment 1's name).
    pub district: String,
    /// 工作方案 or 考评实施细则.
    pub kind: PlanKind,
    /// Version of this district's document of this kind, from 1.
    pub version: u32,
    /// The document's date (成文日期) as the district gives it.
    pub date: NaiveDate,
    /// The file's name as uploaded.
    pub file: String,
    /// The file in the object store.
    pub object: ObjectRef,
}
