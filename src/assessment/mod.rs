//! Assessment results (考评结果): one verdict per standard and per method
//! that checks it, recorded by assessors on a sheet per community, plus the
//! community facts from which three standards are computed.
//!
//! Stages: [`sheet`] reads and validates a sheet (CSV, TOML or JSON) against
//! the catalog; [`computed`] derives the verdicts that follow from facts;
//! [`score`] turns results into points and a grade under the office's
//! scheme.

pub mod aggregate;
pub mod compare;
pub mod computed;
pub mod finalize;
pub mod level;
pub mod overrule;
pub mod panel;
pub mod score;
pub mod sheet;
pub mod standing;
pub mod store;
pub mod who;

use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::catalog::Method;
pub use crate::event::assessment::Verdict;

impl Verdict {
    /// All verdicts, best first.
    pub const ALL: [Verdict; 3] = [Verdict::Pass, Verdict::Partial, Verdict::Fail];

    /// The verdict as written on sheets and documents.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Pass => "达标",
            Verdict::Partial => "基本达标",
            Verdict::Fail => "未达标",
        }
    }

    /// Parses a verdict as typed (surrounding white space ignored).
    pub fn parse(s: &str) -> Option<Verdict> {
        match s.trim() {
            "达标" => Some(Verdict::Pass),
            "基本达标" => Some(Verdict::Partial),
            "未达标" | "不达标" => Some(Verdict::Fail),
            _ => None,
        }
    }

    /// Whether this verdict calls for rectification.
    pub fn is_shortfall(self) -> bool {
        self != Verdict::Pass
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One result row: a standard, a method, and what the assessor found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultRow {
    /// Canonical indicator code (`Ⅱ-3`).
    pub indicator: String,
    /// Standard number within the indicator.
    pub standard: u32,
    /// The method this row records.
    pub method: Method,
    /// The verdict.
    pub verdict: Verdict,
    /// Optional score for this row, 0–100 (replaces the verdict's points).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// Who assessed.
    #[serde(default)]
    pub assessor: String,
    /// When.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
    /// The problem found, or the reason for an override.
    #[serde(default)]
    pub remark: String,
}

/// Facts about a community from which standards are computed. Sheets may
/// use the English keys or the Chinese ones (quoted in TOML).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Facts {
    /// 居民户数.
    #[serde(default, skip_serializing_if = "Option::is_none", alias = "居民户数")]
    pub households: Option<u32>,
    /// 综合服务设施面积（平方米）.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "综合服务设施面积"
    )]
    pub facility_area: Option<f64>,
    /// 社区社会组织数（个）.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "社区社会组织数"
    )]
    pub social_organisations: Option<u32>,
    /// 持证社工师人数，按年份.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        alias = "持证社工人数"
    )]
    pub certified_social_workers: BTreeMap<String, u32>,
}

impl Facts {
    /// Whether no fact is given.
    pub fn is_empty(&self) -> bool {
        *self == Facts::default()
    }
}

/// A validated assessment of one community.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    /// One row per (standard, method), in catalog order.
    pub results: Vec<ResultRow>,
    /// Community facts, if any were given.
    #[serde(default, skip_serializing_if = "Facts::is_empty")]
    pub facts: Facts,
}

impl Assessment {
    /// The rows that call for rectification, in catalog order.
    pub fn shortfalls(&self) -> impl Iterator<Item = &ResultRow> {
        self.results.iter().filter(|r| r.verdict.is_shortfall())
    }

    /// Distinct assessors, in first-seen order.
    pub fn assessors(&self) -> Vec<&str> {
        let mut seen: Vec<&str> = Vec::new();
        for r in &self.results {
            let a = r.assessor.trim();
            if !a.is_empty() && !seen.contains(&a) {
                seen.push(a);
            }
        }
        seen
    }

    /// First and last assessment date, if any row has one.
    pub fn date_range(&self) -> Option<(NaiveDate, NaiveDate)> {
        let mut dates = self.results.iter().filter_map(|r| r.date);
        let first = dates.next()?;
        Some(dates.fold((first, first), |(lo, hi), d| (lo.min(d), hi.max(d))))
    }
}
