//! Registers kept whole — `communities.json`, `accounts.json`, the office's
//! questionnaire — read and written through one pair of functions: a file
//! in the root folder locally (written atomically), a row of `registers`
//! in the distributed setup.

use std::io;
use std::path::Path;

use super::remote_io;

/// A register's bytes, `None` when it was never written.
pub fn read(root: &Path, name: &str) -> io::Result<Option<Vec<u8>>> {
    if let Some(r) = remote_io(root)? {
        return r.db.register(name);
    }
    match std::fs::read(root.join(name)) {
        Ok(b) => Ok(Some(b)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Replaces a register whole; a reader sees the old bytes or the new.
pub fn write(root: &Path, name: &str, bytes: &[u8]) -> io::Result<()> {
    if let Some(r) = remote_io(root)? {
        return r.db.put_register(name, bytes);
    }
    crate::fsutil::write_atomic(&root.join(name), bytes)
}
