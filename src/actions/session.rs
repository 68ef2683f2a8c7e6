//! What the log keeps of a signed-in account's own doings: signing in and
//! out, and what it read (a download, a checked document). Each is one
//! event appended under the writer lock; the archive names the account
//! (see [`crate::archive::Archive::acting_as`]).

use super::{ActionError, Ctx};
use crate::event::Event;

/// Appends `event` to the archive's log (for the actions that record
/// what a caller read or checked; no front end appends an event).
pub(super) fn log(ctx: &Ctx, event: Event) -> Result<(), ActionError> {
    let lock = ctx.lock()?;
    ctx.archive
        .log()
        .append(&lock, event)
        .map_err(crate::archive::ArchiveError::from)?;
    Ok(())
}

/// Records that the signed-in account signed in.
pub fn sign_in(ctx: &Ctx) -> Result<(), ActionError> {
    let role = ctx
        .account_of()
        .ok_or(crate::scope::Denied::NotInScope)?
        .role;
    log(ctx, Event::SignIn { role })
}

/// Records that the signed-in account signed out.
pub fn sign_out(ctx: &Ctx) -> Result<(), ActionError> {
    log(ctx, Event::SignOut {})
}
