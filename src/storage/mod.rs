//! Where an archive's bytes live: the storage layer, chosen once per root
//! by `[storage]` in the root's `kaoping.toml` and asked through one trait,
//! [`Backend`].
//!
//! - `kind = "local"` (the default): everything under the root folder, as
//!   it always was ([`local`]) — objects in `objects/sha256`, the log in
//!   `log.jsonl`, manifests under `submissions/`, registers as files.
//! - `kind = "distributed"`: evidence and document objects in an
//!   S3-compatible bucket ([`bucket`]), everything else — the hash-chained
//!   log, manifests, registers, sessions, the writer lock and the
//!   numbers' last guard — in PostgreSQL ([`db`]), see [`distributed`].
//!   The root folder then holds only the server's own `kaoping.toml`,
//!   templates and temp files.
//!
//! The archive opens its backend with [`open`]; nothing above this layer
//! knows which one it has.

pub mod backend;
pub mod bucket;
pub mod db;
pub mod digest;
pub mod distributed;
pub mod local;
pub mod logkey;
pub mod register;
mod runtime;
pub mod snapshot;
pub mod tls;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

pub use crate::config::storage::{
    BucketConfig, DatabaseConfig, SslMode, StorageConfig, StorageError, StorageKind,
};
pub use backend::{
    AgedObject, Backend, Committed, Held, LockFailure, LogKey, LogPos, LogWrite, Logged,
    SessionStore, VersionBytes, VersionFile,
};
pub use digest::Digest;
pub use runtime::run;

/// Counts, in this process, the writer locks taken, the log appends and
/// the register writes. A handle's snapshot of the log or of a register
/// is good only while the count is what it was when the snapshot was
/// made.
static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Marks every handle's snapshot as old (see [`epoch`]).
pub fn written() {
    WRITES.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
}

/// The write count now: a snapshot taken at another count is old.
pub fn epoch() -> u64 {
    WRITES.load(std::sync::atomic::Ordering::SeqCst)
}

/// A backend as opened, or why the root's storage cannot be used.
pub type Opened = Result<Arc<dyn Backend>, StorageError>;

fn cache() -> &'static Mutex<HashMap<PathBuf, Arc<dyn Backend>>> {
    static CACHE: OnceLock<Mutex<HashMap<PathBuf, Arc<dyn Backend>>>> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// The backend of archive root `root`. Resolved once per process and
/// root (the configuration is an installation fact, read at start).
pub fn open(root: &Path) -> Opened {
    if let Ok(map) = cache().lock()
        && let Some(b) = map.get(root)
    {
        return Ok(b.clone());
    }
    let opened = resolve(root)?;
    // A failure is not kept: the next call tries again (a database that
    // was down at start may be back).
    if let Ok(mut map) = cache().lock() {
        map.insert(root.to_path_buf(), opened.clone());
    }
    Ok(opened)
}

/// [`open`] as an I/O result.
pub fn open_io(root: &Path) -> std::io::Result<Arc<dyn Backend>> {
    open(root).map_err(std::io::Error::from)
}

fn resolve(root: &Path) -> Opened {
    let path = root.join(crate::config::storage::CONFIG_FILE);
    let cfg = crate::config::storage::read(&path)?;
    match cfg.kind {
        StorageKind::Local => Ok(Arc::new(local::Local::new(root))),
        StorageKind::Distributed => {
            let (database, bucket) = cfg.distributed(&path)?;
            // The bucket first: a missing key is found without the network.
            let bucket = bucket::Bucket::open(&bucket)?;
            let db = Arc::new(db::Db::connect(&database)?);
            Ok(Arc::new(distributed::Distributed { bucket, db }))
        }
    }
}

/// Forgets what was resolved for `root` (its configuration changed).
pub fn forget(root: &Path) {
    if let Ok(mut map) = cache().lock() {
        map.remove(root);
    }
}

#[cfg(test)]
mod tests;
