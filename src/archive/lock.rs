//! The archive's single-writer lock: an exclusive operating-system lock on
//! `<root>/lock`. The system releases it when the holding process ends,
//! however it ends, so a crash never leaves a stale lock behind. The file
//! also records who holds it (pid, host, time) for the wait message.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};

use crate::fsutil;

/// File name of the lock inside an archive root.
pub const LOCK_FILE: &str = "lock";

/// Why the lock could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another process holds it and the caller chose not to wait.
    #[error(
        "档案库正被另一个 kaoping 进程写入（{holder}）。请等它结束后再试，或去掉 --no-wait 让本命令排队等待"
    )]
    Busy {
        /// Who holds it, as recorded in the lock file.
        holder: String,
    },
    /// The lock file could not be created or locked.
    #[error("无法锁定档案库 {path}")]
    Io {
        /// The lock file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
}

/// Proof that this process is the archive's only writer; released on drop.
/// Functions that change the archive take `&WriterLock`.
#[derive(Debug)]
pub struct WriterLock {
    file: Option<File>,
    /// The database's advisory lock, in a distributed setup.
    db_lock: Option<crate::storage::db::lock::DbLock>,
    root: PathBuf,
}

impl WriterLock {
    /// Takes the writer lock of archive root `root` (created if missing).
    /// If another process holds it: with `wait`, calls `on_wait` with a
    /// description of the holder and blocks until it is free; without,
    /// fails with [`LockError::Busy`].
    pub fn acquire(
        root: &Path,
        wait: bool,
        on_wait: impl FnOnce(&str),
    ) -> Result<WriterLock, LockError> {
        let path = root.join(LOCK_FILE);
        let io_err = |source| LockError::Io {
            path: path.clone(),
            source,
        };
        fsutil::create_dir_durable(root).map_err(io_err)?;
        if let Some(r) = crate::storage::remote_io(root).map_err(io_err)? {
            return Self::acquire_db(&r, root, wait, on_wait);
        }
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io_err)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim().to_string();
                if !wait {
                    return Err(LockError::Busy { holder });
                }
                on_wait(&holder);
                file.lock().map_err(io_err)?;
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io_err(e)),
        }
        let host = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
        let note = format!(
            "进程 {}，主机 {}，开始于 {}\n",
            std::process::id(),
            host.trim(),
            crate::clock::show(&crate::archive::log::now_rfc3339())
        );
        // The note is informative only; failing to write it is harmless.
        let _ = file
            .set_len(0)
            .and_then(|_| file.rewind())
            .and_then(|_| file.write_all(note.as_bytes()));
        Ok(WriterLock {
            file: Some(file),
            db_lock: None,
            root: root.to_path_buf(),
        })
    }

    /// The writer lock of a distributed setup: one for every server.
    fn acquire_db(
        r: &crate::storage::Remote,
        root: &Path,
        wait: bool,
        on_wait: impl FnOnce(&str),
    ) -> Result<WriterLock, LockError> {
        use crate::storage::db::lock::Taken;
        let io_err = |e: crate::storage::StorageError| LockError::Io {
            path: root.join(LOCK_FILE),
            source: e.into(),
        };
        let held = match r.db.lock(false).map_err(io_err)? {
            Taken::Held(l) => l,
            Taken::Busy(holder) if !wait => return Err(LockError::Busy { holder }),
            Taken::Busy(holder) => {
                on_wait(&holder);
                match r.db.lock(true).map_err(io_err)? {
                    Taken::Held(l) => l,
                    Taken::Busy(holder) => return Err(LockError::Busy { holder }),
                }
            }
        };
        Ok(WriterLock {
            file: None,
            db_lock: Some(held),
            root: root.to_path_buf(),
        })
    }

    /// The database session holding the lock, in a distributed setup.
    pub fn db(&self) -> Option<&crate::storage::db::lock::DbLock> {
        self.db_lock.as_ref()
    }

    /// The archive root this lock protects.
    pub fn root(&self) -> &Path {
        &self.root
    }
}

impl Drop for WriterLock {
    fn drop(&mut self) {
        if let Some(file) = &self.file {
            let _ = file.set_len(0);
            let _ = file.unlock();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_writer_is_refused_until_the_first_is_gone() {
        let dir = tempfile::tempdir().unwrap();
        let first = WriterLock::acquire(dir.path(), false, |_| {}).unwrap();
        let err = WriterLock::acquire(dir.path(), false, |_| {}).unwrap_err();
        match err {
            LockError::Busy { holder } => {
                assert!(holder.contains(&std::process::id().to_string()))
            }
            other => panic!("{other:?}"),
        }
        drop(first);
        WriterLock::acquire(dir.path(), false, |_| {}).unwrap();
    }
}
