//! What one handle (one web request, one command) read, kept until this
//! process takes a writer lock, appends to the log or writes a register
//! ([`super::written`]): a page asks for the same register or records
//! several times, and on PostgreSQL every read is a round trip. A writer
//! always reads afresh, because taking the lock moves the count first.

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
