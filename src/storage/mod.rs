//! Where an archive's bytes live: the storage seam chosen by `[storage]`
//! in the root's `kaoping.toml`.
//!
//! - `kind = "local"` (the default): everything under the root folder, as
//!   it always was — objects in `objects/sha256`, the log in `log.jsonl`,
//!   manifests under `submissions/`, registers as JSON files.
//! - `kind = "distributed"`: evidence and document objects in an
//!   S3-compatible bucket ([`bucket`]), everything else — the hash-chained
//!   log, manifests, registers, accounts, sessions, the writer lock and the
//!   numbers' last guard — in PostgreSQL ([`db`]). The root folder then
//!   holds only the server's own `kaoping.toml`, templates and temp files.
//!
//! The archive modules ask [`remote`] for their root and go to the bucket
//! and the database when it answers; nothing else in the crate knows.

pub mod bucket;
pub mod config;
pub mod db;
pub mod meta;
pub mod migrate;
mod runtime;
pub mod setup;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

pub use config::{BucketConfig, StorageConfig, StorageKind};
pub use runtime::run;

/// A distributed setup: the bucket and the database one root points at.
#[derive(Debug)]
pub struct Remote {
    /// Evidence and document objects.
    pub bucket: bucket::Bucket,
    /// Everything that is not an object.
    pub db: db::Db,
}

/// Why the distributed setup of a root cannot be used.
#[derive(Debug, Clone, thiserror::Error)]
pub enum StorageError {
    /// `[storage]` in the configuration is wrong.
    #[error("配置文件 {path} 有误：{reason}")]
    Config {
        /// The configuration file.
        path: PathBuf,
        /// What is wrong and how to fix it.
        reason: String,
    },
    /// The bucket could not be reached or used.
    #[error("对象存储（{endpoint} 桶 {bucket}）出错：{reason}")]
    Bucket {
        /// The S3 endpoint.
        endpoint: String,
        /// The bucket.
        bucket: String,
        /// What failed.
        reason: String,
    },
    /// The database could not be reached or used.
    #[error(
        "数据库出错：{reason}。请检查 [storage] database 的连接串、数据库是否在运行，以及是否已运行 kaoping init --database"
    )]
    Database {
        /// What failed.
        reason: String,
    },
}

impl From<StorageError> for std::io::Error {
    fn from(e: StorageError) -> std::io::Error {
        std::io::Error::other(e)
    }
}

type Resolved = Result<Option<Arc<Remote>>, StorageError>;

fn cache() -> &'static Mutex<HashMap<PathBuf, Resolved>> {
    static CACHE: OnceLock<Mutex<HashMap<PathBuf, Resolved>>> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// The distributed setup of archive root `root`, or `None` when it keeps
/// everything on its own disk. Resolved once per process and root (the
/// configuration is an installation fact, read at start).
pub fn remote(root: &Path) -> Resolved {
    if let Ok(map) = cache().lock()
        && let Some(r) = map.get(root)
    {
        return r.clone();
    }
    let resolved = resolve(root);
    // A failure is not kept: the next call tries again (a database that
    // was down at start may be back).
    if resolved.is_ok()
        && let Ok(mut map) = cache().lock()
    {
        map.insert(root.to_path_buf(), resolved.clone());
    }
    resolved
}

fn resolve(root: &Path) -> Resolved {
    let path = root.join(crate::root::CONFIG_FILE);
    let cfg = config::read(&path)?;
    match cfg.kind {
        StorageKind::Local => Ok(None),
        StorageKind::Distributed => {
            let (database, bucket) = cfg.distributed(&path)?;
            // The bucket first: a missing key is found without the network.
            let bucket = bucket::Bucket::open(&bucket)?;
            let db = db::Db::connect(&database)?;
            Ok(Some(Arc::new(Remote { bucket, db })))
        }
    }
}

/// A pool of `threads` for work that waits on the bucket rather than the
/// processor (many downloads at once), when `root` keeps its objects in
/// one; `None` for a local archive, whose work is bound to the cores.
pub fn network_pool(root: &Path, threads: usize) -> Option<rayon::ThreadPool> {
    if !remote(root).is_ok_and(|r| r.is_some()) {
        return None;
    }
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .ok()
}

/// Forgets what was resolved for `root` (its configuration changed).
pub fn forget(root: &Path) {
    if let Ok(mut map) = cache().lock() {
        map.remove(root);
    }
}

/// The distributed setup of `root` as an I/O result, for the store and
/// log code that speaks `io::Error`.
pub fn remote_io(root: &Path) -> std::io::Result<Option<Arc<Remote>>> {
    remote(root).map_err(std::io::Error::from)
}
