//! Coverage of a submission: for every standard checked by 材料审核, the
//! files that back it, so the office sees at a glance what is missing.

use serde::Serialize;

use super::manifest::Manifest;
use crate::catalog::Catalog;
use crate::event::street::StreetEvidence;

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
    /// Files its 街道（乡镇） handed in for all its pilot communities, each
    /// marked with the 街道's name; they count as the community's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shared: Vec<String>,
}

impl StandardCoverage {
    /// Whether any file, the community's own or its 街道's, backs it.
    pub fn covered(&self) -> bool {
        !self.files.is_empty() || !self.shared.is_empty()
    }
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
        self.standards.iter().filter(|s| !s.covered())
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
                shared: Vec::new(),
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
/// Adds a 街道's `shared` evidence to a community's coverage: each file
/// counts for its standard, marked with the 街道's name.
pub fn with_shared(mut cov: Coverage, shared: Option<&StreetEvidence>) -> Coverage {
    let Some(shared) = shared else {
        return cov;
    };
    for s in &mut cov.standards {
        s.shared.extend(
            shared
                .files
                .iter()
                .filter(|f| f.indicator == s.indicator && f.standard == s.standard)
                .map(|f| format!("{}（{}共享）", f.placed, shared.street)),
        );
    }
    cov
}

/// One standard of the folder structure.
#[derive(Debug, Serialize)]
pub struct StandardView {
    /// Folder name.
    pub folder: String,
    /// Standard number.
    pub number: u32,
    /// Standard text (or indicator name).
    pub text: String,
    /// Its methods, joined.
    pub methods: String,
    /// Whether it is checked by 材料审核.
    pub material: bool,
    /// Files backing it (None without a submission).
    pub files: Option<usize>,
    /// Files its 街道（乡镇） handed in for it (shared).
    pub shared: usize,
}

/// One indicator of the folder structure, with coverage when known.
#[derive(Debug, Serialize)]
pub struct IndicatorView {
    /// Folder name.
    pub folder: String,
    /// Indicator code.
    pub code: String,
    /// Indicator name.
    pub name: String,
    /// Its standards.
    pub standards: Vec<StandardView>,
    /// Files backing it (None without a submission).
    pub files: usize,
    /// Bytes of its files.
    pub bytes: u64,
}

/// The evidence folders of the catalog — indicators and standards with
/// their text and methods — with each standard's file count in `m`
/// (the community pages show this), and its 街道's `shared` files.
pub fn structure(m: Option<&Manifest>, shared: Option<&StreetEvidence>) -> Vec<IndicatorView> {
    let catalog = Catalog::builtin();
    let cov = m.map(|m| coverage(catalog, m));
    catalog
        .indicators()
        .map(|(_, ind)| {
            let in_ind: Vec<_> = m
                .map(|m| m.files.iter().filter(|f| f.indicator == ind.code).collect())
                .unwrap_or_default();
            IndicatorView {
                folder: ind.folder_name(),
                code: ind.code.clone(),
                name: ind.name.clone(),
                files: in_ind.len(),
                bytes: in_ind.iter().map(|f| f.size).sum(),
                standards: ind
                    .standards
                    .iter()
                    .map(|s| StandardView {
                        folder: crate::archive::layout::standard_folder(s.number),
                        number: s.number,
                        text: s.text.clone(),
                        methods: s
                            .methods
                            .iter()
                            .map(|m| m.name())
                            .collect::<Vec<_>>()
                            .join("、"),
                        material: s.needs_material(),
                        files: cov.as_ref().and_then(|c| {
                            c.standards
                                .iter()
                                .find(|x| x.indicator == ind.code && x.standard == s.number)
                                .map(|x| x.files.len())
                        }),
                        shared: shared.map_or(0, |e| {
                            e.files
                                .iter()
                                .filter(|f| f.indicator == ind.code && f.standard == s.number)
                                .count()
                        }),
                    })
                    .collect(),
            }
        })
        .collect()
}

/// A standard of 材料审核 without evidence in a version.
#[derive(Debug, Serialize)]
pub struct MissingStandard {
    /// Its indicator's code.
    pub code: String,
    /// Its indicator's name.
    pub name: String,
    /// Its number within the indicator.
    pub number: u32,
    /// Its text.
    pub text: String,
}

/// The standards of 材料审核 in `tree` that have no file of their own and
/// none shared by the 街道.
pub fn missing_standards(tree: &[IndicatorView]) -> Vec<MissingStandard> {
    tree.iter()
        .flat_map(|i| {
            i.standards
                .iter()
                .filter(|s| s.material && s.files == Some(0) && s.shared == 0)
                .map(move |s| MissingStandard {
                    code: i.code.clone(),
                    name: i.name.clone(),
                    number: s.number,
                    text: s.text.clone(),
                })
        })
        .collect()
}

/// Standards of 材料审核 in `tree`, and how many of them have no file.
pub fn material_counts(tree: &[IndicatorView]) -> (usize, usize) {
    let material: Vec<_> = tree
        .iter()
        .flat_map(|i| &i.standards)
        .filter(|s| s.material)
        .collect();
    let missing = material
        .iter()
        .filter(|s| s.files.unwrap_or(0) + s.shared == 0)
        .count();
    (material.len(), missing)
}
