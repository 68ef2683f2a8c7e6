//! 工作方案 actions: a district files its 工作方案 or 考评实施细则 (a new
//! version each time); the office sees which districts have filed, a
//! district its own. The rules of a filing are [`crate::plans`]'s.

use super::{ActionError, Ctx};
use crate::accounts::Role;
use crate::plans::{self, DistrictPlans, Filing, PlanFiled};
use crate::scope::Denied;

/// Files `f` for its district: a district account for its own district
/// only; the console (the office) for any.
pub fn file(ctx: &Ctx, f: Filing) -> Result<PlanFiled, ActionError> {
    if let Some(a) = ctx.account_of() {
        let own = a.district.as_deref().filter(|_| a.role == Role::District);
        let asked = crate::districts::DistrictTable::builtin()
            .find(f.district)
            .map(|d| d.name.as_str())
            .ok();
        if own.is_none() || own != asked {
            return Err(Denied::NotInScope.into());
        }
    }
    let lock = ctx.lock()?;
    Ok(plans::file(ctx.archive, &lock, f)?)
}

/// Every district's filings for the office; a district's own for it.
pub fn list(ctx: &Ctx) -> Result<Vec<DistrictPlans>, ActionError> {
    let all = plans::all(ctx.archive)?;
    match ctx.account_of() {
        None => Ok(all),
        Some(a) if a.role == Role::Office => Ok(all),
        Some(a) if a.role == Role::District => Ok(all
            .into_iter()
            .filter(|p| a.district.as_deref() == Some(p.district.as_str()))
            .collect()),
        Some(_) => Err(Denied::NotInScope.into()),
    }
}
