//! 责任单位 actions: the office imports the register from a workbook
//! (replacing it whole; the log records the count and the register's
//! SHA-256), lists it and exports it; a district account sees the units
//! without phone numbers. What a unit must hold is [`crate::units`]'s.

use std::path::Path;

use super::{ActionError, Ctx};
use crate::accounts::Role;
use crate::event::Event;
use crate::event::units::UnitsSet;
use crate::scope::Denied;
use crate::units::{self, Unit, UnitError};

/// Replaces the register with the units of the workbook or CSV at
/// `path`; returns how many.
pub fn import(ctx: &Ctx, path: &Path) -> Result<usize, ActionError> {
    ctx.office_only()?;
    let io = |source| UnitError::Io {
        path: path.to_path_buf(),
        source,
    };
    let size = std::fs::metadata(path).map_err(io)?.len();
    crate::table::limits::check_file_size(path, size).map_err(UnitError::from)?;
    let bytes = std::fs::read(path).map_err(io)?;
    let list = units::list::read_list(path, &bytes)?;
    let lock = ctx.lock()?;
    let sha256 = units::save(ctx.archive.root(), &list)?;
    ctx.archive
        .log()
        .append(
            &lock,
            Event::Units(UnitsSet {
                units: list.len(),
                sha256,
            }),
        )
        .map_err(crate::archive::ArchiveError::from)?;
    Ok(list.len())
}

/// The register as the caller may see it: whole for the office, without
/// phone numbers for a district account; refused to everyone else.
pub fn list(ctx: &Ctx) -> Result<Vec<Unit>, ActionError> {
    let all = units::load(ctx.archive.root())?;
    match ctx.account_of().map(|a| a.role) {
        None | Some(Role::Office) => Ok(all),
        Some(Role::District) => Ok(all.iter().map(Unit::without_phones).collect()),
        Some(_) => Err(Denied::NotInScope.into()),
    }
}

/// The register as a workbook, for the office only.
pub fn export(ctx: &Ctx) -> Result<Vec<u8>, ActionError> {
    ctx.office_only()?;
    let all = units::load(ctx.archive.root())?;
    crate::table::write::xlsx(&[units::list::register_sheet(&all)])
        .map_err(|e| ActionError::Invalid(e.to_string()))
}
