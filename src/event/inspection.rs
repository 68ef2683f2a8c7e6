//! The 督查 and 调研 records of the log (the `data` of `inspection`): what
//! the office or a district inspected or learned during 试点创建, who went,
//! what was found in which community, and the evidence. A finding with a
//! problem opens a rectification item in the same log write.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::archive::ObjectRef;

/// The kinds the work plan names (工作步骤 2, 工作要求（四）).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum InspectionKind {
    /// 专项督查, on a theme (e.g. 社区综合服务设施).
    #[serde(rename = "专项督查")]
    Special,
    /// 定期调研.
    #[serde(rename = "定期调研")]
    Regular,
    /// 不定期调研.
    #[serde(rename = "不定期调研")]
    Occasional,
}

impl InspectionKind {
    /// Every kind, in the order people read them.
    pub const ALL: [InspectionKind; 3] = [
        InspectionKind::Special,
        InspectionKind::Regular,
        InspectionKind::Occasional,
    ];

    /// The printed name.
    pub fn name(self) -> &'static str {
        match self {
            InspectionKind::Special => "专项督查",
            InspectionKind::Regular => "定期调研",
            InspectionKind::Occasional => "不定期调研",
        }
    }

    /// The kind named `s` (its printed name).
    pub fn parse(s: &str) -> Option<InspectionKind> {
        Self::ALL.into_iter().find(|k| k.name() == s.trim())
    }

    /// The prefix of its record ids: `DC` for a 督查, `DY` for a 调研.
    pub fn prefix(self) -> &'static str {
        match self {
            InspectionKind::Special => "DC",
            _ => "DY",
        }
    }
}

/// How the problem came to be known.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Way {
    /// 实地: someone went there.
    #[default]
    #[serde(rename = "实地")]
    OnSite,
    /// 电话或书面: learned by phone or from a report, without a visit.
    #[serde(rename = "电话或书面")]
    Remote,
}

impl Way {
    /// The printed name.
    pub fn name(self) -> &'static str {
        match self {
            Way::OnSite => "实地",
            Way::Remote => "电话或书面",
        }
    }
}

/// What was found in one community.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Community id.
    pub community: String,
    /// Indicator code (`Ⅱ-2`), where the finding concerns one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indicator: Option<String>,
    /// Standard number within the indicator, where it concerns one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standard: Option<u32>,
    /// Whether it is a problem to be fixed (it then opens an item).
    pub problem: bool,
    /// What was found.
    pub text: String,
    /// For a problem: the rectification item it opened, or the open item
    /// that already listed the same problem (one problem, one item).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
}

/// One 督查 or 调研 (the `data` of `inspection`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InspectionRecord {
    /// Id: `DC001` (督查) or `DY001` (调研).
    pub id: String,
    /// Its kind.
    pub kind: InspectionKind,
    /// On site, or by phone or from a report.
    #[serde(default)]
    pub way: Way,
    /// The theme (a 专项督查 always has one).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub theme: String,
    /// The day it took place.
    pub date: NaiveDate,
    /// The accounts who went (or who learned of it).
    pub by: Vec<String>,
    /// Districts covered.
    pub districts: Vec<String>,
    /// Communities covered.
    pub communities: Vec<String>,
    /// What was found.
    pub findings: Vec<Finding>,
    /// 整改期限 of the problems found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<NaiveDate>,
    /// Evidence file names (photos, documents), in the order of `objects`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<String>,
    /// The evidence in the object store.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub objects: Vec<ObjectRef>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Event;

    /// The line of an `inspection` record, pinned: a field renamed,
    /// reordered or dropped shows up here.
    #[test]
    fn an_inspection_line_is_pinned() {
        let d = |m, day| NaiveDate::from_ymd_opt(2019, m, day).unwrap();
        let event = Event::Inspection(InspectionRecord {
            id: "DC001".into(),
            kind: InspectionKind::Special,
            way: Way::OnSite,
            theme: "社区综合服务设施".into(),
            date: d(3, 15),
            by: vec!["dcy".into()],
            districts: vec!["五华区".into()],
            communities: vec!["WH-001".into()],
            findings: vec![Finding {
                community: "WH-001".into(),
                indicator: Some("Ⅱ-2".into()),
                standard: Some(1),
                problem: true,
                text: "活动室被挪作他用".into(),
                item: Some("ZG001".into()),
            }],
            deadline: Some(d(6, 30)),
            files: vec!["现场.jpg".into()],
            objects: vec![ObjectRef {
                sha256: "ab".into(),
                size: 3,
                sm3: None,
            }],
        });
        let want = r#"{"kind":"inspection","data":{"id":"DC001","kind":"专项督查","way":"实地","theme":"社区综合服务设施","date":"2019-03-15","by":["dcy"],"districts":["五华区"],"communities":["WH-001"],"findings":[{"community":"WH-001","indicator":"Ⅱ-2","standard":1,"problem":true,"text":"活动室被挪作他用","item":"ZG001"}],"deadline":"2019-06-30","files":["现场.jpg"],"objects":[{"sha256":"ab","size":3}]}}"#;
        assert_eq!(serde_json::to_string(&event).unwrap(), want);
        assert_eq!(serde_json::from_str::<Event>(want).unwrap(), event);
        // A 调研 by phone, with no theme and nothing found to fix.
        let line = r#"{"kind":"inspection","data":{"id":"DY001","kind":"不定期调研","way":"电话或书面","date":"2019-04-01","by":["dcy"],"districts":["五华区"],"communities":["WH-001"],"findings":[]}}"#;
        let Event::Inspection(r) = serde_json::from_str::<Event>(line).unwrap() else {
            panic!("not an inspection");
        };
        assert_eq!(
            (r.kind, r.way, r.deadline),
            (InspectionKind::Occasional, Way::Remote, None)
        );
    }
}
