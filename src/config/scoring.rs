//! `[scoring]` of `kaoping.toml`: points per verdict, full marks per item
//! and indicator, and the grades, with their check against the catalogue.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{Config, ConfigError};
use crate::catalog::{Level, code};

/// Points (percent of a standard's value) for each verdict.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct VerdictPoints {
    /// 达标.
    #[serde(rename = "达标")]
    pub pass: f64,
    /// 基本达标.
    #[serde(rename = "基本达标")]
    pub partial: f64,
    /// 未达标.
    #[serde(rename = "未达标")]
    pub fail: f64,
}

/// A grade (等次) and what it entitles to.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Grade {
    /// Name, e.g. 优秀.
    pub name: String,
    /// Lowest total score (inclusive) for this grade.
    pub min: f64,
    /// Whether communities of this grade are named pilots.
    pub named: bool,
}

/// The scoring scheme (the source sets no points; this is the office's).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Scoring {
    /// Points per verdict.
    pub points: VerdictPoints,
    /// Full marks per item, keyed by item code.
    pub items: BTreeMap<String, f64>,
    /// Optional full marks per indicator (all of an item's, or none).
    #[serde(default)]
    pub indicators: BTreeMap<String, f64>,
    /// Grades; the first whose `min` the total reaches applies.
    pub grades: Vec<Grade>,
}

impl Config {
    pub(super) fn validate_scoring(&self, path: &Path) -> Result<(), ConfigError> {
        let invalid = |problem: String| ConfigError::Invalid {
            path: path.to_path_buf(),
            problem,
        };
        let catalog = crate::catalog::Catalog::builtin();
        let p = &self.scoring.points;
        for (name, v) in [
            ("达标", p.pass),
            ("基本达标", p.partial),
            ("未达标", p.fail),
        ] {
            if !(0.0..=100.0).contains(&v) {
                return Err(invalid(format!(
                    "[scoring.points] 中“{name}”的得分率 {v} 应在 0—100 之间"
                )));
            }
        }
        for key in self.scoring.items.keys() {
            match catalog.lookup(key) {
                Ok(crate::catalog::Entry::Item(_)) => {}
                _ => {
                    return Err(invalid(format!(
                        "[scoring.items] 中的“{key}”不是考评项目编号，应为 Ⅰ-1、Ⅰ-2、Ⅰ-3、Ⅰ-4"
                    )));
                }
            }
        }
        for it in &catalog.items {
            match self.item_weight(&it.code) {
                Some(w) if w > 0.0 => {}
                _ => {
                    return Err(invalid(format!(
                        "[scoring.items] 缺少“{}”（{}）的分值，或分值不是正数",
                        it.code, it.name
                    )));
                }
            }
        }
        for key in self.scoring.indicators.keys() {
            if catalog.indicator(key).is_err() {
                return Err(invalid(format!(
                    "[scoring.indicators] 中的“{key}”不是考评指标编号（Ⅱ-1—Ⅱ-17）"
                )));
            }
        }
        for it in &catalog.items {
            let given: Vec<_> = it
                .indicators
                .iter()
                .map(|ind| self.indicator_weight_override(&ind.code))
                .collect();
            if given.iter().all(Option::is_none) {
                continue;
            }
            if given.iter().any(Option::is_none) {
                return Err(invalid(format!(
                    "[scoring.indicators] 写了 {} 下的部分指标分值，请写全该项目下的所有指标，或全部删去",
                    it.code
                )));
            }
            let sum: f64 = given.iter().flatten().sum();
            let item = self.item_weight(&it.code).unwrap_or(0.0);
            if (sum - item).abs() > 1e-6 {
                return Err(invalid(format!(
                    "[scoring.indicators] 中 {} 下各指标分值合计 {sum}，与 [scoring.items] 中该项目的分值 {item} 不等",
                    it.code
                )));
            }
        }
        if self.scoring.grades.is_empty() || !self.scoring.grades.iter().any(|g| g.min <= 0.0) {
            return Err(invalid(
                "[[scoring.grades]] 中至少要有一个 min = 0 的等次，使任何总分都有等次".into(),
            ));
        }
        Ok(())
    }

    /// Full marks of an item (any accepted form of its code as key).
    pub fn item_weight(&self, item_code: &str) -> Option<f64> {
        weight_for(&self.scoring.items, item_code, Level::Item)
    }

    /// Full marks of an indicator when the office set them explicitly.
    pub fn indicator_weight_override(&self, indicator_code: &str) -> Option<f64> {
        weight_for(&self.scoring.indicators, indicator_code, Level::Indicator)
    }
}

/// Finds the weight whose key (a code in any typed form) names `code`.
fn weight_for(weights: &BTreeMap<String, f64>, code: &str, level: Level) -> Option<f64> {
    let want = code::parse(code)?;
    weights
        .iter()
        .find(|(k, _)| code::parse(k).is_some_and(|r| r.number == want.number && r.level == level))
        .map(|(_, v)| *v)
}
