//! 整改 actions: the community answers an item and reports, the district
//! (初评) or the office re-checks, the office sends a 督办通知; and the
//! office's documents issued from the 整改 page (the 命名决定 and the
//! 考评情况通报). The steps and their rules are [`crate::rectify`]'s.

use chrono::NaiveDate;

use super::{ActionError, Ctx};
use crate::accounts::Role;
use crate::community::Community;
use crate::config::Config;
use crate::issuance::Issued;
use crate::meter::Silent;
use crate::rectify::act::{self, Evidence, Recheck};
use crate::rectify::{Answer, Check, Reviewer};
use crate::render::Engine;
use crate::scope::{Access, Denied};

/// Who re-checks for an account of `role`: the district (初评) or the
/// office.
pub fn reviewer_of(role: Role) -> Option<Reviewer> {
    match role {
        Role::District => Some(Reviewer::District),
        Role::Office => Some(Reviewer::Office),
        _ => None,
    }
}

/// Community `community` answers its item `item` with `text` and
/// evidence `files`.
pub fn answer(
    ctx: &Ctx,
    community: &str,
    item: &str,
    text: &str,
    files: &[Evidence],
) -> Result<Answer, ActionError> {
    let lock = ctx.lock()?;
    if ctx.account_of().is_some() {
        let roster = ctx.roster()?;
        ctx.community(&roster, community, Access::Submit)?;
    }
    Ok(act::answer(
        ctx.archive,
        &lock,
        community,
        item,
        text,
        files,
    )?)
}

/// Re-checks item `item` (of community `community`): 销号 or 退回 as `r`
/// says; an account re-checks only as its own role's reviewer.
pub fn recheck(
    ctx: &Ctx,
    community: &str,
    item: &str,
    r: Recheck,
) -> Result<(Community, Check), ActionError> {
    if let Some(a) = ctx.account_of()
        && reviewer_of(a.role) != Some(r.by)
    {
        return Err(Denied::NotInScope.into());
    }
    let lock = ctx.lock()?;
    let roster = ctx.roster()?;
    let c = ctx.community(&roster, community, Access::Read)?;
    let done = act::recheck(ctx.archive, &lock, c, item, r)?;
    Ok((c.clone(), done))
}

/// Community `id`'s 整改情况报告, dated `date`, issued and registered.
pub fn report(
    ctx: &Ctx,
    config: &Config,
    engine: &Engine,
    id: &str,
    date: NaiveDate,
) -> Result<Issued, ActionError> {
    let lock = ctx.lock()?;
    let roster = ctx.roster()?;
    let c = ctx.community(&roster, id, Access::Submit)?;
    let draft = crate::documents::rectify_report::draft_for(ctx.archive, config, c, date)?;
    issue(ctx, &lock, engine, draft)
}

/// What the office's 督办通知 says: to which district, the new deadline,
/// the document's date and today.
pub struct Supervision<'a> {
    /// The district.
    pub district: &'a str,
    /// The new deadline for its overdue items.
    pub deadline: NaiveDate,
    /// The document's date.
    pub date: NaiveDate,
    /// Today (items overdue by it are named).
    pub today: NaiveDate,
}

/// The office's 督办通知 to a district about its overdue items.
pub fn supervise(
    ctx: &Ctx,
    config: &Config,
    engine: &Engine,
    s: Supervision,
) -> Result<Issued, ActionError> {
    ctx.office_only()?;
    let lock = ctx.lock()?;
    let draft = crate::documents::supervise::draft_for(
        ctx.archive,
        config,
        s.district,
        s.deadline,
        (s.date, s.today),
    )?;
    issue(ctx, &lock, engine, draft)
}

/// Issues one 整改 document under `lock`, with the items it sets going.
fn issue(
    ctx: &Ctx,
    lock: &crate::archive::lock::WriterLock,
    engine: &Engine,
    draft: crate::issuance::Draft,
) -> Result<Issued, ActionError> {
    let follow = &crate::rectify::follow_batch;
    Ok(crate::issuance::issue_one(
        ctx.archive,
        lock,
        engine,
        draft,
        &Silent,
        follow,
    )?)
}

/// The office's 命名决定 of phase `phase`, dated `date`, with a
/// certificate for every community named.
pub fn decide_naming(
    ctx: &Ctx,
    config: &Config,
    engine: &Engine,
    phase: u8,
    date: NaiveDate,
) -> Result<crate::naming::Decided, ActionError> {
    ctx.office_only()?;
    let lock = ctx.lock()?;
    let silent = crate::meter::Silent;
    Ok(crate::naming::decide(
        ctx.archive,
        &lock,
        engine,
        config,
        phase,
        date,
        &silent,
    )?)
}

/// The office's 考评情况通报, dated `date`.
pub fn bulletin(
    ctx: &Ctx,
    config: &Config,
    engine: &Engine,
    date: NaiveDate,
) -> Result<Issued, ActionError> {
    ctx.office_only()?;
    let lock = ctx.lock()?;
    Ok(crate::documents::bulletin::issue(
        ctx.archive,
        &lock,
        engine,
        config,
        date,
    )?)
}
