//! The content-addressed object store: every distinct content is kept once,
//! as a read-only file named by its SHA-256 under
//! `objects/sha256/<first two hex digits>/<64 hex digits>`.
//!
//! Writing hashes while copying (one read of the source) into a temp file
//! in `tmp/`; [`ObjectStore::flush`] then hands the batch to the archive's
//! backend, which makes it durable and visible before anything may refer
//! to the new objects.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use tempfile::TempPath;

use crate::storage::digest::{copy_hashing, object_key};
use crate::storage::{Backend, Opened};

pub use crate::storage::digest::{Digest, HashingSink, hash_reader};
pub use crate::storage::local::QUARANTINE_DIR;

/// What [`ObjectStore::put_reader`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Put {
    /// The content's digest.
    pub digest: Digest,
    /// Its size in bytes.
    pub size: u64,
    /// Whether the object is new (false: the content was already stored).
    pub created: bool,
}

/// The state of a stored object, as found by [`ObjectStore::check`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ObjectState {
    /// Present and its content hashes to its name.
    Intact,
    /// No file under that name.
    Missing,
    /// The content no longer hashes to its name (flipped bits, truncation,
    /// replacement); `size` is what is on disk now.
    Altered {
        /// Current size.
        size: u64,
    },
}

/// The object store of one archive.
#[derive(Debug)]
pub struct ObjectStore {
    root: PathBuf,
    tmp: PathBuf,
    backend: Opened,
    pending: Mutex<BTreeMap<Digest, TempPath>>,
    /// Bytes written to temp files since the last early writeback.
    unsynced: AtomicU64,
    /// Whether `tmp/` is known to exist.
    tmp_ready: AtomicBool,
}

/// After this many bytes of new objects, the disk is asked to start
/// writing them in the background (see [`ObjectStore::put_reader`]).
const WRITEBACK_EVERY: u64 = 128 << 20;

/// The name of an [`ObjectStore::unlocked`] temp folder begins so.
const UNLOCKED_PREFIX: &str = "unlocked-";

/// How long a lock holder's clean-up leaves an unlocked store's temp
/// folder: far beyond any batch's rendering and storing; an older one was
/// left by a process that stopped.
pub const UNLOCKED_KEPT: std::time::Duration = std::time::Duration::from_secs(3600);

fn young_unlocked(e: &fs::DirEntry) -> bool {
    e.file_name().to_string_lossy().starts_with(UNLOCKED_PREFIX)
        && e.metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age < UNLOCKED_KEPT)
}

/// An object store for writing without the writer lock
/// ([`ObjectStore::unlocked`]); its temp folder goes when it is dropped.
#[derive(Debug)]
pub struct UnlockedStore {
    store: ObjectStore,
    _dir: tempfile::TempDir,
}

impl std::ops::Deref for UnlockedStore {
    type Target = ObjectStore;
    fn deref(&self) -> &ObjectStore {
        &self.store
    }
}

fn poisoned() -> io::Error {
    io::Error::other("object store state poisoned by a panic")
}

impl ObjectStore {
    /// The store of archive root `root` (temp files in `tmp/`). Nothing
    /// is created until the first write.
    pub fn new(root: &Path) -> ObjectStore {
        ObjectStore {
            root: root.to_path_buf(),
            tmp: root.join("tmp"),
            backend: crate::storage::open(root),
            pending: Mutex::new(BTreeMap::new()),
            unsynced: AtomicU64::new(0),
            tmp_ready: AtomicBool::new(false),
        }
    }

    /// The archive's backend.
    pub fn backend(&self) -> io::Result<&dyn Backend> {
        match &self.backend {
            Ok(b) => Ok(b.as_ref()),
            Err(e) => Err(e.clone().into()),
        }
    }

    /// Where the object with this digest lives in a local store.
    pub fn path_of(&self, d: &Digest) -> PathBuf {
        self.root.join(object_key(d))
    }

    /// The path of an object relative to the archive root, with `/`, as
    /// written in `objects.sha256` files.
    pub fn relative_path(d: &Digest) -> String {
        object_key(d)
    }

    /// Whether the object is present (its content is not checked).
    pub fn contains(&self, d: &Digest) -> bool {
        self.size(d).is_ok_and(|s| s.is_some())
    }

    /// The stored size of an object, `None` if it is not stored.
    pub fn size(&self, d: &Digest) -> io::Result<Option<u64>> {
        self.backend()?.object_size(d)
    }

    /// Stores `bytes`; see [`ObjectStore::put_reader`].
    pub fn put_bytes(&self, bytes: &[u8]) -> io::Result<Put> {
        self.put_reader(bytes)
    }

    /// Copies everything `reader` yields into the store, hashing it on the
    /// way (one pass), and returns its digest. Content already present (or
    /// already pending) is not written twice.
    ///
    /// A new object is *pending* until [`ObjectStore::flush`]: its bytes
    /// sit in a temp file and it cannot be opened yet. Call `flush` before
    /// recording any reference to it. The caller holds the writer lock.
    pub fn put_reader(&self, mut reader: impl Read) -> io::Result<Put> {
        if !self.tmp_ready.load(Ordering::Relaxed) {
            fs::create_dir_all(&self.tmp)?;
            self.tmp_ready.store(true, Ordering::Relaxed);
        }
        let mut builder = tempfile::Builder::new();
        builder.prefix("obj-");
        // Created read-only: the open handle can still write, and no
        // chmod per file is needed afterwards.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(fs::Permissions::from_mode(0o444));
        }
        let mut tmp = builder.tempfile_in(&self.tmp)?;
        let (digest, size) = copy_hashing(&mut reader, &mut tmp)?;
        let existing = Put {
            digest,
            size,
            created: false,
        };
        if let Some(stored) = self.size(&digest)? {
            if stored == size {
                return Ok(existing);
            }
            // A stored copy of another size is damaged: it is never
            // trusted as "already stored"; it is set aside and this good
            // copy takes its place.
            self.quarantine(&digest)?;
        }
        #[cfg(not(unix))]
        {
            let mut perms = tmp.as_file().metadata()?.permissions();
            perms.set_readonly(true);
            tmp.as_file().set_permissions(perms)?;
        }
        let mut pending = self.pending.lock().map_err(|_| poisoned())?;
        if pending.contains_key(&digest) {
            return Ok(existing);
        }
        pending.insert(digest, tmp.into_temp_path());
        drop(pending);
        let before = self.unsynced.fetch_add(size, Ordering::Relaxed);
        if before / WRITEBACK_EVERY != (before + size) / WRITEBACK_EVERY {
            self.early_writeback();
        }
        Ok(Put {
            created: true,
            ..existing
        })
    }

    /// Starts flushing what has been written so far on a background
    /// thread, so that the disk writes while copying goes on and the final
    /// [`ObjectStore::flush`] has little left to do. Only a head start:
    /// durability still comes from `flush`.
    fn early_writeback(&self) {
        #[cfg(target_os = "linux")]
        if let Ok(dir) = fs::File::open(&self.tmp) {
            std::thread::spawn(move || {
                let _ = rustix::fs::syncfs(dir);
            });
        }
    }

    /// Makes every pending object durable and visible, never replacing a
    /// stored object.
    pub fn flush(&self) -> io::Result<()> {
        let pending = std::mem::take(&mut *self.pending.lock().map_err(|_| poisoned())?);
        if pending.is_empty() {
            return Ok(());
        }
        self.backend()?.store_objects(&self.tmp, pending)
    }

    /// Removes an object this process has just created but will not
    /// reference (used to undo a failed ingest). The caller holds the lock.
    pub fn remove_unreferenced(&self, d: &Digest) -> io::Result<()> {
        // A pending object's temp file goes away when it is dropped.
        if let Some(tmp) = self.pending.lock().map_err(|_| poisoned())?.remove(d) {
            return tmp.close();
        }
        self.backend()?.remove_unreferenced(d)
    }

    /// Moves a damaged object out of the store into `quarantine/` (kept,
    /// never deleted), so that the next copy of the same content is stored
    /// again. Returns where it went. The caller holds the writer lock.
    pub fn quarantine(&self, d: &Digest) -> io::Result<PathBuf> {
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |t| t.as_secs());
        self.backend()?.quarantine_object(d, stamp)
    }

    /// Opens a stored object for reading.
    pub fn open(&self, d: &Digest) -> io::Result<fs::File> {
        self.backend()?.open_object(d, &self.tmp)
    }

    /// Copies an object into `sink`, hashing on the way; fails with
    /// `InvalidData` if its content no longer matches its name (what was
    /// written to `sink` is then not to be trusted). Returns the size.
    pub fn copy_verified(&self, d: &Digest, sink: &mut impl Write) -> io::Result<u64> {
        let mut h = HashingSink::new(sink);
        self.backend()?.copy_object(d, &mut h)?;
        let (actual, size) = h.finish();
        if actual != *d {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("对象 {d} 的内容与哈希不符"),
            ));
        }
        Ok(size)
    }

    /// [`ObjectStore::copy_verified`] with its failure as an archive
    /// error naming the object: corrupt when its content no longer
    /// matches its hash, unreadable otherwise.
    pub fn read_verified(
        &self,
        d: &Digest,
        sink: &mut impl Write,
    ) -> Result<u64, super::ArchiveError> {
        let path = self.path_of(d);
        self.copy_verified(d, sink).map_err(|e| match e.kind() {
            io::ErrorKind::InvalidData => super::ArchiveError::Corrupt {
                path,
                reason: "内容与哈希不符".into(),
            },
            _ => super::ArchiveError::Io { path, source: e },
        })
    }

    /// Re-hashes an object and says whether it is intact.
    pub fn check(&self, d: &Digest) -> io::Result<ObjectState> {
        self.check_sized(d).map(|(state, _)| state)
    }

    /// [`ObjectStore::check`] with the size found (0 when missing).
    pub fn check_sized(&self, d: &Digest) -> io::Result<(ObjectState, u64)> {
        let mut h = HashingSink::new(io::sink());
        match self.backend()?.copy_object(d, &mut h) {
            Ok(_) => {
                let (actual, size) = h.finish();
                let state = if actual == *d {
                    ObjectState::Intact
                } else {
                    ObjectState::Altered { size }
                };
                Ok((state, size))
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok((ObjectState::Missing, 0)),
            Err(e) => Err(e),
        }
    }

    /// Every object in the store, by digest.
    pub fn list(&self) -> io::Result<Vec<Digest>> {
        self.backend()?.list_objects()
    }

    /// A store whose temp files live in a folder of their own under
    /// `tmp/`, for objects written without the writer lock (issued
    /// documents rendered outside it): a lock holder's clean-up leaves the
    /// folder alone while it is younger than [`UNLOCKED_KEPT`]. The folder
    /// is removed when the store is dropped. Objects are content-addressed
    /// and written whole, so one written without the lock never disturbs
    /// another writer; until a record references it, it is as any
    /// unreferenced object (`gc` spares it while it is young).
    pub fn unlocked(&self) -> io::Result<UnlockedStore> {
        fs::create_dir_all(&self.tmp)?;
        let dir = tempfile::Builder::new()
            .prefix(UNLOCKED_PREFIX)
            .tempdir_in(&self.tmp)?;
        let store = ObjectStore {
            root: self.root.clone(),
            tmp: dir.path().to_path_buf(),
            backend: self.backend.clone(),
            pending: Mutex::new(BTreeMap::new()),
            unsynced: AtomicU64::new(0),
            tmp_ready: AtomicBool::new(true),
        };
        Ok(UnlockedStore { store, _dir: dir })
    }

    /// Deletes leftover temp files of interrupted writes. The caller holds
    /// the writer lock, so no locked write is in progress; a folder of
    /// [`ObjectStore::unlocked`] is left while it is young.
    pub fn clean_tmp(&self) -> io::Result<()> {
        match fs::read_dir(&self.tmp) {
            Ok(entries) => {
                for e in entries {
                    let e = e?;
                    if young_unlocked(&e) {
                        continue;
                    }
                    if e.file_type()?.is_dir() {
                        fs::remove_dir_all(e.path())?;
                    } else {
                        fs::remove_file(e.path())?;
                    }
                }
                Ok(())
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lock_holders_clean_up_spares_a_young_unlocked_store() {
        let dir = tempfile::tempdir().unwrap();
        let store = ObjectStore::new(dir.path());
        let stale = store.put_bytes(b"left by a stopped writer").unwrap();
        let unlocked = store.unlocked().unwrap();
        let a = unlocked.put_bytes(b"rendered outside the lock").unwrap();
        store.clean_tmp().unwrap();
        let left: Vec<_> = fs::read_dir(dir.path().join("tmp")).unwrap().collect();
        assert_eq!(left.len(), 1, "only the unlocked folder stays: {left:?}");
        unlocked.flush().unwrap();
        assert!(store.contains(&a.digest));
        assert!(!store.contains(&stale.digest));
        let folder = left[0].as_ref().unwrap().path();
        drop(unlocked);
        assert!(!folder.exists(), "the folder goes with the store");
    }

    #[test]
    fn stores_once_and_finds_damage() {
        let dir = tempfile::tempdir().unwrap();
        let store = ObjectStore::new(dir.path());
        let a = store.put_bytes(b"hello").unwrap();
        assert!(a.created);
        assert_eq!(
            a.digest.hex(),
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
        );
        let again = store.put_bytes(b"hello").unwrap();
        assert!(!again.created, "pending content is not written twice");
        assert!(!store.contains(&a.digest), "pending until flushed");
        store.flush().unwrap();
        assert!(!store.put_bytes(b"hello").unwrap().created);
        assert_eq!(store.list().unwrap(), vec![a.digest]);
        assert_eq!(store.check(&a.digest).unwrap(), ObjectState::Intact);
        let path = store.path_of(&a.digest);
        assert!(fs::metadata(&path).unwrap().permissions().readonly());
        let mut perms = fs::metadata(&path).unwrap().permissions();
        #[allow(clippy::permissions_set_readonly_false)]
        perms.set_readonly(false);
        fs::set_permissions(&path, perms).unwrap();
        fs::write(&path, b"hellp").unwrap();
        assert_eq!(
            store.check(&a.digest).unwrap(),
            ObjectState::Altered { size: 5 }
        );
        fs::remove_file(&path).unwrap();
        assert_eq!(store.check(&a.digest).unwrap(), ObjectState::Missing);
        // No temp files remain.
        assert_eq!(fs::read_dir(dir.path().join("tmp")).unwrap().count(), 0);
    }
}
