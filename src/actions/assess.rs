//! 评估验收 actions: importing or submitting a level's sheet, returning a
//! level, the office's override and its final result from the 专家组, and
//! a district's 初评情况报告. Which role works at which level is
//! [`crate::assessment::who`]'s rule; the order and locks of the levels
//! are [`crate::assessment::level`]'s.

use std::path::Path;

use super::documents::{Delivery, Issuing, Making};
use super::{ActionError, Ctx};
use crate::accounts::Role;
use crate::assessment::Facts;
use crate::assessment::level::Level;
use crate::assessment::overrule::Override;
use crate::assessment::score::ScoreCard;
use crate::assessment::store::{self, At, SentBack, StoredAssessment};
use crate::assessment::who;
use crate::catalog::Catalog;
use crate::community::Community;
use crate::config::{Config, Rule};
use crate::scope::{Access, Denied};

/// The access an account of `role` needs for the community it submits a
/// level for: the community its own (submit), the district its
/// district's (read), the expert an assigned one (assess).
pub fn access_for(role: Role) -> Access {
    match role {
        Role::Community => Access::Submit,
        Role::Expert => Access::Assess,
        _ => Access::Read,
    }
}

/// A sheet to import: a file, or bytes typed on a page under a name.
#[derive(Clone, Copy)]
pub enum Sheet<'a> {
    /// A file on disk (its name tells its format).
    File(&'a Path),
    /// Bytes, read as if they were the file `name`.
    Bytes {
        /// The name the bytes are read under (and shown in errors).
        name: &'a Path,
        /// The sheet.
        bytes: &'a [u8],
    },
}

/// A level's result, stored, and the community it is for.
pub struct Stored {
    /// The community.
    pub community: Community,
    /// What was stored.
    pub stored: StoredAssessment,
}

fn import_sheet(
    ctx: &Ctx,
    c: &Community,
    sheet: Sheet,
    facts: Option<Facts>,
    at: At,
    lock: &crate::archive::lock::WriterLock,
) -> Result<StoredAssessment, ActionError> {
    let catalog = Catalog::builtin();
    Ok(match sheet {
        Sheet::File(path) => store::import_at(ctx.archive, lock, catalog, c, path, facts, at)?,
        Sheet::Bytes { name, bytes } => {
            store::import_bytes_at(ctx.archive, lock, catalog, c, name, bytes, facts, at)?
        }
    })
}

/// Imports `sheet` as community `id`'s next result at `level` (`expert`
/// names the expert of an 专家评估): the console's import at any level.
/// A signed-in account is named as the one who submits it.
pub fn import(
    ctx: &Ctx,
    id: &str,
    sheet: Sheet,
    facts: Option<Facts>,
    level: Level,
    expert: Option<&str>,
) -> Result<Stored, ActionError> {
    let lock = ctx.lock()?;
    let roster = ctx.roster()?;
    let c = ctx.community(&roster, id, Access::Read)?;
    let at = At {
        level,
        expert,
        by: ctx.account_of().map(|a| a.name.as_str()),
    };
    let stored = import_sheet(ctx, c, sheet, facts, at, &lock)?;
    Ok(Stored {
        community: c.clone(),
        stored,
    })
}

/// The level the signed-in account submits at, and the access it needs
/// for the community (refused for the office and the console, which
/// import the final level on their own).
pub fn level_of(ctx: &Ctx) -> Result<(Level, Access), ActionError> {
    let account = ctx.account_of().ok_or(Denied::NotInScope)?;
    let level = who::submits(account.role).ok_or(Denied::NotInScope)?;
    Ok((level, access_for(account.role)))
}

/// Submits `sheet` for community `id` at the signed-in account's level
/// (自查, 初评 or 专家评估); refused when the level below is missing or
/// this level is locked, and then nothing is written.
pub fn submit(ctx: &Ctx, id: &str, sheet: Sheet) -> Result<Stored, ActionError> {
    let (level, access) = level_of(ctx)?;
    let name = ctx.account_of().map(|a| a.name.as_str());
    let lock = ctx.lock()?;
    let roster = ctx.roster()?;
    let c = ctx.community(&roster, id, access)?;
    let at = At {
        level,
        expert: name.filter(|_| level == Level::Expert),
        by: name,
    };
    let stored = import_sheet(ctx, c, sheet, None, at, &lock)?;
    Ok(Stored {
        community: c.clone(),
        stored,
    })
}

/// Sends `level` of community `id` back with `reason` (the district the
/// 自查, the office the 初评; the console either).
pub fn send_back(
    ctx: &Ctx,
    id: &str,
    level: Level,
    reason: &str,
) -> Result<(Community, SentBack), ActionError> {
    if let Some(a) = ctx.account_of()
        && who::returns(a.role) != Some(level)
    {
        return Err(Denied::NotInScope.into());
    }
    if reason.trim().is_empty() {
        return Err(ActionError::Invalid(format!(
            "请写明退回{level}的理由；没有退回"
        )));
    }
    let lock = ctx.lock()?;
    let roster = ctx.roster()?;
    let c = ctx.community(&roster, id, Access::Read)?;
    let done = store::send_back(ctx.archive, &lock, c, level, reason)?;
    Ok((c.clone(), done))
}

/// The office changes one standard's final verdict of community `id`
/// (with the reason `change` carries), as the next final version.
pub fn overrule(ctx: &Ctx, id: &str, change: Override) -> Result<Stored, ActionError> {
    ctx.office_only()?;
    let lock = ctx.lock()?;
    let roster = ctx.roster()?;
    let c = ctx.community(&roster, id, Access::Read)?;
    let stored = crate::assessment::overrule::overrule(ctx.archive, &lock, &c.id, change)?;
    Ok(Stored {
        community: c.clone(),
        stored,
    })
}

/// The office records community `id`'s final result from the 专家组's
/// aggregate under `rule`.
pub fn finalize(ctx: &Ctx, id: &str, rule: Rule) -> Result<Stored, ActionError> {
    ctx.office_only()?;
    let lock = ctx.lock()?;
    let roster = ctx.roster()?;
    let c = ctx.community(&roster, id, Access::Read)?;
    let stored = crate::assessment::finalize::finalize(ctx.archive, &lock, &c.id, rule)?;
    Ok(Stored {
        community: c.clone(),
        stored,
    })
}

/// A community's latest recorded result, scored, as `kaoping assess show`
/// prints it.
#[derive(Debug)]
pub struct ResultView {
    /// The community.
    pub community: Community,
    /// The result.
    pub stored: StoredAssessment,
    /// The final result was withdrawn by a return below it.
    pub reopened: bool,
    /// The office's overrides that stand.
    pub overrides: Vec<Override>,
    /// The score under the configured scheme.
    pub card: ScoreCard,
    /// The community may be named on this result (its grade allows it
    /// and the result stands).
    pub named: bool,
}

/// Community `id`'s latest recorded result, for a caller who may see it.
pub fn result(ctx: &Ctx, config: &Config, id: &str) -> Result<ResultView, ActionError> {
    let roster = ctx.roster()?;
    let community = ctx.community(&roster, id, Access::Read)?.clone();
    let stored = store::latest_recorded(ctx.archive, id)?;
    let reopened = crate::assessment::level::final_reopened(&store::steps(ctx.archive, id)?);
    let card = crate::assessment::score::score(&stored.assessment, Catalog::builtin(), config);
    Ok(ResultView {
        overrides: crate::assessment::overrule::standing(ctx.archive, id)?,
        named: card.named() && !reopened,
        community,
        stored,
        reopened,
        card,
    })
}

/// Every community's progress through 评估验收 that the caller may see.
pub fn states(ctx: &Ctx) -> Result<Vec<store::CommunityState>, ActionError> {
    let roster = ctx.roster()?;
    let seen = ctx.seen(&roster);
    Ok(store::states(ctx.archive)?
        .into_iter()
        .filter(|s| seen.iter().any(|c| c.id == s.community))
        .collect())
}

/// Each expert's verdicts on community `id` and the 专家组's aggregate
/// under `rule`, for a caller who may see the community.
pub fn panel(
    ctx: &Ctx,
    id: &str,
    rule: Rule,
) -> Result<(Community, Vec<crate::assessment::panel::PanelRow>), ActionError> {
    let roster = ctx.roster()?;
    let c = ctx.community(&roster, id, Access::Read)?.clone();
    let rows = crate::assessment::panel::panel(ctx.archive, id, rule)?;
    Ok((c, rows))
}

/// A district issues its 初评情况报告 to the city (`signer` the 签发人,
/// the configured one when `None`), dated `date`, through `delivery`; a
/// signed-in account only for its own district.
pub fn preliminary(
    ctx: &Ctx,
    making: Making,
    (district, signer): (String, Option<String>),
    date: chrono::NaiveDate,
    delivery: &dyn Delivery,
) -> Result<Issuing, ActionError> {
    use crate::documents::batch::{self, Kind, Scope};
    if let Some(a) = ctx.account_of()
        && (a.role != Role::District || a.district.as_deref() != Some(district.as_str()))
    {
        return Err(Denied::NotInScope.into());
    }
    let kind = Kind::Preliminary { district, signer };
    super::documents::issue_with(ctx, making, delivery, &|| {
        Ok(batch::draft(
            ctx.archive,
            making.config,
            &kind,
            &Scope::All,
            date,
        )?)
    })
}
