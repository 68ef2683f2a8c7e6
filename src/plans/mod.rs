//! Districts' 工作方案 and 考评实施细则 (工作步骤1、2: each district
//! "制定切实可行的工作方案"; 附件2 说明: districts "可参照考评体系……创新制定
//! 具体实施细则"): each filing a new version of the district's document of
//! that kind, its file in the object store, and which districts have
//! filed and which have not.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;

use crate::archive::lock::WriterLock;
use crate::archive::{Archive, ArchiveError};
use crate::districts::DistrictTable;
use crate::event::Event;
use crate::event::archive::ObjectRef;

pub use crate::event::plan::{PlanFiled, PlanKind};

/// Largest file accepted (bytes).
pub const MAX_BYTES: u64 = 50 * 1024 * 1024;

/// The file types a 工作方案 comes in.
pub const EXTENSIONS: &[&str] = &["pdf", "ofd", "doc", "docx", "wps", "odt"];

/// Why a filing was refused; nothing is stored then.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// The archive could not be read or written.
    #[error(transparent)]
    Archive(#[from] ArchiveError),
    /// The district is not one of Attachment 1's.
    #[error(transparent)]
    District(#[from] crate::districts::UnknownDistrict),
    /// The file's name or type is not acceptable.
    #[error(
        "文件“{name}”不能作为{kind}报送：请上传 PDF、OFD、Word（doc、docx）、WPS 或 ODT 文件，文件名不含 / \\ 和控制字符"
    )]
    BadFile {
        /// The name, escaped.
        name: String,
        /// The kind's name.
        kind: &'static str,
    },
    /// The file is too large.
    #[error("文件 {path} 有 {size} 字节，超过 {max} 字节的上限；请压缩图片或拆分附件后再报送")]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size.
        size: u64,
        /// The limit.
        max: u64,
    },
    /// The file could not be read.
    #[error("读取 {path} 失败：{source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The date lies after today.
    #[error("成文日期 {date} 晚于今天，请改正")]
    Future {
        /// The date.
        date: NaiveDate,
    },
}

/// One district's filings, latest version of each kind.
#[derive(Debug, Clone, Serialize)]
pub struct DistrictPlans {
    /// The district.
    pub district: String,
    /// Its 工作方案, latest version.
    pub plan: Option<PlanFiled>,
    /// Its 考评实施细则, latest version (optional for districts).
    pub rules: Option<PlanFiled>,
}

/// Every district of Attachment 1 with its latest filings, in its order.
pub fn fold(records: &[crate::archive::log::Record]) -> Vec<DistrictPlans> {
    let mut latest: BTreeMap<(String, PlanKind), PlanFiled> = BTreeMap::new();
    for r in records {
        if let Event::Plan(p) = &r.event {
            latest.insert((p.district.clone(), p.kind), p.clone());
        }
    }
    DistrictTable::builtin()
        .districts
        .iter()
        .map(|d| DistrictPlans {
            district: d.name.clone(),
            plan: latest.get(&(d.name.clone(), PlanKind::Plan)).cloned(),
            rules: latest.get(&(d.name.clone(), PlanKind::Rules)).cloned(),
        })
        .collect()
}

/// Every district with its latest filings.
pub fn all(archive: &Archive) -> Result<Vec<DistrictPlans>, ArchiveError> {
    Ok(fold(&archive.records()?))
}

/// What a district files.
pub struct Filing<'a> {
    /// The district, as typed.
    pub district: &'a str,
    /// 工作方案 or 考评实施细则.
    pub kind: PlanKind,
    /// Its date.
    pub date: NaiveDate,
    /// The file's name to keep.
    pub name: &'a str,
    /// Where its bytes are now.
    pub path: &'a Path,
}

/// Files a new version under `lock`: checks the name, type, size and date
/// first, then stores the file and appends the record.
pub fn file(archive: &Archive, lock: &WriterLock, f: Filing) -> Result<PlanFiled, PlanError> {
    let district = DistrictTable::builtin().find(f.district)?.name.clone();
    let ext = Path::new(f.name)
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if crate::rectify::act::name_is_bad(f.name) || !EXTENSIONS.contains(&ext.as_str()) {
        return Err(PlanError::BadFile {
            name: f.name.escape_debug().to_string(),
            kind: f.kind.name(),
        });
    }
    if f.date > crate::dates::today() {
        return Err(PlanError::Future { date: f.date });
    }
    let read = |source| PlanError::Read {
        path: f.path.to_path_buf(),
        source,
    };
    let size = std::fs::metadata(f.path).map_err(read)?.len();
    if size > MAX_BYTES {
        return Err(PlanError::TooLarge {
            path: f.path.to_path_buf(),
            size,
            max: MAX_BYTES,
        });
    }
    let records = archive.records()?;
    let version = 1 + records
        .iter()
        .filter(
            |r| matches!(&r.event, Event::Plan(p) if p.district == district && p.kind == f.kind),
        )
        .count() as u32;
    let io = |source| ArchiveError::Io {
        path: archive.root().to_path_buf(),
        source,
    };
    let file = std::fs::File::open(f.path).map_err(read)?;
    let put = archive
        .store()
        .put_reader(std::io::Read::take(file, MAX_BYTES))
        .map_err(io)?;
    archive.store().flush().map_err(io)?;
    let filed = PlanFiled {
        district,
        kind: f.kind,
        version,
        date: f.date,
        file: f.name.trim().to_string(),
        object: ObjectRef {
            sha256: put.digest.hex(),
            size: put.size,
            sm3: None,
        },
    };
    archive
        .log()
        .append(lock, Event::Plan(filed.clone()))
        .map_err(ArchiveError::from)?;
    Ok(filed)
}
