//! The log as the file `log.jsonl`: appended with one write and one
//! `fsync` per batch, read whole, from an offset, or backwards for its
//! last line.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};

use super::Local;
use crate::fsutil;
use crate::storage::backend::LogPos;

impl Local {
    pub(super) fn log_bytes(&self) -> io::Result<Vec<u8>> {
        Ok(fsutil::present(std::fs::read(self.log_path()))?.unwrap_or_default())
    }

    pub(super) fn log_after(&self, pos: &mut LogPos) -> io::Result<Vec<(usize, Vec<u8>)>> {
        let Some(mut f) = fsutil::present(File::open(self.log_path()))? else {
            return Ok(Vec::new());
        };
        f.seek(SeekFrom::Start(pos.offset))?;
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes)?;
        let complete = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        pos.offset += complete as u64;
        if complete == 0 {
            return Ok(Vec::new());
        }
        Ok(bytes[..complete - 1]
            .split(|&b| b == b'\n')
            .map(|l| (0, l.to_vec()))
            .collect())
    }

    pub(super) fn log_last_line(&self) -> io::Result<Option<Vec<u8>>> {
        let Some(mut f) = fsutil::present(File::open(self.log_path()))? else {
            return Ok(None);
        };
        let len = f.metadata()?.len();
        if len == 0 {
            return Ok(None);
        }
        read_last_line(&mut f, len).map(Some)
    }

    /// Cuts an unfinished last line off. Only the end of the file is
    /// read: the common case, a log ending in a newline, costs one byte
    /// whatever the log's size.
    pub(super) fn log_cut_torn_tail(&self) -> io::Result<bool> {
        let Some(mut f) = fsutil::present(File::open(self.log_path()))? else {
            return Ok(false);
        };
        let len = f.metadata()?.len();
        if len == 0 {
            return Ok(false);
        }
        let mut end = [0u8; 1];
        f.seek(SeekFrom::Start(len - 1))?;
        f.read_exact(&mut end)?;
        if end[0] == b'\n' {
            return Ok(false);
        }
        // The torn line is what follows the last newline.
        let torn = read_last_line(&mut f, len)?;
        let keep = len - torn.len() as u64;
        let f = OpenOptions::new().write(true).open(self.log_path())?;
        f.set_len(keep)?;
        f.sync_all()?;
        Ok(true)
    }

    pub(super) fn log_append(&self, lines: &[(u64, Vec<u8>)]) -> io::Result<()> {
        let path = self.log_path();
        let created = !path.exists();
        let mut f = OpenOptions::new().create(true).append(true).open(&path)?;
        // One write: a killed process leaves whole lines or none of them
        // (a torn end is cut off by the next writer).
        f.write_all(&joined(lines))?;
        f.sync_all()?;
        if created && let Some(dir) = path.parent() {
            fsutil::sync_dir(dir)?;
        }
        // The lines are written; the index is derived and best effort.
        let _ = self.refresh_index();
        Ok(())
    }

    pub(super) fn log_write_new(&self, lines: &[(u64, Vec<u8>)]) -> io::Result<()> {
        fsutil::write_new_atomic(&self.log_path(), &joined(lines))?;
        let _ = self.refresh_index();
        Ok(())
    }
}

/// The lines, each ending in a newline.
fn joined(lines: &[(u64, Vec<u8>)]) -> Vec<u8> {
    let mut bytes = Vec::new();
    for (_, line) in lines {
        bytes.extend_from_slice(line);
        bytes.push(b'\n');
    }
    bytes
}

/// The last line of a file of `len` bytes, with its newline, read
/// backwards in blocks from the end.
fn read_last_line(f: &mut File, len: u64) -> io::Result<Vec<u8>> {
    const BLOCK: u64 = 64 * 1024;
    let mut tail: Vec<u8> = Vec::new();
    let mut start = len;
    loop {
        let from = start.saturating_sub(BLOCK);
        let mut block = vec![0u8; (start - from) as usize];
        f.seek(SeekFrom::Start(from))?;
        f.read_exact(&mut block)?;
        block.extend_from_slice(&tail);
        tail = block;
        start = from;
        // A newline before the last byte ends the search.
        if let Some(i) = tail[..tail.len().saturating_sub(1)]
            .iter()
            .rposition(|&b| b == b'\n')
        {
            return Ok(tail[i + 1..].to_vec());
        }
        if start == 0 {
            return Ok(tail);
        }
    }
}
