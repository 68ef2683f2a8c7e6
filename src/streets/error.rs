//! Why a 街道's evidence was refused; every message says what to fix.

use std::path::PathBuf;

/// Why a 街道's hand-in was refused. Nothing was recorded.
#[derive(Debug, thiserror::Error)]
pub enum StreetError {
    /// The archive could not be read or written, or the material is
    /// unreadable or cannot be placed.
    #[error(transparent)]
    Archive(#[from] crate::archive::ArchiveError),
    /// The 街道 or district is not registered.
    #[error(transparent)]
    Community(#[from] crate::community::CommunityError),
    /// Files sit outside the standards addressed to the 街道.
    #[error(
        "以下文件不在街道（乡镇）负责的考评标准的文件夹里，没有接收任何文件：\n  {}\n街道只提交这些标准的材料：{}；其余标准的材料由各社区自己提交",
        files.join("\n  "),
        super::standards_text()
    )]
    NotStreetStandard {
        /// The files, as paths inside the material.
        files: Vec<String>,
    },
    /// Nothing to hand in.
    #[error("{} 里没有可以接收的文件；请把材料放进对应标准的文件夹（如 Ⅱ-2/标准1/）后再提交", source_path.display())]
    Empty {
        /// The folder or ZIP.
        source_path: PathBuf,
    },
    /// Too many files.
    #[error("一次提交了 {count} 个文件，超过上限 {max} 个；请只提交街道负责的标准的材料")]
    TooMany {
        /// Files found.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// A file could not be read.
    #[error("无法读取“{file}”：{cause}；没有接收任何文件，请检查后重新提交")]
    Read {
        /// The file, as a path inside the material.
        file: String,
        /// The cause, in Chinese.
        cause: String,
    },
}
