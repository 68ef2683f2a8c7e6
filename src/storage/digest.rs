//! SHA-256 digests, the names of content-addressed objects in every
//! backend, and hashing while copying (one pass over the bytes).

use std::fmt;
use std::io::{self, Read, Write};

use sha2::{Digest as _, Sha256};

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

/// The path of an object relative to the archive root, with `/`: its
/// file locally, its key in a bucket, its line in `objects.sha256`.
pub fn object_key(d: &Digest) -> String {
    let hex = d.hex();
    format!("objects/sha256/{}/{hex}", &hex[..2])
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
pub(crate) fn copy_hashing(
    reader: &mut impl Read,
    sink: &mut impl Write,
) -> io::Result<(Digest, u64)> {
    thread_local! {
        // One copy buffer per thread, reused: allocating (and zeroing) a
        // fresh megabyte for every small file cost more than copying it.
        static BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    BUF.with(|cell| match cell.try_borrow_mut() {
        Ok(mut buf) => {
            if buf.len() < BUF_SIZE {
                // Zeroed memory straight from the allocator: a large
                // calloc maps fresh pages, so a small file touches only
                // the few it reads into (resizing would write the whole
                // megabyte, a fifth of a short command's time).
                *buf = vec![0u8; BUF_SIZE];
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
