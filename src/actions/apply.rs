//! 申报: districts propose pilot communities, the office approves them
//! (registering the community) or returns them with a reason.

use super::{ActionError, Caller, Ctx};
use crate::accounts::Role;
use crate::application::{self, ApplicationRecord, Proposal};
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
