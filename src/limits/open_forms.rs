//! The public questionnaire's open forms: each page served by `/q/{token}`
//! or `/q/open/{token}` carries a one-time nonce, kept here with the copy
//! or link it is for, when it was opened and the address that opened it.
//!
//! The table is bounded, and shared fairly: one address holds at most
//! `per_address` forms (opening one more drops that address's oldest),
//! and when the whole table is full the oldest form of the address
//! holding the most goes. A flood of page loads from one place therefore
//! costs only that place its older forms; nobody is ever refused a form.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

use super::locked;

/// How long an opened form stays valid.
pub const FORM_LIFE: std::time::Duration = std::time::Duration::from_secs(4 * 3600);

/// Most open forms kept, by default.
pub const CAPACITY: usize = 100_000;
/// Most open forms one address holds, by default.
pub const PER_ADDRESS: usize = 1_000;

struct Form {
    token_sha: String,
    since: Instant,
    addr: IpAddr,
}

#[derive(Default)]
struct Table {
    forms: HashMap<String, Form>,
    /// Each address's nonces, oldest first.
    by_addr: HashMap<IpAddr, VecDeque<String>>,
}

impl Table {
    fn drop_oldest_of(&mut self, addr: IpAddr) {
        if let Some(q) = self.by_addr.get_mut(&addr) {
            if let Some(nonce) = q.pop_front() {
                self.forms.remove(&nonce);
            }
            if q.is_empty() {
                self.by_addr.remove(&addr);
            }
        }
    }

    fn drop_expired(&mut self) {
        self.forms.retain(|_, f| f.since.elapsed() < FORM_LIFE);
        let forms = &self.forms;
        self.by_addr.retain(|_, q| {
            q.retain(|n| forms.contains_key(n));
            !q.is_empty()
        });
    }

    fn heaviest(&self) -> Option<IpAddr> {
        self.by_addr
            .iter()
            .max_by_key(|(_, q)| q.len())
            .map(|(a, _)| *a)
    }
}

/// The open forms of a server.
pub struct OpenForms {
    table: Mutex<Table>,
    capacity: usize,
    per_address: usize,
}

impl Default for OpenForms {
    fn default() -> OpenForms {
        OpenForms::new(CAPACITY, PER_ADDRESS)
    }
}

impl OpenForms {
    /// A table of at most `capacity` forms, `per_address` of them for one
    /// address (both at least 1).
    pub fn new(capacity: usize, per_address: usize) -> OpenForms {
        let capacity = capacity.max(1);
        OpenForms {
            table: Mutex::default(),
            capacity,
            per_address: per_address.clamp(1, capacity),
        }
    }

    /// Keeps `nonce` as a form for the copy or link `token_sha`, opened at
    /// `since` by `addr`, making room as described above.
    pub fn open(&self, nonce: String, token_sha: &str, since: Instant, addr: IpAddr) {
        let mut t = locked(&self.table);
        while t
            .by_addr
            .get(&addr)
            .is_some_and(|q| q.len() >= self.per_address)
        {
            t.drop_oldest_of(addr);
        }
        if t.forms.len() >= self.capacity {
            t.drop_expired();
        }
        while t.forms.len() >= self.capacity {
            match t.heaviest() {
                Some(a) => t.drop_oldest_of(a),
                None => t.forms.clear(),
            }
        }
        let form = Form {
            token_sha: token_sha.to_string(),
            since,
            addr,
        };
        t.forms.insert(nonce.clone(), form);
        t.by_addr.entry(addr).or_default().push_back(nonce);
    }

    /// Takes the form `nonce` if it is one for `token_sha` still valid;
    /// gives when it was opened.
    pub fn take(&self, nonce: &str, token_sha: &str) -> Option<Instant> {
        let mut t = locked(&self.table);
        let f = t.forms.get(nonce)?;
        if f.token_sha != token_sha || f.since.elapsed() >= FORM_LIFE {
            return None;
        }
        let (since, addr) = (f.since, f.addr);
        t.forms.remove(nonce);
        if let Some(q) = t.by_addr.get_mut(&addr) {
            q.retain(|n| n != nonce);
            if q.is_empty() {
                t.by_addr.remove(&addr);
            }
        }
        Some(since)
    }

    /// Forms held, for tests.
    #[cfg(test)]
    fn len(&self) -> usize {
        locked(&self.table).forms.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(n: u8) -> IpAddr {
        IpAddr::from([10, 0, 0, n])
    }

    #[test]
    fn one_address_cannot_take_more_than_its_share() {
        let f = OpenForms::new(100, 10);
        let now = Instant::now();
        f.open("mine".into(), "t", now, ip(2));
        for i in 0..1_000 {
            f.open(format!("n{i}"), "t", now, ip(1));
        }
        assert!(f.len() <= 11);
        // The flood lost its own older forms, not the other address's.
        assert!(f.take("n0", "t").is_none());
        assert!(f.take("n999", "t").is_some());
        assert!(f.take("mine", "t").is_some());
    }

    #[test]
    fn a_full_table_takes_from_the_address_holding_most() {
        let f = OpenForms::new(20, 10);
        let now = Instant::now();
        for a in 1..=2 {
            for i in 0..10 {
                f.open(format!("{a}-{i}"), "t", now, ip(a));
            }
        }
        f.open("first".into(), "t", now, ip(3));
        assert_eq!(f.len(), 20);
        assert!(f.take("first", "t").is_some());
        assert!(f.take("1-0", "t").is_none() || f.take("2-0", "t").is_none());
    }

    #[test]
    fn a_form_is_taken_once_and_only_for_its_link() {
        let f = OpenForms::new(10, 10);
        f.open("n".into(), "t", Instant::now(), ip(1));
        assert!(f.take("n", "other").is_none());
        assert!(f.take("n", "t").is_some());
        assert!(f.take("n", "t").is_none());
    }
}
