//! The local backend: everything under the archive root folder, as it
//! always was — objects in `objects/sha256`, the log in `log.jsonl`,
//! versions under `submissions/`, registers as files, the writer lock on
//! `<root>/lock`, sessions in the server's memory.

mod keyed;
mod log;
mod objects;
mod sessions;
mod versions;

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};

use tempfile::TempPath;

use super::backend::{
    Committed, Held, LockFailure, LogPos, Recovery, SessionStore, StoredVersion, VersionFile,
};
use super::db::log::Commits;
use super::digest::Digest;
use crate::fsutil;

pub use versions::{
    community_dir, list_version_dirs, parse_version, read_committed, version_dir, version_name,
};

/// File name of the log inside an archive root.
pub const LOG_FILE: &str = "log.jsonl";
/// File name of the lock inside an archive root.
pub const LOCK_FILE: &str = "lock";
/// Folder under the archive root where damaged objects are set aside.
pub const QUARANTINE_DIR: &str = "quarantine";
/// Name of the manifest file in a version folder.
pub const MANIFEST_FILE: &str = "manifest.json";
/// Name of the checksum list in a version folder.
pub const OBJECTS_FILE: &str = "objects.sha256";
/// Name of the marker written into a version folder once its log record
/// exists. A version folder with this marker but without its log record
/// means the log lost a record (truncated or edited), not an interrupted
/// write.
pub const COMMITTED_FILE: &str = "committed";

/// An archive in a folder.
#[derive(Debug, Clone)]
pub struct Local {
    root: PathBuf,
    objects: PathBuf,
    /// Where the log's index is cached (`None`: the user's cache folder).
    index_base: Option<PathBuf>,
}

impl Local {
    /// The archive in folder `root`.
    pub fn new(root: &Path) -> Local {
        Local {
            root: root.to_path_buf(),
            objects: root.join("objects").join("sha256"),
            index_base: None,
        }
    }

    fn log_path(&self) -> PathBuf {
        self.root.join(LOG_FILE)
    }

    /// A register's bytes, `None` when it was never written.
    pub(super) fn register(&self, name: &str) -> io::Result<Option<Vec<u8>>> {
        crate::fsutil::present(std::fs::read(self.root.join(name)))
    }

    /// Replaces a register whole, atomically.
    pub(super) fn put_register(&self, name: &str, bytes: &[u8]) -> io::Result<()> {
        let done = fsutil::write_atomic(&self.root.join(name), bytes);
        super::written();
        done
    }

    /// Takes the operating-system lock on `<root>/lock`.
    pub(super) fn lock(
        &self,
        wait: bool,
        note: &str,
        on_wait: &mut dyn FnMut(&str),
    ) -> Result<Held, LockFailure> {
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(self.root.join(LOCK_FILE))
            .map_err(LockFailure::Io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim().to_string();
                if !wait {
                    return Err(LockFailure::Busy(holder));
                }
                on_wait(&holder);
                file.lock().map_err(LockFailure::Io)?;
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(LockFailure::Io(e)),
        }
        // The note is informative only; failing to write it is harmless.
        let _ = file
            .set_len(0)
            .and_then(|_| file.rewind())
            .and_then(|_| file.write_all(note.as_bytes()));
        Ok(Held::File(file))
    }
}

impl super::Backend for Local {
    fn object_size(&self, d: &Digest) -> io::Result<Option<u64>> {
        Local::object_size(self, d)
    }
    fn log_lines_of(&self, key: &super::LogKey) -> io::Result<Option<Vec<(u64, Vec<u8>)>>> {
        Local::log_lines_of(self, key)
    }
    fn copy_object(&self, d: &Digest, sink: &mut dyn Write) -> io::Result<u64> {
        let file = File::open(self.path_of(d))?;
        // A buffer the size of the object, up to a megabyte: long
        // stretches for large files, no big allocation for small ones.
        let len = file.metadata()?.len().clamp(8 << 10, 1 << 20);
        io::copy(&mut io::BufReader::with_capacity(len as usize, file), sink)
    }
    fn open_object(&self, d: &Digest, _tmp: &Path) -> io::Result<File> {
        File::open(self.path_of(d))
    }
    fn store_objects(&self, tmp: &Path, pending: BTreeMap<Digest, TempPath>) -> io::Result<()> {
        Local::store_objects(self, tmp, pending)
    }
    fn remove_unreferenced(&self, d: &Digest) -> io::Result<()> {
        self.remove_object(d)
    }
    fn quarantine_object(&self, d: &Digest, stamp: u64) -> io::Result<PathBuf> {
        Local::quarantine_object(self, d, stamp)
    }
    fn list_objects(&self) -> io::Result<Vec<Digest>> {
        Local::list_objects(self)
    }
    fn list_objects_aged(&self) -> io::Result<Vec<crate::storage::AgedObject>> {
        Local::list_objects_aged(self)
    }
    fn delete_objects(&self, ds: &[Digest]) -> io::Result<()> {
        Local::delete_objects(self, ds)
    }
    fn read_pool(&self, _threads: usize) -> Option<rayon::ThreadPool> {
        None
    }
    fn register(&self, name: &str) -> io::Result<Option<Vec<u8>>> {
        Local::register(self, name)
    }
    fn put_register(&self, name: &str, bytes: &[u8]) -> io::Result<()> {
        Local::put_register(self, name, bytes)
    }
    fn local_cache_dir(&self) -> Option<PathBuf> {
        Some(self.root.clone())
    }
    fn sessions(&self) -> Box<dyn SessionStore> {
        Box::new(sessions::MemorySessions::default())
    }
    fn lock(
        &self,
        wait: bool,
        note: &str,
        on_wait: &mut dyn FnMut(&str),
    ) -> Result<Held, LockFailure> {
        Local::lock(self, wait, note, on_wait)
    }
    fn log_bytes(&self) -> io::Result<Vec<u8>> {
        Local::log_bytes(self)
    }
    fn log_after(&self, pos: &mut LogPos) -> io::Result<Vec<(usize, Vec<u8>)>> {
        Local::log_after(self, pos)
    }
    fn log_last_line(&self) -> io::Result<Option<Vec<u8>>> {
        Local::log_last_line(self)
    }
    fn log_cut_torn_tail(&self) -> io::Result<bool> {
        Local::log_cut_torn_tail(self)
    }
    fn log_write(
        &self,
        _held: &Held,
        to: super::LogWrite,
        lines: &[(u64, Vec<u8>)],
        _: &Commits,
    ) -> io::Result<()> {
        match to {
            super::LogWrite::Append => Local::log_append(self, lines),
            super::LogWrite::New => Local::log_write_new(self, lines),
        }
    }
    fn put_version(&self, v: super::VersionBytes<'_>) -> io::Result<()> {
        Local::put_version(self, v)
    }
    fn put_version_copy(&self, v: super::VersionBytes<'_>) -> io::Result<()> {
        Local::put_version_copy(self, v)
    }
    fn version_file(&self, c: &str, n: u32, which: VersionFile) -> io::Result<Vec<u8>> {
        Local::version_file(self, c, n, which)
    }
    fn mark_committed(&self, c: &str, n: u32, m: &Committed) -> io::Result<()> {
        Local::mark_committed(self, c, n, m)
    }
    fn stored_versions(&self) -> io::Result<Vec<StoredVersion>> {
        Local::stored_versions(self)
    }
    fn recover(&self, logged: &crate::storage::Logged<'_>) -> Result<(), Recovery> {
        Local::recover(self, &logged()?)
    }
}
