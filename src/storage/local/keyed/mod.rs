//! The local log's checkpoint: a derived index of `log.jsonl`, so that a
//! command asking for one community's records (or one kind's) reads those
//! lines and what was appended since the index was last brought up to
//! date, not the whole log.
//!
//! - It is a cache of this machine's user, kept outside the archive
//!   (`$XDG_CACHE_HOME/kaoping/log-index/<SHA-256 of the archive's path>`,
//!   else `~/.cache/…`; `KAOPING_CACHE_DIR` overrides the base): the
//!   archive folder holds only the records themselves, and a copy of it
//!   carries no index to trust. Without a cache folder there is no index
//!   and every read takes the whole log.
//! - One file per key (a record kind or a community, [`LogKey`]; named by
//!   the SHA-256 of the key's text) lists the key's lines as fixed-size
//!   entries: sequence number, byte offset, length.
//! - `head.json` says how much of the log the files cover: lines, bytes,
//!   and the SHA-256 of the last line covered.
//! - Every read checks the head against the log (the last line covered
//!   must still be there, unchanged), and every line read through an
//!   entry must carry the entry's number and key. What does not match is
//!   never trusted: the reader takes the log instead (a wrong entry also
//!   drops the head) and the next append rebuilds the index from the log;
//!   deleting the folder loses nothing. `verify` reads the whole chain
//!   regardless.
//! - Only a writer changes the index, right after appending to the log
//!   (it holds the writer lock): a reader that finds lines past the head
//!   (a writer stopped between the two) reads them from the log's end
//!   without saving anything, so a refused command writes nothing. The
//!   key files are made durable before the head names them.
//!
//! Hand-written: what it keeps is a list of offsets per key, bound to
//! this log's append-only format; an embedded database would be a second
//! store to keep consistent with the log.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::FileExt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::Local;
use crate::storage::backend::{LogKey, LogLines};
use crate::storage::digest::Digest;

/// The index folder under the cache base.
const INDEX_DIR: &str = "log-index";
const HEAD_FILE: &str = "head.json";
/// Bytes of one entry: seq (u64), offset (u64), length (u32), little-endian.
const ENTRY: usize = 20;

/// How much of the log the key files cover.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Head {
    /// The archive's folder (for pruning indexes of archives gone).
    #[serde(default)]
    root: PathBuf,
    lines: u64,
    bytes: u64,
    last_start: u64,
    last_sha256: String,
}

/// One line's place.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Entry {
    seq: u64,
    offset: u64,
    len: u32,
}

fn file_name(key: &LogKey) -> String {
    format!("{}.idx", Digest::of(key.text().as_bytes()).hex())
}

/// The index of the log of the archive in `root` (canonical).
struct Index {
    dir: PathBuf,
    root: PathBuf,
}

/// The lines found for a key, or a reason to read the whole log instead.
enum Found {
    Lines(LogLines),
    Mismatch,
}

impl Local {
    /// The lines of `key` (numbered), through the index. `None`: there is
    /// no cache folder, or the index did not match the log and its head
    /// was dropped (the caller reads the whole log; the next append
    /// rebuilds the index).
    pub(super) fn log_lines_of(&self, key: &LogKey) -> io::Result<Option<LogLines>> {
        let Some(mut log) = crate::fsutil::present(File::open(self.log_path()))? else {
            return Ok(Some(Vec::new()));
        };
        let Some(index) = self.index() else {
            return Ok(None);
        };
        match index.lines_of(&mut log, key)? {
            Found::Lines(lines) => Ok(Some(lines)),
            Found::Mismatch => {
                index.remove();
                Ok(None)
            }
        }
    }

    /// Brings the log's index up to date after an append (best effort:
    /// an index that is behind or missing costs readers time, not
    /// answers).
    pub(super) fn refresh_index(&self) -> io::Result<()> {
        let Some(index) = self.index() else {
            return Ok(());
        };
        let mut log = File::open(self.log_path())?;
        index.refresh(&mut log)
    }

    /// This archive's index, if there is a cache folder: named by the
    /// archive's canonical path.
    fn index(&self) -> Option<Index> {
        let base = match &self.index_base {
            Some(base) => base.clone(),
            None => cache_base()?,
        };
        let root = fs::canonicalize(&self.root).ok()?;
        let key = Digest::of(root.as_os_str().as_encoded_bytes()).hex();
        let dir = base.join(INDEX_DIR).join(key);
        Some(Index { dir, root })
    }
}

/// Removes the indexes beside `dir` whose archive folder is gone (a
/// deleted or moved archive leaves its index behind; it would never be
/// read again). Best effort, run when an index is built anew.
fn prune_gone(dir: &std::path::Path) {
    let Some(parent) = dir.parent() else { return };
    let Ok(list) = fs::read_dir(parent) else {
        return;
    };
    for entry in list.flatten() {
        let path = entry.path();
        let Ok(bytes) = fs::read(path.join(HEAD_FILE)) else {
            continue;
        };
        let gone = serde_json::from_slice::<Head>(&bytes)
            .is_ok_and(|h| h.root.is_absolute() && !h.root.join(super::LOG_FILE).exists());
        if gone && path != dir {
            let _ = fs::remove_dir_all(path);
        }
    }
}

/// The user's cache folder for kaoping.
fn cache_base() -> Option<PathBuf> {
    let absolute = |v: std::ffi::OsString| Some(PathBuf::from(v)).filter(|p| p.is_absolute());
    if let Some(dir) = std::env::var_os("KAOPING_CACHE_DIR").and_then(absolute) {
        return Some(dir);
    }
    if let Some(dir) = std::env::var_os("XDG_CACHE_HOME").and_then(absolute) {
        return Some(dir.join("kaoping"));
    }
    let home = std::env::var_os("HOME").and_then(absolute)?;
    Some(home.join(".cache").join("kaoping"))
}

impl Index {
    /// The head if it matches the log (else an empty one, `fresh`), and
    /// the log's lines after it.
    fn catch_up(&self, log: &mut File) -> io::Result<(bool, Head, Tail)> {
        let size = log.metadata()?.len();
        let head = self.valid_head(log, size)?;
        let fresh = head.is_none();
        let head = head.unwrap_or_default();
        let tail = read_tail(log, &head, size)?;
        Ok((fresh, head, tail))
    }

    fn lines_of(&self, log: &mut File, key: &LogKey) -> io::Result<Found> {
        let (fresh, head, (tail, new)) = self.catch_up(log)?;
        let Some(new) = new else {
            return Ok(Found::Mismatch);
        };
        let mut out = Vec::new();
        if !fresh {
            for e in self.entries(key, head.lines)? {
                // Inside what the head covers, checked before allocating.
                if e.offset.saturating_add(u64::from(e.len)) >= head.bytes {
                    return Ok(Found::Mismatch);
                }
                let mut line = vec![0u8; e.len as usize + 1];
                if log.read_exact_at(&mut line, e.offset).is_err() || line.pop() != Some(b'\n') {
                    return Ok(Found::Mismatch);
                }
                match LogKey::of_line(&line) {
                    Some((seq, keys)) if seq == e.seq && keys.contains(key) => {
                        out.push((seq, line));
                    }
                    _ => return Ok(Found::Mismatch),
                }
            }
        }
        for (e, keys) in &new {
            if keys.contains(key) {
                let from = (e.offset - head.bytes) as usize;
                out.push((e.seq, tail[from..from + e.len as usize].to_vec()));
            }
        }
        Ok(Found::Lines(out))
    }

    /// The head, if it still matches the log: the last line it covers is
    /// where it says, complete, with the same hash and number.
    fn valid_head(&self, log: &File, size: u64) -> io::Result<Option<Head>> {
        let Ok(bytes) = fs::read(self.dir.join(HEAD_FILE)) else {
            return Ok(None);
        };
        let Ok(head) = serde_json::from_slice::<Head>(&bytes) else {
            return Ok(None);
        };
        if head.lines == 0 {
            return Ok((head.bytes == 0).then_some(head));
        }
        if head.bytes > size || head.last_start >= head.bytes {
            return Ok(None);
        }
        let mut line = vec![0u8; (head.bytes - head.last_start) as usize];
        log.read_exact_at(&mut line, head.last_start)?;
        let ok = line.pop() == Some(b'\n')
            && Digest::of(&line).hex() == head.last_sha256
            && LogKey::of_line(&line).is_some_and(|(seq, _)| seq == head.lines);
        Ok(ok.then_some(head))
    }

    /// The entries of `key` covered by a head of `lines` lines, in order
    /// (what an interrupted update appended past the head is left out).
    fn entries(&self, key: &LogKey, lines: u64) -> io::Result<Vec<Entry>> {
        let Some(bytes) = crate::fsutil::present(fs::read(self.dir.join(file_name(key))))? else {
            return Ok(Vec::new());
        };
        let mut out: Vec<Entry> = Vec::new();
        for raw in bytes.chunks_exact(ENTRY) {
            let e = decode(raw);
            if e.seq <= lines && out.last().is_none_or(|l| l.seq < e.seq) {
                out.push(e);
            }
        }
        Ok(out)
    }

    /// Brings the index up to date with the log: adds the lines after
    /// its head, or rebuilds it whole when it does not match. Called by a
    /// writer (holding the writer lock) after each append.
    fn refresh(&self, log: &mut File) -> io::Result<()> {
        let (fresh, head, (tail, new)) = self.catch_up(log)?;
        let Some(new) = new else {
            // A line that is no record: `verify` names it; no index.
            self.remove();
            return Ok(());
        };
        let Some((last, _)) = new.last() else {
            return Ok(());
        };
        let from = (last.offset - head.bytes) as usize;
        let after = Head {
            root: self.root.clone(),
            lines: last.seq,
            bytes: last.offset + u64::from(last.len) + 1,
            last_start: last.offset,
            last_sha256: Digest::of(&tail[from..from + last.len as usize]).hex(),
        };
        fs::create_dir_all(&self.dir)?;
        if fresh {
            self.clear()?;
            prune_gone(&self.dir);
        }
        let mut by_key: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        for (e, keys) in &new {
            for k in keys {
                by_key
                    .entry(file_name(k))
                    .or_default()
                    .extend_from_slice(&encode(e));
            }
        }
        for (name, bytes) in by_key {
            let mut f = OpenOptions::new()
                .create(true)
                .append(true)
                .open(self.dir.join(name))?;
            f.write_all(&bytes)?;
            f.sync_data()?;
        }
        // The head last: it names only entries already on disk. Losing it
        // in a power cut costs a rebuild, never a wrong answer.
        let text = serde_json::to_vec(&after).map_err(io::Error::other)?;
        let mut tmp = tempfile::Builder::new()
            .prefix(".tmp-")
            .tempfile_in(&self.dir)?;
        tmp.write_all(&text)?;
        tmp.persist(self.dir.join(HEAD_FILE)).map_err(|e| e.error)?;
        Ok(())
    }

    /// Removes the head and every key file (the index is rebuilt anew).
    fn clear(&self) -> io::Result<()> {
        let _ = fs::remove_file(self.dir.join(HEAD_FILE));
        for entry in fs::read_dir(&self.dir)? {
            let path = entry?.path();
            if path.extension().is_some_and(|e| e == "idx") {
                fs::remove_file(path)?;
            }
        }
        Ok(())
    }

    /// Removes the head: the next reader rebuilds the index.
    fn remove(&self) {
        let _ = fs::remove_file(self.dir.join(HEAD_FILE));
    }
}

/// The log's complete lines after `head`, with their places and keys:
/// `None` when one is no record or its number is not the next.
type Tail = (Vec<u8>, Option<Vec<(Entry, Vec<LogKey>)>>);

fn read_tail(log: &mut File, head: &Head, size: u64) -> io::Result<Tail> {
    let mut tail = Vec::new();
    log.seek(SeekFrom::Start(head.bytes))?;
    log.take(size - head.bytes).read_to_end(&mut tail)?;
    let complete = tail.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    tail.truncate(complete);
    let mut new = Vec::new();
    let mut offset = head.bytes;
    let mut seq = head.lines;
    for line in tail.split_inclusive(|&b| b == b'\n') {
        let body = &line[..line.len() - 1];
        let Some((n, keys)) = LogKey::of_line(body) else {
            return Ok((tail, None));
        };
        let Ok(len) = u32::try_from(body.len()) else {
            return Ok((tail, None));
        };
        if n != seq + 1 {
            return Ok((tail, None));
        }
        seq = n;
        new.push((Entry { seq, offset, len }, keys));
        offset += line.len() as u64;
    }
    Ok((tail, Some(new)))
}

fn encode(e: &Entry) -> [u8; ENTRY] {
    let mut out = [0u8; ENTRY];
    out[..8].copy_from_slice(&e.seq.to_le_bytes());
    out[8..16].copy_from_slice(&e.offset.to_le_bytes());
    out[16..].copy_from_slice(&e.len.to_le_bytes());
    out
}

fn decode(raw: &[u8]) -> Entry {
    let mut seq = [0u8; 8];
    let mut offset = [0u8; 8];
    let mut len = [0u8; 4];
    seq.copy_from_slice(&raw[..8]);
    offset.copy_from_slice(&raw[8..16]);
    len.copy_from_slice(&raw[16..ENTRY]);
    Entry {
        seq: u64::from_le_bytes(seq),
        offset: u64::from_le_bytes(offset),
        len: u32::from_le_bytes(len),
    }
}

#[cfg(test)]
mod tests;
