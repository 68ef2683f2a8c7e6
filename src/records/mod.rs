//! 归档与移交: each phase's issued documents and evidence submissions given
//! a 档号 (DA/T 13) and a metadata record (DA/T 46) when filed, written
//! into a transfer package of DA/T 48 封装包 for the 档案馆, and the
//! 四性检测 (DA/T 70) run on what is filed and on a package alone.

pub mod check;
pub mod content;
pub mod demo;
pub mod eep;
pub mod eep_read;
pub mod eep_write;
pub mod filing;
pub mod flow;
pub mod metadata;
pub mod package;
pub mod report;
pub mod run;
pub mod unzip;

use std::path::PathBuf;

use crate::archive::ArchiveError;
use crate::event::Event;
use crate::event::community::Batch;
use crate::event::records::FiledItem;

/// Why filing, transfer or a package check could not be done.
#[derive(Debug, thiserror::Error)]
pub enum RecordsError {
    /// Reading the archive failed.
    #[error(transparent)]
    Archive(#[from] ArchiveError),
    /// Rendering a report failed.
    #[error(transparent)]
    Render(#[from] crate::render::RenderError),
    /// Signing failed (the office's key).
    #[error(transparent)]
    Sign(#[from] crate::sign::SignError),
    /// A file could not be read or written.
    #[error("无法读写 {path}：{source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A workbook could not be written.
    #[error("无法写出表格 {path}：{message}")]
    Sheet {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// Nothing to do, or the request does not fit; the message says why.
    #[error("{0}")]
    Invalid(String),
    /// The package is not one kaoping can read at all.
    #[error("移交包 {path} 无法检测：{problem}")]
    Unreadable {
        /// The package folder.
        path: PathBuf,
        /// What is wrong.
        problem: String,
    },
}

/// An I/O error at `path`.
pub fn io_at(path: &std::path::Path) -> impl Fn(std::io::Error) -> RecordsError + '_ {
    move |source| RecordsError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The phase's Chinese name (第一阶段 …).
pub fn phase_name(phase: Batch) -> &'static str {
    match phase {
        Batch::First => "第一阶段",
        Batch::Second => "第二阶段",
        Batch::Third => "第三阶段",
    }
}

/// The phase's number (1, 2 or 3).
pub fn phase_number(phase: Batch) -> u8 {
    match phase {
        Batch::First => 1,
        Batch::Second => 2,
        Batch::Third => 3,
    }
}

/// The phase numbered 1, 2 or 3.
pub fn phase_of(n: u8) -> Option<Batch> {
    match n {
        1 => Some(Batch::First),
        2 => Some(Batch::Second),
        3 => Some(Batch::Third),
        _ => None,
    }
}

/// A record as filed: its phase and when.
#[derive(Debug, Clone)]
pub struct FiledAt {
    /// The phase it was filed with.
    pub phase: Batch,
    /// The filing's time (RFC 3339).
    pub time: String,
    /// The record.
    pub item: FiledItem,
}

/// Every record filed so far (all phases), in filing order.
pub fn filed(records: &[crate::archive::log::Record]) -> Vec<FiledAt> {
    records
        .iter()
        .filter_map(|r| match &r.event {
            Event::Filing(f) => Some((r, f)),
            _ => None,
        })
        .flat_map(|(r, f)| {
            f.items.iter().map(move |i| FiledAt {
                phase: f.phase,
                time: r.time.clone(),
                item: i.clone(),
            })
        })
        .collect()
}
