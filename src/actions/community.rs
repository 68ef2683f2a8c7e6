//! Registering pilot communities (the office's action).

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
