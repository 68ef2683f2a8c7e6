//! The archive's single-writer lock, taken from its backend: an exclusive
//! operating-system lock on `<root>/lock` locally, a database advisory
//! lock when distributed. Either is released when the holding process
//! ends, however it ends, so a crash never leaves a stale lock behind. The
//! holder describes itself (pid, host, time) for the wait message.

use std::io;
use std::path::{Path, PathBuf};

use crate::fsutil;
use crate::storage::{Held, LockFailure};

pub use crate::storage::local::LOCK_FILE;

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
    held: Held,
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
        let backend = crate::storage::open_io(root).map_err(io_err)?;
        let host = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
        let note = format!(
            "进程 {}，主机 {}，开始于 {}\n",
            std::process::id(),
            host.trim(),
            crate::clock::show(&crate::archive::log::now_rfc3339())
        );
        let mut on_wait = Some(on_wait);
        let mut tell = |holder: &str| {
            if let Some(f) = on_wait.take() {
                f(holder)
            }
        };
        match backend.lock(wait, &note, &mut tell) {
            Ok(held) => Ok(WriterLock {
                held,
                root: root.to_path_buf(),
            }),
            Err(LockFailure::Busy(holder)) => Err(LockError::Busy { holder }),
            Err(LockFailure::Io(source)) => Err(io_err(source)),
        }
    }

    /// The lock as the storage layer holds it.
    pub fn held(&self) -> &Held {
        &self.held
    }

    /// The archive root this lock protects.
    pub fn root(&self) -> &Path {
        &self.root
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
