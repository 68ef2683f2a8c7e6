//! The archive's append-only, hash-chained event log `log.jsonl`: one JSON
//! record per line, each carrying the SHA-256 of the previous line, so that
//! editing or removing any line breaks the chain and is found by
//! [`Log::verify`].
//!
//! Appending writes one line with a single `write` to the end of the file
//! and makes it durable (`fsync`) before the record counts as written. A
//! power cut in the middle can leave an unfinished last line: the next
//! writer, holding the lock, cuts it off ([`Log::repair_tail`]); that
//! record was never reported as written, so nothing committed is lost.

use std::fs::OpenOptions;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::lock::WriterLock;
use super::store::Digest;
use crate::fsutil;

/// File name of the log inside an archive root.
pub const LOG_FILE: &str = "log.jsonl";

/// The `prev` of the first record: 64 zeros.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One line of the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    /// Position in the log, from 1.
    pub seq: u64,
    /// SHA-256 (hex) of the previous line's bytes, or [`GENESIS`].
    pub prev: String,
    /// When the event was recorded (RFC 3339, UTC).
    pub time: String,
    /// The web account that did it (absent for the command line).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// What happened, e.g. `submission`.
    pub kind: String,
    /// The event's details.
    pub data: serde_json::Value,
}

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
}

impl Log {
    /// The log of archive root `root`.
    pub fn new(root: &Path) -> Log {
        Log {
            path: root.join(LOG_FILE),
            account: None,
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

    fn read(&self) -> Result<Vec<u8>, LogError> {
        match std::fs::read(&self.path) {
            Ok(b) => Ok(b),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(source) => Err(LogError::Io {
                path: self.path.clone(),
                source,
            }),
        }
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
        self.parse(&bytes).map(|(records, _)| records)
    }

    /// Parses the log; returns the records and the hash of the last line.
    fn parse(&self, bytes: &[u8]) -> Result<(Vec<Record>, String), LogError> {
        let mut records = Vec::new();
        let mut prev = GENESIS.to_string();
        if bytes.is_empty() {
            return Ok((records, prev));
        }
        if !bytes.ends_with(b"\n") {
            let n = bytes.split(|&b| b == b'\n').count();
            return Err(self.broken(n, "最后一行不完整（文件被截断或改动）"));
        }
        for (i, line) in bytes[..bytes.len() - 1].split(|&b| b == b'\n').enumerate() {
            let n = i + 1;
            let rec: Record = serde_json::from_slice(line)
                .map_err(|e| self.broken(n, format!("不是有效的日志记录（{e}）")))?;
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
        Ok((records, prev))
    }

    /// Cuts off an unfinished last line (a write cut short by a power
    /// failure). Only a writer holding the lock calls this.
    pub fn repair_tail(&self, _lock: &WriterLock) -> Result<bool, LogError> {
        let bytes = self.read()?;
        if bytes.is_empty() || bytes.ends_with(b"\n") {
            return Ok(false);
        }
        let keep = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let io_err = |source| LogError::Io {
            path: self.path.clone(),
            source,
        };
        let f = OpenOptions::new()
            .write(true)
            .open(&self.path)
            .map_err(io_err)?;
        f.set_len(keep as u64).map_err(io_err)?;
        f.sync_all().map_err(io_err)?;
        Ok(true)
    }

    /// Appends a record of `kind` with `data`, chained to the last one, and
    /// makes it durable before returning it. Fails without writing if the
    /// existing log is broken.
    pub fn append(
        &self,
        _lock: &WriterLock,
        kind: &str,
        data: serde_json::Value,
    ) -> Result<Record, LogError> {
        let bytes = self.read()?;
        let (records, prev) = self.parse(&bytes)?;
        let rec = Record {
            seq: records.len() as u64 + 1,
            prev,
            time: now_rfc3339(),
            account: self.account.clone(),
            kind: kind.to_string(),
            data,
        };
        let io_err = |source| LogError::Io {
            path: self.path.clone(),
            source,
        };
        let mut line = serde_json::to_vec(&rec).map_err(|e| io_err(io::Error::other(e)))?;
        line.push(b'\n');
        let mut f = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .map_err(io_err)?;
        // One write: a killed process leaves the whole line or none of it.
        f.write_all(&line).map_err(io_err)?;
        f.sync_all().map_err(io_err)?;
        if bytes.is_empty()
            && let Some(dir) = self.path.parent()
        {
            fsutil::sync_dir(dir).map_err(io_err)?;
        }
        Ok(rec)
    }
}

/// The current time as RFC 3339 in UTC with whole seconds.
pub fn now_rfc3339() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn chain_detects_edits_and_removals() {
        let dir = tempfile::tempdir().unwrap();
        let lock = WriterLock::acquire(dir.path(), false, |_| {}).unwrap();
        let log = Log::new(dir.path());
        for i in 0..3 {
            log.append(&lock, "test", json!({ "i": i })).unwrap();
        }
        assert_eq!(log.verify().unwrap().len(), 3);
        let text = std::fs::read_to_string(log.path()).unwrap();
        let lines: Vec<&str> = text.lines().collect();

        // Edit the middle record's data.
        let edited = text.replace("{\"i\":1}", "{\"i\":7}");
        std::fs::write(log.path(), &edited).unwrap();
        let err = log.verify().unwrap_err().to_string();
        assert!(err.contains("第 3 行"), "{err}");

        // Remove the first record.
        std::fs::write(log.path(), format!("{}\n{}\n", lines[1], lines[2])).unwrap();
        assert!(log.verify().is_err());

        // A torn last line.
        std::fs::write(log.path(), &text[..text.len() - 3]).unwrap();
        assert!(log.verify().is_err());
        // Appending refuses to build on a broken log.
        assert!(log.append(&lock, "test", json!(null)).is_err());
    }
}
