//! 街道（乡镇） actions: a 街道 (or the office, or its district's office)
//! hands in the evidence for the standards addressed to the 街道, once
//! for all its pilot communities; the 街道 list with their communities
//! and latest evidence, as far as the caller may see; a 街道's grid-
//! platform export for each of its communities. The rules of a hand-in
//! are [`crate::streets`]'s.

use std::path::Path;

use serde::Serialize;

use super::{ActionError, Ctx};
use crate::accounts::{Account, Role};
use crate::archive::zipin::ZipLimits;
use crate::community::Community;
use crate::community::street::Street;
use crate::event::street::StreetEvidence;
use crate::field::grid::GridRecord;
use crate::scope::Denied;
use crate::streets::{self, HandIn};

/// One 街道 as listed.
#[derive(Debug, Clone, Serialize)]
pub struct StreetLine {
    /// The 街道.
    pub street: Street,
    /// Its pilot communities: id and name.
    pub communities: Vec<(String, String)>,
    /// Its latest evidence, if any.
    pub latest: Option<StreetEvidence>,
}

/// Whether `account` may act for `street`: the office; the district's
/// own office; the 街道's own account.
fn may_act(account: &Account, street: &Street) -> bool {
    match account.role {
        Role::Office => true,
        Role::District => account.district.as_deref() == Some(street.district.as_str()),
        Role::Street => {
            account.district.as_deref() == Some(street.district.as_str())
                && account.street.as_deref() == Some(street.name.as_str())
        }
        _ => false,
    }
}

/// Hands in `source` (a folder or ZIP) as the evidence of 街道 `street`
/// of `district` (names as typed).
pub fn hand_in(
    ctx: &Ctx,
    district: &str,
    street: &str,
    source: &Path,
    limits: ZipLimits,
) -> Result<StreetEvidence, ActionError> {
    let street = ctx.roster()?.street(district, street)?;
    let by = match ctx.account_of() {
        Some(a) if !may_act(a, &street) => return Err(Denied::NotInScope.into()),
        Some(a) => Some(a.name.as_str()),
        None => None,
    };
    let lock = ctx.lock()?;
    let h = HandIn {
        street: &street,
        source,
        by,
        limits,
    };
    Ok(streets::hand_in(ctx.archive, &lock, h)?)
}

/// Every registered 街道 the caller may see, with its communities and
/// latest evidence.
pub fn list(ctx: &Ctx) -> Result<Vec<StreetLine>, ActionError> {
    let roster = ctx.roster()?;
    let records = ctx.archive.records()?;
    let mut out = Vec::new();
    for street in roster.streets() {
        if let Some(a) = ctx.account_of()
            && !may_act(a, &street)
        {
            continue;
        }
        let communities = roster
            .of_street(&street)
            .map(|c| (c.id.clone(), c.name.clone()))
            .collect();
        let latest = streets::latest(&records, &street);
        out.push(StreetLine {
            street,
            communities,
            latest,
        });
    }
    if out.is_empty()
        && let Some(a) = ctx.account_of()
        && !matches!(a.role, Role::Office | Role::District | Role::Street)
    {
        return Err(Denied::NotInScope.into());
    }
    Ok(out)
}

/// Imports one 网格管理平台 export of a 街道 (the grid platform is the
/// 街道's, 附件2 实地考评) for each of its pilot communities, as evidence
/// of the 实地考评 `standards` (the office's). The file is stored once;
/// each community gets its own record.
pub fn import_grid(
    ctx: &Ctx,
    district: &str,
    street: &str,
    table: crate::field::Upload,
    standards: &str,
) -> Result<Vec<(Community, GridRecord)>, ActionError> {
    ctx.office_only()?;
    let lock = ctx.lock()?;
    let roster = ctx.roster()?;
    let street = roster.street(district, street)?;
    let mut out = Vec::new();
    for c in roster.of_street(&street) {
        let catalog = crate::catalog::Catalog::builtin();
        let (path, name) = (table.path, table.name);
        let r = crate::field::grid::import(ctx.archive, &lock, catalog, c, path, name, standards)?;
        out.push((c.clone(), r));
    }
    Ok(out)
}
