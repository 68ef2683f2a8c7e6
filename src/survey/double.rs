//! Optional double entry of paper copies (`[survey] double_entry = true`):
//! each clerk's entry of a copy is logged as a `survey-entry`, and the copy
//! counts (a `survey-answer` is appended) only once two entries by
//! different clerks agree. Entries that disagree are listed as mismatches
//! until an office or district clerk picks the right one ([`resolve`]).

use serde::Serialize;

use super::SurveyError;
use super::answer::AnswerRecord;
use super::state::Survey;
use crate::archive::lock::WriterLock;
use crate::archive::{Archive, ArchiveError};
use crate::event::Event;
pub use crate::event::survey::Entry;

/// What a new entry led to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// It agrees with another clerk's entry: the copy now counts.
    Counted,
    /// The first entry: waiting for a second clerk.
    Waiting,
    /// It disagrees with the entries of these clerks.
    Mismatch(Vec<String>),
}

/// One copy whose entries disagree.
#[derive(Debug, Clone, Serialize)]
pub struct Mismatch {
    /// 问卷编号.
    pub number: String,
    /// Community id.
    pub community: String,
    /// Every entry, in the order made.
    pub entries: Vec<Entry>,
    /// Item ids (or `意见建议`) where the entries differ.
    pub differ: Vec<String>,
}

fn agree(a: &AnswerRecord, b: &AnswerRecord) -> bool {
    a.answers == b.answers && a.open == b.open
}

/// The events recording `answer` as `clerk`'s entry (checked by
/// [`super::answer::prepare`] already), and what they lead to. A clerk may
/// not enter the same copy twice.
pub fn enter(
    survey: &Survey,
    answer: AnswerRecord,
    clerk: &str,
) -> Result<(Vec<Event>, Outcome), SurveyError> {
    let earlier = survey.entries(&answer.number);
    if earlier.iter().any(|e| e.clerk == clerk) {
        return Err(SurveyError::Request(format!(
            "问卷编号 {} 已由 {clerk} 录入过；双录入须由另一位录入员再录一遍（不一致的在“待核对”中处理）",
            answer.number
        )));
    }
    let same = earlier.iter().any(|e| agree(&e.answer, &answer));
    let mut events = vec![Event::SurveyEntry(Entry {
        clerk: clerk.to_string(),
        answer: answer.clone(),
    })];
    let outcome = if same {
        events.push(Event::SurveyAnswer(answer));
        Outcome::Counted
    } else if earlier.is_empty() {
        Outcome::Waiting
    } else {
        Outcome::Mismatch(earlier.iter().map(|e| e.clerk.clone()).collect())
    };
    Ok((events, outcome))
}

/// Copies (of `community`, or all) whose entries disagree and that are not
/// yet resolved.
pub fn mismatches(survey: &Survey, community: Option<&str>) -> Vec<Mismatch> {
    survey
        .copies
        .iter()
        .filter(|c| c.answer.is_none() && community.is_none_or(|id| c.community == id))
        .filter_map(|c| {
            let entries = survey.entries(&c.issued.number);
            if entries.len() < 2 {
                return None;
            }
            let first = &entries[0].answer;
            let mut differ: Vec<String> = entries
                .iter()
                .flat_map(|e| e.answer.answers.keys().chain(first.answers.keys()))
                .filter(|k| {
                    entries
                        .iter()
                        .any(|e| e.answer.answers.get(*k) != first.answers.get(*k))
                })
                .cloned()
                .collect();
            differ.sort();
            differ.dedup();
            if entries.iter().any(|e| e.answer.open != first.open) {
                differ.push("意见建议".into());
            }
            Some(Mismatch {
                number: c.issued.number.clone(),
                community: c.community.clone(),
                entries: entries.to_vec(),
                differ,
            })
        })
        .collect()
}

/// Resolves the mismatch of copy `number` by taking `clerk`'s entry as the
/// answer. The caller holds the writer lock and has loaded `survey`.
pub fn resolve(
    archive: &Archive,
    lock: &WriterLock,
    survey: &Survey,
    number: &str,
    clerk: &str,
) -> Result<AnswerRecord, SurveyError> {
    let copy = survey
        .by_number(number)
        .ok_or_else(|| SurveyError::NotIssued(number.to_string()))?;
    if let Some((when, _)) = &copy.answer {
        return Err(SurveyError::Answered {
            number: number.to_string(),
            when: when.clone(),
        });
    }
    let entries = survey.entries(number);
    if entries.len() < 2 {
        return Err(SurveyError::Request(format!(
            "问卷编号 {number} 没有待核对的不一致录入（须有两位录入员的录入）"
        )));
    }
    let chosen = entries.iter().find(|e| e.clerk == clerk).ok_or_else(|| {
        let who: Vec<&str> = entries.iter().map(|e| e.clerk.as_str()).collect();
        SurveyError::Request(format!(
            "问卷编号 {number} 没有 {clerk} 的录入；可选：{}",
            who.join("、")
        ))
    })?;
    archive
        .log()
        .append(lock, Event::SurveyAnswer(chosen.answer.clone()))
        .map_err(ArchiveError::from)?;
    Ok(chosen.answer.clone())
}
