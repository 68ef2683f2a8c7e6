//! What the checks see of one computer file without holding it: its
//! size and digests computed as it streams past, its first bytes (a whole
//! PDF up to [`PDF_WHOLE`]), and, when asked, a copy on disk for the virus
//! scan. Records of any size are checked in a few buffers' memory.

use std::io::{self, Write};

use sha2::{Digest as _, Sha256};
use sm3::Sm3;

use super::item::{PDF_WHOLE, SAMPLE};

/// One file as the checks see it.
#[derive(Debug, Clone, Default)]
pub struct Seen {
    /// Bytes.
    pub size: u64,
    /// SM3 (hex).
    pub sm3: String,
    /// SHA-256 (hex).
    pub sha256: String,
    /// The first [`SAMPLE`] bytes, or the whole file when it is a PDF up
    /// to [`PDF_WHOLE`] (or smaller than the sample).
    pub kept: Vec<u8>,
}

impl Seen {
    /// A file already in memory.
    pub fn of_bytes(bytes: &[u8]) -> Seen {
        let mut p = Probe::new(None);
        p.feed(bytes);
        p.finish()
    }

    /// Whether `kept` is the whole file.
    pub fn whole(&self) -> bool {
        self.kept.len() as u64 == self.size
    }
}

/// A sink that learns what [`Seen`] holds, copying to `to` on the way.
pub struct Probe {
    sm3: Sm3,
    sha: Sha256,
    size: u64,
    kept: Vec<u8>,
    to: Option<io::BufWriter<std::fs::File>>,
}

impl Probe {
    /// A probe, with a file to copy into.
    pub fn new(to: Option<std::fs::File>) -> Probe {
        Probe {
            sm3: Sm3::new(),
            sha: Sha256::new(),
            size: 0,
            kept: Vec::new(),
            to: to.map(|f| io::BufWriter::with_capacity(1 << 20, f)),
        }
    }

    fn feed(&mut self, buf: &[u8]) {
        self.sm3.update(buf);
        self.sha.update(buf);
        self.size += buf.len() as u64;
        let pdf =
            self.kept.starts_with(b"%PDF") || (self.kept.is_empty() && buf.starts_with(b"%PDF"));
        if pdf && self.size <= PDF_WHOLE {
            self.kept.extend_from_slice(buf);
            return;
        }
        self.kept.truncate(SAMPLE);
        let room = SAMPLE.saturating_sub(self.kept.len()).min(buf.len());
        self.kept.extend_from_slice(&buf[..room]);
    }

    /// What was seen (the copy, if any, flushed).
    pub fn finish(self) -> Seen {
        if let Some(mut to) = self.to {
            let _ = to.flush();
        }
        Seen {
            size: self.size,
            sm3: hex::encode(self.sm3.finalize()),
            sha256: hex::encode(self.sha.finalize()),
            kept: self.kept,
        }
    }
}

impl Write for Probe {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if let Some(to) = &mut self.to {
            to.write_all(buf)?;
        }
        self.feed(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.to {
            Some(to) => to.flush(),
            None => Ok(()),
        }
    }
}
