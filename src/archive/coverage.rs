//! Coverage of a submission: for every standard checked by 材料审核, the
//! files that back it, so the office sees at a glance what is missing.

use serde::Serialize;

use super::manifest::Manifest;
use crate::catalog::Catalog;

/// One standard's coverage.
#[derive(Debug, Clone, Serialize)]
pub struct StandardCoverage {
    /// Indicator code, e.g. `Ⅱ-1`.
    pub indicator: String,
    /// Indicator name.
    pub indicator_name: String,
    /// Standard number.
    pub standard: u32,
    /// Standard text.
    pub text: String,
    /// Files in the standard's folder (their places in the tree).
    pub files: Vec<String>,
}

/// Coverage of one submission version.
#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    /// Community id.
    pub community: String,
    /// Version examined.
    pub version: u32,
    /// Standards checked by 材料审核, in catalog order.
    pub standards: Vec<StandardCoverage>,
    /// Files handed in for an indicator as a whole.
    pub indicator_files: Vec<IndicatorFiles>,
}

/// Files that belong to an indicator as a whole (not to one standard).
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorFiles {
    /// Indicator code.
    pub indicator: String,
    /// The files' places in the tree.
    pub files: Vec<String>,
}

impl Coverage {
    /// Standards without any file.
    pub fn missing(&self) -> impl Iterator<Item = &StandardCoverage> {
        self.standards.iter().filter(|s| s.files.is_empty())
    }
}

/// Computes the coverage of `m`.
pub fn coverage(catalog: &Catalog, m: &Manifest) -> Coverage {
    let mut standards = Vec::new();
    let mut indicator_files = Vec::new();
    for (_, ind) in catalog.indicators() {
        let whole: Vec<String> = m
            .files
            .iter()
            .filter(|f| f.indicator == ind.code && f.standard.is_none())
            .map(|f| f.placed.clone())
            .collect();
        if !whole.is_empty() {
            indicator_files.push(IndicatorFiles {
                indicator: ind.code.clone(),
                files: whole,
            });
        }
        for std in ind.material_standards() {
            standards.push(StandardCoverage {
                indicator: ind.code.clone(),
                indicator_name: ind.name.clone(),
                standard: std.number,
                text: std.text.clone(),
                files: m
                    .files
                    .iter()
                    .filter(|f| f.indicator == ind.code && f.standard == Some(std.number))
                    .map(|f| f.placed.clone())
                    .collect(),
            });
        }
    }
    Coverage {
        community: m.community.id.clone(),
        version: m.version,
        standards,
        indicator_files,
    }
}
