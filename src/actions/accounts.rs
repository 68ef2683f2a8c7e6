//! The web pages' accounts: opening one, resetting its password,
//! removing it (the office's actions).

use super::{ActionError, Ctx};
use crate::accounts::{self, Account, Binding, Role};

/// Opens account `name` with `role`, bound as `binding` says.
pub fn add(
    ctx: &Ctx,
    name: &str,
    role: Role,
    binding: Binding,
    password: &str,
) -> Result<Account, ActionError> {
    ctx.office_only()?;
    let lock = ctx.lock()?;
    Ok(accounts::add(
        ctx.archive,
        &lock,
        name,
        role,
        binding,
        password,
    )?)
}

/// Sets account `name`'s password.
pub fn set_password(ctx: &Ctx, name: &str, password: &str) -> Result<(), ActionError> {
    ctx.office_only()?;
    let lock = ctx.lock()?;
    Ok(accounts::set_password(ctx.archive, &lock, name, password)?)
}

/// Removes account `name` (its sessions end with it).
pub fn remove(ctx: &Ctx, name: &str) -> Result<(), ActionError> {
    ctx.office_only()?;
    let lock = ctx.lock()?;
    Ok(accounts::remove(ctx.archive, &lock, name)?)
}
