//! Where each community stands in 评估验收, read from the log: its
//! submissions and returns ([`steps`]), its state, returns (which withdraw
//! every level above them, a final result included), and the one gate
//! every assessment record passes before it is written ([`admit`]): the
//! levels' order and who may submit.

use serde::Serialize;

use super::level::{self, Level};
use super::store::{AssessmentError, AssessmentRecord, At, records};
use crate::archive::lock::WriterLock;
use crate::archive::{Archive, ArchiveError};
use crate::community::Community;

/// [`records`] of the communities whose final result stands (none was
/// withdrawn by a return since): what progress counts as 已评定.
pub fn standing_records(
    archive: &Archive,
    community: Option<&str>,
) -> Result<Vec<(String, AssessmentRecord)>, ArchiveError> {
    let steps = all_steps(archive)?;
    let mut all = records(archive, community)?;
    all.retain(|(_, r)| {
        !level::final_reopened(steps.get(&r.community).map_or(&[][..], Vec::as_slice))
    });
    Ok(all)
}

/// The level step an event is, with its community, if it is one.
fn step_of(event: &crate::event::Event) -> Option<(String, level::Step)> {
    use crate::event::Event;
    match event {
        Event::Assessment(r) => Some((r.community.clone(), level::Step::Submitted(r.level))),
        Event::AssessmentReturn(r) => Some((r.community.clone(), level::Step::Returned(r.level))),
        _ => None,
    }
}

/// Every community's submissions and returns, in log order.
pub(super) fn all_steps(
    archive: &Archive,
) -> Result<std::collections::HashMap<String, Vec<level::Step>>, ArchiveError> {
    let mut steps: std::collections::HashMap<String, Vec<level::Step>> = Default::default();
    for (community, step) in archive
        .records()?
        .iter()
        .filter_map(|rec| step_of(&rec.event))
    {
        steps.entry(community).or_default().push(step);
    }
    Ok(steps)
}

/// A community's submissions and returns, in log order.
pub fn steps(archive: &Archive, community: &str) -> Result<Vec<level::Step>, ArchiveError> {
    let key = crate::storage::LogKey::Community(community.to_string());
    let mine =
        |rec: &crate::event::Record| step_of(&rec.event).is_some_and(|(c, _)| c == community);
    Ok(archive
        .records_where(&key, mine)?
        .iter()
        .filter_map(|rec| step_of(&rec.event).map(|(_, step)| step))
        .collect())
}

/// One community's state in 评估验收.
#[derive(Debug, Clone, Serialize)]
pub struct CommunityState {
    /// Community id.
    pub community: String,
    /// Its name.
    pub name: String,
    /// Its district.
    pub district: String,
    /// Its state.
    pub state: level::State,
    /// A final result was recorded and then withdrawn by a return.
    pub final_reopened: bool,
}

/// Every registered community's state, reading the log once.
pub fn states(archive: &Archive) -> Result<Vec<CommunityState>, ArchiveError> {
    let steps = all_steps(archive)?;
    Ok(archive
        .communities()?
        .all()
        .map(|c| CommunityState {
            community: c.id.clone(),
            name: c.name.clone(),
            district: c.district.clone(),
            state: level::state(steps.get(&c.id).map_or(&[][..], Vec::as_slice)),
            final_reopened: level::final_reopened(steps.get(&c.id).map_or(&[][..], Vec::as_slice)),
        })
        .collect())
}

/// What a return that withdrew a final result tells the person.
pub const REOPENED_NOTE: &str = "注意：该社区已记录的最终考评结果随之撤销（重新打开），状态不再是“已评定”，不能据以发文或命名；退回的层级及以上各级重新提交后，须重新记录最终结果。";

/// What a return did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SentBack {
    /// A final result stood and is now withdrawn (reopened): it must be
    /// recorded again once the levels are submitted again.
    pub final_reopened: bool,
}

/// Sends `level` of a community back with `reason` (a 自查 by the
/// district, a 初评 by the office); it may then be submitted again. Every
/// level above it is withdrawn with it, a final result included.
pub fn send_back(
    archive: &Archive,
    lock: &WriterLock,
    community: &Community,
    level: Level,
    reason: &str,
) -> Result<SentBack, AssessmentError> {
    let on = level::standing(&steps(archive, &community.id)?);
    if !matches!(level, Level::SelfCheck | Level::District) || !on[level as usize] {
        return Err(AssessmentError::NotReturnable {
            community: community.id.clone(),
            level,
        });
    }
    let returned = level::Returned {
        community: community.id.clone(),
        level,
        reason: reason.trim().to_string(),
    };
    archive
        .log()
        .append(lock, crate::event::Event::AssessmentReturn(returned))
        .map_err(ArchiveError::from)?;
    Ok(SentBack {
        final_reopened: on[Level::Final as usize],
    })
}

/// Refuses a record at `at` for `community` unless the levels allow it
/// now ([`level::refusal`]) and it comes from someone who may submit it:
/// an 专家评估 only from an existing expert account assigned to the
/// community; a signed-in account only at its own level and scope. Every
/// writer of an assessment record (sheets, the panel, overrides, closings,
/// survey verdicts) passes here first.
pub fn admit(archive: &Archive, community: &Community, at: At<'_>) -> Result<(), AssessmentError> {
    super::who::check(archive, community, at)?;
    admit_level(archive, &community.id, at.level)
}

/// The level part of [`admit`], for the office's own records (the panel's
/// result, an override), which name no other account.
pub fn admit_level(archive: &Archive, community: &str, at: Level) -> Result<(), AssessmentError> {
    match level::refusal(&steps(archive, community)?, at) {
        Some(why) => Err(AssessmentError::OutOfOrder {
            community: community.to_string(),
            level: at,
            why,
        }),
        None => Ok(()),
    }
}
