//! Small file-system primitives shared by every stage that writes: atomic
//! file replacement (temp file in the same folder → fsync → rename → fsync
//! the folder) so that a crash leaves either the old or the new file,
//! never a torn one; and telling a file that is not there from one that
//! cannot be read.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::Path;

/// `Ok(None)` for a file or folder that is not there, the value
/// otherwise; other errors are kept.
pub fn present<T>(r: io::Result<T>) -> io::Result<Option<T>> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// `name` made safe as one file or folder name on every system: path
/// separators, the characters Windows forbids and control characters
/// become `_`, leading dots are dropped (no `..`, no hidden files), and an
/// empty result is `_`.
pub fn safe_name(name: &str) -> String {
    let mapped: String = name
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    let trimmed = mapped.trim_start_matches('.').trim();
    if trimmed.is_empty() {
        "_".to_string()
    } else {
        trimmed.to_string()
    }
}

/// Writes `bytes` to `path` atomically: a reader (or a crash) sees the old
/// content or the new one, never a mix. The parent folder must exist.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = parent_of(path);
    let mut tmp = tempfile::Builder::new().prefix(".tmp-").tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    sync_dir(dir)
}

/// Like [`write_atomic`] but fails with `AlreadyExists` instead of
/// replacing an existing file.
pub fn write_new_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = parent_of(path);
    let mut tmp = tempfile::Builder::new().prefix(".tmp-").tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist_noclobber(path).map_err(|e| e.error)?;
    sync_dir(dir)
}

/// Flushes a folder's entries (new names, renames) to disk.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    // Opening a directory read-only and calling fsync is how POSIX makes
    // a rename durable; on platforms where that is not possible, the
    // rename itself is the best we can do.
    match File::open(dir) {
        Ok(f) => f.sync_all().or_else(|e| {
            if e.kind() == io::ErrorKind::PermissionDenied || e.raw_os_error() == Some(22) {
                Ok(())
            } else {
                Err(e)
            }
        }),
        Err(e) => Err(e),
    }
}

/// Creates a folder and its parents, then syncs the parent so the new
/// folder survives a crash.
pub fn create_dir_durable(dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    fs::create_dir_all(dir)?;
    sync_dir(parent_of(dir))
}

/// The folder `path` is in (`.` for a bare file name).
pub fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Only "not there" becomes `None`: a folder read as a file is still
    /// an error.
    #[test]
    fn present_tells_absent_from_unreadable() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        assert_eq!(present(fs::read(&p)).unwrap(), None);
        fs::write(&p, b"x").unwrap();
        assert_eq!(present(fs::read(&p)).unwrap(), Some(b"x".to_vec()));
        assert!(present(fs::read(dir.path())).is_err());
    }

    #[test]
    fn atomic_write_replaces_and_new_write_refuses() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two");
        let err = write_new_atomic(&p, b"three").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(fs::read(&p).unwrap(), b"two");
        // No temp files left behind.
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1);
    }
}
