//! Per-address limits the server applies, kept in memory below the front
//! ends: the sign-in failure throttle ([`throttle`]), the share of the
//! public questionnaire's open forms ([`open_forms`]), unknown links and
//! open-link answers counted per address ([`misses`]), the share of open
//! connections ([`connections`]). Uploads under way per account are
//! counted in [`crate::places`]. The web only calls these.

use std::sync::{Mutex, MutexGuard};

pub mod connections;
pub mod misses;
pub mod open_forms;
pub mod throttle;

/// The guarded value, also after a thread panicked holding it (every
/// table here stays consistent between statements).
pub(crate) fn locked<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}
