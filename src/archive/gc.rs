//! Garbage collection of the object store (`kaoping gc`): objects that no
//! log record refers to — left by an ingest that failed after storing, a
//! process killed mid-write, or a shared bucket where a failed ingest
//! cannot safely delete — are removed in two steps, each under the writer
//! lock:
//!
//! 1. **mark**: a run lists the store, computes every object the log's
//!    records and the submissions' manifests refer to, and records each
//!    unreferenced object with the time it was first found so (the
//!    `gc-marks.json` register, kept by the backend like any register);
//! 2. **sweep**: a later run removes a marked object only when it is still
//!    unreferenced, was marked at least the grace period ago and was
//!    stored at least the grace period ago. An object referenced again in
//!    between (another server ingested the same content) is unmarked and
//!    kept.
//!
//! Every writer stores and records objects under the same lock, so a
//! sweep never sees an object between "already stored" and its record;
//! the grace period covers what the lock cannot see (an old program
//! version, a copy being restored). The reference set is taken from the
//! whole log; a log or manifest that cannot be read stops the run before
//! anything is deleted.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::lock::WriterLock;
use super::{Archive, ArchiveError, io_at};
use crate::event::{Collected, Event};
use crate::storage::{AgedObject, Digest};

/// The register holding the marks.
pub const MARKS: &str = "gc-marks.json";

/// What a run is asked to do.
#[derive(Debug, Clone, Copy)]
pub struct GcOptions {
    /// How long an object must have been unreferenced (and stored) before
    /// it is removed.
    pub grace: Duration,
    /// Only report what a run would do now: nothing removed or marked,
    /// nothing logged.
    pub dry_run: bool,
}

/// The marks register: digest (hex) → when it was first found
/// unreferenced (Unix seconds).
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Marks {
    marks: BTreeMap<String, u64>,
}

fn unix(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// Every object some record refers to: the files of every submission's
/// manifest and the objects named by other records.
pub fn referenced(archive: &Archive) -> Result<BTreeSet<Digest>, ArchiveError> {
    let records = archive.records()?;
    let mut out = BTreeSet::new();
    let bad = |what: String| ArchiveError::Corrupt {
        path: archive.log().path().to_path_buf(),
        reason: format!("{what}；清理已停止，没有删除任何文件"),
    };
    for rec in records.iter() {
        if let Event::Submission(_) = rec.event {
            continue;
        }
        if let Some((name, objects)) = rec.event.objects() {
            for o in objects {
                let d = Digest::from_hex(&o.sha256)
                    .ok_or_else(|| bad(format!("第 {} 行 {name} 的哈希无效", rec.seq)))?;
                out.insert(d);
            }
        }
    }
    for sub in archive.submissions(None)? {
        for f in archive.manifest(&sub)?.files {
            let d = Digest::from_hex(&f.sha256)
                .ok_or_else(|| bad(format!("第 {} 行提交的清单中有无效哈希", sub.seq)))?;
            out.insert(d);
        }
    }
    Ok(out)
}

fn read_marks(archive: &Archive) -> Result<Marks, ArchiveError> {
    let path = archive.root().join(MARKS);
    let backend = archive.backend().map_err(io_at(archive.root()))?;
    let Some(bytes) = backend.register(MARKS).map_err(io_at(&path))? else {
        return Ok(Marks::default());
    };
    serde_json::from_slice(&bytes).map_err(|e| ArchiveError::Corrupt {
        path,
        reason: format!("清理标记无法读取（{e}）；删除它后重新运行 kaoping gc 即可（从头标记）"),
    })
}

/// One run at `now`: marks, sweeps, records the marks and logs the
/// counts (except in a dry run). The caller holds the writer lock.
pub fn collect(
    archive: &Archive,
    lock: &WriterLock,
    opts: GcOptions,
    now: SystemTime,
) -> Result<Collected, ArchiveError> {
    let backend = archive.backend().map_err(io_at(archive.root()))?;
    let stored = backend.list_objects_aged().map_err(io_at(archive.root()))?;
    let used = referenced(archive)?;
    let old = read_marks(archive)?;
    let (now_s, grace_s) = (unix(now), opts.grace.as_secs());
    let mut out = Collected {
        older_than_s: grace_s,
        stored: stored.len() as u64,
        marked: 0,
        marked_bytes: 0,
        waiting: 0,
        rescued: 0,
        removed: 0,
        removed_bytes: 0,
    };
    let mut marks = Marks::default();
    let mut doomed: Vec<&AgedObject> = Vec::new();
    for o in &stored {
        let hex = o.digest.hex();
        if used.contains(&o.digest) {
            out.rescued += u64::from(old.marks.contains_key(&hex));
            continue;
        }
        match old.marks.get(&hex) {
            None => {
                out.marked += 1;
                out.marked_bytes += o.size;
                marks.marks.insert(hex, now_s);
            }
            Some(&since)
                if now_s.saturating_sub(since) >= grace_s
                    && now_s.saturating_sub(unix(o.modified)) >= grace_s =>
            {
                doomed.push(o);
            }
            Some(&since) => {
                out.waiting += 1;
                marks.marks.insert(hex, since);
            }
        }
    }
    out.removed = doomed.len() as u64;
    out.removed_bytes = doomed.iter().map(|o| o.size).sum();
    if opts.dry_run {
        return Ok(out);
    }
    let gone: Vec<Digest> = doomed.iter().map(|o| o.digest).collect();
    backend
        .delete_objects(&gone)
        .map_err(io_at(archive.root()))?;
    let bytes = serde_json::to_vec(&marks).map_err(|e| ArchiveError::Io {
        path: archive.root().join(MARKS),
        source: std::io::Error::other(e),
    })?;
    backend
        .put_register(MARKS, &bytes)
        .map_err(io_at(&archive.root().join(MARKS)))?;
    archive.log().append(lock, Event::Gc(out.clone()))?;
    Ok(out)
}
