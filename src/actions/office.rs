//! The office's front page as one action: the overview (progress per
//! district and community, the register's count), the applications
//! pending first, each community's 评估验收 state and each district's use
//! of its task numbers, read for the office only.

use std::collections::HashMap;

use super::{ActionError, Ctx};
use crate::application::{self, Application, Status, quota};
use crate::config::Config;
use crate::overview::{self, Overview};

/// What the office's front page shows.
pub struct OfficeView {
    /// Progress per district and community.
    pub overview: Overview,
    /// Every application, pending first, each group in the order received.
    pub applications: Vec<Application>,
    /// Each community's state in 评估验收, by id.
    pub levels: HashMap<String, String>,
    /// Each district's use of its task numbers.
    pub usage: Vec<quota::Use>,
}

/// The office's front page (refused for every other account).
pub fn view(ctx: &Ctx, config: &Config) -> Result<OfficeView, ActionError> {
    ctx.office_only()?;
    let archive = ctx.archive;
    let overview = overview::office(archive, config)?;
    let levels = crate::assessment::store::states(archive)?
        .into_iter()
        .map(|s| (s.community, s.state.name().to_string()))
        .collect();
    let mut applications = application::list(archive)?;
    let usage = quota::usage(&ctx.roster()?, &applications);
    applications.sort_by_key(|a| (a.status != Status::Pending, a.record.number));
    Ok(OfficeView {
        overview,
        applications,
        levels,
        usage,
    })
}
