//! The archive's append-only, hash-chained event log `log.jsonl`: one JSON
//! record per line, each carrying the SHA-256 of the previous line, so that
//! editing or removing any line breaks the chain and is found by
//! [`Log::verify`].
//!
//! Each line is a [`Record`]: its place in the chain and one typed
//! [`Event`]. Appending reads only the last line (the chain's head), then
//! writes the new lines — one, or a whole batch — with a single `write` to
//! the end of the file and makes them durable (`fsync`) before they count
//! as written. A power cut in the middle can leave an unfinished last
//! line: the next writer, holding the lock, cuts it off
//! ([`Log::repair_tail`]); that record was never reported as written, so
//! nothing committed is lost. Reading ([`Log::records`]) parses every
//! line once per process (what was appended since is parsed on the next
//! read); only [`Log::verify`] re-computes the whole chain.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::lock::WriterLock;
use super::store::Digest;
use crate::event::Event;
use crate::storage::snapshot::{Snapshot, SnapshotMap};
use crate::storage::{Backend, LogKey, LogPos, LogWrite, Opened};

pub use crate::storage::local::LOG_FILE;

/// The `prev` of the first record: 64 zeros.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

pub use crate::event::Record;

/// Every record of a log, shared between the readers of one process.
pub type Records = std::sync::Arc<Vec<Record>>;

/// Something wrong with the log.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    /// A line is not a record or breaks the chain.
    #[error("日志 {path} 第 {line} 行：{reason}")]
    Broken {
        /// The log file.
        path: PathBuf,
        /// Line number, from 1.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// Reading or writing failed.
    #[error("无法读写日志 {path}")]
    Io {
        /// The log file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
}

/// The log of one archive.
#[derive(Debug, Clone)]
pub struct Log {
    path: PathBuf,
    account: Option<String>,
    backend: Opened,
    /// The records as this handle last read them.
    seen: Snapshot<Records>,
    /// The records of one key as this handle last read them through the
    /// backend's index (`None`: the backend keeps none).
    keyed: SnapshotMap<String, Option<Records>>,
}

/// Marks every handle's snapshot of the log as old: a writer lock was
/// taken (what other processes wrote must be read again) or records
/// appended ([`crate::storage::written`]).
pub(crate) fn written() {
    crate::storage::written();
}

impl Log {
    /// The log of archive root `root`.
    pub fn new(root: &Path) -> Log {
        Log {
            path: root.join(LOG_FILE),
            account: None,
            backend: crate::storage::open(root),
            seen: Default::default(),
            keyed: Default::default(),
        }
    }

    /// The same log, recording `account` as the doer of every append.
    pub fn with_account(mut self, account: &str) -> Log {
        self.account = Some(account.to_string());
        self
    }

    /// The log file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn io_err(&self, source: io::Error) -> LogError {
        LogError::Io {
            path: self.path.clone(),
            source,
        }
    }

    fn backend(&self) -> Result<&dyn Backend, LogError> {
        match &self.backend {
            Ok(b) => Ok(b.as_ref()),
            Err(e) => Err(self.io_err(e.clone().into())),
        }
    }

    /// The log's bytes as stored, read now (what `verify` checks).
    fn read(&self) -> Result<Vec<u8>, LogError> {
        self.backend()?.log_bytes().map_err(|e| self.io_err(e))
    }

    /// The log's bytes: what this process parsed before and the lines
    /// after it, where the backend can tell that nothing before changed
    /// (one query for what is new on PostgreSQL); else read whole.
    fn read_since_parsed(&self) -> Result<Vec<u8>, LogError> {
        if let Some((lines, last)) = parsed::tail(&self.path) {
            let since = self.backend()?.log_since(lines, &last);
            if let Some(new) = since.map_err(|e| self.io_err(e))?
                && let Some(mut known) = parsed::bytes(&self.path, lines)
            {
                known.extend_from_slice(&new);
                return Ok(known);
            }
        }
        self.read()
    }

    /// The log's lines exactly as stored (each ending in a newline), for
    /// copying an archive from one backend to the other.
    pub fn raw(&self) -> Result<Vec<u8>, LogError> {
        self.read()
    }

    /// Writes `bytes` (complete lines, checked by the caller) as the whole
    /// log of an empty archive, with what its records commit. The caller
    /// holds the writer lock.
    pub fn write_raw(&self, lock: &WriterLock, bytes: &[u8]) -> Result<(), LogError> {
        if self.head()?.0 != 0 {
            return Err(self.broken(0, "目标档案库的日志不是空的，不能覆盖"));
        }
        let mut rows = Vec::new();
        let mut records = Vec::new();
        for (n, line) in lines(bytes) {
            records.push(self.parse_line(n, line)?);
            rows.push((n as u64, line.to_vec()));
        }
        self.write_rows(lock, LogWrite::New, &rows, &records)
    }

    /// Writes `rows` (the lines of `records`) with what they commit.
    fn write_rows(
        &self,
        lock: &WriterLock,
        to: LogWrite,
        rows: &[(u64, Vec<u8>)],
        records: &[Record],
    ) -> Result<(), LogError> {
        let commits = super::commits::of(records);
        let done = self
            .backend()?
            .log_write(lock.held(), to, rows, &commits)
            .map_err(|e| self.io_err(e));
        written();
        done
    }

    fn broken(&self, line: usize, reason: impl Into<String>) -> LogError {
        LogError::Broken {
            path: self.path.clone(),
            line,
            reason: reason.into(),
        }
    }

    /// Reads every record and checks the chain: sequence numbers, each
    /// `prev` against the hash of the line before, complete lines.
    pub fn verify(&self) -> Result<Vec<Record>, LogError> {
        let bytes = self.read()?;
        if !bytes.is_empty() && !bytes.ends_with(b"\n") {
            let n = bytes.split(|&b| b == b'\n').count();
            return Err(self.broken(n, "最后一行不完整（文件被截断或改动）"));
        }
        let mut records = Vec::new();
        let mut prev = GENESIS.to_string();
        for (n, line) in lines(&bytes) {
            let rec = self.parse_line(n, line)?;
            if rec.seq != n as u64 {
                return Err(self.broken(
                    n,
                    format!("序号应为 {n}，实为 {}（有记录被删除或插入）", rec.seq),
                ));
            }
            if rec.prev != prev {
                return Err(self.broken(n, "与上一行的哈希不符（上一行被改动，或有记录被删除）"));
            }
            prev = Digest::of(line).hex();
            records.push(rec);
        }
        Ok(records)
    }

    /// Reads every complete record, in order, without re-computing the
    /// chain. An unfinished last line (a write cut short) is no record
    /// and is left out.
    ///
    /// The records are shared: reading again with nothing appended copies
    /// nothing, and what was appended is parsed once per process. A handle
    /// keeps what it read ([`Snapshot`]); `verify` always reads anew.
    pub fn records(&self) -> Result<Records, LogError> {
        self.seen.get_or_load(|| self.parse_all())
    }

    /// Reads the log and parses what this process has not parsed before.
    fn parse_all(&self) -> Result<Records, LogError> {
        let mut bytes = self.read_since_parsed()?;
        let complete = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        bytes.truncate(complete);
        if let Some(known) = parsed::known(&self.path, &bytes) {
            if known.len == bytes.len() {
                return Ok(known.records);
            }
            let mut records = known.records.as_ref().clone();
            let before = records.len();
            for (n, line) in lines(&bytes[known.len..]) {
                records.push(self.parse_line(before + n, line)?);
            }
            let records = Arc::new(records);
            parsed::keep(&self.path, bytes, records.clone());
            return Ok(records);
        }
        let records = lines(&bytes)
            .map(|(n, line)| self.parse_line(n, line))
            .collect::<Result<Vec<_>, _>>()?;
        let records = Arc::new(records);
        parsed::keep(&self.path, bytes, records.clone());
        Ok(records)
    }

    /// The records with `key` that `keep` selects, in log order. Where the
    /// backend keeps an index of the log (the local one), only the key's
    /// lines and what was appended since the index was brought up to date
    /// are read: a command about one community costs the same in a small
    /// archive and a large one. Elsewhere, or when the index does not
    /// match the log, every record is read and filtered. `keep` must
    /// select only records with `key`.
    pub fn records_where(
        &self,
        key: &LogKey,
        keep: impl Fn(&Record) -> bool,
    ) -> Result<Vec<Record>, LogError> {
        let all = match self.seen.current() {
            Some(all) => all,
            None => match self.keyed.get_or_load(key.text(), || self.lines_of(key))? {
                Some(of_key) => of_key,
                None => self.records()?,
            },
        };
        Ok(all.iter().filter(|r| keep(r)).cloned().collect())
    }

    /// Every record of `key` through the backend's index, `None` where it
    /// keeps none.
    fn lines_of(&self, key: &LogKey) -> Result<Option<Records>, LogError> {
        let lines = self
            .backend()?
            .log_lines_of(key)
            .map_err(|e| self.io_err(e))?;
        let Some(lines) = lines else {
            return Ok(None);
        };
        let records = lines
            .into_iter()
            .map(|(n, line)| self.parse_line(n as usize, &line))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Some(Arc::new(records)))
    }

    /// The complete records appended after `cursor`, which it then moves
    /// past them: a follower that keeps its own state (the survey's) reads
    /// only what is new, without the whole log. Start from
    /// `Cursor::default()`.
    pub fn follow(&self, cursor: &mut Cursor) -> Result<Vec<Record>, LogError> {
        let rows = self
            .backend()?
            .log_after(&mut cursor.0)
            .map_err(|e| self.io_err(e))?;
        let mut out = Vec::with_capacity(rows.len());
        for (n, line) in rows {
            let rec = self.parse_line(n, &line)?;
            cursor.0.seq = rec.seq;
            out.push(rec);
        }
        Ok(out)
    }

    fn parse_line(&self, n: usize, line: &[u8]) -> Result<Record, LogError> {
        serde_json::from_slice(line)
            .map_err(|e| self.broken(n, format!("不是有效的日志记录（{e}）")))
    }

    /// The chain's head: the last record's sequence number and the hash
    /// of its line (`0` and [`GENESIS`] for an empty log), read from the
    /// end of the log only.
    fn head(&self) -> Result<(u64, String), LogError> {
        let last = self
            .backend()?
            .log_last_line()
            .map_err(|e| self.io_err(e))?;
        let Some(tail) = last else {
            return Ok((0, GENESIS.into()));
        };
        let Some(line) = tail.strip_suffix(b"\n") else {
            return Err(self.broken(0, "最后一行不完整（文件被截断或改动）"));
        };
        let rec = self.parse_line(0, line).map_err(|_| {
            self.broken(
                0,
                "最后一行不是有效的日志记录（文件被改动），请运行 kaoping verify",
            )
        })?;
        Ok((rec.seq, Digest::of(line).hex()))
    }

    /// Cuts off an unfinished last line (a write cut short by a power
    /// failure). Only a writer holding the lock calls this.
    pub fn repair_tail(&self, _lock: &WriterLock) -> Result<bool, LogError> {
        let cut = self
            .backend()?
            .log_cut_torn_tail()
            .map_err(|e| self.io_err(e));
        written();
        cut
    }

    /// Appends `event`, chained to the last record, and makes it durable
    /// before returning it. Fails without writing if the log's last line
    /// is broken.
    pub fn append(&self, lock: &WriterLock, event: Event) -> Result<Record, LogError> {
        let mut all = self.append_all(lock, vec![event])?;
        all.pop().ok_or_else(|| self.broken(0, "没有写入任何记录"))
    }

    /// Appends `events` in order with one write and one `fsync`: after a
    /// crash either all of them are in the log or none is.
    pub fn append_all(
        &self,
        lock: &WriterLock,
        events: Vec<Event>,
    ) -> Result<Vec<Record>, LogError> {
        let (mut seq, mut prev) = self.head()?;
        let time = now_rfc3339();
        let mut rows = Vec::new();
        let mut out = Vec::with_capacity(events.len());
        for event in events {
            seq += 1;
            let rec = Record {
                seq,
                prev: prev.clone(),
                time: time.clone(),
                account: self.account.clone(),
                event,
            };
            let line = serde_json::to_vec(&rec).map_err(|e| self.io_err(io::Error::other(e)))?;
            prev = Digest::of(&line).hex();
            rows.push((seq, line));
            out.push(rec);
        }
        if out.is_empty() {
            return Ok(out);
        }
        self.write_rows(lock, LogWrite::Append, &rows, &out)?;
        Ok(out)
    }
}

/// Where a follower of the log stands (see [`Log::follow`]).
#[derive(Debug, Clone, Default)]
pub struct Cursor(LogPos);

/// The lines of a log file's bytes (ending in a newline) with their
/// numbers from 1.
fn lines(bytes: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    let body = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    body.split(|&b| b == b'\n')
        .filter(move |_| !bytes.is_empty())
        .enumerate()
        .map(|(i, l)| (i + 1, l))
}

mod parsed;

/// The current time as RFC 3339 in UTC with whole seconds.
pub fn now_rfc3339() -> String {
    crate::clock::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[cfg(test)]
mod tests;
