//! Closing a community's survey: once closed, no answer is taken on any
//! channel (web link, open link, paper, double entry), so the issued
//! 问卷调查统计表 and the recorded verdicts keep matching the tally. The
//! office closes it explicitly (`survey-close`), recording the survey's
//! verdicts at a level closes it (the same event, written with the
//! record), and so does issuing its 问卷调查统计表 (read from the
//! document's register entry). The tally states when it was closed.

use serde::Serialize;

use super::SurveyError;
use super::state::Survey;
use crate::archive::lock::WriterLock;
use crate::archive::{Archive, ArchiveError};
use crate::event::Event;
pub use crate::event::survey::{Closed, ClosedBy};

impl ClosedBy {
    /// The printed name.
    pub fn name(self) -> &'static str {
        match self {
            ClosedBy::Office => "考评办关闭",
            ClosedBy::Recorded => "记录问卷结论",
            ClosedBy::Issued => "印发问卷调查统计表",
        }
    }
}

/// When and why a community's survey closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Closing {
    /// When (RFC 3339, as the log has it).
    pub time: String,
    /// Why.
    pub by: ClosedBy,
}

/// Refuses an answer for `community` once its survey is closed.
pub fn check_open(survey: &Survey, community: &str) -> Result<(), SurveyError> {
    match survey.closed(community) {
        Some(c) => Err(SurveyError::Closed {
            community: community.to_string(),
            time: crate::config::TimeSettings::default().show(&c.time),
            by: c.by.name(),
        }),
        None => Ok(()),
    }
}

/// Closes `community`'s survey (refused when it is closed already). The
/// caller holds the writer lock and has refreshed `survey`.
pub fn close(
    archive: &Archive,
    lock: &WriterLock,
    survey: &Survey,
    community: &str,
    by: ClosedBy,
) -> Result<(), SurveyError> {
    check_open(survey, community)?;
    let event = Event::SurveyClose(Closed {
        community: community.to_string(),
        by,
    });
    archive
        .log()
        .append(lock, event)
        .map_err(ArchiveError::from)?;
    Ok(())
}
