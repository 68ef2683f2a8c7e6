//! The survey's verdicts recorded where assessment results live: each 问卷
//! standard's 问卷调查 row of the level that ran the survey is set to the
//! tally's verdict, with its arithmetic as the remark, and the whole sheet
//! is imported again through the level machinery
//! ([`crate::assessment::store::import_at`]), so order and locks apply as
//! for any sheet and the history keeps both versions.

use std::path::Path;

use serde::Serialize;

use super::stats::{StandardTally, Tally};
use crate::archive::Archive;
use crate::archive::lock::WriterLock;
use crate::assessment::store::{self, AssessmentError, At, StoredAssessment};
use crate::catalog::{Catalog, Method};
use crate::community::Community;

/// Who the recorded rows name as assessor.
pub const ASSESSOR: &str = "问卷调查统计";

/// Why the verdicts could not be recorded; nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    /// No standard has a verdict (too few valid answers…).
    #[error("社区 {community} 的问卷没有得出任何结论，没有记录：\n{reasons}")]
    NoVerdict {
        /// Community id.
        community: String,
        /// Each standard's arithmetic, saying why.
        reasons: String,
    },
    /// The level has no sheet yet to record into.
    #[error(
        "社区 {community} 还没有{level}的考评结果。请先导入{level}的考评表（问卷调查各行可先填“基本达标”），再用 kaoping survey record 写入问卷结论"
    )]
    NoBase {
        /// Community id.
        community: String,
        /// The level.
        level: String,
    },
    /// The assessment machinery refused.
    #[error(transparent)]
    Assessment(#[from] AssessmentError),
    /// Writing the generated sheet failed.
    #[error("无法写入临时考评表 {path}")]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

/// The latest stored assessment of `community` at `at`.
fn base(
    archive: &Archive,
    community: &str,
    at: At<'_>,
) -> Result<Option<StoredAssessment>, AssessmentError> {
    let found = store::all_records(archive, Some(community))?
        .into_iter()
        .rev()
        .find(|(_, r)| r.level == at.level && r.expert.as_deref() == at.expert);
    found.map(|(t, r)| store::load(archive, t, r)).transpose()
}

/// Records the tally's verdicts at `at`, dated `date`. `scratch` is a folder for the
/// generated sheet (kept in the archive as the imported sheet).
pub fn record(
    archive: &Archive,
    lock: &WriterLock,
    community: &Community,
    tally: &Tally,
    at: At<'_>,
    date: chrono::NaiveDate,
    scratch: &Path,
) -> Result<(StoredAssessment, usize), RecordError> {
    // Who may record at this level, and whether the level is open, before
    // anything about the answers is said.
    store::admit(archive, community, at)?;
    let decided: Vec<_> = tally
        .standards
        .iter()
        .filter(|s| s.verdict.is_some())
        .collect();
    if decided.is_empty() {
        let reasons = tally
            .standards
            .iter()
            .map(|s| format!("  - {} 标准{}：{}", s.indicator, s.standard, s.arithmetic))
            .collect::<Vec<_>>()
            .join("\n");
        return Err(RecordError::NoVerdict {
            community: community.id.clone(),
            reasons,
        });
    }
    let Some(base) = base(archive, &community.id, at)? else {
        return Err(RecordError::NoBase {
            community: community.id.clone(),
            level: at.level.name().to_string(),
        });
    };
    let today = date.to_string();
    let sheet = sheet(&base, &decided, &today);
    let path = scratch.join(format!(
        "{}{}.json",
        crate::field::evidence::SURVEY_SHEET,
        crate::fsutil::safe_name(&community.id)
    ));
    // Through a `Value`, whose maps sort their keys: the file is written
    // as before this sheet had a type.
    let bytes = serde_json::to_value(&sheet)
        .and_then(|v| serde_json::to_vec_pretty(&v))
        .unwrap_or_default();
    std::fs::write(&path, bytes).map_err(|source| RecordError::Io {
        path: path.clone(),
        source,
    })?;
    let stored = store::import_at(
        archive,
        lock,
        Catalog::builtin(),
        community,
        &path,
        None,
        at,
    )?;
    close_recorded(archive, lock, &community.id)?;
    Ok((stored, decided.len()))
}

/// One row of the sheet [`sheet`] makes, under the column names the
/// JSON sheet reader takes.
#[derive(Serialize)]
struct SheetRow<'a> {
    #[serde(rename = "指标编号")]
    indicator: &'a str,
    #[serde(rename = "标准序号")]
    standard: u32,
    #[serde(rename = "考评方法")]
    method: &'static str,
    #[serde(rename = "结论")]
    verdict: &'a str,
    #[serde(rename = "得分", skip_serializing_if = "Option::is_none")]
    score: Option<f64>,
    #[serde(rename = "考评人")]
    assessor: &'a str,
    #[serde(rename = "考评日期", skip_serializing_if = "Option::is_none")]
    date: Option<String>,
    #[serde(rename = "备注")]
    remark: &'a str,
}

/// The sheet as a JSON file: its rows and the community's facts.
#[derive(Serialize)]
struct Sheet<'a> {
    results: Vec<SheetRow<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    facts: Option<&'a crate::assessment::Facts>,
}

/// The assessment sheet of `base` with the 问卷 standards' rows taken
/// from `decided`, dated `today`.
fn sheet<'a>(
    base: &'a StoredAssessment,
    decided: &[&'a StandardTally],
    today: &'a str,
) -> Sheet<'a> {
    let mut rows = Vec::new();
    for r in &base.assessment.results {
        let survey = decided.iter().find(|s| {
            r.method == Method::Questionnaire
                && s.indicator == r.indicator
                && s.standard == r.standard
        });
        rows.push(match survey {
            Some(s) => SheetRow {
                indicator: &r.indicator,
                standard: r.standard,
                method: r.method.name(),
                verdict: s.verdict.map_or("", |v| v.name()),
                score: None,
                assessor: ASSESSOR,
                date: Some(today.to_string()),
                remark: &s.arithmetic,
            },
            None => SheetRow {
                indicator: &r.indicator,
                standard: r.standard,
                method: r.method.name(),
                verdict: r.verdict.name(),
                score: r.score,
                assessor: &r.assessor,
                date: r.date.map(|d| d.to_string()),
                remark: &r.remark,
            },
        });
    }
    let facts = &base.assessment.facts;
    Sheet {
        results: rows,
        facts: Some(facts).filter(|f| !f.is_empty()),
    }
}

/// Closes `community`'s survey once its verdicts are recorded (unless it
/// is closed already).
fn close_recorded(
    archive: &Archive,
    lock: &WriterLock,
    community: &str,
) -> Result<(), AssessmentError> {
    // Recording the verdicts closes the survey: answers after it would no
    // longer match what was recorded.
    let survey = super::state::Survey::load(archive).map_err(AssessmentError::from)?;
    if survey.closed(community).is_none() {
        let closed = crate::event::Event::SurveyClose(super::close::Closed {
            community: community.to_string(),
            by: super::close::ClosedBy::Recorded,
        });
        archive
            .log()
            .append(lock, closed)
            .map_err(|e| AssessmentError::from(crate::archive::ArchiveError::from(e)))?;
    }
    Ok(())
}
