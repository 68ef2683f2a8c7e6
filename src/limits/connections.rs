//! Connections per client address: each address (an IPv6 client by its
//! /64) holds at most its share of the server's open connections.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::{Arc, Mutex};

/// The key a client's connections are counted under: its address, or for
/// IPv6 its /64.
pub fn client_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & !((1u128 << 64) - 1))),
        v4 => v4,
    }
}

/// Open connections per client address.
pub struct Connections {
    per_address: usize,
    held: Mutex<HashMap<IpAddr, usize>>,
}

/// One connection counted for its address; uncounted when dropped.
pub struct Held {
    connections: Arc<Connections>,
    key: IpAddr,
}

impl Connections {
    /// At most `per_address` connections for one address (at least 1).
    pub fn new(per_address: usize) -> Arc<Connections> {
        Arc::new(Connections {
            per_address: per_address.max(1),
            held: Mutex::default(),
        })
    }

    /// Counts a new connection from `ip`, or `None` when that address
    /// holds its share already.
    pub fn admit(self: &Arc<Self>, ip: IpAddr) -> Option<Held> {
        let key = client_key(ip);
        let mut held = super::locked(&self.held);
        let n = held.entry(key).or_insert(0);
        if *n >= self.per_address {
            return None;
        }
        *n += 1;
        Some(Held {
            connections: self.clone(),
            key,
        })
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        let mut held = super::locked(&self.connections.held);
        if let Some(n) = held.get_mut(&self.key) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                held.remove(&self.key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_holds_at_most_its_share() {
        let c = Connections::new(2);
        let a = IpAddr::from([127, 0, 0, 2]);
        let (x, y) = (c.admit(a).unwrap(), c.admit(a).unwrap());
        assert!(c.admit(a).is_none());
        assert!(c.admit(IpAddr::from([127, 0, 0, 1])).is_some());
        drop(x);
        assert!(c.admit(a).is_some());
        drop(y);
    }

    #[test]
    fn an_ipv6_client_is_counted_by_its_prefix() {
        let c = Connections::new(1);
        let _held = c.admit("2001:db8::1".parse().unwrap()).unwrap();
        assert!(c.admit("2001:db8::2".parse().unwrap()).is_none());
        assert!(c.admit("2001:db8:0:1::1".parse().unwrap()).is_some());
    }
}
