//! The content-addressed object store: every distinct content is kept once,
//! as a read-only file named by its SHA-256 under
//! `objects/sha256/<first two hex digits>/<64 hex digits>`.
//!
//! Writing hashes while copying (one read of the source) into a temp file
//! in `tmp/`; [`ObjectStore::flush`] then makes the batch durable, renames
//! each file into place without replacing an existing object, and makes
//! the new names durable, before anything may refer to the new objects.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::fs::{self, File};
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use sha2::{Digest as _, Sha256};
use tempfile::TempPath;

use crate::fsutil;

/// Folder under the archive root where damaged objects are set aside.
pub const QUARANTINE_DIR: &str = "quarantine";

/// Size of the copy buffer: large enough that hashing and writing run in
/// long uninterrupted stretches.
const BUF_SIZE: usize = 1 << 20;

/// A SHA-256 digest.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Digest(pub [u8; 32]);

impl Digest {
    /// The digest of `bytes`.
    pub fn of(bytes: &[u8]) -> Digest {
        Digest(Sha256::digest(bytes).into())
    }

    /// Lower-case hex, as `sha256sum` prints it.
    pub fn hex(&self) -> String {
        hex::encode(self.0)
    }

    /// Parses 64 hex digits.
    pub fn from_hex(s: &str) -> Option<Digest> {
        let mut out = [0u8; 32];
        hex::decode_to_slice(s.trim(), &mut out).ok()?;
        Some(Digest(out))
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.hex())
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Digest({})", self.hex())
    }
}

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
    dir: PathBuf,
    tmp: PathBuf,
    pending: Mutex<BTreeMap<Digest, TempPath>>,
    /// Bytes written to temp files since the last early writeback.
    unsynced: AtomicU64,
    /// Whether `tmp/` is known to exist.
    tmp_ready: AtomicBool,
}

/// After this many bytes of new objects, the disk is asked to start
/// writing them in the background (see [`ObjectStore::put_reader`]).
const WRITEBACK_EVERY: u64 = 128 << 20;

fn poisoned() -> io::Error {
    io::Error::other("object store state poisoned by a panic")
}

impl ObjectStore {
    /// The store inside archive root `root` (`objects/sha256`, temp files
    /// in `tmp/`). Nothing is created until the first write.
    pub fn new(root: &Path) -> ObjectStore {
        ObjectStore {
            root: root.to_path_buf(),
            dir: root.join("objects").join("sha256"),
            tmp: root.join("tmp"),
            pending: Mutex::new(BTreeMap::new()),
            unsynced: AtomicU64::new(0),
            tmp_ready: AtomicBool::new(false),
        }
    }

    /// The bucket, when the archive keeps its objects in one.
    fn bucket(&self) -> io::Result<Option<Arc<crate::storage::Remote>>> {
        crate::storage::remote_io(&self.root)
    }

    /// Where the object with this digest lives (in a local store).
    pub fn path_of(&self, d: &Digest) -> PathBuf {
        let hex = d.hex();
        self.dir.join(&hex[..2]).join(hex)
    }

    /// The path of an object relative to the archive root, with `/`, as
    /// written in `objects.sha256` files.
    pub fn relative_path(d: &Digest) -> String {
        let hex = d.hex();
        format!("objects/sha256/{}/{hex}", &hex[..2])
    }

    /// Whether the object is present (its content is not checked).
    pub fn contains(&self, d: &Digest) -> bool {
        match self.bucket() {
            Ok(Some(r)) => r.bucket.size(d).is_ok_and(|s| s.is_some()),
            Ok(None) => self.path_of(d).is_file(),
            Err(_) => false,
        }
    }

    /// The stored size of an object, `None` if it is not stored.
    pub fn size(&self, d: &Digest) -> io::Result<Option<u64>> {
        if let Some(r) = self.bucket()? {
            return r.bucket.size(d);
        }
        match fs::metadata(self.path_of(d)) {
            Ok(m) => Ok(Some(m.len())),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
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
        if let Ok(dir) = File::open(&self.tmp) {
            std::thread::spawn(move || {
                let _ = rustix::fs::syncfs(dir);
            });
        }
    }

    /// Makes every pending object durable and visible: their data is
    /// flushed to disk, then each is renamed into place (never replacing an
    /// existing object), then the new names are flushed too.
    pub fn flush(&self) -> io::Result<()> {
        let pending = std::mem::take(&mut *self.pending.lock().map_err(|_| poisoned())?);
        if pending.is_empty() {
            return Ok(());
        }
        if let Some(r) = self.bucket()? {
            // Each PUT is whole and durable when S3 answers.
            return r.bucket.put_all(pending);
        }
        // On Linux one syncfs flushes every temp file at the cost of a
        // single journal commit (as `sync` does after `cp`); elsewhere each
        // file is synced on its own.
        #[cfg(target_os = "linux")]
        rustix::fs::syncfs(File::open(&self.tmp)?)?;
        #[cfg(not(target_os = "linux"))]
        for path in pending.values() {
            File::open(path)?.sync_all()?;
        }
        let mut shards = BTreeSet::new();
        for (digest, tmp) in pending {
            let dest = self.path_of(&digest);
            let shard = dest.parent().unwrap_or(&self.dir).to_path_buf();
            if shards.insert(shard.clone()) {
                fs::create_dir_all(&shard)?;
            }
            match tmp.persist_noclobber(&dest) {
                Ok(()) => {}
                Err(e) if e.error.kind() == io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(e.error),
            }
        }
        #[cfg(target_os = "linux")]
        rustix::fs::syncfs(File::open(&self.dir)?)?;
        #[cfg(not(target_os = "linux"))]
        {
            for d in &shards {
                fsutil::sync_dir(d)?;
            }
            fsutil::sync_dir(&self.dir)?;
        }
        if let Some(p) = self.dir.parent() {
            fsutil::sync_dir(p)?;
        }
        Ok(())
    }

    /// Removes an object this process has just created but will not
    /// reference (used to undo a failed ingest). The caller holds the lock.
    pub fn remove_unreferenced(&self, d: &Digest) -> io::Result<()> {
        // A pending object's temp file goes away when it is dropped.
        if let Some(tmp) = self.pending.lock().map_err(|_| poisoned())?.remove(d) {
            return tmp.close();
        }
        if self.bucket()?.is_some() {
            // Another server may have just referred to the same content:
            // an unreferenced object in a shared bucket is left, harmless.
            return Ok(());
        }
        match fs::remove_file(self.path_of(d)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// Moves a damaged object out of the store into `quarantine/` (kept,
    /// never deleted), so that the next copy of the same content is stored
    /// again. Returns where it went. The caller holds the writer lock.
    pub fn quarantine(&self, d: &Digest) -> io::Result<PathBuf> {
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |t| t.as_secs());
        if let Some(r) = self.bucket()? {
            return r
                .bucket
                .quarantine(d, &stamp.to_string())
                .map(PathBuf::from);
        }
        let root = self
            .dir
            .parent()
            .and_then(Path::parent)
            .unwrap_or(&self.dir);
        let dir = root.join(QUARANTINE_DIR);
        fs::create_dir_all(&dir)?;
        let mut dest = dir.join(format!("{}.{stamp}", d.hex()));
        let mut n = 1;
        while dest.exists() {
            dest = dir.join(format!("{}.{stamp}.{n}", d.hex()));
            n += 1;
        }
        fs::rename(self.path_of(d), &dest)?;
        fsutil::sync_dir(&dir)?;
        if let Some(shard) = self.path_of(d).parent() {
            fsutil::sync_dir(shard)?;
        }
        Ok(dest)
    }

    /// Opens a stored object for reading.
    pub fn open(&self, d: &Digest) -> io::Result<File> {
        let Some(r) = self.bucket()? else {
            return File::open(self.path_of(d));
        };
        // From a bucket: streamed into an unnamed temp file (bounded
        // memory), which goes away when closed.
        fs::create_dir_all(&self.tmp)?;
        let mut file = tempfile::tempfile_in(&self.tmp)?;
        r.bucket.copy_to(d, &mut file)?;
        file.rewind()?;
        Ok(file)
    }

    /// Copies an object into `sink`, hashing on the way; fails with
    /// `InvalidData` if its content no longer matches its name (what was
    /// written to `sink` is then not to be trusted). Returns the size.
    pub fn copy_verified(&self, d: &Digest, sink: &mut impl Write) -> io::Result<u64> {
        let (actual, size) = match self.bucket()? {
            None => copy_hashing(&mut self.open(d)?, sink)?,
            Some(r) => {
                let mut h = HashingSink::new(sink);
                r.bucket.copy_to(d, &mut h)?;
                h.finish()
            }
        };
        if actual != *d {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("对象 {d} 的内容与哈希不符"),
            ));
        }
        Ok(size)
    }

    /// Re-hashes an object and says whether it is intact.
    pub fn check(&self, d: &Digest) -> io::Result<ObjectState> {
        if self.bucket()?.is_some() {
            return self.check_sized(d).map(|(state, _)| state);
        }
        let mut file = match self.open(d) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(ObjectState::Missing),
            Err(e) => return Err(e),
        };
        let (actual, size) = hash_reader(&mut file)?;
        Ok(if actual == *d {
            ObjectState::Intact
        } else {
            ObjectState::Altered { size }
        })
    }

    /// [`ObjectStore::check`] with the size found (0 when missing).
    pub fn check_sized(&self, d: &Digest) -> io::Result<(ObjectState, u64)> {
        if let Some(r) = self.bucket()? {
            let mut h = HashingSink::new(io::sink());
            return match r.bucket.copy_to(d, &mut h) {
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
            };
        }
        let state = self.check(d)?;
        let size = self.size(d)?.unwrap_or(0);
        Ok((state, size))
    }

    /// Every object file in the store, by digest (names that are not
    /// digests are ignored).
    pub fn list(&self) -> io::Result<Vec<Digest>> {
        if let Some(r) = self.bucket()? {
            return Ok(r.bucket.list()?.into_iter().map(|(d, _)| d).collect());
        }
        let mut out = Vec::new();
        let shards = match fs::read_dir(&self.dir) {
            Ok(s) => s,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(out),
            Err(e) => return Err(e),
        };
        for shard in shards {
            let shard = shard?;
            if !shard.file_type()?.is_dir() {
                continue;
            }
            for entry in fs::read_dir(shard.path())? {
                if let Some(d) = entry?.file_name().to_str().and_then(Digest::from_hex) {
                    out.push(d);
                }
            }
        }
        out.sort();
        Ok(out)
    }

    /// Deletes leftover temp files of interrupted writes. The caller holds
    /// the writer lock, so no write is in progress.
    pub fn clean_tmp(&self) -> io::Result<()> {
        match fs::read_dir(&self.tmp) {
            Ok(entries) => {
                for e in entries {
                    let e = e?;
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

/// A sink that hashes what passes through it on the way to another.
pub struct HashingSink<W> {
    inner: W,
    hasher: Sha256,
    len: u64,
}

impl<W: Write> HashingSink<W> {
    /// Passes everything on to `inner`.
    pub fn new(inner: W) -> Self {
        HashingSink {
            inner,
            hasher: Sha256::new(),
            len: 0,
        }
    }

    /// The digest and length of what passed.
    pub fn finish(self) -> (Digest, u64) {
        (Digest(self.hasher.finalize().into()), self.len)
    }
}

impl<W: Write> Write for HashingSink<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.len += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Hashes everything `reader` yields; returns the digest and the length.
pub fn hash_reader(mut reader: impl Read) -> io::Result<(Digest, u64)> {
    copy_hashing(&mut reader, &mut io::sink())
}

/// Copies `reader` into `sink` in one pass, hashing on the way; returns the
/// digest and the length.
fn copy_hashing(reader: &mut impl Read, sink: &mut impl Write) -> io::Result<(Digest, u64)> {
    thread_local! {
        // One copy buffer per thread, reused: allocating (and zeroing) a
        // fresh megabyte for every small file cost more than copying it.
        static BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    BUF.with(|cell| match cell.try_borrow_mut() {
        Ok(mut buf) => {
            if buf.len() < BUF_SIZE {
                buf.resize(BUF_SIZE, 0);
            }
            copy_hashing_with(reader, sink, &mut buf)
        }
        // Re-entered on this thread (a reader that itself hashes): use a
        // buffer of its own.
        Err(_) => copy_hashing_with(reader, sink, &mut vec![0u8; BUF_SIZE]),
    })
}

fn copy_hashing_with(
    reader: &mut impl Read,
    sink: &mut impl Write,
    buf: &mut [u8],
) -> io::Result<(Digest, u64)> {
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    loop {
        let n = match reader.read(buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&buf[..n]);
        sink.write_all(&buf[..n])?;
        size += n as u64;
    }
    Ok((Digest(hasher.finalize().into()), size))
}

#[cfg(test)]
mod tests {
    use super::*;

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
