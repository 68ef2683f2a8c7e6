//! Managing accounts: adding one with the binding its role needs,
//! assigning communities to experts and taking them back, new passwords,
//! removal. Each change is written under the writer lock and logged.

use super::{
    Account, AccountAction, AccountChange, AccountError, Accounts, Role, check_name, password::hash,
};
use crate::archive::Archive;
use crate::archive::lock::WriterLock;

/// What a new account is bound to, as the command line gives it: a
/// community id for a community account, a district name (or alias) for a
/// district account, nothing for office and expert accounts.
#[derive(Debug, Clone, Copy, Default)]
pub struct Binding<'a> {
    /// `--community`.
    pub community: Option<&'a str>,
    /// `--district`.
    pub district: Option<&'a str>,
    /// `--street` (with `--district`), for a 街道 account.
    pub street: Option<&'a str>,
}

/// What an account is bound to: its community, district and 街道.
type Bound = (Option<String>, Option<String>, Option<String>);

/// Checks that `role` gets exactly the binding it needs; returns the
/// registered community id and the district's Attachment 1 name.
fn bind(archive: &Archive, role: Role, b: Binding) -> Result<Bound, AccountError> {
    let refuse = |m: &str| Err(AccountError::Community(m.into()));
    if role == Role::Street {
        return bind_street(archive, b);
    }
    if b.street.is_some() {
        return refuse("只有街道（乡镇）账号才用 --street；其他账号不要加 --street");
    }
    let (community, district) = match (role, b.community, b.district) {
        (Role::Community, None, _) => return refuse("社区账号要用 --community 编号 指明所属社区"),
        (Role::Community, Some(id), None) => {
            (Some(archive.communities()?.get(id)?.id.clone()), None)
        }
        (Role::District, _, None) => {
            return refuse(
                "县（市）区账号要用 --district 名称 指明所属县（市）区，如 --district 五华区",
            );
        }
        (Role::District, None, Some(d)) => (
            None,
            Some(
                crate::districts::DistrictTable::builtin()
                    .find(d)?
                    .name
                    .clone(),
            ),
        ),
        (Role::Office, None, None) | (Role::Expert, None, None) => (None, None),
        (Role::Office, ..) => {
            return refuse("考评办账号可以查看所有社区，不要加 --community 或 --district");
        }
        (Role::Expert, ..) => {
            return refuse(
                "专家账号不要加 --community 或 --district：开设后用 kaoping expert assign 账号 --community 编号 分配社区",
            );
        }
        (Role::Community, Some(_), Some(_)) => {
            return refuse("社区账号只用 --community，不要加 --district");
        }
        (Role::District, Some(_), Some(_)) => {
            return refuse("县（市）区账号只用 --district，不要加 --community");
        }
        (Role::Street, ..) => return bind_street(archive, b),
    };
    Ok((community, district, None))
}

/// A 街道 account's binding: `--district` and `--street`, a 街道 that a
/// registered pilot community names.
fn bind_street(archive: &Archive, b: Binding) -> Result<Bound, AccountError> {
    match (b.community, b.district, b.street) {
        (None, Some(d), Some(s)) => {
            let street = archive.communities()?.street(d, s)?;
            Ok((None, Some(street.district), Some(street.name)))
        }
        _ => Err(AccountError::Community(
            "街道（乡镇）账号要用 --district 县区 --street 街道 指明所属街道，如 --district 五华区 --street 华山街道；不要加 --community".into(),
        )),
    }
}

/// Adds an account (the caller holds the writer lock) and logs it.
pub fn add(
    archive: &Archive,
    lock: &WriterLock,
    name: &str,
    role: Role,
    binding: Binding,
    password: &str,
) -> Result<Account, AccountError> {
    check_name(name)?;
    let (community, district, street) = bind(archive, role, binding)?;
    let mut all = Accounts::load(archive.root())?;
    if all.get(name).is_some() {
        return Err(AccountError::Exists(name.to_string()));
    }
    let account = Account {
        name: name.to_string(),
        role,
        community,
        district,
        assigned: Vec::new(),
        street: street.clone(),
        password: hash(password)?,
        created: crate::archive::log::now_rfc3339(),
    };
    all.accounts.push(account.clone());
    all.commit(
        archive,
        lock,
        AccountChange {
            role: Some(role),
            community: account.community.clone(),
            district: account.district.clone(),
            street,
            ..AccountChange::of(AccountAction::Add, name)
        },
    )?;
    Ok(account)
}

/// The expert account `name`, for changing its assignments.
fn expert<'a>(all: &'a mut Accounts, name: &str) -> Result<&'a mut Account, AccountError> {
    let account = all
        .accounts
        .iter_mut()
        .find(|a| a.name == name)
        .ok_or_else(|| AccountError::Unknown(name.to_string()))?;
    if account.role != Role::Expert {
        return Err(AccountError::NotExpert {
            name: name.to_string(),
            role: account.role,
        });
    }
    Ok(account)
}

/// Assigns the registered `communities` to the expert `name` (the caller
/// holds the writer lock) and logs it. Communities already assigned stay;
/// returns the ids newly assigned.
pub fn assign(
    archive: &Archive,
    lock: &WriterLock,
    name: &str,
    communities: &[String],
) -> Result<Vec<String>, AccountError> {
    let mut all = Accounts::load(archive.root())?;
    let account = expert(&mut all, name)?;
    let roster = archive.communities()?;
    let mut added = Vec::new();
    for id in communities {
        let id = roster.get(id)?.id.clone();
        if !account.assigned.contains(&id) && !added.contains(&id) {
            added.push(id);
        }
    }
    if added.is_empty() {
        return Ok(added);
    }
    account.assigned.extend(added.iter().cloned());
    account.assigned.sort();
    all.commit(
        archive,
        lock,
        AccountChange {
            communities: added.clone(),
            ..AccountChange::of(AccountAction::Assign, name)
        },
    )?;
    Ok(added)
}

/// Takes `communities` from the expert `name` and logs it; each must be
/// assigned to it. Works for communities no longer registered too.
pub fn unassign(
    archive: &Archive,
    lock: &WriterLock,
    name: &str,
    communities: &[String],
) -> Result<(), AccountError> {
    let mut all = Accounts::load(archive.root())?;
    let account = expert(&mut all, name)?;
    let ids: Vec<String> = communities.iter().map(|c| c.trim().to_string()).collect();
    if let Some(id) = ids.iter().find(|id| !account.assigned.contains(id)) {
        return Err(AccountError::NotAssigned {
            name: name.to_string(),
            community: id.clone(),
        });
    }
    account.assigned.retain(|c| !ids.contains(c));
    all.commit(
        archive,
        lock,
        AccountChange {
            communities: ids,
            ..AccountChange::of(AccountAction::Unassign, name)
        },
    )?;
    Ok(())
}

/// Sets a new password for `name` and logs that it changed.
pub fn set_password(
    archive: &Archive,
    lock: &WriterLock,
    name: &str,
    password: &str,
) -> Result<(), AccountError> {
    let mut all = Accounts::load(archive.root())?;
    let hashed = hash(password)?;
    let account = all
        .accounts
        .iter_mut()
        .find(|a| a.name == name)
        .ok_or_else(|| AccountError::Unknown(name.to_string()))?;
    account.password = hashed;
    all.commit(
        archive,
        lock,
        AccountChange::of(AccountAction::Password, name),
    )?;
    Ok(())
}

/// Removes the account `name` and logs it.
pub fn remove(archive: &Archive, lock: &WriterLock, name: &str) -> Result<(), AccountError> {
    let mut all = Accounts::load(archive.root())?;
    let before = all.accounts.len();
    all.accounts.retain(|a| a.name != name);
    if all.accounts.len() == before {
        return Err(AccountError::Unknown(name.to_string()));
    }
    all.commit(
        archive,
        lock,
        AccountChange::of(AccountAction::Remove, name),
    )?;
    Ok(())
}
