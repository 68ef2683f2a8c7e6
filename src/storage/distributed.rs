//! The distributed backend: evidence and document objects in an
//! S3-compatible bucket ([`super::bucket`]), everything else — the
//! hash-chained log, manifests, registers, sessions, the writer lock — in
//! PostgreSQL ([`super::db`]). Nothing of the archive is kept on the
//! server's own disk but temp files.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tempfile::TempPath;

use super::backend::{
    Backend, Committed, Held, LockFailure, LogKey, LogLines, LogPos, LogWrite, Recovery,
    SessionRow, SessionStore, StoredVersion, VersionBytes, VersionFile,
};
use super::bucket::Bucket;
use super::db::Db;
use super::db::lock::Taken;
use super::db::log::Commits;
use super::db::rows::ManifestRow;
use super::digest::Digest;

/// A bucket and a database.
#[derive(Debug)]
pub struct Distributed {
    /// Evidence and document objects.
    pub bucket: Bucket,
    /// Everything that is not an object.
    pub db: Arc<Db>,
}

fn not_db_lock() -> io::Error {
    io::Error::other("写入锁不是数据库的锁")
}

fn held_db(held: &Held) -> io::Result<&super::db::lock::DbLock> {
    match held {
        Held::Db(l) => Ok(l),
        Held::File(_) => Err(not_db_lock()),
    }
}

/// Sessions in the database: shared by every server, kept across
/// restarts; ids are kept only as their hash.
struct DbSessions(Arc<Db>);

fn id_hash(id: &str) -> String {
    Digest::of(id.as_bytes()).hex()
}

impl SessionStore for DbSessions {
    fn start(&self, id: &str, row: SessionRow, _idle_s: u64, max_age_s: u64) -> io::Result<()> {
        self.0.start_session(&id_hash(id), &row, max_age_s as i64)
    }
    fn touch(&self, id: &str, idle_s: u64, max_age_s: u64) -> io::Result<Option<SessionRow>> {
        self.0
            .touch_session(&id_hash(id), idle_s as i64, max_age_s as i64)
    }
    fn end(&self, id: &str) -> io::Result<()> {
        self.0.end_session(&id_hash(id))
    }
}

impl Distributed {
    fn row(&self, v: VersionBytes<'_>) -> io::Result<()> {
        self.db.put_manifest(&ManifestRow {
            community: v.community.to_string(),
            version: v.n,
            manifest: v.manifest.to_vec(),
            objects: v.objects.to_string(),
            log_seq: None,
        })
    }
}

impl Backend for Distributed {
    fn object_size(&self, d: &Digest) -> io::Result<Option<u64>> {
        self.bucket.size(d)
    }
    fn copy_object(&self, d: &Digest, mut sink: &mut dyn Write) -> io::Result<u64> {
        self.bucket.copy_to(d, &mut sink)
    }
    fn open_object(&self, d: &Digest, tmp: &Path) -> io::Result<File> {
        // Streamed into an unnamed temp file (bounded memory), which goes
        // away when closed.
        std::fs::create_dir_all(tmp)?;
        let mut file = tempfile::tempfile_in(tmp)?;
        self.bucket.copy_to(d, &mut file)?;
        file.rewind()?;
        Ok(file)
    }
    fn store_objects(&self, _tmp: &Path, pending: BTreeMap<Digest, TempPath>) -> io::Result<()> {
        // Each PUT is whole and durable when S3 answers.
        self.bucket.put_all(pending)
    }
    fn remove_unreferenced(&self, _d: &Digest) -> io::Result<()> {
        // Another server may have just referred to the same content: an
        // unreferenced object in a shared bucket is left, harmless.
        Ok(())
    }
    fn quarantine_object(&self, d: &Digest, stamp: u64) -> io::Result<PathBuf> {
        self.bucket
            .quarantine(d, &stamp.to_string())
            .map(PathBuf::from)
    }
    fn list_objects(&self) -> io::Result<Vec<Digest>> {
        Ok(self.bucket.list()?.into_iter().map(|(d, _)| d).collect())
    }
    fn list_objects_aged(&self) -> io::Result<Vec<super::AgedObject>> {
        self.bucket.list_aged()
    }
    fn delete_objects(&self, ds: &[Digest]) -> io::Result<()> {
        self.bucket.delete(ds)
    }
    fn read_pool(&self, threads: usize) -> Option<rayon::ThreadPool> {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .ok()
    }
    fn register(&self, name: &str) -> io::Result<Option<Vec<u8>>> {
        self.db.register(name)
    }
    fn put_register(&self, name: &str, bytes: &[u8]) -> io::Result<()> {
        let done = self.db.put_register(name, bytes);
        super::written();
        done
    }
    fn local_cache_dir(&self) -> Option<PathBuf> {
        None
    }
    fn sessions(&self) -> Box<dyn SessionStore> {
        Box::new(DbSessions(self.db.clone()))
    }
    fn lock(
        &self,
        wait: bool,
        _note: &str,
        on_wait: &mut dyn FnMut(&str),
    ) -> Result<Held, LockFailure> {
        let io = |e: super::StorageError| LockFailure::Io(e.into());
        match self.db.lock(false).map_err(io)? {
            Taken::Held(l) => Ok(Held::Db(l)),
            Taken::Busy(holder) if !wait => Err(LockFailure::Busy(holder)),
            Taken::Busy(holder) => {
                on_wait(&holder);
                match self.db.lock(true).map_err(io)? {
                    Taken::Held(l) => Ok(Held::Db(l)),
                    Taken::Busy(holder) => Err(LockFailure::Busy(holder)),
                }
            }
        }
    }
    fn log_bytes(&self) -> io::Result<Vec<u8>> {
        self.db.log_bytes()
    }
    fn log_after(&self, pos: &mut LogPos) -> io::Result<Vec<(usize, Vec<u8>)>> {
        let rows = self.db.log_lines_after(pos.seq)?;
        Ok(rows.into_iter().map(|(s, l)| (s as usize, l)).collect())
    }
    fn shared(&self) -> bool {
        true
    }
    fn log_since(&self, known: u64, last: &[u8]) -> io::Result<Option<Vec<u8>>> {
        // The table is append-only (its triggers refuse edits), so lines
        // before the `known`-th cannot have changed while that one is the
        // same; one query fetches it with everything after.
        if known == 0 {
            return Ok(None);
        }
        let rows = self.db.log_lines_from(known)?;
        match rows.first() {
            Some((seq, line)) if *seq == known && line.as_slice() == last => {}
            _ => return Ok(None),
        }
        let mut bytes = Vec::new();
        for (_, line) in &rows[1..] {
            bytes.extend_from_slice(line);
            bytes.push(b'\n');
        }
        Ok(Some(bytes))
    }
    fn log_lines_of(&self, key: &LogKey) -> io::Result<Option<LogLines>> {
        // Written in the transaction of each line (table `log_keys`).
        self.db.log_lines_of(key).map(Some)
    }
    fn log_keys(&self) -> io::Result<Option<Vec<(String, u64)>>> {
        self.db.log_keys().map(Some)
    }
    fn log_last_line(&self) -> io::Result<Option<Vec<u8>>> {
        Ok(self.db.log_head()?.map(|(_, mut line)| {
            line.push(b'\n');
            line
        }))
    }
    fn log_cut_torn_tail(&self) -> io::Result<bool> {
        // A batch is one transaction there: no line is ever half written.
        Ok(false)
    }
    fn log_write(
        &self,
        held: &Held,
        _: LogWrite,
        lines: &[(u64, Vec<u8>)],
        c: &Commits,
    ) -> io::Result<()> {
        // An empty table is appended to like any other.
        self.db.log_append(held_db(held)?, lines, c)
    }
    fn put_version(&self, v: VersionBytes<'_>) -> io::Result<()> {
        self.row(v)
    }
    fn put_version_copy(&self, v: VersionBytes<'_>) -> io::Result<()> {
        self.row(v)
    }
    fn version_file(&self, c: &str, n: u32, which: VersionFile) -> io::Result<Vec<u8>> {
        let Some(row) = self.db.manifest(c, n)? else {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("数据库中没有社区 {c} 第 {n} 版的清单"),
            ));
        };
        Ok(match which {
            VersionFile::Manifest => row.manifest,
            VersionFile::Objects => row.objects.into_bytes(),
        })
    }
    fn mark_committed(&self, _c: &str, _n: u32, _m: &Committed) -> io::Result<()> {
        // Set with the log record, in the same transaction.
        Ok(())
    }
    fn stored_versions(&self) -> io::Result<Vec<StoredVersion>> {
        Ok(self
            .db
            .manifests()?
            .into_iter()
            .map(|row| StoredVersion {
                place: PathBuf::from("manifests"),
                name: String::new(),
                version: Some(row.version),
                // The database keeps no root hash with the commit.
                committed: Ok(row.log_seq.map(|log_seq| Committed {
                    log_seq,
                    root_hash: String::new(),
                })),
                community: row.community,
                folder: false,
            })
            .collect())
    }
    fn recover(&self, _logged: &super::Logged<'_>) -> Result<(), Recovery> {
        // Transactions leave nothing half done in the database; a version
        // row never committed is replaced by its next writer.
        Ok(())
    }
}
