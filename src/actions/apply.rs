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
    seen_of(ctx, application::list(ctx.archive)?, district)
}

/// Of `all`, the applications [`list`] gives the caller.
pub(super) fn seen_of(
    ctx: &Ctx,
    all: Vec<Application>,
    district: Option<&str>,
) -> Result<Vec<Application>, ActionError> {
    let own = match ctx.account_of() {
        None => None,
        Some(a) if a.role == Role::Office => None,
        // A district account without a district sees none.
        Some(a) if a.role == Role::District => Some(a.district.as_deref().unwrap_or_default()),
        Some(_) => return Err(Denied::NotInScope.into()),
    };
    let wanted = |d: &str| own.is_none_or(|o| o == d) && district.is_none_or(|w| w == d);
    Ok(all
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::Account;
    use crate::actions::Wait;
    use crate::actions::context::tests::account;
    use crate::archive::Archive;
    use crate::root::ArchiveRoot;

    /// The office sees every application, a district its own only (none
    /// when it has no district), a community none at all.
    #[test]
    fn who_sees_which_applications() {
        let dir = tempfile::tempdir().unwrap();
        let root = ArchiveRoot::new(dir.path().join("archive"));
        root.init().unwrap();
        let archive = Archive::new(root.dir());
        let console = Ctx::console(&archive, Wait::No);
        let proposals = [("五华区", "翠湖社区"), ("盘龙区", "拓东社区")]
            .iter()
            .map(|(d, n)| Proposal::new(d, n, "城市社区", "第一阶段", "基础好").unwrap())
            .collect();
        submit(&console, proposals).unwrap();
        let seen = |a: &Account, only: Option<&str>| {
            list(&Ctx::account(&archive, a), only).map(|l| {
                l.iter()
                    .map(|x| x.record.proposal.district.clone())
                    .collect::<Vec<_>>()
            })
        };
        let office = account(Role::Office, None);
        assert_eq!(seen(&office, None).unwrap(), ["五华区", "盘龙区"]);
        assert_eq!(seen(&office, Some("盘龙区")).unwrap(), ["盘龙区"]);
        let wuhua = account(Role::District, Some("五华区"));
        assert_eq!(seen(&wuhua, None).unwrap(), ["五华区"]);
        assert!(seen(&wuhua, Some("盘龙区")).unwrap().is_empty());
        assert!(
            seen(&account(Role::District, None), None)
                .unwrap()
                .is_empty()
        );
        let community = account(Role::Community, None);
        assert!(matches!(
            seen(&community, None),
            Err(ActionError::Denied(Denied::NotInScope))
        ));
        assert_eq!(list(&console, None).unwrap().len(), 2);
    }
}
