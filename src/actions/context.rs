//! What every action is given: the archive, who is asking (the person at
//! the console, or a signed-in account) and what to do when another
//! writer holds the archive.

use crate::accounts::{Account, Role};
use crate::archive::Archive;
use crate::archive::lock::WriterLock;
use crate::community::{Community, Roster};
use crate::scope::{self, Access};

use super::ActionError;

/// Who asks for an action.
#[derive(Debug, Clone, Copy)]
pub enum Caller<'a> {
    /// The person at the archive's own console (the `kaoping` command):
    /// whoever may open the archive folder or its database may do
    /// everything the office may, and a few commands name the account
    /// they act for (`--as`).
    Console,
    /// A signed-in account: every action checks its role and scope.
    Account(&'a Account),
}

/// What to do when another writer holds the archive.
#[derive(Clone, Copy)]
pub enum Wait<'a> {
    /// Refuse at once (the CLI's `--no-wait`).
    No,
    /// Wait for it; `notice` is told once, with a message saying who
    /// holds the archive, when the wait begins.
    Yes(&'a dyn Fn(&str)),
    /// Wait without telling anyone (the web).
    Quiet,
}

/// One action's context.
#[derive(Clone, Copy)]
pub struct Ctx<'a> {
    /// The archive acted on.
    pub archive: &'a Archive,
    /// Who asks.
    pub caller: Caller<'a>,
    /// What to do when the archive is busy.
    pub wait: Wait<'a>,
}

impl<'a> Ctx<'a> {
    /// An action asked for at the console.
    pub fn console(archive: &'a Archive, wait: Wait<'a>) -> Ctx<'a> {
        Ctx {
            archive,
            caller: Caller::Console,
            wait,
        }
    }

    /// An action asked for by a signed-in account (which waits quietly).
    pub fn account(archive: &'a Archive, account: &'a Account) -> Ctx<'a> {
        Ctx {
            archive,
            caller: Caller::Account(account),
            wait: Wait::Quiet,
        }
    }

    /// The signed-in account, if any.
    pub fn account_of(&self) -> Option<&'a Account> {
        match self.caller {
            Caller::Console => None,
            Caller::Account(a) => Some(a),
        }
    }

    /// Refuses every signed-in account but the office's (the console is
    /// the office's own).
    pub(crate) fn office_only(&self) -> Result<(), ActionError> {
        match self.caller {
            Caller::Account(a) if a.role != crate::accounts::Role::Office => {
                Err(crate::scope::Denied::NotInScope.into())
            }
            _ => Ok(()),
        }
    }

    /// Takes the archive's writer lock (only actions call this).
    pub(crate) fn lock(&self) -> Result<WriterLock, ActionError> {
        let lock = match self.wait {
            Wait::No => self.archive.lock(false, |_| {}),
            Wait::Yes(notice) => self.archive.lock(true, notice),
            Wait::Quiet => self.archive.lock(true, |_| {}),
        }?;
        Ok(lock)
    }

    /// The writer lock taken again by an action that already holds
    /// something (reserved numbers) to finish: it waits, quietly, whatever
    /// the policy, for the holder is another short write.
    pub(crate) fn relock(&self) -> Result<WriterLock, ActionError> {
        Ok(self.archive.lock(true, |_| {})?)
    }

    /// The registered communities.
    pub fn roster(&self) -> Result<Roster, ActionError> {
        Ok(self.archive.communities()?)
    }

    /// Whether the caller may do `access` for `c` (the console may do
    /// everything).
    pub fn may(&self, c: &Community, access: Access) -> bool {
        match self.caller {
            Caller::Console => true,
            Caller::Account(account) => scope::allows(account, c, access),
        }
    }

    /// The communities of `roster` the caller may see, in register order.
    pub fn seen<'r>(&self, roster: &'r Roster) -> Vec<&'r Community> {
        match self.caller {
            Caller::Console => roster.all().collect(),
            Caller::Account(account) => scope::visible(account, roster),
        }
    }

    /// Community `id` from `roster`, if the caller may do `access` for it
    /// (the console may do everything).
    pub fn community<'r>(
        &self,
        roster: &'r Roster,
        id: &str,
        access: Access,
    ) -> Result<&'r Community, ActionError> {
        match self.caller {
            Caller::Console => Ok(roster.get(id)?),
            Caller::Account(account) => visible(account, roster, id, access),
        }
    }
}

/// Community `id` as `account` may reach it for `access`. An account
/// that is not the office is told nothing more of a community it may
/// not reach, not even whether it exists (answered as one out of its
/// scope), so that no id can be probed.
pub fn visible<'r>(
    account: &Account,
    roster: &'r Roster,
    id: &str,
    access: Access,
) -> Result<&'r Community, ActionError> {
    match roster.get(id) {
        Ok(c) => {
            scope::check(account, c, access)?;
            Ok(c)
        }
        Err(e) if account.role == Role::Office => Err(e.into()),
        Err(_) => Err(scope::Denied::NotInScope.into()),
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::scope::Denied;

    /// An account of `role` (of `district`), for the actions' tests.
    pub(in crate::actions) fn account(role: Role, district: Option<&str>) -> Account {
        Account {
            name: "x".into(),
            role,
            community: None,
            district: district.map(str::to_string),
            assigned: Vec::new(),
            street: None,
            password: String::new(),
            created: String::new(),
        }
    }

    #[test]
    fn an_unregistered_id_is_out_of_scope_to_all_but_the_office() {
        let mut roster = Roster::default();
        let wh = Community::new("WH-001", "翠湖社区", "五华区", "城市社区", "第一阶段");
        assert!(roster.add(wh.expect("a valid community")).is_ok());
        let office = account(Role::Office, None);
        let wuhua = account(Role::District, Some("五华区"));
        let panlong = account(Role::District, Some("盘龙区"));
        let found =
            |a: &Account, id: &str| visible(a, &roster, id, Access::Read).map(|c| c.id.clone());
        assert_eq!(found(&wuhua, "WH-001").ok().as_deref(), Some("WH-001"));
        // Not registered and registered elsewhere answer alike to others.
        for id in ["WH-999", "WH-001"] {
            let e = found(&panlong, id).err();
            assert!(
                matches!(e, Some(ActionError::Denied(Denied::NotInScope))),
                "{id}: {e:?}"
            );
        }
        // The office learns that the id is not registered.
        let e = found(&office, "WH-999").err();
        assert!(matches!(e, Some(ActionError::Community(_))), "{e:?}");
    }
}
