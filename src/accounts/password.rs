//! Passwords: kept only as Argon2id PHC strings, checked in constant time
//! with one reused work buffer per thread, and a check's cost spent for
//! names without an account.

use argon2::Argon2;
use argon2::password_hash::PasswordHasher;
use argon2::password_hash::phc::PasswordHash;

use super::{Account, AccountError, MIN_PASSWORD_CHARS, Role};

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
            street: None,
            password: phc.clone(),
            created: String::new(),
        };
        let _ = a.check_password(password);
    }
}

pub(super) fn hash(password: &str) -> Result<String, AccountError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AccountError::ShortPassword);
    }
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AccountError::Hash(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

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
            street: None,
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
}
