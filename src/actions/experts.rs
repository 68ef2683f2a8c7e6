//! Assigning the 专家组's experts to communities (the office's action).

use super::{ActionError, Ctx};
use crate::accounts;

/// Assigns communities `ids` to expert `name` (those already assigned
/// stay); returns the ones newly assigned.
pub fn assign(ctx: &Ctx, name: &str, ids: &[String]) -> Result<Vec<String>, ActionError> {
    ctx.office_only()?;
    let lock = ctx.lock()?;
    Ok(accounts::assign(ctx.archive, &lock, name, ids)?)
}

/// Takes communities `ids` from expert `name`.
pub fn unassign(ctx: &Ctx, name: &str, ids: &[String]) -> Result<(), ActionError> {
    ctx.office_only()?;
    let lock = ctx.lock()?;
    Ok(accounts::unassign(ctx.archive, &lock, name, ids)?)
}
