//! The steps of an item, each one library call the command line and the
//! web share: the community answers (text and evidence files, stored as
//! objects), the district or the office re-checks (销号 or 退回, with an
//! optional new assessment), and the community submits its 整改情况报告.
//! Every step is checked against the item's state first; a refused step
//! writes nothing.

use std::path::Path;

use chrono::NaiveDate;

use super::{Answer, Check, Item, Outcome, RectifyError, Reviewer, Status};
use crate::archive::lock::WriterLock;
use crate::archive::{Archive, ArchiveError};
use crate::catalog::Catalog;
use crate::community::Community;
use crate::event::Event;

/// An evidence file: the name to keep and where its bytes are now.
#[derive(Debug, Clone)]
pub struct Evidence<'a> {
    /// The file name as the community gave it.
    pub name: String,
    /// Its bytes.
    pub path: &'a Path,
}

/// `community`'s item `id`, refused when it is another community's.
pub fn item_of(archive: &Archive, community: &str, id: &str) -> Result<Item, RectifyError> {
    let item = super::items(archive, None)?
        .into_iter()
        .find(|i| i.id() == id.trim())
        .ok_or_else(|| RectifyError::UnknownItem { id: id.to_string() })?;
    if item.community() != community {
        return Err(RectifyError::NotOfCommunity {
            id: item.id().to_string(),
            community: community.to_string(),
            owner: item.community().to_string(),
        });
    }
    Ok(item)
}

/// The community that an item id belongs to (for the command line, which
/// names the item only).
pub fn community_of(archive: &Archive, id: &str) -> Result<String, RectifyError> {
    super::items(archive, None)?
        .into_iter()
        .find(|i| i.id() == id.trim())
        .map(|i| i.community().to_string())
        .ok_or_else(|| RectifyError::UnknownItem { id: id.to_string() })
}

/// Whether an evidence file's name cannot be kept (empty, a path, a
/// control character or a name the archive refuses).
pub(crate) fn name_is_bad(name: &str) -> bool {
    name.trim().is_empty()
        || name.contains(['/', '\\'])
        || name == "."
        || name == ".."
        || name.chars().any(char::is_control)
        || crate::archive::relpath::name_problem(name.trim().as_bytes()).is_some()
}

fn check_name(name: &str) -> Result<(), RectifyError> {
    if name_is_bad(name) {
        return Err(RectifyError::BadFileName {
            name: name.escape_debug().to_string(),
        });
    }
    Ok(())
}

/// Records `community`'s answer to item `id`: what was done and the
/// evidence, stored in the object store. Refused for an item of another
/// community, a closed item, or one answered and not yet re-checked.
pub fn answer(
    archive: &Archive,
    lock: &WriterLock,
    community: &str,
    id: &str,
    text: &str,
    files: &[Evidence<'_>],
) -> Result<Answer, RectifyError> {
    let item = item_of(archive, community, id)?;
    match item.status {
        Status::Closed => return Err(RectifyError::AlreadyClosed { id: id.into() }),
        Status::Answered => return Err(RectifyError::AlreadyAnswered { id: id.into() }),
        _ => {}
    }
    if text.trim().is_empty() {
        return Err(RectifyError::Empty {
            what: "整改措施和结果",
        });
    }
    for f in files {
        check_name(&f.name)?;
    }
    let read_err = |path: &Path, source| RectifyError::Read {
        path: path.to_path_buf(),
        source,
    };
    let paths = files.iter().map(|f| f.path);
    let objects = crate::archive::put_files(archive, paths, u64::MAX, read_err)?;
    let answer = Answer {
        id: item.id().to_string(),
        community: community.to_string(),
        version: item.answers.len() as u32 + 1,
        text: text.trim().to_string(),
        files: files.iter().map(|f| f.name.trim().to_string()).collect(),
        objects,
    };
    archive
        .log()
        .append(lock, Event::RectifyAnswer(answer.clone()))
        .map_err(ArchiveError::from)?;
    Ok(answer)
}

/// A re-check to record.
#[derive(Debug, Clone, Copy)]
pub struct Recheck<'a> {
    /// 销号 or 退回.
    pub outcome: Outcome,
    /// The remark (销号) or the reason (退回).
    pub remark: &'a str,
    /// Who re-checks.
    pub by: Reviewer,
    /// A new assessment sheet to record with a closing, at the
    /// reviewer's level.
    pub sheet: Option<&'a Path>,
}

/// Re-checks item `id` of `community`: 销号 or 退回. Only an answered
/// item can be re-checked; a closing may record a new assessment sheet
/// at the reviewer's level ([`crate::assessment::store::import_at`]).
pub fn recheck(
    archive: &Archive,
    lock: &WriterLock,
    community: &Community,
    id: &str,
    r: Recheck<'_>,
) -> Result<Check, RectifyError> {
    let item = item_of(archive, &community.id, id)?;
    match item.status {
        Status::Closed => return Err(RectifyError::AlreadyClosed { id: id.into() }),
        Status::Answered => {}
        s => {
            return Err(RectifyError::NotAnswered {
                id: id.into(),
                status: s.name(),
            });
        }
    }
    if r.remark.trim().is_empty() {
        return Err(RectifyError::Empty {
            what: match r.outcome {
                Outcome::Closed => "销号意见",
                Outcome::Returned => "退回理由",
            },
        });
    }
    let assessment = match (r.outcome, r.sheet) {
        (Outcome::Closed, Some(sheet)) => {
            let at = crate::assessment::store::At {
                level: r.by.level(),
                expert: None,
                by: None,
            };
            let stored = crate::assessment::store::import_at(
                archive,
                lock,
                Catalog::builtin(),
                community,
                sheet,
                None,
                at,
            )?;
            Some(stored.record.version)
        }
        _ => None,
    };
    let check = Check {
        id: item.id().to_string(),
        community: community.id.clone(),
        outcome: r.outcome,
        remark: r.remark.trim().to_string(),
        by: r.by,
        assessment,
    };
    archive
        .log()
        .append(lock, Event::RectifyCheck(check.clone()))
        .map_err(ArchiveError::from)?;
    Ok(check)
}

/// The items `community`'s 整改情况报告 reports: every answered item,
/// once every item not closed is answered. Refused when one is still
/// open or returned, or when nothing is answered.
pub fn reportable(archive: &Archive, community: &Community) -> Result<Vec<Item>, RectifyError> {
    let items = super::items(archive, Some(&community.id))?;
    let waiting: Vec<&Item> = items
        .iter()
        .filter(|i| matches!(i.status, Status::Open | Status::Returned))
        .collect();
    if !waiting.is_empty() {
        return Err(RectifyError::Unanswered {
            community: community.id.clone(),
            items: waiting
                .iter()
                .map(|i| format!("{}（{}）", i.summary(), i.status.name()))
                .collect::<Vec<_>>()
                .join("\n  "),
        });
    }
    let answered: Vec<Item> = items
        .into_iter()
        .filter(|i| i.status == Status::Answered)
        .collect();
    if answered.is_empty() {
        return Err(RectifyError::NothingToReport {
            community: community.id.clone(),
        });
    }
    Ok(answered)
}

/// Refuses a deadline that is not after `today`.
pub fn check_deadline(deadline: NaiveDate, today: NaiveDate) -> Result<(), RectifyError> {
    if deadline <= today {
        return Err(RectifyError::DeadlineNotAfter { deadline, today });
    }
    Ok(())
}
