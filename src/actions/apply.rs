//! 申报: districts propose pilot communities, the office approves them
//! (registering the community) or returns them with a reason; who may see
//! which applications, and the task numbers used.

use super::{ActionError, Caller, Ctx};
use crate::accounts::Role;
use crate::application::{self, Application, ApplicationRecord, Proposal, quota};
use crate::community::Community;
use crate::scope::Denied;

/// Records `proposals` as new applications, all or none. A signed-in
/// account must be a district's and propose only for its own district.
pub fn submit(ctx: &Ctx, proposals: Vec<Proposal>) -> Result<Vec<ApplicationRecord>, ActionError> {
    if let Caller::Account(a) = ctx.caller {
        let own = match a.role {
            Role::District => a.district.as_deref(),
            _ => None,
        };
        if own.is_none() || proposals.iter().any(|p| Some(p.district.as_str()) != own) {
            return Err(Denied::NotInScope.into());
        }
    }
    let lock = ctx.lock()?;
    Ok(application::submit(ctx.archive, &lock, proposals)?)
}

/// The office approves application `number` as pilot community `id`
/// (beyond the district's task numbers only with `over_quota`'s reason).
pub fn approve(
    ctx: &Ctx,
    number: u32,
    id: &str,
    over_quota: Option<&str>,
) -> Result<Community, ActionError> {
    ctx.office_only()?;
    let lock = ctx.lock()?;
    Ok(application::approve(
        ctx.archive,
        &lock,
        number,
        id,
        over_quota,
    )?)
}

/// The office returns application `number` to its district with `reason`.
pub fn send_back(ctx: &Ctx, number: u32, reason: &str) -> Result<(), ActionError> {
    ctx.office_only()?;
    let lock = ctx.lock()?;
    Ok(application::send_back(ctx.archive, &lock, number, reason)?)
}

/// The applications the caller may see, in the order received: the
/// office's (and the console's) every one, or those of `district` only;
/// a district account's its own district's.
pub fn list(ctx: &Ctx, district: Option<&str>) -> Result<Vec<Application>, ActionError> {
    let own = match ctx.account_of() {
        None => None,
        Some(a) if a.role == Role::Office => None,
        Some(a) if a.role == Role::District => a.district.as_deref(),
        Some(_) => return Err(Denied::NotInScope.into()),
    };
    let wanted = |d: &str| own.is_none_or(|o| o == d) && district.is_none_or(|w| w == d);
    Ok(application::list(ctx.archive)?
        .into_iter()
        .filter(|x| wanted(&x.record.proposal.district))
        .collect())
}

/// Each district's use of its task numbers (Attachment 1), for the office.
pub fn quota(ctx: &Ctx) -> Result<Vec<quota::Use>, ActionError> {
    ctx.office_only()?;
    Ok(quota::usage(
        &ctx.roster()?,
        &application::list(ctx.archive)?,
    ))
}
