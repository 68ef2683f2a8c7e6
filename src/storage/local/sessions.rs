//! Web sessions of a local archive: in the server's memory (restarting
//! the server signs everyone out).

use std::collections::HashMap;
use std::io;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::storage::backend::{SessionRow, SessionStore};

struct Session {
    row: SessionRow,
    started: Instant,
    seen: Instant,
}

impl Session {
    fn expired(&self, idle_s: u64, max_age_s: u64) -> bool {
        self.seen.elapsed() >= Duration::from_secs(idle_s)
            || self.started.elapsed() >= Duration::from_secs(max_age_s)
    }
}

/// Sessions in memory.
#[derive(Default)]
pub struct MemorySessions {
    live: Mutex<HashMap<String, Session>>,
}

impl MemorySessions {
    fn live(&self) -> std::sync::MutexGuard<'_, HashMap<String, Session>> {
        self.live.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl SessionStore for MemorySessions {
    fn start(&self, id: &str, row: SessionRow, idle_s: u64, max_age_s: u64) -> io::Result<()> {
        let mut live = self.live();
        live.retain(|_, s| !s.expired(idle_s, max_age_s));
        let now = Instant::now();
        live.insert(
            id.to_string(),
            Session {
                row,
                started: now,
                seen: now,
            },
        );
        Ok(())
    }

    fn touch(&self, id: &str, idle_s: u64, max_age_s: u64) -> io::Result<Option<SessionRow>> {
        let mut live = self.live();
        let Some(s) = live.get_mut(id) else {
            return Ok(None);
        };
        if s.expired(idle_s, max_age_s) {
            live.remove(id);
            return Ok(None);
        }
        s.seen = Instant::now();
        Ok(Some(s.row.clone()))
    }

    fn end(&self, id: &str) -> io::Result<()> {
        self.live().remove(id);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_end_after_their_maximum_age_however_busy() {
        const MAX_AGE: u64 = 12 * 3600;
        let now = Instant::now();
        let s = Session {
            row: Default::default(),
            started: now.checked_sub(Duration::from_secs(MAX_AGE)).unwrap_or(now),
            seen: now,
        };
        assert!(
            s.expired(8 * 3600, MAX_AGE) || now.checked_sub(Duration::from_secs(MAX_AGE)).is_none()
        );
        let fresh = Session { started: now, ..s };
        assert!(!fresh.expired(8 * 3600, MAX_AGE));
    }
}
