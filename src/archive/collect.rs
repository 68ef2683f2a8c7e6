//! Stage 1 of ingest for a folder: walk it (sorted, links never followed)
//! into a list of candidate files with their raw relative names, the
//! things skipped (junk, links, special files) and the problems found
//! (folders that cannot be listed). Nothing is opened or read here.
//! [`unsafe_names`] finds the names no submission may carry.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use super::manifest::SkipReason;
use super::relpath::{self, RelPath};
use super::zipin::UnsafeEntry;

/// Where a candidate's bytes come from.
#[derive(Debug, Clone)]
pub enum Source {
    /// A file on disk.
    File(PathBuf),
    /// Entry `index` of the ZIP being ingested.
    Zip(usize),
}

/// A file that may become part of a submission.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// Its path relative to the folder or ZIP root.
    pub rel: RelPath,
    /// Its size as reported before reading.
    pub size: u64,
    /// Where to read it.
    pub source: Source,
}

/// What collecting found.
#[derive(Debug, Default)]
pub struct Collected {
    /// Files to place and store, sorted by path.
    pub files: Vec<Candidate>,
    /// Left out, with the reason.
    pub skipped: Vec<(RelPath, SkipReason)>,
    /// Errors (each names its path); any of them stops the ingest.
    pub problems: Vec<ReadProblem>,
}

/// A file or folder of the material that cannot be read: which (as a
/// path inside the source), and the cause in Chinese. `Display` writes the
/// sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadProblem {
    /// Walking the folder failed at `rel` (or at the source itself).
    #[error("无法读取“{}”：{cause}", rel.as_ref().map_or_else(|| folder.display().to_string(), |r| r.to_string()))]
    Walk {
        /// Where, inside the folder.
        rel: Option<RelPath>,
        /// The folder handed in.
        folder: PathBuf,
        /// Why.
        cause: String,
    },
    /// A file's details cannot be read.
    #[error("无法读取文件“{rel}”：{cause}")]
    Details {
        /// The file.
        rel: RelPath,
        /// Why.
        cause: String,
    },
    /// A file's content cannot be read while storing it.
    #[error("“{rel}”：{cause}")]
    Content {
        /// The file.
        rel: RelPath,
        /// Why.
        cause: String,
    },
    /// The ZIP cannot be opened again to store its entries.
    #[error("{cause}")]
    Reopen {
        /// Why.
        cause: String,
    },
    /// A file listed from one kind of source and stored from another.
    #[error("“{rel}”：内部错误（来源不符）")]
    WrongSource {
        /// The file.
        rel: RelPath,
    },
}

/// Why a name is junk left by operating systems or office programs.
pub fn junk_reason(rel: &RelPath) -> Option<SkipReason> {
    let comps = rel.components();
    if comps.iter().any(|c| c.as_slice() == b"__MACOSX") {
        return Some(SkipReason::MacosxFolder);
    }
    let name = comps.last()?;
    let lower = name.to_ascii_lowercase();
    match lower.as_slice() {
        b".ds_store" => Some(SkipReason::DsStore),
        b"thumbs.db" | b"ehthumbs.db" => Some(SkipReason::Thumbnails),
        b"desktop.ini" => Some(SkipReason::DesktopIni),
        _ if name.starts_with(b"~$") => Some(SkipReason::OfficeLock),
        _ if name.starts_with(b"._") => Some(SkipReason::ResourceFork),
        _ => None,
    }
}

#[cfg(unix)]
fn name_bytes(name: &std::ffi::OsStr) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    name.as_bytes().to_vec()
}

#[cfg(not(unix))]
fn name_bytes(name: &std::ffi::OsStr) -> Vec<u8> {
    name.to_string_lossy().as_bytes().to_vec()
}

fn rel_of(root: &Path, path: &Path) -> RelPath {
    let rel = path.strip_prefix(root).unwrap_or(path);
    RelPath(rel.iter().map(name_bytes).collect())
}

/// Walks `dir` (the folder itself may be a link; links inside it are not
/// followed) and collects its files.
pub fn collect_dir(dir: &Path) -> Collected {
    let mut out = Collected::default();
    let mut walk = WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = walk.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let cause = e
                    .io_error()
                    .map(describe_io)
                    .unwrap_or_else(|| e.to_string());
                out.problems.push(ReadProblem::Walk {
                    rel: e.path().map(|p| rel_of(dir, p)),
                    folder: dir.to_path_buf(),
                    cause,
                });
                continue;
            }
        };
        if entry.depth() == 0 {
            continue;
        }
        let rel = rel_of(dir, entry.path());
        let ft = entry.file_type();
        if ft.is_symlink() {
            out.skipped.push((rel, SkipReason::Symlink));
        } else if ft.is_dir() {
            if entry.file_name() == "__MACOSX" {
                out.skipped.push((rel, SkipReason::MacosxFolder));
                walk.skip_current_dir();
            }
        } else if !ft.is_file() {
            out.skipped.push((rel, SkipReason::Special));
        } else if let Some(why) = junk_reason(&rel) {
            out.skipped.push((rel, why));
        } else {
            // Size from the walk's lstat; a file that cannot be opened is
            // found when it is copied, and the ingest is then undone.
            match entry.metadata() {
                Ok(m) => out.files.push(Candidate {
                    rel,
                    size: m.len(),
                    source: Source::File(entry.path().to_path_buf()),
                }),
                Err(e) => {
                    let cause = e
                        .io_error()
                        .map(describe_io)
                        .unwrap_or_else(|| e.to_string());
                    out.problems.push(ReadProblem::Details { rel, cause });
                }
            }
        }
    }
    out
}

/// The files whose names may not be carried into a submission (see
/// [`relpath::name_problem`]) and those that differ from an earlier one
/// only in letter case.
pub fn unsafe_names(files: &[Candidate]) -> Vec<UnsafeEntry> {
    let mut out = Vec::new();
    let mut cases: std::collections::BTreeMap<String, &RelPath> = Default::default();
    for f in files {
        if let Some(why) = relpath::path_problem(&f.rel) {
            out.push(UnsafeEntry::BadName {
                name: f.rel.to_string().escape_debug().to_string(),
                why,
            });
        } else if let Some(first) = cases.insert(relpath::case_key(&f.rel), &f.rel) {
            out.push(UnsafeEntry::CaseOnly {
                rel: f.rel.clone(),
                first: first.to_string(),
            });
        }
    }
    out
}

/// A short Chinese description of an I/O error.
pub fn describe_io(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => format!("没有读取权限（{e}）"),
        std::io::ErrorKind::NotFound => format!("文件不存在（{e}）"),
        _ => format!("系统错误（{e}）"),
    }
}
