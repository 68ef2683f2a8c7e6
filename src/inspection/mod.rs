//! 督查 and 调研 during 试点创建 (工作步骤 2, 工作要求（四）): the office's
//! 专项督查 on a theme and its 定期 and 不定期调研, and a district's 调研
//! of its own communities — on site, or learned by phone or from a report.
//! Each is one log record (kind `inspection`) with who went, which
//! districts and communities, what was found, and its evidence in the
//! object store. A finding with a problem opens a rectification item
//! (source 督查 or 调研) in the same log write, so a community has one list
//! of what to fix and naming sees them all.

mod error;
pub mod record;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::archive::log::Record;
use crate::archive::{Archive, ArchiveError};
use crate::event::Event;
use crate::rectify::{Item, Source};

pub use crate::event::inspection::{Finding, InspectionKind, InspectionRecord, Way};
pub use error::InspectionError;

/// Most findings one record holds.
pub const MAX_FINDINGS: usize = 500;
/// Most communities one record covers.
pub const MAX_COMMUNITIES: usize = 200;
/// Most evidence files one record holds.
pub const MAX_FILES: usize = 50;
/// Largest evidence file (bytes).
pub const MAX_FILE_BYTES: u64 = 200 * 1024 * 1024;
/// Longest text of a finding or a theme (characters).
pub const MAX_TEXT: usize = 2000;

/// The rectification-item source a kind's problems carry.
pub fn source_of(kind: InspectionKind) -> Source {
    match kind {
        InspectionKind::Special => Source::Inspection,
        _ => Source::Research,
    }
}

/// One 督查 or 调研 with the items it opened, as they stand now.
#[derive(Debug, Clone, Serialize)]
pub struct Inspection {
    /// As recorded.
    pub record: InspectionRecord,
    /// Who recorded it (the log record's account; none at the console).
    pub recorded_by: Option<String>,
    /// The items its problems went to (opened by it, or open already for
    /// the same problem), in id order.
    pub items: Vec<Item>,
}

impl Inspection {
    /// The id.
    pub fn id(&self) -> &str {
        &self.record.id
    }

    /// How many findings are problems.
    pub fn problems(&self) -> usize {
        self.record.findings.iter().filter(|f| f.problem).count()
    }

    /// How many of its items are not closed.
    pub fn open(&self) -> usize {
        self.items.iter().filter(|i| i.is_open()).count()
    }
}

/// Every 督查 and 调研 of the log `records`, oldest first.
pub fn fold(records: &[Record]) -> Vec<Inspection> {
    let items: BTreeMap<String, Item> = crate::rectify::fold(records);
    records
        .iter()
        .filter_map(|r| match &r.event {
            Event::Inspection(rec) => {
                let ids: BTreeSet<&str> = rec
                    .findings
                    .iter()
                    .filter_map(|f| f.item.as_deref())
                    .collect();
                Some(Inspection {
                    items: ids
                        .into_iter()
                        .filter_map(|id| items.get(id).cloned())
                        .collect(),
                    record: rec.clone(),
                    recorded_by: r.account.clone(),
                })
            }
            _ => None,
        })
        .collect()
}

/// Every 督查 and 调研 of the archive, oldest first.
pub fn all(archive: &Archive) -> Result<Vec<Inspection>, ArchiveError> {
    Ok(fold(&archive.records()?))
}

/// The next id of `kind` after the log `records`: `DC001`, `DY001` …
pub fn next_id(records: &[Record], kind: InspectionKind) -> String {
    let n = records
        .iter()
        .filter(|r| matches!(&r.event, Event::Inspection(i) if i.kind.prefix() == kind.prefix()))
        .count();
    format!("{}{:03}", kind.prefix(), n + 1)
}

/// Reads a finding as people type it: `社区编号:指标-标准:情况`
/// (`WH-001:Ⅱ-2-1:活动室被挪作他用`), `社区编号:指标:情况`, or
/// `社区编号::情况` when no standard applies; full-width colons and
/// `Ⅱ-2 标准1` are accepted too. `problem` says whether it is a problem.
pub fn parse_finding(text: &str, problem: bool) -> Result<Finding, InspectionError> {
    let form = || InspectionError::Form {
        text: text.to_string(),
    };
    let mut parts = text.splitn(3, [':', '：']);
    let (Some(community), Some(code), Some(said)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(form());
    };
    if community.trim().is_empty() || said.trim().is_empty() {
        return Err(form());
    }
    let (indicator, standard) = split_code(code.trim()).ok_or_else(form)?;
    Ok(Finding {
        community: community.trim().to_string(),
        indicator,
        standard,
        problem,
        text: said.trim().to_string(),
        item: None,
    })
}

/// `Ⅱ-2-1` or `Ⅱ-2 标准1` → (`Ⅱ-2`, 1); `Ⅱ-2` → (`Ⅱ-2`, none); `` →
/// (none, none). `None` when the standard is not a number.
fn split_code(code: &str) -> Option<(Option<String>, Option<u32>)> {
    if code.is_empty() {
        return Some((None, None));
    }
    if let Some((ind, st)) = code.split_once("标准") {
        let n = st.trim().parse().ok()?;
        return Some((Some(ind.trim().to_string()), Some(n)));
    }
    let dashes: Vec<(usize, char)> = code
        .char_indices()
        .filter(|(_, c)| matches!(c, '-' | '—' | '－' | '–' | '.'))
        .collect();
    if dashes.len() >= 2
        && let Some(&(at, c)) = dashes.last()
    {
        let n = code[at + c.len_utf8()..].trim().parse().ok()?;
        return Some((Some(code[..at].trim().to_string()), Some(n)));
    }
    Some((Some(code.to_string()), None))
}

#[cfg(test)]
mod tests;
