//! Files the user names or asks for (documents, exports, templates,
//! tables): an existing file is never replaced unless the user says so
//! (`--force`), the file appears whole or not at all, and it gets the
//! permissions the user's umask gives a new file (not the owner-only mode
//! of a temporary file). Where `-o` may name a file or a folder, a name
//! ending in the file's extension is a file and anything else a folder.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Why an output file was not written.
#[derive(Debug, thiserror::Error)]
pub enum OutFileError {
    /// The file exists and `--force` was not given.
    #[error(
        "{} 已经存在，为免覆盖没有写入；请换一个文件名或文件夹（-o），或加 --force 覆盖它",
        path.display()
    )]
    Exists {
        /// The file.
        path: PathBuf,
    },
    /// Writing failed.
    #[error("无法写入 {}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
}

/// Refuses `path` if it exists, unless `force`.
pub fn refuse_existing(path: &Path, force: bool) -> Result<(), OutFileError> {
    if !force && path.symlink_metadata().is_ok() {
        return Err(OutFileError::Exists {
            path: path.to_path_buf(),
        });
    }
    Ok(())
}

/// Writes `bytes` to `path` atomically with the umask's permissions;
/// refuses an existing file unless `force` (checked again at the rename,
/// so a file that appeared meanwhile is not replaced either).
pub fn write(path: &Path, bytes: &[u8], force: bool) -> Result<(), OutFileError> {
    refuse_existing(path, force)?;
    let err = |source| OutFileError::Write {
        path: path.to_path_buf(),
        source,
    };
    let mut tmp = temp_beside(path).map_err(err)?;
    tmp.write_all(bytes).map_err(err)?;
    persist(tmp, path, force)
}

/// A temporary file in `path`'s folder, to be [`persist`]ed as `path`.
pub fn temp_beside(path: &Path) -> io::Result<tempfile::NamedTempFile> {
    tempfile::Builder::new()
        .prefix(".tmp-")
        .tempfile_in(crate::fsutil::parent_of(path))
}

/// Moves a finished temporary file into place as `path`: synced, with
/// the umask's permissions, refusing an existing file unless `force`.
pub fn persist(tmp: tempfile::NamedTempFile, path: &Path, force: bool) -> Result<(), OutFileError> {
    let err = |source| OutFileError::Write {
        path: path.to_path_buf(),
        source,
    };
    user_mode(tmp.as_file()).map_err(err)?;
    tmp.as_file().sync_all().map_err(err)?;
    let placed = if force {
        tmp.persist(path).map(drop)
    } else {
        tmp.persist_noclobber(path).map(drop)
    };
    match placed {
        Ok(()) => {}
        Err(e) if e.error.kind() == io::ErrorKind::AlreadyExists => {
            return Err(OutFileError::Exists {
                path: path.to_path_buf(),
            });
        }
        Err(e) => return Err(err(e.error)),
    }
    crate::fsutil::sync_dir(crate::fsutil::parent_of(path)).map_err(err)
}

/// Where `-o` puts a file: `arg` itself when it ends in `.ext` (a file),
/// else `default_name` inside the folder `arg`; `default_name` in the
/// current folder when there is no `arg`.
pub fn place(arg: Option<&Path>, ext: &str, default_name: &str) -> PathBuf {
    match arg {
        Some(p) if names_file(p, ext) => p.to_path_buf(),
        Some(dir) => dir.join(default_name),
        None => PathBuf::from(default_name),
    }
}

/// Whether `p` names a file with extension `ext` (case ignored).
pub fn names_file(p: &Path, ext: &str) -> bool {
    p.extension()
        .is_some_and(|e| e.to_string_lossy().eq_ignore_ascii_case(ext))
}

/// Gives a new output file the permissions the umask gives a file made
/// with `open(…, 0666)`, as other programs' output files have.
pub fn user_mode(file: &File) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o666 & !umask()))
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        Ok(())
    }
}

/// The process's umask, read without changing it (Linux's
/// `/proc/self/status`); 022, the usual one, where it cannot be read.
#[cfg(unix)]
fn umask() -> u32 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Umask:"))
                .and_then(|v| u32::from_str_radix(v.trim(), 8).ok())
        })
        .unwrap_or(0o022)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_existing_file_is_kept_unless_forced() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.pdf");
        write(&p, b"one", false).unwrap();
        let e = write(&p, b"two", false).unwrap_err();
        assert!(matches!(e, OutFileError::Exists { .. }));
        assert!(e.to_string().contains("--force"), "{e}");
        assert_eq!(std::fs::read(&p).unwrap(), b"one");
        write(&p, b"two", true).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_pdf_name_is_a_file_anything_else_a_folder() {
        let d = "问卷.pdf";
        assert_eq!(
            place(Some(Path::new("x/a.PDF")), "pdf", d),
            Path::new("x/a.PDF")
        );
        assert_eq!(
            place(Some(Path::new("out")), "pdf", d),
            Path::new("out/问卷.pdf")
        );
        assert_eq!(place(None, "pdf", d), Path::new("问卷.pdf"));
    }
}
