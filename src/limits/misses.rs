//! Counting per client address in a window: unknown questionnaire links
//! tried (past a limit the address is paused for a while), and open-link
//! answers sent. Addresses are kept in memory only, never stored.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::locked;

/// Unknown links one address may try per window before a pause.
pub const MISSES_MAX: u32 = 30;
/// The window (and the pause).
pub const MISS_WINDOW: Duration = Duration::from_secs(15 * 60);
/// Open-link answers one address may send per window.
pub const ANSWERS_MAX: u32 = 20;
/// That window.
pub const ANSWERS_WINDOW: Duration = Duration::from_secs(3600);
/// Most counted addresses kept.
const CAPACITY: usize = 100_000;

/// Unknown links tried per address: (count, last try).
#[derive(Default)]
pub struct Misses(Mutex<HashMap<IpAddr, (u32, Instant)>>);

impl Misses {
    /// Whether `addr` tried too many unknown links lately.
    pub fn paused(&self, addr: IpAddr) -> bool {
        let misses = locked(&self.0);
        misses
            .get(&addr)
            .is_some_and(|(n, last)| *n >= MISSES_MAX && last.elapsed() < MISS_WINDOW)
    }

    /// Counts an unknown link tried by `addr`.
    pub fn miss(&self, addr: IpAddr) {
        let mut misses = locked(&self.0);
        if misses.len() >= CAPACITY {
            misses.retain(|_, (_, last)| last.elapsed() < MISS_WINDOW);
        }
        if misses.len() >= CAPACITY {
            // Flooded from very many addresses: start counting afresh
            // rather than grow without bound.
            misses.clear();
        }
        let e = misses.entry(addr).or_insert((0, Instant::now()));
        if e.1.elapsed() >= MISS_WINDOW {
            e.0 = 0;
        }
        e.0 += 1;
        e.1 = Instant::now();
    }
}

/// Answers per address in a window: (count, window start).
#[derive(Default)]
pub struct Rate(Mutex<HashMap<IpAddr, (u32, Instant)>>);

impl Rate {
    /// Counts one answer from `addr`; false when over [`ANSWERS_MAX`]
    /// per [`ANSWERS_WINDOW`].
    pub fn within(&self, addr: IpAddr) -> bool {
        let (max, window) = (ANSWERS_MAX, ANSWERS_WINDOW);
        let mut rate = locked(&self.0);
        if rate.len() >= CAPACITY {
            rate.retain(|_, (_, t)| t.elapsed() < window);
        }
        let e = rate.entry(addr).or_insert((0, Instant::now()));
        if e.1.elapsed() >= window {
            *e = (0, Instant::now());
        }
        e.0 += 1;
        e.0 <= max
    }
}
