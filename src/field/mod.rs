//! Evidence of 实地考评 and 网络（媒体）调查 (说明 二 of Attachment 2):
//! the places a community is assessed at ([`point`]), photos taken there
//! ([`photo`], original bytes kept, EXIF read and flagged), each assessor's
//! visit of a point and the sheet it becomes at the assessor's level
//! ([`visit`]), the 网格管理平台 export ([`grid`]), media captures
//! ([`media`]), the printed field form ([`form`]) and what all of it adds
//! up to per standard ([`evidence`]). Every record is an event of the
//! hash-chained log and every file an object of the content-addressed
//! store, so `verify` and the BagIt export cover them.

pub mod chunks;
pub mod evidence;
pub mod exif;
pub mod export;
pub mod form;

pub mod grid;
pub mod media;
pub mod outbox;
pub mod photo;
pub mod picture;
pub mod point;
pub mod reflag;
pub mod visit;

pub mod demo;

use crate::accounts::{Account, Role};
use crate::archive::ArchiveError;
use crate::assessment::level::Level;
use crate::assessment::store::AssessmentError;
use crate::catalog::{Catalog, Method};
use crate::community::Community;
pub use crate::event::field::{StdKey, StoredFile};

impl std::fmt::Display for StdKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} 标准{}", self.indicator, self.standard)
    }
}

impl StdKey {
    /// Parses `Ⅱ-3 标准2`, `Ⅱ-3/2`, `II-3.2` or `2-3:2` against the
    /// catalog; the message says what is wrong.
    pub fn parse(catalog: &Catalog, input: &str) -> Result<StdKey, FieldError> {
        let bad = |why: String| FieldError::BadStandard {
            input: input.trim().to_string(),
            why,
        };
        let s = input.trim();
        let (ind, num) = match s.split_once("标准") {
            Some((i, n)) => (i.trim(), n.trim()),
            None => s
                .rfind(['/', '.', ':', '：', ' '])
                .map(|at| {
                    (
                        s[..at].trim(),
                        s[at..].trim_start_matches(['/', '.', ':', '：', ' ']),
                    )
                })
                .ok_or_else(|| bad("请写成“Ⅱ-3 标准2”或“Ⅱ-3/2”".into()))?,
        };
        let number: u32 = num
            .trim()
            .parse()
            .map_err(|_| bad(format!("标准序号“{num}”应为数字")))?;
        let (_, ind, _) = catalog
            .standard(ind, number)
            .map_err(|e| bad(e.to_string()))?;
        Ok(StdKey {
            indicator: ind.code.clone(),
            standard: number,
        })
    }

    /// The standard's text, if it is in the catalog.
    pub fn text<'a>(&self, catalog: &'a Catalog) -> &'a str {
        catalog
            .standard(&self.indicator, self.standard)
            .map_or("", |(_, _, s)| s.text.as_str())
    }
}

/// Every standard the catalog checks by `method`, in catalog order.
pub fn standards_by(catalog: &Catalog, method: Method) -> Vec<StdKey> {
    catalog
        .standards()
        .filter(|(_, _, s)| s.methods.contains(&method))
        .map(|(_, ind, s)| StdKey {
            indicator: ind.code.clone(),
            standard: s.number,
        })
        .collect()
}

/// The level an account assesses on site at: a district 初评, an expert
/// 专家评估; others do not assess on site.
pub fn level_of(account: &Account) -> Option<Level> {
    match account.role {
        Role::District => Some(Level::District),
        Role::Expert => Some(Level::Expert),
        _ => None,
    }
}

/// Refuses an account that may not assess `community` on site: a district
/// account of another district, an expert not assigned to it, or a role
/// that does not assess.
pub fn check_assessor(account: &Account, community: &Community) -> Result<Level, FieldError> {
    let level = level_of(account).ok_or_else(|| FieldError::NotAssessor {
        account: account.name.clone(),
        community: community.id.clone(),
        why: format!(
            "{}账号不做实地考评，只有县区和专家账号可以",
            account.role.name()
        ),
    })?;
    let ok = match account.role {
        Role::District => account.district.as_deref() == Some(community.district.as_str()),
        _ => account.assigned.contains(&community.id),
    };
    if !ok {
        return Err(FieldError::NotAssessor {
            account: account.name.clone(),
            community: community.id.clone(),
            why: match account.role {
                Role::District => format!("该社区属于{}，不在本账号的县区", community.district),
                _ => "考评办公室没有把该社区分配给这位专家（kaoping expert assign）".into(),
            },
        });
    }
    Ok(level)
}

/// A file handed in: where it is and what the user called it.
#[derive(Debug, Clone, Copy)]
pub struct Upload<'a> {
    /// The file (staged or given).
    pub path: &'a std::path::Path,
    /// Its name as the user called it (kept as data, never a path).
    pub name: &'a str,
}

/// Stores `bytes` (uploaded as `name`) and flushes: the file as a record
/// keeps it.
pub(crate) fn store_bytes(
    archive: &crate::archive::Archive,
    name: &str,
    bytes: &[u8],
) -> Result<StoredFile, FieldError> {
    let put = archive.store().put_bytes(bytes).map_err(io_err(archive))?;
    archive.store().flush().map_err(io_err(archive))?;
    Ok(StoredFile {
        name: name.to_string(),
        object: crate::event::ObjectRef {
            sha256: put.digest.hex(),
            size: put.size,
            sm3: None,
        },
    })
}

/// The error for the file at `path` that could not be read.
pub(crate) fn read_err(
    path: &std::path::Path,
) -> impl Fn(std::io::Error) -> FieldError + Copy + '_ {
    move |source| FieldError::Read {
        path: path.to_path_buf(),
        source,
    }
}

/// Reads the file at `path` whole (an upload, already within its limit).
pub(crate) fn read_file(path: &std::path::Path) -> Result<Vec<u8>, FieldError> {
    std::fs::read(path).map_err(read_err(path))
}

/// Refuses a table with any problem (`path` names it): all or nothing.
pub(crate) fn all_or_nothing(
    path: &std::path::Path,
    problems: Vec<crate::table::Problem>,
) -> Result<(), FieldError> {
    match problems.is_empty() {
        true => Ok(()),
        false => Err(FieldError::Invalid {
            path: path.to_path_buf(),
            problems,
        }),
    }
}

/// The log's records of one kind, in order: `pick` keeps (and unwraps)
/// those wanted, e.g. one community's visits.
pub(crate) fn from_log<T>(
    archive: &crate::archive::Archive,
    pick: impl FnMut(&crate::event::Event) -> Option<T>,
) -> Result<Vec<T>, FieldError> {
    Ok(archive
        .records()?
        .iter()
        .map(|r| &r.event)
        .filter_map(pick)
        .collect())
}

/// What a field record is written with: the archive under its writer
/// lock, the catalog, the field settings with the time zone of EXIF
/// times, and the community and account it is recorded for and by.
#[derive(Clone, Copy)]
pub struct Recording<'a> {
    /// The archive.
    pub archive: &'a crate::archive::Archive,
    /// Its writer lock, held by the caller.
    pub lock: &'a crate::archive::lock::WriterLock,
    /// The assessment system.
    pub catalog: &'a Catalog,
    /// `[field]` and the zone of EXIF times without their own.
    pub checks: (&'a crate::config::FieldSettings, chrono::FixedOffset),
    /// The community assessed.
    pub community: &'a Community,
    /// Who records.
    pub account: &'a Account,
}

/// The offset EXIF times without their own are read in: the configured
/// zone's, or UTC when it cannot be worked out (a configuration that is
/// checked when loaded).
pub fn zone(time: &crate::config::TimeSettings) -> chrono::FixedOffset {
    use chrono::Offset;
    time.offset().unwrap_or_else(|| chrono::Utc.fix())
}

/// Refuses a file name no record may carry: one that hides its real
/// extension, holds control characters or cannot be unpacked on Windows
/// (see [`crate::archive::relpath::name_problem`]).
pub fn check_file_name(name: &str) -> Result<(), FieldError> {
    match crate::archive::relpath::name_problem(name.as_bytes()) {
        Some(why) => Err(FieldError::BadFile {
            name: name.escape_debug().to_string(),
            why: why.to_string(),
        }),
        None => Ok(()),
    }
}

impl StoredFile {
    /// The first 12 hex digits of its hash, as documents cite it.
    pub fn short(&self) -> &str {
        &self.object.sha256[..self.object.sha256.len().min(12)]
    }
}

/// Why a record of field or media evidence was refused. Nothing is stored
/// when one is returned.
#[derive(Debug, thiserror::Error)]
pub enum FieldError {
    /// Archive problem.
    #[error(transparent)]
    Archive(#[from] ArchiveError),
    /// The sheet the visits became was refused.
    #[error(transparent)]
    Assessment(#[from] AssessmentError),
    /// A table could not be read.
    #[error(transparent)]
    Table(#[from] crate::table::TableError),
    /// A standard typed wrongly.
    #[error("标准“{input}”无效：{why}")]
    BadStandard {
        /// What was typed.
        input: String,
        /// Why.
        why: String,
    },
    /// A standard not checked by the method the record is for.
    #[error("{key} 不用“{method}”考评，不能作为{method}的记录；该标准的考评方法是：{methods}")]
    WrongMethod {
        /// The standard.
        key: StdKey,
        /// The method of the record.
        method: Method,
        /// The standard's methods.
        methods: String,
    },
    /// An account that may not assess the community on site.
    #[error("账号 {account} 不能对社区 {community} 做实地考评：{why}")]
    NotAssessor {
        /// The account.
        account: String,
        /// The community.
        community: String,
        /// Why.
        why: String,
    },
    /// No such point in this community.
    #[error("社区 {community} 没有编号为“{point}”的考评点{hint}")]
    NoPoint {
        /// The community.
        community: String,
        /// The point id given.
        point: String,
        /// Where it is, or which exist.
        hint: String,
    },
    /// A standard not checked at this point.
    #[error("考评点 {point}（{name}）不考评 {key}；该点位考评的标准见 kaoping point list")]
    NotAtPoint {
        /// Point id.
        point: String,
        /// Point name.
        name: String,
        /// The standard.
        key: StdKey,
    },
    /// A field of a record that is wrong.
    #[error("{field}“{value}”无效：{why}")]
    BadField {
        /// The field's Chinese name.
        field: &'static str,
        /// What was given.
        value: String,
        /// Why, and the fix.
        why: String,
    },
    /// A point typed wrongly.
    #[error("考评点没有添加：{message}")]
    BadPoint {
        /// Every problem, in Chinese.
        message: String,
    },
    /// Rows of an imported table with problems.
    #[error("{path} 有 {} 处问题，没有导入任何内容，请改正后重新导入：\n{}", problems.len(), crate::table::place::list(problems))]
    Invalid {
        /// The file.
        path: std::path::PathBuf,
        /// The problems.
        problems: Vec<crate::table::Problem>,
    },
    /// A file that is not what it must be.
    #[error("{name}：{why}，没有保存")]
    BadFile {
        /// The file as the user named it.
        name: String,
        /// Why.
        why: String,
    },
    /// A record of a phone's outbox sent again under its id with other
    /// content: nothing is replaced.
    #[error(
        "记录 {id} 此前已用不同的内容上传过；服务器保留原记录，没有覆盖。请核对后作为新记录重新填写"
    )]
    Conflict {
        /// The phone's id of the record.
        id: String,
    },
    /// Reading an input file failed.
    #[error("无法读取 {path}")]
    Read {
        /// The file.
        path: std::path::PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

impl FieldError {
    /// Passes every path the error names through `f` (the web shows the
    /// user's file names, not staged ones).
    pub fn map_paths(&mut self, f: &dyn Fn(&std::path::Path) -> std::path::PathBuf) {
        match self {
            FieldError::Archive(e) => e.map_paths(f),
            FieldError::Assessment(e) => e.map_paths(f),
            FieldError::Table(e) => e.map_paths(f),
            FieldError::Invalid { path, problems } => {
                *path = f(path);
                for p in problems {
                    p.place.rename_file(path);
                }
            }
            FieldError::Read { path, .. } => *path = f(path),
            _ => {}
        }
    }
}

/// An I/O error on the archive root, as an archive error.
pub(crate) fn io_err(
    archive: &crate::archive::Archive,
) -> impl Fn(std::io::Error) -> FieldError + '_ {
    move |source| {
        FieldError::Archive(ArchiveError::Io {
            path: archive.root().to_path_buf(),
            source,
        })
    }
}

/// Appends `event` to the log.
pub(crate) fn append(
    archive: &crate::archive::Archive,
    lock: &crate::archive::lock::WriterLock,
    event: crate::event::Event,
) -> Result<crate::archive::log::Record, FieldError> {
    Ok(archive
        .log()
        .append(lock, event)
        .map_err(ArchiveError::from)?)
}
