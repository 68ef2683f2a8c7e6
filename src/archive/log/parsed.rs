//! The records parsed last time, per log file, so that a process reading
//! the log again (a page that lists several kinds of records, a server
//! answering request after request) parses only what was appended since.
//! A log whose earlier bytes differ in any way from those parsed is parsed
//! anew, so the cache never changes what is read. Hand-written: it leans
//! on this log's append-only format, which no caching crate knows.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use super::Record;

/// Logs larger than this are not kept in memory.
const MAX_BYTES: usize = 64 << 20;

struct Parsed {
    bytes: Vec<u8>,
    records: Arc<Vec<Record>>,
}

/// What is known of a file now holding `bytes` (complete lines).
pub struct Known {
    /// How many of its bytes were parsed before.
    pub len: usize,
    /// Their records, shared with the cache (not copied).
    pub records: Arc<Vec<Record>>,
}

fn cache() -> &'static Mutex<HashMap<PathBuf, Parsed>> {
    static CACHE: OnceLock<Mutex<HashMap<PathBuf, Parsed>>> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// The records parsed from a prefix of `bytes`, if any were.
pub fn known(path: &Path, bytes: &[u8]) -> Option<Known> {
    let map = cache().lock().ok()?;
    let p = map.get(path)?;
    bytes.starts_with(&p.bytes).then(|| Known {
        len: p.bytes.len(),
        records: p.records.clone(),
    })
}

/// How many lines were parsed last time from the log at `path`, and the
/// last of them (without its newline).
pub fn tail(path: &Path) -> Option<(u64, Vec<u8>)> {
    let map = cache().lock().ok()?;
    let p = map.get(path)?;
    let body = p.bytes.strip_suffix(b"\n")?;
    let last = body.rsplit(|&b| b == b'\n').next()?.to_vec();
    Some((p.records.len() as u64, last))
}

/// The bytes parsed last time from the log at `path`, if they are still
/// its first `lines` lines.
pub fn bytes(path: &Path, lines: u64) -> Option<Vec<u8>> {
    let map = cache().lock().ok()?;
    let p = map.get(path)?;
    (p.records.len() as u64 == lines).then(|| p.bytes.clone())
}

/// Keeps `records`, parsed from `bytes`.
pub fn keep(path: &Path, bytes: Vec<u8>, records: Arc<Vec<Record>>) {
    let Ok(mut map) = cache().lock() else { return };
    if bytes.len() > MAX_BYTES {
        map.remove(path);
        return;
    }
    let p = Parsed { bytes, records };
    map.insert(path.to_path_buf(), p);
}
