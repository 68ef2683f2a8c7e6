//! Registering pilot communities (the office's action), and the list of
//! those a caller may see.

use super::{ActionError, Ctx};
use crate::archive::Registered;
use crate::community::Community;

/// Registers `list` (those already registered the same way stay as they
/// are); says which were added and which share a name with another.
pub fn register(ctx: &Ctx, list: &[Community]) -> Result<Registered, ActionError> {
    ctx.office_only()?;
    let lock = ctx.lock()?;
    Ok(ctx.archive.register(&lock, list)?)
}

/// The registered communities the caller may see, in register order.
pub fn list(ctx: &Ctx) -> Result<Vec<Community>, ActionError> {
    let roster = ctx.roster()?;
    Ok(ctx.seen(&roster).into_iter().cloned().collect())
}
