//! The evidence archive: a SHA-256 content-addressed object store, one
//! immutable manifest per submission version, and an append-only
//! hash-chained log, all under the archive root (layout documented in
//! `archive/README.md`).
//!
//! Ingest runs in stages that can be tested alone: [`collect`] / [`zipin`]
//! (list candidate files with their raw names) → [`place`] (map them to
//! indicators and standards) → [`store`] (hash while copying into the
//! object store) → `index` (record the version: [`manifest`] + [`log`]). Writers
//! hold the [`lock::WriterLock`]; [`verify`] checks everything again.

pub mod bagit;
pub mod collect;
mod commits;
pub mod coverage;
mod error;
pub mod gc;
mod index;
pub mod ingest;
pub mod layout;
pub mod lock;
pub mod log;
pub mod manifest;
pub mod migrate;
pub mod place;
pub mod relpath;
pub mod scaffold;
pub mod sheets;
pub mod store;
pub mod verify;
pub mod zipin;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::community::Roster;
pub use crate::event::archive::SubmissionRecord;
use crate::storage::backend::Recovery;
pub use error::ArchiveError;
pub(crate) use error::io_at;
use lock::WriterLock;
use log::Log;
use manifest::Manifest;
use store::{Digest, ObjectStore};

/// A submission as listed by `history`: its log record and time.
#[derive(Debug, Clone)]
pub struct Submission {
    /// Its record's sequence number in the log.
    pub seq: u64,
    /// When it was recorded.
    pub time: String,
    /// The record.
    pub record: SubmissionRecord,
}

/// What registering communities did.
#[derive(Debug, Default)]
pub struct Registered {
    /// How many were new.
    pub added: usize,
    /// Registered communities of the same district and name as one given
    /// under another id (id given, the other): probably registered twice.
    pub same_name: Vec<(String, crate::community::Community)>,
}

/// An archive root with its store and log.
#[derive(Debug)]
pub struct Archive {
    root: PathBuf,
    store: ObjectStore,
    log: Log,
    /// The community register as this handle last read it
    /// ([`Archive::communities`]).
    roster: crate::storage::snapshot::Snapshot<Roster>,
}

impl Archive {
    /// The archive at `root` (nothing is created until a write).
    pub fn new(root: &Path) -> Archive {
        Archive {
            root: root.to_path_buf(),
            store: ObjectStore::new(root),
            log: Log::new(root),
            roster: Default::default(),
        }
    }

    /// The same archive with every log record naming `account` as the one
    /// who acted (the web server's signed-in user).
    pub fn acting_as(mut self, account: &str) -> Archive {
        self.log = self.log.with_account(account);
        self
    }

    /// The root folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The object store.
    pub fn store(&self) -> &ObjectStore {
        &self.store
    }

    /// Where the archive keeps its bytes.
    pub fn backend(&self) -> io::Result<&dyn crate::storage::Backend> {
        self.store.backend()
    }

    /// The log.
    pub fn log(&self) -> &Log {
        &self.log
    }

    /// Every record of the log, typed, in order. The lines are parsed but
    /// the hash chain is not re-computed: that is `kaoping verify`'s work
    /// ([`Log::verify`]).
    pub fn records(&self) -> Result<log::Records, ArchiveError> {
        Ok(self.log.records()?)
    }

    /// The records with `key` that `keep` selects ([`Log::records_where`]):
    /// one community's, or one kind's, without reading the whole log where
    /// the backend keeps an index.
    pub fn records_where(
        &self,
        key: &crate::storage::LogKey,
        keep: impl Fn(&crate::event::Record) -> bool,
    ) -> Result<Vec<crate::event::Record>, ArchiveError> {
        Ok(self.log.records_where(key, keep)?)
    }

    /// The registered pilot communities (the document register is
    /// [`crate::issuance`]).
    ///
    /// A handle reads the register once and keeps it
    /// ([`crate::storage::snapshot`]).
    pub fn communities(&self) -> Result<Roster, ArchiveError> {
        Ok(self.roster.get_or_load(|| Roster::load(&self.root))?)
    }

    /// Registers `list` (all or none: the first conflict refuses the lot)
    /// and returns how many were new; the same data again is not an error.
    /// The caller holds the writer lock.
    pub fn register(
        &self,
        _lock: &WriterLock,
        list: &[crate::community::Community],
    ) -> Result<Registered, ArchiveError> {
        let mut roster = self.communities()?;
        let mut out = Registered::default();
        for c in list {
            if roster.add(c.clone())? {
                out.added += 1;
            }
            out.same_name.extend(
                roster
                    .same_name(c)
                    .into_iter()
                    .map(|o| (c.id.clone(), o.clone())),
            );
        }
        roster.save(&self.root)?;
        Ok(out)
    }

    /// Takes the writer lock and finishes off what an interrupted writer
    /// left: temp files are deleted, and version folders that never got
    /// their log record are moved to `interrupted/` (kept, not used).
    pub fn lock(&self, wait: bool, on_wait: impl FnOnce(&str)) -> Result<WriterLock, ArchiveError> {
        let lock = WriterLock::acquire(&self.root, wait, on_wait)?;
        // What other processes wrote before the lock must be read afresh.
        log::written();
        self.recover(&lock)?;
        Ok(lock)
    }

    fn recover(&self, lock: &WriterLock) -> Result<(), ArchiveError> {
        self.log.repair_tail(lock)?;
        self.store
            .clean_tmp()
            .map_err(io_at(&self.root.join("tmp")))?;
        // Made only for a backend that asks (the distributed one needs no
        // log to recover, and reading it whole there is a round trip).
        let failed = std::cell::RefCell::new(None);
        let logged = || match self.submissions(None) {
            Ok(subs) => Ok(subs
                .into_iter()
                .map(|s| {
                    let marker = manifest::Committed {
                        log_seq: s.seq,
                        root_hash: s.record.root_hash,
                    };
                    (s.record.community, s.record.version, marker)
                })
                .collect()),
            Err(e) => {
                let path = self.log.path().to_path_buf();
                let source = io::Error::other(e.to_string());
                *failed.borrow_mut() = Some(e);
                Err(Recovery::Io { path, source })
            }
        };
        let backend = self.store.backend().map_err(io_at(&self.root))?;
        let recovered = backend.recover(&logged);
        if let Some(e) = failed.into_inner() {
            return Err(e);
        }
        match recovered {
            Ok(()) => Ok(()),
            Err(Recovery::Io { path, source }) => Err(ArchiveError::Io { path, source }),
            // Committed once, now missing from the log: never paper over
            // that by writing on.
            Err(Recovery::LostRecord { community, version }) => Err(ArchiveError::Corrupt {
                path: self.log.path().to_path_buf(),
                reason: format!(
                    "社区 {community} 第 {version} 版已提交，但日志中没有它的记录（日志被截断或改动），暂停写入"
                ),
            }),
        }
    }

    /// Whether servers on other machines write this archive at the same
    /// time ([`crate::storage::Backend::shared`]).
    pub fn shared(&self) -> bool {
        self.store.backend().is_ok_and(|b| b.shared())
    }

    /// The submissions recorded in the log (all, or one community's), in
    /// log order.
    pub fn submissions(&self, community: Option<&str>) -> Result<Vec<Submission>, ArchiveError> {
        use crate::storage::LogKey;
        let key = match community {
            Some(c) => LogKey::Community(c.to_string()),
            None => LogKey::Kind("submission".into()),
        };
        let mine = |rec: &crate::event::Record| match &rec.event {
            crate::event::Event::Submission(record) => {
                community.is_none_or(|c| c == record.community)
            }
            _ => false,
        };
        Ok(self
            .records_where(&key, mine)?
            .into_iter()
            .filter_map(|rec| match rec.event {
                crate::event::Event::Submission(record) => Some(Submission {
                    seq: rec.seq,
                    time: rec.time,
                    record,
                }),
                _ => None,
            })
            .collect())
    }

    /// One submission of a community: `version`, or the latest.
    pub fn submission(
        &self,
        community: &str,
        version: Option<u32>,
    ) -> Result<Submission, ArchiveError> {
        let all = self.submissions(Some(community))?;
        let latest =
            all.last()
                .map(|s| s.record.version)
                .ok_or_else(|| ArchiveError::NoSubmission {
                    community: community.to_string(),
                })?;
        let v = version.unwrap_or(latest);
        all.into_iter()
            .find(|s| s.record.version == v)
            .ok_or(ArchiveError::NoSuchVersion {
                community: community.to_string(),
                version: v,
                latest,
            })
    }

    /// Reads a submission's manifest and checks it against its root hash.
    pub fn manifest(&self, sub: &Submission) -> Result<Manifest, ArchiveError> {
        let r = &sub.record;
        let path = manifest::version_dir(&self.root, &r.community, r.version)
            .join(manifest::MANIFEST_FILE);
        let bytes = manifest::read_manifest_bytes(&self.root, &r.community, r.version)
            .map_err(io_at(&path))?;
        let corrupt = |reason: String| ArchiveError::Corrupt {
            path: path.clone(),
            reason,
        };
        if Digest::of(&bytes).hex() != r.root_hash {
            return Err(corrupt("内容与日志记录的根哈希不符".into()));
        }
        serde_json::from_slice(&bytes).map_err(|e| corrupt(e.to_string()))
    }

    /// The error for a hash (prefix) whose object was damaged and set
    /// aside in `quarantine/`, if it was.
    fn quarantined(&self, prefix: &str) -> Option<ArchiveError> {
        let dir = self.root.join(store::QUARANTINE_DIR);
        let mut names: Vec<String> = fs::read_dir(&dir)
            .ok()?
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| n.starts_with(prefix))
            .collect();
        names.sort();
        let last = names.pop()?;
        Some(ArchiveError::Quarantined {
            hash: last.split('.').next().unwrap_or(prefix).to_string(),
            moved_to: format!("{}/{last}", store::QUARANTINE_DIR),
        })
    }

    /// Finds a stored object by its full hash or a unique prefix (at least
    /// 8 hex digits).
    pub fn find_object(&self, hash: &str) -> Result<Digest, ArchiveError> {
        let h = hash.trim().to_ascii_lowercase();
        let none = |hint: &str| ArchiveError::NoObject {
            hash: hash.to_string(),
            hint: hint.to_string(),
        };
        if let Some(d) = Digest::from_hex(&h) {
            return if self.store.contains(&d) {
                Ok(d)
            } else {
                Err(self.quarantined(&h).unwrap_or_else(|| none("")))
            };
        }
        if !h.chars().all(|c| c.is_ascii_hexdigit()) || h.len() > 64 {
            return Err(ArchiveError::NotAHash {
                hash: hash.to_string(),
            });
        }
        if h.len() < 8 {
            return Err(ArchiveError::HashTooShort {
                hash: hash.to_string(),
                needed: 8,
            });
        }
        let matches: Vec<Digest> = self
            .store
            .list()
            .map_err(io_at(&self.root))?
            .into_iter()
            .filter(|d| d.hex().starts_with(&h))
            .collect();
        match matches.as_slice() {
            [d] => Ok(*d),
            [] => Err(self.quarantined(&h).unwrap_or_else(|| none(""))),
            many => Err(ArchiveError::AmbiguousHash {
                hash: hash.to_string(),
                count: many.len(),
            }),
        }
    }
}

pub use crate::storage::local::{list_version_dirs, parse_version};

/// Stores the files at `paths` (each read no further than `cap` bytes,
/// even if it grew since it was checked) and flushes: their objects, in
/// order. A file that cannot be read stops it, as `read_err` says.
pub fn put_files<'p, E: From<ArchiveError>>(
    archive: &Archive,
    paths: impl IntoIterator<Item = &'p Path>,
    cap: u64,
    read_err: impl Fn(&Path, io::Error) -> E,
) -> Result<Vec<crate::event::ObjectRef>, E> {
    let io = |source| ArchiveError::Io {
        path: archive.root().to_path_buf(),
        source,
    };
    let mut objects = Vec::new();
    for path in paths {
        let file = std::fs::File::open(path).map_err(|e| read_err(path, e))?;
        let put = archive
            .store()
            .put_reader(io::Read::take(file, cap))
            .map_err(io)?;
        objects.push(crate::event::ObjectRef {
            sha256: put.digest.hex(),
            size: put.size,
            sm3: None,
        });
    }
    archive.store().flush().map_err(io)?;
    Ok(objects)
}
