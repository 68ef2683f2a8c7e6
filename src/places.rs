//! Places for work under way, counted per key (an account, say) with a
//! cap: a server hands one out when a request starts and takes it back
//! when it ends, and can tell when nothing is under way. A poisoned count
//! is used as it stands.

use std::collections::HashMap;
use std::sync::{LockResult, Mutex, MutexGuard};

/// The places taken, per key.
#[derive(Debug, Default)]
pub struct Places(Mutex<HashMap<String, usize>>);

impl Places {
    fn counts(&self) -> MutexGuard<'_, HashMap<String, usize>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Takes a place for `key` unless it already holds `cap`; returns
    /// whether it got one.
    pub fn take(&self, key: &str, cap: usize) -> bool {
        let mut counts = self.counts();
        let n = counts.entry(key.to_string()).or_insert(0);
        if *n >= cap {
            return false;
        }
        *n += 1;
        true
    }

    /// Gives back a place of `key`; returns whether nothing is under way
    /// any more.
    pub fn give_back(&self, key: &str) -> bool {
        let mut counts = self.counts();
        if let Some(n) = counts.get_mut(key) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                counts.remove(key);
            }
        }
        counts.is_empty()
    }

    /// Whether nothing is under way.
    pub fn idle(&self) -> bool {
        self.counts().is_empty()
    }

    /// The counts themselves, for code that reads them directly.
    pub fn lock(&self) -> LockResult<MutexGuard<'_, HashMap<String, usize>>> {
        self.0.lock()
    }
}
