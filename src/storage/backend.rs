//! The one storage trait: everything an archive keeps — objects, the log's
//! lines, version manifests, registers, the writer lock and web sessions —
//! asked of a [`Backend`], chosen once when an archive opens. [`super::local`]
//! keeps it all under the root folder, [`super::distributed`] in a bucket
//! and a database; the layers above never learn which one they have.

use std::collections::BTreeMap;
use std::fmt;
use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tempfile::TempPath;

use super::db::lock::DbLock;
use super::db::log::Commits;
use super::digest::Digest;

/// A held writer lock; released when dropped.
#[derive(Debug)]
pub enum Held {
    /// An operating-system lock on the root's `lock` file.
    File(File),
    /// A database advisory lock, with the connection the log is written on.
    Db(DbLock),
}

impl Drop for Held {
    fn drop(&mut self) {
        if let Held::File(file) = self {
            let _ = file.set_len(0);
            let _ = file.unlock();
        }
    }
}

/// Why the writer lock was not taken.
#[derive(Debug)]
pub enum LockFailure {
    /// Another writer holds it: who, as it described itself.
    Busy(String),
    /// The lock could not be reached or taken.
    Io(io::Error),
}

pub use super::logkey::LogKey;

/// A submission version as stored: `manifest.json` and `objects.sha256`.
#[derive(Debug, Clone, Copy)]
pub struct VersionBytes<'a> {
    /// Community id.
    pub community: &'a str,
    /// Version number.
    pub n: u32,
    /// The manifest's bytes.
    pub manifest: &'a [u8],
    /// The checksum list.
    pub objects: &'a str,
}

/// How [`Backend::log_write`] writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogWrite {
    /// After the lines there are.
    Append,
    /// As the whole log of an empty archive (a copy being made).
    New,
}

/// Numbered lines of the log (without their newlines).
pub type LogLines = Vec<(u64, Vec<u8>)>;

/// Where a follower of the log stands (see [`Backend::log_after`]).
#[derive(Debug, Clone, Default)]
pub struct LogPos {
    /// Bytes of `log.jsonl` read (local).
    pub offset: u64,
    /// The last record read.
    pub seq: u64,
}

/// The `committed` marker of a version: the log record that committed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Committed {
    /// Sequence number of the version's record in the log.
    pub log_seq: u64,
    /// The version's root hash.
    pub root_hash: String,
}

/// One file of a stored version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionFile {
    /// `manifest.json`.
    Manifest,
    /// `objects.sha256`.
    Objects,
}

/// A stored version as found by [`Backend::stored_versions`].
#[derive(Debug, Clone)]
pub struct StoredVersion {
    /// The community.
    pub community: String,
    /// The version (`None`: a folder whose name is no version).
    pub version: Option<u32>,
    /// The folder's name (local) or empty.
    pub name: String,
    /// Where it is, for messages (the folder locally).
    pub place: PathBuf,
    /// Its commit: `Ok(None)` not committed, `Err` an unreadable marker.
    pub committed: Result<Option<Committed>, String>,
    /// Kept in a folder (local) rather than a database row.
    pub folder: bool,
}

/// A stored object as listed for garbage collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AgedObject {
    /// Its digest.
    pub digest: Digest,
    /// Its stored size.
    pub size: u64,
    /// When it was stored (last written), as the store tells.
    pub modified: std::time::SystemTime,
}

/// A signed-in session as kept: account, password stamp, CSRF token.
pub type SessionRow = (String, String, String);

/// The signed-in sessions of a web server.
pub trait SessionStore: Send + Sync {
    /// Records a new session under `id`.
    fn start(&self, id: &str, row: SessionRow, idle_s: u64, max_age_s: u64) -> io::Result<()>;
    /// The live session `id`, marked as seen now.
    fn touch(&self, id: &str, idle_s: u64, max_age_s: u64) -> io::Result<Option<SessionRow>>;
    /// Ends session `id`.
    fn end(&self, id: &str) -> io::Result<()>;
}

/// Where one archive keeps its bytes.
pub trait Backend: Send + Sync + fmt::Debug {
    /// The stored size of an object, `None` if it is not stored.
    fn object_size(&self, d: &Digest) -> io::Result<Option<u64>>;
    /// Streams an object into `sink`; returns how many bytes.
    fn copy_object(&self, d: &Digest, sink: &mut dyn Write) -> io::Result<u64>;
    /// Opens an object for reading (a temp copy in `tmp` if it is remote).
    fn open_object(&self, d: &Digest, tmp: &Path) -> io::Result<File>;
    /// Makes pending objects (digest → temp file in `tmp`) durable and
    /// visible, never replacing a stored one.
    fn store_objects(&self, tmp: &Path, pending: BTreeMap<Digest, TempPath>) -> io::Result<()>;
    /// Removes an object just stored but never referenced (a shared
    /// bucket keeps it: another server may refer to it).
    fn remove_unreferenced(&self, d: &Digest) -> io::Result<()>;
    /// Moves a damaged object aside; returns where it went.
    fn quarantine_object(&self, d: &Digest, stamp: u64) -> io::Result<PathBuf>;
    /// Every stored object, sorted.
    fn list_objects(&self) -> io::Result<Vec<Digest>>;
    /// Every stored object with its size and when it was stored, sorted.
    fn list_objects_aged(&self) -> io::Result<Vec<AgedObject>>;
    /// Deletes stored objects for good (garbage collection; the caller
    /// holds the writer lock and has checked that nothing refers to
    /// them). Objects already gone are no error.
    fn delete_objects(&self, ds: &[Digest]) -> io::Result<()>;
    /// A pool for reading many objects at once when reads wait on the
    /// network; `None` when they are bound to the cores.
    fn read_pool(&self, threads: usize) -> Option<rayon::ThreadPool>;

    /// A register's bytes, `None` when it was never written.
    fn register(&self, name: &str) -> io::Result<Option<Vec<u8>>>;
    /// Replaces a register whole; a reader sees the old bytes or the new.
    fn put_register(&self, name: &str, bytes: &[u8]) -> io::Result<()>;
    /// A folder on this disk for caches of the archive (thumbnails), only
    /// when the archive itself is on this disk.
    fn local_cache_dir(&self) -> Option<PathBuf>;
    /// The store of web sessions.
    fn sessions(&self) -> Box<dyn SessionStore>;

    /// Takes the writer lock; `note` says who holds it, `on_wait` hears
    /// about another holder before waiting.
    fn lock(
        &self,
        wait: bool,
        note: &str,
        on_wait: &mut dyn FnMut(&str),
    ) -> Result<Held, LockFailure>;

    /// The log's lines exactly as stored (each ending in a newline).
    fn log_bytes(&self) -> io::Result<Vec<u8>>;
    /// The complete lines after `pos` (with a line number for messages),
    /// moving `pos.offset` past them; the caller moves `pos.seq`.
    fn log_after(&self, pos: &mut LogPos) -> io::Result<Vec<(usize, Vec<u8>)>>;
    /// Whether servers on other machines write this archive at the same
    /// time (a database and bucket shared by several `kaoping serve`).
    /// Issuing then renders outside the writer lock, with numbers
    /// reserved; an archive one machine writes keeps the one short path.
    fn shared(&self) -> bool {
        false
    }
    /// The bytes of the lines after the first `known`, when the backend
    /// can tell cheaply that the `known`-th line is still `last` (without
    /// its newline): a reader that kept the first `known` lines then reads
    /// only what is new. `None`: read the whole log instead (the default;
    /// a local file is read whole from the page cache and compared).
    fn log_since(&self, known: u64, last: &[u8]) -> io::Result<Option<Vec<u8>>> {
        let _ = (known, last);
        Ok(None)
    }
    /// The lines of records with `key`, numbered, in order, where the
    /// backend keeps an index of the log that matches it (a superset is
    /// allowed: the caller keeps what it wants). `None` (the default):
    /// read the whole log instead.
    fn log_lines_of(&self, _key: &LogKey) -> io::Result<Option<LogLines>> {
        Ok(None)
    }
    /// Every (key text, seq) of an index the backend keeps as part of the
    /// archive (the database's `log_keys`), for `verify` to check against
    /// the lines; `None` (the default) where there is none to check.
    fn log_keys(&self) -> io::Result<Option<Vec<(String, u64)>>> {
        Ok(None)
    }
    /// The last line with its newline if it has one; `None` when empty.
    fn log_last_line(&self) -> io::Result<Option<Vec<u8>>>;
    /// Cuts off an unfinished last line; says whether there was one.
    fn log_cut_torn_tail(&self) -> io::Result<bool>;
    /// Writes `lines` (seq, line without newline) with what they commit,
    /// all or nothing, durable on return: appended, or as the whole log
    /// of an empty archive ([`LogWrite`]).
    fn log_write(
        &self,
        held: &Held,
        to: LogWrite,
        lines: &[(u64, Vec<u8>)],
        commits: &Commits,
    ) -> io::Result<()>;

    /// Stores a new version (must not exist yet) whole.
    fn put_version(&self, v: VersionBytes<'_>) -> io::Result<()>;
    /// Stores a version's exact bytes copied from another archive.
    fn put_version_copy(&self, v: VersionBytes<'_>) -> io::Result<()>;
    /// One file of a stored version.
    fn version_file(&self, community: &str, n: u32, which: VersionFile) -> io::Result<Vec<u8>>;
    /// Marks a version committed by its log record (a database does that
    /// with the record itself).
    fn mark_committed(&self, community: &str, n: u32, c: &Committed) -> io::Result<()>;
    /// Every stored version, with its commit marker.
    fn stored_versions(&self) -> io::Result<Vec<StoredVersion>>;
    /// Finishes what an interrupted writer left: temp files of atomic
    /// rewrites and unlogged version folders (moved to `interrupted/`);
    /// `logged` are the versions the log records. A committed version the
    /// log lost is refused as [`Recovery::LostRecord`]. `logged` is asked
    /// only by a backend that needs it (reading the whole log).
    fn recover(&self, logged: &Logged<'_>) -> Result<(), Recovery>;
}

/// The versions the log records (community, version, the marker of the
/// record that committed it), made when asked.
pub type Logged<'a> = dyn Fn() -> Result<Vec<(String, u32, Committed)>, Recovery> + 'a;

/// Why recovery stopped.
#[derive(Debug)]
pub enum Recovery {
    /// A version committed once is missing from the log.
    LostRecord {
        /// Community.
        community: String,
        /// Version.
        version: u32,
    },
    /// A file operation failed.
    Io {
        /// Where.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
}
