//! Sign-in throttling, per client address and per account and address.
//!
//! - An attempt counts as a failure of its address (and of its account
//!   from that address) *before* its password is checked, in the same
//!   step as the check of the counters; a right password takes its count
//!   back. So concurrent guesses count at once, and an attempt whose
//!   client drops the connection (or is slow) stays counted against the
//!   address that made it.
//! - After a few wrong passwords for an account from one address, further
//!   attempts on it *from that address* are slowed: one at a time, each
//!   after a growing delay.
//! - An address with many failures is paused; that stops one client from
//!   guessing fast across many accounts.
//! - Failures are held against the address that made them only: a right
//!   password from another address is neither refused nor delayed by
//!   them, so nobody can lock an account's owner out by guessing.
//! - The tables are bounded: stale entries are dropped, and when full the
//!   oldest entry goes.
//!
//! Hand-written: the rules are specific to the sign-in form and small; a
//! general rate-limiting crate would not count attempts under way.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Wrong passwords for one account from one address after which its
/// attempts from there are slowed.
pub const ACCOUNT_FREE: u32 = 5;
/// Wrong passwords (attempts under way and dropped ones included) after
/// which an address is paused.
pub const ADDRESS_MAX: u32 = 20;
/// Failures older than this are forgotten; a paused address waits this
/// long after its last failure.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Longest delay before a slowed attempt is checked.
const MAX_DELAY: Duration = Duration::from_secs(10);
/// Most entries kept per table.
const CAPACITY: usize = 10_000;

#[derive(Debug, Clone, Copy)]
struct Counter {
    /// Failures, counting attempts under way and those cut short.
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
    /// This address is slowed for the account and another of its attempts
    /// on it is under way.
    Busy,
}

type Pair = (String, IpAddr);

#[derive(Default)]
struct Tables {
    pairs: HashMap<Pair, Counter>,
    addresses: HashMap<IpAddr, Counter>,
}

/// The sign-in counters of a server.
#[derive(Default)]
pub struct Throttle {
    tables: Mutex<Tables>,
}

/// One sign-in attempt under way, counted as a failure until
/// [`Ticket::finish`] says its password was right.
pub struct Ticket<'a> {
    throttle: &'a Throttle,
    pair: Pair,
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

fn count(c: &mut Counter) {
    c.failures += 1;
    c.under_way += 1;
    c.last = Instant::now();
}

impl Throttle {
    /// Records the start of an attempt on `account` from `address` (as a
    /// failure until it succeeds), or says why it may not be made now.
    pub fn begin(&self, account: &str, address: IpAddr) -> Result<Ticket<'_>, Refusal> {
        let mut t = super::locked(&self.tables);
        if entry(&mut t.addresses, &address).failures >= ADDRESS_MAX {
            return Err(Refusal::Address);
        }
        let pair = (account.to_string(), address);
        let p = entry(&mut t.pairs, &pair);
        let delay = if p.failures >= ACCOUNT_FREE {
            if p.under_way > 0 {
                return Err(Refusal::Busy);
            }
            let steps = p.failures - ACCOUNT_FREE + 1;
            MAX_DELAY.min(Duration::from_secs(u64::from(steps)))
        } else {
            Duration::ZERO
        };
        count(p);
        if let Some(a) = t.addresses.get_mut(&address) {
            count(a);
        }
        Ok(Ticket {
            throttle: self,
            pair,
            delay,
            done: false,
        })
    }

    /// An attempt ended; a right password takes its failure back (and
    /// forgets the account's earlier failures from that address).
    fn end(&self, pair: &Pair, right: bool) {
        self.settle(pair, right, right);
    }

    fn settle(&self, pair: &Pair, right: bool, uncount: bool) {
        let mut t = super::locked(&self.tables);
        if let Some(p) = t.pairs.get_mut(pair) {
            p.under_way = p.under_way.saturating_sub(1);
            if right {
                p.failures = 0;
            } else if uncount {
                p.failures = p.failures.saturating_sub(1);
            }
        }
        if let Some(a) = t.addresses.get_mut(&pair.1) {
            a.under_way = a.under_way.saturating_sub(1);
            if uncount {
                a.failures = a.failures.saturating_sub(1);
            }
        }
    }

    /// Entries held (account and address pairs, addresses), for tests of
    /// the bound.
    #[cfg(test)]
    fn sizes(&self) -> (usize, usize) {
        let t = super::locked(&self.tables);
        (t.pairs.len(), t.addresses.len())
    }
}

impl Ticket<'_> {
    /// Records whether the password was right.
    pub fn finish(mut self, right: bool) {
        self.done = true;
        self.throttle.end(&self.pair, right);
    }
}

impl Ticket<'_> {
    /// No password was checked (the server was too busy): the attempt
    /// counts for nothing.
    pub fn cancel(mut self) {
        self.done = true;
        self.throttle.settle(&self.pair, false, true);
    }
}

impl Drop for Ticket<'_> {
    /// Cut short (the client went away, or the check failed): the attempt
    /// stays counted as a failure.
    fn drop(&mut self) {
        if !self.done {
            self.throttle.end(&self.pair, false);
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
        // Five under way from one address: its sixth must wait for them;
        // another address is not held back.
        assert_eq!(t.begin("office", ip(1)).err(), Some(Refusal::Busy));
        assert_eq!(t.begin("office", ip(2)).unwrap().delay, Duration::ZERO);
        drop(tickets);
        assert!(t.begin("office", ip(1)).is_ok());
    }

    #[test]
    fn wrong_passwords_slow_their_address_but_never_the_owner() {
        let t = Throttle::default();
        for _ in 0..ACCOUNT_FREE + 3 {
            t.begin("office", ip(1)).unwrap().finish(false);
        }
        let ticket = t.begin("office", ip(1)).unwrap();
        assert!(ticket.delay > Duration::ZERO && ticket.delay <= MAX_DELAY);
        ticket.finish(true);
        assert_eq!(t.begin("office", ip(1)).unwrap().delay, Duration::ZERO);
        // The owner elsewhere was never slowed.
        let owner = t.begin("office", ip(9)).unwrap();
        assert_eq!(owner.delay, Duration::ZERO);
        owner.finish(true);
    }

    #[test]
    fn dropped_attempts_count_against_their_own_address() {
        let t = Throttle::default();
        for i in 0..ADDRESS_MAX {
            // Cut short before any answer: still a failure of ip(1).
            drop(t.begin(&format!("u{i}"), ip(1)).unwrap());
        }
        assert_eq!(t.begin("u0", ip(1)).err(), Some(Refusal::Address));
        let owner = t.begin("u0", ip(2)).unwrap();
        assert_eq!(owner.delay, Duration::ZERO);
    }

    #[test]
    fn right_passwords_do_not_use_up_the_address() {
        let t = Throttle::default();
        for _ in 0..3 * ADDRESS_MAX {
            t.begin("office", ip(1)).unwrap().finish(true);
        }
        assert!(t.begin("office", ip(1)).is_ok());
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
