//! The error type of archive operations: each variant names the input,
//! file or submission it concerns and, in Chinese, what to do about it.

use std::io;
use std::path::{Path, PathBuf};

use super::lock::LockError;
use super::log::LogError;
use super::zipin;
use crate::community::CommunityError;

/// Errors of archive operations.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    /// A community problem.
    #[error(transparent)]
    Community(#[from] CommunityError),
    /// The writer lock.
    #[error(transparent)]
    Lock(#[from] LockError),
    /// The log.
    #[error(transparent)]
    Log(#[from] LogError),
    /// A ZIP that cannot be ingested.
    #[error(transparent)]
    Zip(#[from] zipin::ZipError),
    /// Files that cannot be placed; nothing was stored.
    #[error("以下 {} 个文件无法归类，本次没有保存任何文件：\n{}\n请按 kaoping scaffold 生成的文件夹整理后重新提交", problems.len(), indent(problems))]
    Unplaceable {
        /// One per file.
        problems: Vec<super::place::PlaceProblem>,
    },
    /// Names that may not be carried into a submission; nothing was
    /// stored.
    #[error("以下 {} 个文件的名称不能提交，本次没有保存任何文件：\n{}\n请在 Windows 资源管理器或其他工具中改名后重新提交", problems.len(), indent(problems))]
    UnsafeNames {
        /// One per file, each naming it and why.
        problems: Vec<zipin::UnsafeEntry>,
    },
    /// Files or folders that cannot be read; nothing was stored.
    #[error("有 {} 个文件或文件夹无法读取，本次没有保存任何文件：\n{}", problems.len(), indent(problems))]
    Unreadable {
        /// One per path.
        problems: Vec<super::collect::ReadProblem>,
    },
    /// A BagIt bag whose content does not match its manifest.
    #[error("BagIt 包与其清单不符，本次没有保存任何文件：\n{}", indent(problems))]
    BagMismatch {
        /// One per file.
        problems: Vec<super::bagit::BagProblem>,
    },
    /// Nothing to ingest.
    #[error("{source_path} 里没有可以提交的材料文件")]
    Empty {
        /// The folder or ZIP.
        source_path: PathBuf,
    },
    /// The material does not fit on the disk.
    #[error("磁盘空间不足：这次提交需要 {} MB，{path} 所在磁盘只剩 {} MB。请清理磁盘或换一个档案库位置", needed >> 20, free >> 20)]
    NoSpace {
        /// Bytes needed.
        needed: u64,
        /// Bytes free.
        free: u64,
        /// The archive root.
        path: PathBuf,
    },
    /// The source does not exist.
    #[error("找不到 {path}，请检查要提交的文件夹或 ZIP 文件的路径")]
    SourceMissing {
        /// The path given.
        path: PathBuf,
    },
    /// The source is neither a folder nor a ZIP.
    #[error("{path} 不是文件夹，也不是 .zip 文件")]
    BadSource {
        /// The path.
        path: PathBuf,
    },
    /// No submission for the community.
    #[error("社区 {community} 还没有提交过材料（用 kaoping ingest 提交）")]
    NoSubmission {
        /// Community id.
        community: String,
    },
    /// No such version.
    #[error("社区 {community} 没有第 {version} 版提交；现有第 1 至第 {latest} 版")]
    NoSuchVersion {
        /// Community id.
        community: String,
        /// Requested version.
        version: u32,
        /// Latest version.
        latest: u32,
    },
    /// A stored file is damaged.
    #[error("{path} 已损坏：{reason}。请运行 kaoping verify 检查整个档案库")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A hash prefix too short to look up.
    #[error("哈希“{hash}”太短：只有 {} 位，至少要写前 {needed} 位（完整的哈希是 64 位十六进制数字，可从 kaoping show 复制）", hash.chars().count())]
    HashTooShort {
        /// What was given.
        hash: String,
        /// How many hex digits are needed.
        needed: usize,
    },
    /// A hash that is not hexadecimal.
    #[error("“{hash}”不是哈希：哈希只由 0-9 和 a-f 组成（可从 kaoping show 复制）")]
    NotAHash {
        /// What was given.
        hash: String,
    },
    /// A prefix that several objects share.
    #[error("有 {count} 个文件的哈希以“{hash}”开头，请多写几位")]
    AmbiguousHash {
        /// The prefix.
        hash: String,
        /// How many objects match.
        count: usize,
    },
    /// The material is exactly the latest version again.
    #[error(
        "这次提交的材料与社区 {community} 的第 {version} 版完全相同（同样的文件、同样的位置），没有保存新版本。如确需再存一版，请加 --allow-identical"
    )]
    Identical {
        /// Community id.
        community: String,
        /// The identical version.
        version: u32,
    },
    /// The object was damaged and set aside.
    #[error(
        "文件 {hash} 已损坏（内容与哈希不符），已被移到 {moved_to}；请原提交单位重新提交同样的文件，档案库会存入完好的副本"
    )]
    Quarantined {
        /// The hash.
        hash: String,
        /// Where the damaged copy is, relative to the archive root.
        moved_to: String,
    },
    /// No stored object has this hash.
    #[error("档案库中没有哈希为 {hash} 的文件{hint}")]
    NoObject {
        /// What was asked.
        hash: String,
        /// A hint.
        hint: String,
    },
    /// Reading or writing failed.
    #[error("无法读写 {path}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
}

impl ArchiveError {
    /// Passes every path the error names through `f`, so
    /// that a front end can name files as its user knows them (the web:
    /// the names uploaded, not its staging folder).
    pub fn map_paths(&mut self, f: &dyn Fn(&Path) -> PathBuf) {
        use super::collect::ReadProblem;
        match self {
            ArchiveError::Empty { source_path: path }
            | ArchiveError::SourceMissing { path }
            | ArchiveError::BadSource { path }
            | ArchiveError::Corrupt { path, .. }
            | ArchiveError::Io { path, .. } => *path = f(path),
            ArchiveError::Zip(e) => e.map_path(f),
            ArchiveError::Unreadable { problems } => {
                for p in problems {
                    if let ReadProblem::Walk { folder, .. } = p {
                        *folder = f(folder);
                    }
                }
            }
            _ => {}
        }
    }
}

fn indent(lines: &[impl std::fmt::Display]) -> String {
    lines
        .iter()
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// An `Io` error constructor for `map_err`.
pub(crate) fn io_at(path: &Path) -> impl FnOnce(io::Error) -> ArchiveError + '_ {
    move |source| ArchiveError::Io {
        path: path.to_path_buf(),
        source,
    }
}
