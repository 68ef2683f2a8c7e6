//! Paper answers entered into a table (xlsx/ods/xls or CSV, through
//! [`crate::table`]): one row per copy, a `问卷编号` column and one column
//! per item id (`Q1`…, `R1`…, `O1`), each cell the choice's text or its
//! position from 1. A number never issued, a copy already answered (in the
//! archive or earlier in the same table) or a value off the scale is
//! reported with its row and column, and then nothing is taken.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::answer::{self, AnswerRecord, Channel, Given, Rules};
use super::state::Survey;
use super::{SurveyError, number};
use crate::archive::lock::WriterLock;
use crate::archive::{Archive, ArchiveError};
use crate::event::Event;
use crate::table::{self, Column, Kind, Place, Problem, Schema};

const fn col(name: &'static str, kind: Kind) -> Column {
    Column {
        name,
        aliases: &[],
        required: false,
        kind,
    }
}

/// Item ids a paper table may carry (a questionnaire's ids must be among
/// them for paper entry).
pub const ITEM_COLUMNS: &[&str] = &[
    "Q1", "Q2", "Q3", "Q4", "Q5", "Q6", "Q7", "Q8", "Q9", "Q10", "Q11", "Q12", "Q13", "Q14", "Q15",
    "R1", "R2", "R3", "R4", "R5", "R6", "O1",
];

/// The columns of a paper-entry table.
pub static SCHEMA: Schema = Schema {
    columns: &[
        Column::required("问卷编号", &["编号"], Kind::Code),
        col("Q1", Kind::Text),
        col("Q2", Kind::Text),
        col("Q3", Kind::Text),
        col("Q4", Kind::Text),
        col("Q5", Kind::Text),
        col("Q6", Kind::Text),
        col("Q7", Kind::Text),
        col("Q8", Kind::Text),
        col("Q9", Kind::Text),
        col("Q10", Kind::Text),
        col("Q11", Kind::Text),
        col("Q12", Kind::Text),
        col("Q13", Kind::Text),
        col("Q14", Kind::Text),
        col("Q15", Kind::Text),
        col("R1", Kind::Text),
        col("R2", Kind::Text),
        col("R3", Kind::Text),
        col("R4", Kind::Text),
        col("R5", Kind::Text),
        col("R6", Kind::Text),
        col("O1", Kind::Text),
    ],
};

/// Why a table of paper answers was refused.
#[derive(Debug, thiserror::Error)]
pub enum PaperError {
    /// The table could not be read.
    #[error(transparent)]
    Table(#[from] table::TableError),
    /// Rows have problems; nothing was taken.
    #[error("{path} 有 {} 处问题，没有录入任何答卷：\n{}", problems.len(), table::place::list(problems))]
    Invalid {
        /// The file.
        path: PathBuf,
        /// Every problem.
        problems: Vec<Problem>,
    },
    /// Anything else.
    #[error(transparent)]
    Survey(#[from] SurveyError),
}

/// Reads a table of paper answers and records them all with one write,
/// or none. The caller holds the writer lock.
pub fn import(
    archive: &Archive,
    lock: &WriterLock,
    rules: Rules<'_>,
    path: &Path,
    bytes: &[u8],
) -> Result<Vec<AnswerRecord>, PaperError> {
    let out = check(archive, rules, path, bytes)?;
    let events = out.iter().cloned().map(Event::SurveyAnswer).collect();
    archive
        .log()
        .append_all(lock, events)
        .map_err(|e| SurveyError::from(ArchiveError::from(e)))?;
    Ok(out)
}

/// Reads and checks a table of paper answers without writing: the
/// answers [`import`] would record. The caller holds the writer lock.
pub fn check(
    archive: &Archive,
    rules: Rules<'_>,
    path: &Path,
    bytes: &[u8],
) -> Result<Vec<AnswerRecord>, PaperError> {
    let t = table::read(path, bytes, &SCHEMA)?;
    let survey = Survey::load(archive).map_err(SurveyError::from)?;
    let open_id = rules.q.open.id.as_str();
    let mut problems = Vec::new();
    let mut out: Vec<AnswerRecord> = Vec::new();
    for row in &t.rows {
        if !row.problems.is_empty() {
            problems.extend(row.problems.iter().cloned());
            continue;
        }
        let mut given = Given::default();
        for id in ITEM_COLUMNS {
            let text = row.text(id).trim();
            if text.is_empty() {
                continue;
            }
            if *id == open_id {
                given.open = text.to_string();
            } else if rules.q.choices(id).is_none() {
                problems.push(Problem::new(
                    row.at(id),
                    format!("问卷中没有 {id} 这道题，请删去这一列的内容"),
                ));
            } else {
                given.items.insert(id.to_string(), text.to_string());
            }
        }
        let typed = row.text("问卷编号");
        // One item at a time so that each bad cell is named.
        for (id, value) in &given.items {
            let one = Given {
                items: BTreeMap::from([(id.clone(), value.clone())]),
                ..Given::default()
            };
            if let Err(e) = answer::validate(rules.q, &one, false) {
                problems.push(Problem::new(row.at(id), e.to_string()));
            }
        }
        match answer::prepare(&survey, rules, typed, Channel::Paper, &given) {
            Ok(a) if out.iter().any(|b| b.number == a.number) => problems.push(Problem::new(
                row.at("问卷编号"),
                format!("问卷编号 {} 在表中出现了两次", a.number),
            )),
            Ok(a) => out.push(a),
            Err(SurveyError::BadAnswer { .. }) => {}
            Err(e) => problems.push(Problem::new(row.at("问卷编号"), e.to_string())),
        }
    }
    if out.is_empty() && problems.is_empty() {
        problems.push(Problem::new(Place::Whole, "表中没有任何答卷"));
    }
    if !problems.is_empty() {
        return Err(PaperError::Invalid {
            path: path.to_path_buf(),
            problems,
        });
    }
    Ok(out)
}

/// Checks that a typed number looks right (for the entry page's first
/// field) without touching the archive.
pub fn check_number(typed: &str) -> Result<String, SurveyError> {
    Ok(number::parse(typed)?.0)
}
