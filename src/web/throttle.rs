//! Sign-in throttling, per account and per client address.
//!
//! - An attempt is recorded *before* its password is checked, in the same
//!   step as the check of the counters, so concurrent guesses count at
//!   once (attempts under way count like failures).
//! - After a few wrong passwords an account is not refused but slowed:
//!   one attempt at a time, each after a growing delay. Nobody can lock
//!   the office out by guessing its password; the right password still
//!   signs in, a little later.
//! - An address with many wrong passwords is paused; that stops one
//!   client from guessing fast across many accounts.
//! - Both tables are bounded: stale entries are dropped, and when full the
//!   oldest entry goes.
//!
//! Hand-written: the rules are specific to the sign-in form and small; a
//! general rate-limiting crate would not count attempts under way.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Wrong passwords after which an account is slowed.
pub const ACCOUNT_FREE: u32 = 5;
/// Wrong passwords after which an address is paused.
pub const ADDRESS_MAX: u32 = 20;
/// Failures older than this are forgotten; a paused address waits this
/// long after its last failure.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Longest delay before a slowed account's attempt is checked.
const MAX_DELAY: Duration = Duration::from_secs(10);
/// Most entries kept per table.
const CAPACITY: usize = 10_000;

#[derive(Debug, Clone, Copy)]
struct Counter {
    failures: u32,
    under_way: u32,
    last: Instant,
}

impl Counter {
    fn fresh() -> Counter {
        Counter {
            failures: 0,
            under_way: 0,
            last: Instant::now(),
        }
    }

    fn stale(&self) -> bool {
        self.under_way == 0 && self.last.elapsed() >= WINDOW
    }
}

/// Why an attempt may not be made now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Too many wrong passwords from this address lately.
    Address,
    /// The account is slowed and another attempt on it is under way.
    Busy,
}

#[derive(Default)]
struct Tables {
    accounts: HashMap<String, Counter>,
    addresses: HashMap<IpAddr, Counter>,
}

/// The sign-in counters of a server.
#[derive(Default)]
pub struct Throttle {
    tables: Mutex<Tables>,
}

/// One sign-in attempt under way. Say how it ended with
/// [`Ticket::finish`]; dropped unfinished, it counts as nothing.
pub struct Ticket<'a> {
    throttle: &'a Throttle,
    account: String,
    address: IpAddr,
    /// How long to wait before checking the password.
    pub delay: Duration,
    done: bool,
}

/// The counter of `key`, made room for in a bounded table.
fn entry<'t, K: Hash + Eq + Clone>(table: &'t mut HashMap<K, Counter>, key: &K) -> &'t mut Counter {
    if !table.contains_key(key) && table.len() >= CAPACITY {
        table.retain(|_, c| !c.stale());
        if table.len() >= CAPACITY
            && let Some(oldest) = table
                .iter()
                .filter(|(_, c)| c.under_way == 0)
                .min_by_key(|(_, c)| c.last)
                .map(|(k, _)| k.clone())
        {
            table.remove(&oldest);
        }
    }
    let c = table.entry(key.clone()).or_insert_with(Counter::fresh);
    if c.stale() {
        *c = Counter::fresh();
    }
    c
}

impl Throttle {
    /// Records the start of an attempt on `account` from `address`, or
    /// says why it may not be made now.
    pub fn begin(&self, account: &str, address: IpAddr) -> Result<Ticket<'_>, Refusal> {
        let mut t = self.tables.lock().unwrap_or_else(|p| p.into_inner());
        let a = entry(&mut t.addresses, &address);
        if a.failures + a.under_way >= ADDRESS_MAX {
            return Err(Refusal::Address);
        }
        let key = account.to_string();
        let c = entry(&mut t.accounts, &key);
        let counted = c.failures + c.under_way;
        let delay = if counted >= ACCOUNT_FREE {
            if c.under_way > 0 {
                return Err(Refusal::Busy);
            }
            let steps = counted - ACCOUNT_FREE + 1;
            MAX_DELAY.min(Duration::from_secs(u64::from(steps)))
        } else {
            Duration::ZERO
        };
        c.under_way += 1;
        if let Some(a) = t.addresses.get_mut(&address) {
            a.under_way += 1;
        }
        Ok(Ticket {
            throttle: self,
            account: key,
            address,
            delay,
            done: false,
        })
    }

    fn end(&self, account: &str, address: IpAddr, outcome: Option<bool>) {
        let mut t = self.tables.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(c) = t.accounts.get_mut(account) {
            c.under_way = c.under_way.saturating_sub(1);
            match outcome {
                Some(false) => {
                    c.failures += 1;
                    c.last = Instant::now();
                }
                Some(true) => c.failures = 0,
                None => {}
            }
        }
        if let Some(a) = t.addresses.get_mut(&address) {
            a.under_way = a.under_way.saturating_sub(1);
            if outcome == Some(false) {
                a.failures += 1;
                a.last = Instant::now();
            }
        }
    }

    /// Entries held (accounts, addresses), for tests of the bound.
    #[cfg(test)]
    fn sizes(&self) -> (usize, usize) {
        let t = self.tables.lock().unwrap_or_else(|p| p.into_inner());
        (t.accounts.len(), t.addresses.len())
    }
}

impl Ticket<'_> {
    /// Records whether the password was right.
    pub fn finish(mut self, right: bool) {
        self.done = true;
        self.throttle.end(&self.account, self.address, Some(right));
    }
}

impl Drop for Ticket<'_> {
    fn drop(&mut self) {
        if !self.done {
            self.throttle.end(&self.account, self.address, None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(n: u8) -> IpAddr {
        IpAddr::from([10, 0, 0, n])
    }

    #[test]
    fn concurrent_attempts_count_before_their_result() {
        let t = Throttle::default();
        let tickets: Vec<_> = (0..ACCOUNT_FREE)
            .map(|_| t.begin("office", ip(1)).unwrap())
            .collect();
        // Five under way: the sixth must wait for them.
        assert_eq!(t.begin("office", ip(2)).err(), Some(Refusal::Busy));
        drop(tickets);
        assert!(t.begin("office", ip(2)).is_ok());
    }

    #[test]
    fn wrong_passwords_slow_the_account_but_never_lock_it() {
        let t = Throttle::default();
        for _ in 0..ACCOUNT_FREE + 3 {
            t.begin("office", ip(1)).unwrap().finish(false);
        }
        let ticket = t.begin("office", ip(9)).unwrap();
        assert!(ticket.delay > Duration::ZERO && ticket.delay <= MAX_DELAY);
        ticket.finish(true);
        assert_eq!(t.begin("office", ip(9)).unwrap().delay, Duration::ZERO);
    }

    #[test]
    fn an_address_with_many_failures_is_paused_for_every_account() {
        let t = Throttle::default();
        for i in 0..ADDRESS_MAX {
            t.begin(&format!("u{i}"), ip(1)).unwrap().finish(false);
        }
        assert_eq!(t.begin("other", ip(1)).err(), Some(Refusal::Address));
        assert!(t.begin("other", ip(2)).is_ok());
    }

    #[test]
    fn the_tables_stay_bounded() {
        let t = Throttle::default();
        for i in 0..(CAPACITY + 500) {
            let addr = IpAddr::from((i as u32).to_be_bytes());
            t.begin(&format!("n{i}"), addr).unwrap().finish(false);
        }
        let (a, b) = t.sizes();
        assert!(a <= CAPACITY && b <= CAPACITY, "{a} {b}");
    }
}
