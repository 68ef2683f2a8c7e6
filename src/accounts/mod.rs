//! Local web accounts: who may sign in to `kaoping serve`, with which role
//! and what it is bound to (a community account's community, a district
//! account's district, the communities the office assigned to an expert).
//! Stored in the archive root as `accounts.json`, written atomically under
//! the writer lock; passwords are kept only as Argon2id PHC strings.
//! Additions, removals and assignments are recorded in the log (never the
//! hash). What each role may reach is decided in [`crate::scope`].

use std::io;
use std::path::{Path, PathBuf};

use argon2::Argon2;
use argon2::password_hash::PasswordHasher;
use argon2::password_hash::phc::PasswordHash;
use serde::{Deserialize, Serialize};

use crate::archive::lock::WriterLock;
use crate::archive::{Archive, ArchiveError};
use crate::community::CommunityError;
pub use crate::event::accounts::{AccountAction, AccountChange, Role};

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
    /// Argon2id PHC string.
    pub password: String,
    /// When it was created (RFC 3339, UTC).
    pub created: String,
}

impl Account {
    /// Whether `password` is this account's password.
    ///
    /// The Argon2 work memory (about 19 MiB) is one buffer per thread,
    /// reused by every check on that thread: allocating it anew for each
    /// check leaves the freed blocks with the allocator of whichever
    /// thread ran it, and a burst of sign-ins then keeps hundreds of MB.
    /// The rest is what `argon2`'s own verifier does: recompute the hash
    /// with the stored parameters and salt, compare in constant time.
    pub fn check_password(&self, password: &str) -> bool {
        thread_local! {
            static BLOCKS: std::cell::RefCell<Vec<argon2::Block>> =
                const { std::cell::RefCell::new(Vec::new()) };
        }
        let Ok(h) = PasswordHash::new(&self.password) else {
            return false;
        };
        let (Ok(params), Some(salt), Some(expected)) = (
            argon2::Params::try_from(&h),
            h.salt.as_ref(),
            h.hash.as_ref(),
        ) else {
            return false;
        };
        let Ok(algorithm) = argon2::Algorithm::try_from(h.algorithm.as_str()) else {
            return false;
        };
        let version = match h.version.map(argon2::Version::try_from) {
            None => argon2::Version::default(),
            Some(Ok(v)) => v,
            Some(Err(_)) => return false,
        };
        let expected = expected.as_bytes();
        let mut out = vec![0u8; expected.len()];
        let n = params.block_count();
        let argon = Argon2::new(algorithm, version, params);
        let hashed = BLOCKS.with_borrow_mut(|blocks| {
            if blocks.len() < n {
                blocks.resize(n, argon2::Block::default());
            }
            argon.hash_password_into_with_memory(
                password.as_bytes(),
                salt.as_ref(),
                &mut out,
                &mut blocks[..n],
            )
        });
        hashed.is_ok() && same_bytes(&out, expected)
    }
}

/// Compares two byte strings in time independent of where they differ.
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}

/// Spends what checking a password against a stored hash costs, for a
/// name that has no account.
pub fn burn_a_check(password: &str) {
    static DUMMY: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    if let Some(phc) = DUMMY.get_or_init(|| hash("no such account here").ok()) {
        let a = Account {
            name: String::new(),
            role: Role::Office,
            community: None,
            district: None,
            assigned: Vec::new(),
            password: phc.clone(),
            created: String::new(),
        };
        let _ = a.check_password(password);
    }
}

impl AccountChange {
    fn of(action: AccountAction, name: &str) -> AccountChange {
        AccountChange {
            action,
            name: name.to_string(),
            role: None,
            community: None,
            district: None,
            communities: Vec::new(),
        }
    }
}

/// Why an account operation failed.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// The archive could not be read or written.
    #[error(transparent)]
    Archive(#[from] ArchiveError),
    /// The accounts file could not be read or written.
    #[error("无法读写账号文件 {path}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// The accounts file is not valid.
    #[error("账号文件 {path} 格式不对（{reason}），请从备份恢复")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A name is taken.
    #[error("账号 {0} 已存在；要改密码请用 kaoping user passwd {0}")]
    Exists(String),
    /// No such account.
    #[error("没有名为 {0} 的账号（kaoping user list 查看全部账号）")]
    Unknown(String),
    /// The name is not usable.
    #[error("账号名“{0}”不可用：请用 1 至 32 个字符，不含空格、斜杠和控制字符")]
    BadName(String),
    /// The password is too short.
    #[error("密码太短：至少 {MIN_PASSWORD_CHARS} 个字符")]
    ShortPassword,
    /// A community account without its community, or an office account
    /// with one.
    #[error("{0}")]
    Community(String),
    /// The community is not registered.
    #[error(transparent)]
    Unregistered(#[from] CommunityError),
    /// The district is not one of Attachment 1.
    #[error(transparent)]
    District(#[from] crate::districts::UnknownDistrict),
    /// Communities can be assigned only to an expert account.
    #[error("账号 {name} 是{role}账号，只能给专家账号分配社区（kaoping user add 账号 --role expert 开设专家账号）", role = .role.name())]
    NotExpert {
        /// The account.
        name: String,
        /// Its role.
        role: Role,
    },
    /// The community is not assigned to the expert.
    #[error("社区 {community} 没有分配给专家 {name}，无需取消")]
    NotAssigned {
        /// The expert account.
        name: String,
        /// The community.
        community: String,
    },
    /// Hashing failed.
    #[error("无法生成密码摘要：{0}")]
    Hash(String),
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

fn hash(password: &str) -> Result<String, AccountError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AccountError::ShortPassword);
    }
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AccountError::Hash(e.to_string()))
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

/// What a new account is bound to, as the command line gives it: a
/// community id for a community account, a district name (or alias) for a
/// district account, nothing for office and expert accounts.
#[derive(Debug, Clone, Copy, Default)]
pub struct Binding<'a> {
    /// `--community`.
    pub community: Option<&'a str>,
    /// `--district`.
    pub district: Option<&'a str>,
}

/// Checks that `role` gets exactly the binding it needs; returns the
/// registered community id and the district's Attachment 1 name.
fn bind(
    archive: &Archive,
    role: Role,
    b: Binding,
) -> Result<(Option<String>, Option<String>), AccountError> {
    let refuse = |m: &str| Err(AccountError::Community(m.into()));
    match (role, b.community, b.district) {
        (Role::Community, None, _) => refuse("社区账号要用 --community 编号 指明所属社区"),
        (Role::Community, Some(id), None) => {
            Ok((Some(archive.communities()?.get(id)?.id.clone()), None))
        }
        (Role::District, _, None) => {
            refuse("县（市）区账号要用 --district 名称 指明所属县（市）区，如 --district 五华区")
        }
        (Role::District, None, Some(d)) => Ok((
            None,
            Some(
                crate::districts::DistrictTable::builtin()
                    .find(d)?
                    .name
                    .clone(),
            ),
        )),
        (Role::Office, None, None) | (Role::Expert, None, None) => Ok((None, None)),
        (Role::Office, ..) => {
            refuse("考评办账号可以查看所有社区，不要加 --community 或 --district")
        }
        (Role::Expert, ..) => refuse(
            "专家账号不要加 --community 或 --district：开设后用 kaoping expert assign 账号 --community 编号 分配社区",
        ),
        (Role::Community, Some(_), Some(_)) => {
            refuse("社区账号只用 --community，不要加 --district")
        }
        (Role::District, Some(_), Some(_)) => {
            refuse("县（市）区账号只用 --district，不要加 --community")
        }
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
    let (community, district) = bind(archive, role, binding)?;
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

    #[test]
    fn password_hash_verifies_only_the_same_password() {
        let phc = hash("correct horse").unwrap();
        assert!(phc.starts_with("$argon2id$"));
        let a = Account {
            name: "x".into(),
            role: Role::Office,
            community: None,
            district: None,
            assigned: Vec::new(),
            password: phc,
            created: String::new(),
        };
        assert!(a.check_password("correct horse"));
        assert!(!a.check_password("correct horsf"));
        // The crate's own verifier agrees with the memory-reusing one.
        use argon2::password_hash::PasswordVerifier;
        let parsed = PasswordHash::new(&a.password).unwrap();
        assert!(
            Argon2::default()
                .verify_password(b"correct horse", &parsed)
                .is_ok()
        );
        let mut broken = a.clone();
        broken.password = "$argon2id$v=19$garbage".into();
        assert!(!broken.check_password("correct horse"));
        assert!(matches!(hash("short"), Err(AccountError::ShortPassword)));
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
