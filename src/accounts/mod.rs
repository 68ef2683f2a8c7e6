//! Local web accounts: who may sign in to `kaoping serve`, with which role
//! and what it is bound to (a community account's community, a district
//! account's district, the communities the office assigned to an expert).
//! Stored in the archive root as `accounts.json`, written atomically under
//! the writer lock; passwords are kept only as Argon2id PHC strings.
//! Additions, removals and assignments are recorded in the log (never the
//! hash). What each role may reach is decided in [`crate::scope`].

mod error;
mod manage;
mod password;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::archive::lock::WriterLock;
use crate::archive::{Archive, ArchiveError};
pub use crate::event::accounts::{AccountAction, AccountChange, Role};
pub use error::AccountError;
pub use manage::{Binding, add, assign, remove, set_password, unassign};
pub use password::burn_a_check;

/// File name of the accounts inside an archive root.
pub const ACCOUNTS_FILE: &str = "accounts.json";

/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 8;

impl Role {
    /// The role's Chinese name.
    pub fn name(self) -> &'static str {
        match self {
            Role::Community => "社区",
            Role::Office => "考评办",
            Role::District => "县（市）区",
            Role::Expert => "专家",
            Role::Street => "街道（乡镇）",
        }
    }
}

/// One account.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    /// Sign-in name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// The community, for a community account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub community: Option<String>,
    /// The district (its name in Attachment 1), for a district account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub district: Option<String>,
    /// The communities assigned to an expert account, ordered by id.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assigned: Vec<String>,
    /// The 街道（乡镇）, for a 街道 account (with its district).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
    /// Argon2id PHC string.
    pub password: String,
    /// When it was created (RFC 3339, UTC).
    pub created: String,
}

impl AccountChange {
    fn of(action: AccountAction, name: &str) -> AccountChange {
        AccountChange {
            action,
            name: name.to_string(),
            role: None,
            community: None,
            district: None,
            street: None,
            communities: Vec::new(),
        }
    }
}

/// All accounts of an archive.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Accounts {
    /// The accounts, in order of creation.
    pub accounts: Vec<Account>,
}

fn path_of(root: &Path) -> PathBuf {
    root.join(ACCOUNTS_FILE)
}

/// Whether `name` is usable as an account name: 1 to 32 characters, no
/// white space, slashes, colons or control characters. The sign-in form
/// refuses other names before any other work.
pub fn valid_name(name: &str) -> bool {
    let n = name.chars().count();
    let bad = |c: char| c.is_whitespace() || c.is_control() || "/\\:".contains(c);
    n > 0 && n <= 32 && !name.chars().any(bad)
}

fn check_name(name: &str) -> Result<(), AccountError> {
    if !valid_name(name) {
        return Err(AccountError::BadName(name.to_string()));
    }
    Ok(())
}

impl Accounts {
    /// Reads the accounts of the archive at `root` (none if the file does
    /// not exist).
    pub fn load(root: &Path) -> Result<Accounts, AccountError> {
        let path = path_of(root);
        let bytes = match crate::storage::register::read(root, ACCOUNTS_FILE) {
            Ok(Some(b)) => b,
            Ok(None) => return Ok(Accounts::default()),
            Err(source) => return Err(AccountError::Io { path, source }),
        };
        serde_json::from_slice(&bytes).map_err(|e| AccountError::Corrupt {
            path,
            reason: e.to_string(),
        })
    }

    /// Writes the accounts and logs the change.
    fn commit(
        &self,
        archive: &Archive,
        lock: &WriterLock,
        change: AccountChange,
    ) -> Result<(), AccountError> {
        let path = path_of(archive.root());
        let bytes = serde_json::to_vec_pretty(self).map_err(|e| AccountError::Corrupt {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        archive
            .backend()
            .and_then(|b| b.put_register(ACCOUNTS_FILE, &bytes))
            .map_err(|source| AccountError::Io { path, source })?;
        archive
            .log()
            .append(lock, crate::event::Event::Account(change))
            .map_err(ArchiveError::from)?;
        Ok(())
    }

    /// The account named `name`.
    pub fn get(&self, name: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_with_separators_or_spaces_are_refused() {
        for bad in ["", "a b", "a/b", "a\\b", "x\ny", &"长".repeat(33)] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
        assert!(check_name("五华区翠湖社区").is_ok());
    }

    /// An accounts file written before the district and expert roles reads
    /// unchanged, and is written back the same.
    #[test]
    fn accounts_files_of_the_earlier_release_read_unchanged() {
        let old = r#"{
  "accounts": [
    {
      "name": "kb",
      "role": "office",
      "password": "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA",
      "created": "2026-11-01T08:00:00Z"
    },
    {
      "name": "cuihu",
      "role": "community",
      "community": "WH-001",
      "password": "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA",
      "created": "2026-11-01T08:00:00Z"
    }
  ]
}"#;
        let all: Accounts = serde_json::from_str(old).unwrap();
        assert_eq!(all.accounts[1].community.as_deref(), Some("WH-001"));
        assert!(
            all.accounts
                .iter()
                .all(|a| a.district.is_none() && a.assigned.is_empty())
        );
        assert_eq!(serde_json::to_string_pretty(&all).unwrap(), old);
    }
}
