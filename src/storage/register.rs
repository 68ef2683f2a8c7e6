//! Registers kept whole — `communities.json`, `accounts.json`, the office's
//! questionnaire, the server key — read and written by name through the
//! root's backend: a file in the root folder locally (written
//! atomically), a row of `registers` in the distributed setup.

use std::io;
use std::path::Path;

/// The registers `migrate` copies, by name (the server key stays with
/// its server).
pub const COPIED: &[&str] = &[
    "communities.json",
    "accounts.json",
    "questionnaire.toml",
    "units.json",
];

/// A register's bytes, `None` when it was never written.
pub fn read(root: &Path, name: &str) -> io::Result<Option<Vec<u8>>> {
    super::open_io(root)?.register(name)
}

/// Replaces a register whole; a reader sees the old bytes or the new.
pub fn write(root: &Path, name: &str, bytes: &[u8]) -> io::Result<()> {
    super::open_io(root)?.put_register(name, bytes)
}
