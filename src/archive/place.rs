//! Stage 2 of ingest: map each candidate's first folder to an indicator
//! and its second folder to a standard, accepting the scaffold's names and
//! the forms people type. Every file that cannot be placed is reported
//! (with the nearest indicator as a hint), never silently dropped.

use std::collections::BTreeMap;

use super::collect::Candidate;
use super::layout::{self, standard_folder};
use super::relpath::{RelPath, escape_percent};
use super::store::Digest;
use crate::catalog::{Catalog, Indicator};

/// A candidate with its place in the evidence tree.
#[derive(Debug, Clone)]
pub struct Placed {
    /// The candidate.
    pub file: Candidate,
    /// The indicator's code, e.g. `Ⅱ-1`.
    pub indicator: String,
    /// The standard, if the file sits in a standard's folder.
    pub standard: Option<u32>,
    /// Canonical path: `Ⅱ-01 名称/标准1/rest`.
    pub placed: String,
    /// If the file may be the scaffold's unchanged 说明.txt, the digest it
    /// would have; such a file is left out after hashing.
    pub scaffold_note: Option<Digest>,
}

/// The outcome of placing.
#[derive(Debug, Default)]
pub struct Placement {
    /// Files with their place.
    pub placed: Vec<Placed>,
    /// Files that cannot be placed, one each.
    pub problems: Vec<PlaceProblem>,
}

/// Why a file cannot be placed: the file's path as handed in, and what is
/// wrong with it. `Display` writes the Chinese sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlaceProblem {
    /// The file is not in any folder.
    #[error(
        "“{rel}”：放在最外层，无法判断属于哪项指标；请放进对应指标的文件夹{}",
        hint_text(nearest)
    )]
    AtTop {
        /// The file.
        rel: RelPath,
        /// The indicator folder whose name is nearest to the file's.
        nearest: Option<String>,
    },
    /// The first folder names no indicator.
    #[error("“{rel}”：文件夹“{folder}”不是考评指标{}", hint_text(nearest))]
    NotAnIndicator {
        /// The file.
        rel: RelPath,
        /// The folder as shown.
        folder: String,
        /// The indicator folder whose name is nearest.
        nearest: Option<String>,
    },
    /// The second folder names no standard of the indicator.
    #[error(
        "“{rel}”：文件夹“{folder}”不是指标 {indicator} 的考评标准；该指标有标准1至标准{standards}，请用“标准1”这样的文件夹名"
    )]
    NotAStandard {
        /// The file.
        rel: RelPath,
        /// The folder as shown.
        folder: String,
        /// The indicator's code.
        indicator: String,
        /// How many standards it has.
        standards: usize,
    },
    /// Two files land on the same place.
    #[error("“{rel}”与“{first}”归到同一位置“{placed}”；请删去或改名其中一个")]
    SamePlace {
        /// The later file.
        rel: RelPath,
        /// The earlier one.
        first: RelPath,
        /// The place both map to.
        placed: String,
    },
}

fn hint_text(nearest: &Option<String>) -> String {
    match nearest {
        Some(folder) => format!("（最接近的指标：{folder}）"),
        None => String::new(),
    }
}

/// Parses a standard folder name: `标准1`, `标准 1`, `第1条`, `标准一`,
/// `1`, `1 会议记录`, `standard-1`; the number may be followed by text.
pub fn parse_standard(name: &str) -> Option<u32> {
    let s: String = name
        .trim()
        .chars()
        .map(|c| match c {
            '\u{FF10}'..='\u{FF19}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            c => c,
        })
        .collect();
    let lower = s.to_lowercase();
    let mut rest = lower.as_str();
    for prefix in ["考评标准", "标准", "standard", "std"] {
        if let Some(r) = rest.strip_prefix(prefix) {
            rest = r;
            break;
        }
    }
    rest = rest.trim_start_matches([' ', '-', '_', '.', '—', '第']);
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let (number, after) = if !digits.is_empty() {
        (digits.parse().ok()?, &rest[digits.len()..])
    } else {
        let c = rest.chars().next()?;
        let n = "一二三四五六七八九十".chars().position(|d| d == c)? as u32 + 1;
        (n, &rest[c.len_utf8()..])
    };
    let after = after.strip_prefix('条').unwrap_or(after);
    // "1" followed by more digits or a letter is not a standard number.
    if after.starts_with(|c: char| c.is_ascii_alphanumeric()) || number == 0 {
        return None;
    }
    Some(number)
}

fn nearest(catalog: &Catalog, name: &str) -> Option<String> {
    catalog.nearest_indicator(name).map(|ind| ind.folder_name())
}

fn rest_path(rel: &RelPath, from: usize) -> String {
    rel.components()[from..]
        .iter()
        .map(|c| escape_percent(c))
        .collect::<Vec<_>>()
        .join("/")
}

/// Places every candidate.
pub fn place(catalog: &Catalog, files: Vec<Candidate>) -> Placement {
    let mut out = Placement::default();
    for file in files {
        let rel = file.rel.clone();
        if rel.len() < 2 {
            out.problems.push(PlaceProblem::AtTop {
                nearest: nearest(catalog, &rel.component_display(0)),
                rel,
            });
            continue;
        }
        let top = rel.component_display(0);
        let ind: &Indicator = match catalog.indicator(&top) {
            Ok((_, ind)) if std::str::from_utf8(&rel.components()[0]).is_ok() => ind,
            _ => {
                out.problems.push(PlaceProblem::NotAnIndicator {
                    nearest: nearest(catalog, &top),
                    folder: top,
                    rel,
                });
                continue;
            }
        };
        if rel.len() == 2 {
            out.placed.push(Placed {
                placed: format!("{}/{}", ind.folder_name(), rest_path(&rel, 1)),
                indicator: ind.code.clone(),
                standard: None,
                scaffold_note: None,
                file,
            });
            continue;
        }
        let second = rel.component_display(1);
        let Some(std) = parse_standard(&second).and_then(|n| ind.standard(n)) else {
            out.problems.push(PlaceProblem::NotAStandard {
                rel,
                folder: second,
                indicator: ind.code.clone(),
                standards: ind.standards.len(),
            });
            continue;
        };
        let note = layout::note_text(ind, std);
        let scaffold_note = (rel.len() == 3
            && rel.file_name() == Some(layout::NOTE_FILE.as_bytes())
            && file.size == note.len() as u64)
            .then(|| Digest::of(note.as_bytes()));
        out.placed.push(Placed {
            placed: format!(
                "{}/{}/{}",
                ind.folder_name(),
                standard_folder(std.number),
                rest_path(&rel, 2)
            ),
            indicator: ind.code.clone(),
            standard: Some(std.number),
            scaffold_note,
            file,
        });
    }
    // Two files that land on the same place would make the export
    // ambiguous.
    let mut seen: BTreeMap<&str, &RelPath> = BTreeMap::new();
    for p in &out.placed {
        if let Some(first) = seen.insert(&p.placed, &p.file.rel) {
            out.problems.push(PlaceProblem::SamePlace {
                rel: p.file.rel.clone(),
                first: first.clone(),
                placed: p.placed.clone(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_names_people_type() {
        for (s, n) in [
            ("标准1", 1),
            ("标准 2", 2),
            ("第3条", 3),
            ("标准三", 3),
            ("1", 1),
            ("2 会议记录", 2),
            ("Standard-4", 4),
            ("标准１", 1),
        ] {
            assert_eq!(parse_standard(s), Some(n), "{s}");
        }
        for s in ["会议记录", "标准", "0", "12abc"] {
            assert_eq!(parse_standard(s), None, "{s}");
        }
    }
}
