//! Each role's front page as one action. The office's: the overview
//! (progress per district and community, the register's count), the
//! applications pending first, each community's 评估验收 state and each
//! district's use of its task numbers. A district's: its communities, its
//! applications and its task numbers. An expert's: the communities
//! assigned. Each is read for its own role only.

use std::collections::HashMap;

use super::{ActionError, Ctx};
use crate::accounts::{Account, Role};
use crate::application::{self, Application, Status, quota};
use crate::archive::{Archive, ArchiveError};
use crate::config::Config;
use crate::overview::{self, CommunityLine, Overview};
use crate::scope::Denied;
use crate::table::write::Sheet;

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
    let levels = level_states(archive)?;
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

/// Each community's state in 评估验收 by id, as the pages print it.
fn level_states(archive: &Archive) -> Result<HashMap<String, String>, ArchiveError> {
    Ok(crate::assessment::store::states(archive)?
        .into_iter()
        .map(|s| (s.community, s.state.name().to_string()))
        .collect())
}

/// The signed-in account, if it has `role`.
fn as_role<'a>(ctx: &Ctx<'a>, role: Role) -> Result<&'a Account, ActionError> {
    match ctx.account_of() {
        Some(a) if a.role == role => Ok(a),
        _ => Err(Denied::NotInScope.into()),
    }
}

/// What a district account's front page shows.
pub struct DistrictView {
    /// The district (its name in Attachment 1).
    pub district: String,
    /// Its pilot task number and that of the first batch (Attachment 1).
    pub quota: (u32, u32),
    /// Its communities.
    pub communities: Vec<CommunityLine>,
    /// Its applications, newest first.
    pub applications: Vec<Application>,
    /// Its use of its task numbers.
    pub usage: Option<quota::Use>,
    /// Each community's state in 评估验收, by id.
    pub levels: HashMap<String, String>,
}

/// A district account's front page (refused for every other caller).
pub fn district(ctx: &Ctx, config: &Config) -> Result<DistrictView, ActionError> {
    let account = as_role(ctx, Role::District)?;
    let name = account.district.clone().unwrap_or_default();
    let row = crate::districts::DistrictTable::builtin().find(&name);
    let archive = ctx.archive;
    let all = application::list(archive)?;
    let usage = quota::usage(&ctx.roster()?, &all)
        .into_iter()
        .find(|u| u.district == name);
    Ok(DistrictView {
        quota: row.map_or((0, 0), |d| (d.pilot_quota, d.phase1_quota)),
        communities: overview::visible(archive, config, account)?,
        applications: super::apply::seen_of(ctx, all, None)?
            .into_iter()
            .rev()
            .collect(),
        levels: level_states(archive)?,
        district: name,
        usage,
    })
}

/// An expert account's front page: the communities assigned and their
/// states (refused for every other caller).
pub fn expert(
    ctx: &Ctx,
    config: &Config,
) -> Result<(Vec<CommunityLine>, HashMap<String, String>), ActionError> {
    let account = as_role(ctx, Role::Expert)?;
    Ok((
        overview::visible(ctx.archive, config, account)?,
        level_states(ctx.archive)?,
    ))
}

/// The office's tables that download as workbooks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfficeTable {
    /// 进度汇总表, every phase.
    Progress,
    /// 发文登记簿, with the numbers voided.
    Register,
    /// The registered communities (社区名单).
    Communities,
}

impl OfficeTable {
    /// The workbook's file name.
    pub fn file_name(self) -> &'static str {
        match self {
            OfficeTable::Progress => "进度汇总表.xlsx",
            OfficeTable::Register => "发文登记簿.xlsx",
            OfficeTable::Communities => "社区名单.xlsx",
        }
    }
}

/// One of the office's tables as a sheet (refused for every other
/// account).
pub fn table(ctx: &Ctx, which: OfficeTable) -> Result<Sheet, ActionError> {
    ctx.office_only()?;
    Ok(match which {
        OfficeTable::Progress => {
            let rows = progress(ctx, None)?;
            crate::documents::progress::sheet(&rows, None)
        }
        OfficeTable::Register => {
            let r = super::documents::register(ctx)?;
            crate::issuance::sheet::register(&r.entries, &r.voided)
        }
        OfficeTable::Communities => crate::community::list::roster_sheet(ctx.roster()?.all()),
    })
}

/// The 进度汇总表's rows (per district, the total last) for `phase`, or
/// the whole task when `None`; a later phase needs its tasks set. The
/// office's only.
pub fn progress(
    ctx: &Ctx,
    phase: Option<crate::community::Batch>,
) -> Result<Vec<crate::documents::progress::Row>, ActionError> {
    ctx.office_only()?;
    if let Some(b) = phase {
        super::phases::require(ctx, b)?;
    }
    Ok(crate::documents::progress::from_archive(
        ctx.archive,
        phase,
    )?)
}
