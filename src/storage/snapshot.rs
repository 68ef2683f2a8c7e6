//! What one handle (one web request, one command) read, kept until this
//! process takes a writer lock, appends to the log or writes a register
//! ([`super::written`]): a page asks for the same register or records
//! several times, and on PostgreSQL every read is a round trip. A writer
//! always reads afresh, because taking the lock moves the count first.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

/// A value as a handle last read it, with the write count then. Clones
/// share it (a cloned handle is the same handle).
#[derive(Debug)]
pub struct Snapshot<T>(Arc<Mutex<Option<(u64, T)>>>);

impl<T> Default for Snapshot<T> {
    fn default() -> Self {
        Snapshot(Arc::default())
    }
}

impl<T> Clone for Snapshot<T> {
    fn clone(&self) -> Self {
        Snapshot(self.0.clone())
    }
}

impl<T: Clone> Snapshot<T> {
    /// The value kept, if nothing was written in this process since.
    pub fn current(&self) -> Option<T> {
        let kept = self.0.lock().ok()?;
        let (at, value) = kept.as_ref()?;
        (*at == super::epoch()).then(|| value.clone())
    }

    /// The value kept, else what `load` reads (then kept).
    pub fn get_or_load<E>(&self, load: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
        let epoch = super::epoch();
        if let Some(value) = self.current() {
            return Ok(value);
        }
        let value = load()?;
        if let Ok(mut kept) = self.0.lock() {
            *kept = Some((epoch, value.clone()));
        }
        Ok(value)
    }
}

/// Values by key as a handle last read them, all dropped together on the
/// same rule as [`Snapshot`]: a command asks for one community's records
/// several times (its submissions, level steps, assessment versions), and
/// on PostgreSQL each ask is a round trip.
#[derive(Debug)]
pub struct SnapshotMap<K, V>(Arc<Mutex<(u64, HashMap<K, V>)>>);

impl<K, V> Default for SnapshotMap<K, V> {
    fn default() -> Self {
        SnapshotMap(Arc::new(Mutex::new((0, HashMap::new()))))
    }
}

impl<K, V> Clone for SnapshotMap<K, V> {
    fn clone(&self) -> Self {
        SnapshotMap(self.0.clone())
    }
}

impl<K: Eq + Hash, V: Clone> SnapshotMap<K, V> {
    /// The value kept for `key`, else what `load` reads (then kept).
    pub fn get_or_load<E>(&self, key: K, load: impl FnOnce() -> Result<V, E>) -> Result<V, E> {
        let epoch = super::epoch();
        if let Ok(kept) = self.0.lock()
            && kept.0 == epoch
            && let Some(value) = kept.1.get(&key)
        {
            return Ok(value.clone());
        }
        let value = load()?;
        if let Ok(mut kept) = self.0.lock() {
            if kept.0 != epoch {
                kept.1.clear();
                kept.0 = epoch;
            }
            kept.1.insert(key, value.clone());
        }
        Ok(value)
    }
}
