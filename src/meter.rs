//! The progress meter of long work (named `meter` so that "progress" means
//! only the 进度汇总表): the library never prints; stages report through
//! the [`Meter`] trait, the CLI implements it with a terminal bar
//! (`cli/bar.rs`), tests and library users get the silent default.

/// Receives progress from a long-running stage. Every method has a silent
/// default, so an implementation only overrides what it shows.
pub trait Meter: Sync {
    /// A new phase starts; `total` is its size in `unit`s (0 if unknown).
    fn start(&self, _phase: &str, _total: u64, _unit: Unit) {}
    /// `n` more units of the current phase are done.
    fn advance(&self, _n: u64) {}
    /// The current phase is over.
    fn finish(&self) {}
}

/// What a phase counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Bytes (shown as MB, with a rate).
    Bytes,
    /// Items such as files or documents.
    Items,
}

/// Reports nothing.
#[derive(Debug, Default, Clone, Copy)]
pub struct Silent;

impl Meter for Silent {}

/// The current phase's display state of a meter (a terminal bar, say),
/// shared between the threads that report progress: set when a phase
/// starts, used as it advances, taken when it is over. A poisoned slot
/// is treated as empty.
#[derive(Debug)]
pub struct Slot<T>(std::sync::Mutex<Option<T>>);

impl<T> Default for Slot<T> {
    fn default() -> Slot<T> {
        Slot(std::sync::Mutex::new(None))
    }
}

impl<T> Slot<T> {
    /// Puts `value` in the slot (replacing what was there).
    pub fn set(&self, value: T) {
        if let Ok(mut slot) = self.0.lock() {
            *slot = Some(value);
        }
    }

    /// Calls `f` with what the slot holds, if anything.
    pub fn with(&self, f: impl FnOnce(&T)) {
        if let Ok(slot) = self.0.lock()
            && let Some(value) = slot.as_ref()
        {
            f(value);
        }
    }

    /// Takes what the slot holds, leaving it empty.
    pub fn take(&self) -> Option<T> {
        self.0.lock().ok().and_then(|mut slot| slot.take())
    }
}
