//! Assessment results kept in the archive like evidence: the sheet as
//! handed in and the validated results are stored as objects, and each
//! import is a new version recorded in the hash-chained log (kind
//! `assessment`), so re-imports keep the history and `verify` covers them.

use std::path::Path;

use super::Assessment;
use super::Facts;
use super::computed::CommunityKind;
use super::level::{self, Level};
use super::sheet::{self, Subject};
use crate::archive::lock::WriterLock;
use crate::archive::store::Digest;
use crate::archive::{Archive, ArchiveError};
use crate::catalog::Catalog;
use crate::community::Community;
use crate::event::ObjectRef;
pub use crate::event::assessment::AssessmentRecord;

/// A stored assessment with its record and time.
#[derive(Debug, Clone)]
pub struct StoredAssessment {
    /// When it was imported (RFC 3339, UTC).
    pub time: String,
    /// The record.
    pub record: AssessmentRecord,
    /// The validated results.
    pub assessment: Assessment,
    /// Columns of the imported sheet that were not recognised and were
    /// ignored (empty when read back from the archive).
    pub ignored_columns: Vec<String>,
}

/// Appends `record` (a version made from others: a final result from the
/// panel, an overruled one) under `lock`.
pub fn append(
    archive: &Archive,
    lock: &WriterLock,
    record: AssessmentRecord,
    assessment: Assessment,
) -> Result<StoredAssessment, crate::archive::ArchiveError> {
    let rec = archive
        .log()
        .append(lock, crate::event::Event::Assessment(record.clone()))
        .map_err(crate::archive::ArchiveError::from)?;
    let ignored_columns = Vec::new();
    Ok(StoredAssessment {
        time: rec.time,
        record,
        assessment,
        ignored_columns,
    })
}

/// Why an assessment could not be imported or read.
#[derive(Debug, thiserror::Error)]
pub enum AssessmentError {
    /// Archive problem.
    #[error(transparent)]
    Archive(#[from] ArchiveError),
    /// The sheet is not acceptable; nothing was imported.
    #[error(transparent)]
    Sheet(#[from] sheet::SheetError),
    /// The sheet file could not be read.
    #[error("无法读取考评表 {path}")]
    Read {
        /// The file.
        path: std::path::PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// No results yet.
    #[error(
        "社区 {community} 还没有导入考评结果。请先用 kaoping assess template 生成考评表，填好后用 kaoping assess import 导入"
    )]
    NoResults {
        /// Community id.
        community: String,
    },
    /// A stored object is missing or does not parse.
    #[error(
        "社区 {community} 第 {version} 版考评结果无法读取：{reason}。请运行 kaoping verify 检查档案库"
    )]
    Corrupt {
        /// Community id.
        community: String,
        /// Version.
        version: u32,
        /// What is wrong.
        reason: String,
    },
    /// A level submitted out of order, or locked.
    #[error("社区 {community} 不能提交{level}：{why}")]
    OutOfOrder {
        /// Community id.
        community: String,
        /// The level.
        level: Level,
        /// Why, and what to do.
        why: String,
    },
    /// The account named for a level may not submit it for this
    /// community (unknown, another role, not assigned, another district).
    #[error("社区 {community} 的{level}不能由 {account} 提交：{why}")]
    NotAssessor {
        /// Community id.
        community: String,
        /// The level.
        level: Level,
        /// The account as named.
        account: String,
        /// Why, and what to do.
        why: String,
    },
    /// The final result was withdrawn by a return of a level below it.
    #[error(
        "社区 {community} 的最终考评结果已因退回{returned}而撤销，不能再据以发文或命名。请在重新提交{returned}及以上各级后，重新记录最终结果"
    )]
    Reopened {
        /// Community id.
        community: String,
        /// The lowest level returned since.
        returned: Level,
    },
    /// The accounts register could not be read.
    #[error(transparent)]
    Accounts(#[from] crate::accounts::AccountError),
    /// A level that cannot be returned (not submitted, or not returnable).
    #[error(
        "社区 {community} 的{level}没有处于已提交状态，无法退回（只有已提交的社区自查和县区初评可以退回）"
    )]
    NotReturnable {
        /// Community id.
        community: String,
        /// The level.
        level: Level,
    },
}

/// The level a sheet is imported at, and the expert for 专家评估.
#[derive(Debug, Clone, Copy, Default)]
pub struct At<'a> {
    /// The level.
    pub level: Level,
    /// The expert's account name (专家评估 only, and required there).
    pub expert: Option<&'a str>,
    /// The signed-in account that submits (web and on-site records); the
    /// command line, run by the office at the archive, names none.
    pub by: Option<&'a str>,
}

impl AssessmentError {
    /// Passes every path the error names through `f` (see
    /// [`ArchiveError::map_paths`]).
    pub fn map_paths(&mut self, f: &dyn Fn(&std::path::Path) -> std::path::PathBuf) {
        match self {
            AssessmentError::Archive(e) => e.map_paths(f),
            AssessmentError::Read { path, .. } => *path = f(path),
            AssessmentError::Sheet(e) => e.map_paths(f),
            AssessmentError::NoResults { .. }
            | AssessmentError::Corrupt { .. }
            | AssessmentError::OutOfOrder { .. }
            | AssessmentError::NotAssessor { .. }
            | AssessmentError::Reopened { .. }
            | AssessmentError::Accounts(_)
            | AssessmentError::NotReturnable { .. } => {}
        }
    }
}

pub use super::standing::{
    CommunityState, REOPENED_NOTE, SentBack, admit, admit_level, send_back, standing_records,
    states, steps,
};

/// The kind of a registered community, for computed standards.
pub fn kind_of(c: &Community) -> CommunityKind {
    c.kind
}

/// Every final assessment version of `community` (all communities if
/// `None`), in log order, without loading the results. The other levels
/// are in [`all_records`].
pub fn records(
    archive: &Archive,
    community: Option<&str>,
) -> Result<Vec<(String, AssessmentRecord)>, ArchiveError> {
    let mut all = all_records(archive, community)?;
    all.retain(|(_, r)| r.level.is_final());
    Ok(all)
}

/// Every assessment version at every level, in log order.
pub fn all_records(
    archive: &Archive,
    community: Option<&str>,
) -> Result<Vec<(String, AssessmentRecord)>, ArchiveError> {
    use crate::event::Event;
    let mine = |rec: &crate::event::Record| matches!(&rec.event, Event::Assessment(r) if community.is_none_or(|c| c == r.community));
    let records = match community {
        Some(c) => archive.records_where(&crate::storage::LogKey::Community(c.into()), mine)?,
        None => archive
            .records()?
            .iter()
            .filter(|r| mine(r))
            .cloned()
            .collect(),
    };
    Ok(records
        .into_iter()
        .filter_map(|rec| match rec.event {
            Event::Assessment(r) => Some((rec.time, r)),
            _ => None,
        })
        .collect())
}

/// The standing final result of a community: refused when none was
/// recorded, or when a return below it withdrew it ([`Reopened`]).
///
/// [`Reopened`]: AssessmentError::Reopened
pub fn latest(archive: &Archive, community: &str) -> Result<StoredAssessment, AssessmentError> {
    let steps = steps(archive, community)?;
    if level::final_reopened(&steps) {
        let returned = steps
            .iter()
            .rev()
            .take_while(|s| **s != level::Step::Submitted(Level::Final))
            .filter_map(|s| match s {
                level::Step::Returned(l) => Some(*l),
                level::Step::Submitted(_) => None,
            })
            .min()
            .unwrap_or(Level::District);
        return Err(AssessmentError::Reopened {
            community: community.to_string(),
            returned,
        });
    }
    latest_recorded(archive, community)
}

/// The latest final result recorded for a community, standing or not
/// (for showing history).
pub fn latest_recorded(
    archive: &Archive,
    community: &str,
) -> Result<StoredAssessment, AssessmentError> {
    let (time, record) =
        records(archive, Some(community))?
            .pop()
            .ok_or_else(|| AssessmentError::NoResults {
                community: community.to_string(),
            })?;
    load(archive, time, record)
}

/// Loads the results an assessment record names (as listed by
/// [`records`]), checking them against their hash.
pub fn load(
    archive: &Archive,
    time: String,
    record: AssessmentRecord,
) -> Result<StoredAssessment, AssessmentError> {
    let corrupt = |reason: String| AssessmentError::Corrupt {
        community: record.community.clone(),
        version: record.version,
        reason,
    };
    let obj = record
        .objects
        .get(1)
        .ok_or_else(|| corrupt("记录中缺少结果文件".into()))?;
    let digest = Digest::from_hex(&obj.sha256).ok_or_else(|| corrupt("哈希无效".into()))?;
    let mut bytes = Vec::new();
    archive
        .store()
        .copy_verified(&digest, &mut bytes)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::InvalidData => corrupt("结果文件内容与哈希不符".into()),
            _ => corrupt(format!("结果文件缺失（{e}）")),
        })?;
    let assessment = serde_json::from_slice(&bytes).map_err(|e| corrupt(e.to_string()))?;
    Ok(StoredAssessment {
        time,
        record,
        assessment,
        ignored_columns: Vec::new(),
    })
}

/// Reads, validates and stores a sheet as the community's next version
/// at a level (the caller holds the writer lock; nothing is stored when
/// the sheet has any problem): refused when the level below has not been
/// submitted, when this level is submitted and locked, or when the sheet
/// comes from someone who may not submit it ([`admit`]).
pub fn import_at(
    archive: &Archive,
    lock: &WriterLock,
    catalog: &Catalog,
    community: &Community,
    sheet_path: &Path,
    extra_facts: Option<Facts>,
    at: At<'_>,
) -> Result<StoredAssessment, AssessmentError> {
    let bytes = std::fs::read(sheet_path).map_err(|source| AssessmentError::Read {
        path: sheet_path.to_path_buf(),
        source,
    })?;
    import_bytes_at(
        archive,
        lock,
        catalog,
        community,
        sheet_path,
        &bytes,
        extra_facts,
        at,
    )
}

/// [`import_at`] of a sheet already in memory (one filled on a page);
/// `sheet_path` names it in messages and the record.
#[allow(clippy::too_many_arguments)]
pub fn import_bytes_at(
    archive: &Archive,
    lock: &WriterLock,
    catalog: &Catalog,
    community: &Community,
    sheet_path: &Path,
    bytes: &[u8],
    extra_facts: Option<Facts>,
    at: At<'_>,
) -> Result<StoredAssessment, AssessmentError> {
    // The sheet is read and checked first (its own mistakes are named
    // whatever the level's state), then the level and who submits it.
    let raw = sheet::read(sheet_path, bytes)?;
    let ignored_columns = raw.ignored.clone();
    let manifest = latest_evidence(archive, community)?;
    let evidence = |ind: &str, std: u32| -> usize {
        manifest.as_ref().map_or(0, |(_, m)| {
            m.files
                .iter()
                .filter(|f| f.indicator == ind && f.standard == Some(std))
                .count()
        })
    };
    let subject = Subject {
        kind: kind_of(community),
        evidence: &evidence,
        community: Some(&community.id),
        level: Some(at.level),
    };
    let assessment = sheet::validate(sheet_path, raw, extra_facts, catalog, &subject)?;
    admit(archive, community, at)?;
    let objects = put_sheet(archive, sheet_path, bytes, &assessment)?;
    let version = all_records(archive, Some(&community.id))?
        .last()
        .map_or(1, |(_, r)| r.version + 1);
    let record = AssessmentRecord {
        community: community.id.clone(),
        version,
        sheet: sheet_path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        evidence_version: manifest.as_ref().map_or(0, |(_, m)| m.version),
        evidence_root_hash: manifest.map(|(h, _)| h).unwrap_or_default(),
        objects,
        level: at.level,
        expert: (at.level == Level::Expert)
            .then(|| at.expert.or(at.by).map(String::from))
            .flatten(),
        overrides: Vec::new(),
    };
    let rec = archive
        .log()
        .append(lock, crate::event::Event::Assessment(record.clone()))
        .map_err(ArchiveError::from)?;
    Ok(StoredAssessment {
        time: rec.time,
        record,
        assessment,
        ignored_columns,
    })
}

/// The evidence the 材料审核 rows are judged against: the latest
/// submission's root hash and manifest, if any.
fn latest_evidence(
    archive: &Archive,
    community: &Community,
) -> Result<Option<(String, crate::archive::manifest::Manifest)>, AssessmentError> {
    Ok(match archive.submission(&community.id, None) {
        Ok(sub) => Some((sub.record.root_hash.clone(), archive.manifest(&sub)?)),
        Err(ArchiveError::NoSubmission { .. }) => None,
        Err(e) => return Err(e.into()),
    })
}

/// Puts the sheet as submitted and the checked results (as JSON) into the
/// store: the record's two objects, in that order.
fn put_sheet(
    archive: &Archive,
    sheet_path: &Path,
    bytes: &[u8],
    assessment: &Assessment,
) -> Result<Vec<ObjectRef>, AssessmentError> {
    let results = serde_json::to_vec_pretty(assessment).map_err(|e| ArchiveError::Io {
        path: sheet_path.to_path_buf(),
        source: std::io::Error::other(e),
    })?;
    let root = archive.root().to_path_buf();
    let io = |source| ArchiveError::Io {
        path: root.clone(),
        source,
    };
    let sheet_put = archive.store().put_bytes(bytes).map_err(io)?;
    let results_put = archive.store().put_bytes(&results).map_err(io)?;
    archive.store().flush().map_err(io)?;
    Ok(vec![
        ObjectRef {
            sha256: sheet_put.digest.hex(),
            size: sheet_put.size,
            sm3: None,
        },
        ObjectRef {
            sha256: results_put.digest.hex(),
            size: results_put.size,
            sm3: None,
        },
    ])
}
