//! 第二阶段 and 第三阶段 (工作步骤: "第二阶段和第三阶段创建时间和任务将根据
//! 第一阶段创建工作情况适时提出"): the office sets each district's tasks in
//! the later phases and the phases' dates; a district whose two tasks do
//! not add up to 试点总任务数 − 第一阶段任务数 is refused unless the office
//! gives a reason. The latest setting counts. The task table is read in
//! [`list`], the dates checked in [`dates`], the timeline of every phase
//! is [`timeline`]'s.

pub mod dates;
pub mod list;
pub mod timeline;

use std::path::{Path, PathBuf};

use crate::archive::lock::WriterLock;
use crate::archive::{Archive, ArchiveError};
use crate::community::Batch;
use crate::districts::DistrictTable;
use crate::event::Event;
use crate::table::{Place, Problem};

pub use crate::event::phase::{DistrictTasks, PhaseDates, PhaseTasks, Span};
pub use dates::{DateError, Given};

/// Longest reason kept (characters).
pub const MAX_REASON: usize = 500;

/// A district whose later tasks do not add up to its remaining pilots.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// The district's row in the task table.
    pub place: Place,
    /// The district.
    pub district: String,
    /// 第二阶段任务数 given.
    pub second: u32,
    /// 第三阶段任务数 given.
    pub third: u32,
    /// 试点总任务数.
    pub pilot: u32,
    /// 第一阶段任务数.
    pub phase1: u32,
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}：{}第二阶段 {} 个 + 第三阶段 {} 个 = {} 个，而试点总任务数 {} 个 − 第一阶段任务数 {} 个 = {} 个",
            self.place,
            self.district,
            self.second,
            self.third,
            self.second + self.third,
            self.pilot,
            self.phase1,
            self.pilot.saturating_sub(self.phase1)
        )
    }
}

fn lines<T: std::fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(|i| format!("\n  - {i}"))
        .collect::<String>()
}

/// Why a setting was refused; nothing is recorded then.
#[derive(Debug, thiserror::Error)]
pub enum PhaseError {
    /// The archive could not be read or written.
    #[error(transparent)]
    Archive(#[from] ArchiveError),
    /// The task table could not be read as a table.
    #[error(transparent)]
    Table(#[from] crate::table::TableError),
    /// The task table could not be read.
    #[error("读取 {path} 失败：{source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Cells of the task table need fixing.
    #[error("{path} 有 {} 处需要改正，阶段任务没有下达：{}", problems.len(), lines(problems))]
    BadList {
        /// The file.
        path: PathBuf,
        /// Each problem with its place.
        problems: Vec<Problem>,
    },
    /// Districts whose tasks do not add up, and no reason given.
    #[error(
        "{path} 中以下县（市）区的第二阶段和第三阶段任务数之和与剩余任务数（试点总任务数 − 第一阶段任务数）不符，阶段任务没有下达：{}\n请改正任务表中的任务数；如确需这样下达，请写明理由（命令行用 --reason，网页填“理由”一栏），理由记入日志并在阶段任务中列出",
        lines(mismatches)
    )]
    NotAddingUp {
        /// The task table.
        path: PathBuf,
        /// The districts that do not add up.
        mismatches: Vec<Mismatch>,
    },
    /// The dates are incomplete or out of order.
    #[error(transparent)]
    Dates(#[from] DateError),
    /// The reason is too long.
    #[error("理由有 {0} 个字，最多 {MAX_REASON} 个字；请精简后再下达")]
    LongReason(usize),
    /// The office has not set the phase's tasks yet.
    #[error(
        "考评办尚未下达{}的任务数，不能按{}办理。请考评办先下达第二阶段和第三阶段任务（kaoping phase set --tasks 任务表.xlsx，或网页“阶段任务”页面）",
        .0.name(),
        .0.name()
    )]
    NotSet(Batch),
}

/// What the office gives to set the later phases.
#[derive(Debug, Clone)]
pub struct Setting<'a> {
    /// The task table (xlsx, xls, ods or CSV).
    pub path: &'a Path,
    /// Its name as the office knows it (kept in the record).
    pub name: &'a str,
    /// 第二阶段's dates as given.
    pub second: Given,
    /// 第三阶段's dates as given.
    pub third: Given,
    /// The reason when a district's tasks do not add up.
    pub reason: Option<&'a str>,
}

/// Reads and checks a setting without recording it: the table's cells,
/// every district present once, the sums (or a reason), the dates.
pub fn prepare(s: &Setting<'_>) -> Result<PhaseTasks, PhaseError> {
    let io = |source| PhaseError::Io {
        path: s.path.to_path_buf(),
        source,
    };
    let size = std::fs::metadata(s.path).map_err(io)?.len();
    crate::table::limits::check_file_size(s.path, size)?;
    let bytes = std::fs::read(s.path).map_err(io)?;
    let rows = list::read_list(s.path, &bytes)?;
    let reason = s
        .reason
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(String::from);
    if let Some(r) = &reason
        && r.chars().count() > MAX_REASON
    {
        return Err(PhaseError::LongReason(r.chars().count()));
    }
    let mismatches = mismatches(&rows);
    if !mismatches.is_empty() && reason.is_none() {
        return Err(PhaseError::NotAddingUp {
            path: s.path.to_path_buf(),
            mismatches,
        });
    }
    let second = dates::phase(Batch::Second, &s.second, None)?;
    let third = dates::phase(Batch::Third, &s.third, second.as_ref())?;
    Ok(PhaseTasks {
        districts: rows.into_iter().map(|(_, t)| t).collect(),
        second,
        third,
        reason,
        file: s.name.trim().to_string(),
    })
}

/// The districts whose two later tasks do not add up.
pub fn mismatches(rows: &[(Place, DistrictTasks)]) -> Vec<Mismatch> {
    let table = DistrictTable::builtin();
    rows.iter()
        .filter_map(|(place, t)| {
            let d = table.find(&t.district).ok()?;
            (t.second + t.third != d.pilot_quota.saturating_sub(d.phase1_quota)).then(|| Mismatch {
                place: place.clone(),
                district: d.name.clone(),
                second: t.second,
                third: t.third,
                pilot: d.pilot_quota,
                phase1: d.phase1_quota,
            })
        })
        .collect()
}

/// Records `set` under `lock`; it replaces any earlier setting.
pub fn record(archive: &Archive, lock: &WriterLock, set: PhaseTasks) -> Result<(), PhaseError> {
    archive
        .log()
        .append(lock, Event::Phases(set))
        .map_err(ArchiveError::from)?;
    Ok(())
}

/// The latest setting among `records`, if any.
pub fn fold(records: &[crate::archive::log::Record]) -> Option<PhaseTasks> {
    records.iter().rev().find_map(|r| match &r.event {
        Event::Phases(p) => Some(p.clone()),
        _ => None,
    })
}

/// The latest setting of the archive, if the office made one.
pub fn latest(archive: &Archive) -> Result<Option<PhaseTasks>, ArchiveError> {
    Ok(fold(&archive.records()?))
}

/// District `district`'s task count in `batch`: Attachment 1's for
/// 第一阶段, the setting's for the later ones (`None` when not set).
pub fn tasks(set: Option<&PhaseTasks>, batch: Batch, district: &str) -> Option<u32> {
    let table = DistrictTable::builtin();
    let d = table.find(district).ok()?;
    match batch {
        Batch::First => Some(d.phase1_quota),
        Batch::Second | Batch::Third => {
            let t = set?.districts.iter().find(|t| t.district == d.name)?;
            Some(if batch == Batch::Second {
                t.second
            } else {
                t.third
            })
        }
    }
}

/// The dates of later phase `batch` in `set`, if set.
pub fn dates_of(set: &PhaseTasks, batch: Batch) -> Option<PhaseDates> {
    match batch {
        Batch::First => None,
        Batch::Second => set.second,
        Batch::Third => set.third,
    }
}
