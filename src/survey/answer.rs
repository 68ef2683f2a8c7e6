//! Answers: one per copy, from the web page or entered from paper. Each is
//! checked against the questionnaire (every choice on its scale), marked
//! 疑似无效 when a web answer was faster than the configured seconds, and
//! appended to the log (`survey-answer`, made durable before it returns).
//! No address, name or device detail is kept with an answer.

use std::collections::BTreeMap;

use super::questionnaire::Questionnaire;
use super::state::Survey;
use super::{SurveyError, number};
use crate::archive::lock::WriterLock;
use crate::archive::{Archive, ArchiveError};
use crate::config::SurveySettings;
use crate::event::Event;
pub use crate::event::survey::{AnswerRecord, Channel};

/// Longest open answer kept, in characters.
pub const MAX_OPEN_CHARS: usize = 500;

impl Channel {
    /// The Chinese name.
    pub fn name(self) -> &'static str {
        match self {
            Channel::Web => "网页",
            Channel::Paper => "纸质",
            Channel::OpenLink => "开放链接",
        }
    }
}

/// An answer as received: item id → what was sent (a choice's text, or its
/// position from 1 as typed on paper).
#[derive(Debug, Clone, Default)]
pub struct Given {
    /// Item id → value.
    pub items: BTreeMap<String, String>,
    /// The open answer.
    pub open: String,
    /// Seconds taken (web).
    pub seconds: Option<u32>,
}

/// The choice `value` names among `choices`: its text, or its position
/// from 1.
pub fn choice<'a>(choices: &'a [String], value: &str) -> Option<&'a String> {
    let v = value.trim();
    if let Ok(n) = v.parse::<usize>() {
        return n.checked_sub(1).and_then(|i| choices.get(i));
    }
    choices.iter().find(|c| c.as_str() == v)
}

/// Checks `given` against the questionnaire: every value on its scale,
/// every question answered when `complete` (the web form), no unknown
/// item. Returns the answers by choice text.
pub fn validate(
    q: &Questionnaire,
    given: &Given,
    complete: bool,
) -> Result<BTreeMap<String, String>, SurveyError> {
    let mut out = BTreeMap::new();
    for (id, value) in &given.items {
        let bad = |reason: String| SurveyError::BadAnswer {
            item: id.clone(),
            reason,
        };
        let choices = q
            .choices(id)
            .ok_or_else(|| bad("问卷中没有这道题".into()))?;
        if value.trim().is_empty() {
            continue;
        }
        let c = choice(choices, value).ok_or_else(|| {
            bad(format!(
                "“{}”不在选项中，可填 1—{}（{}）",
                value.trim(),
                choices.len(),
                choices.join("/")
            ))
        })?;
        out.insert(id.clone(), c.clone());
    }
    if complete && let Some(missing) = q.questions.iter().find(|x| !out.contains_key(&x.id)) {
        return Err(SurveyError::BadAnswer {
            item: missing.id.clone(),
            reason: format!("请回答“{}”", missing.text),
        });
    }
    if given.open.chars().count() > MAX_OPEN_CHARS {
        return Err(SurveyError::BadAnswer {
            item: q.open.id.clone(),
            reason: format!("意见建议最多 {MAX_OPEN_CHARS} 个字"),
        });
    }
    Ok(out)
}

/// What answers are checked against.
#[derive(Debug, Clone, Copy)]
pub struct Rules<'a> {
    /// The questionnaire.
    pub q: &'a Questionnaire,
    /// The survey settings.
    pub settings: &'a SurveySettings,
}

/// Records `record`, an answer [`prepare`] checked under the same writer
/// lock (refused there when the number was never issued, the copy is
/// already answered, or a value is off its scale).
pub fn submit(
    archive: &Archive,
    lock: &WriterLock,
    record: AnswerRecord,
) -> Result<AnswerRecord, SurveyError> {
    archive
        .log()
        .append(lock, Event::SurveyAnswer(record.clone()))
        .map_err(ArchiveError::from)?;
    Ok(record)
}

/// Builds the record [`submit`] appends, with every check. The caller
/// holds the writer lock and has refreshed `survey`.
pub fn prepare(
    survey: &Survey,
    rules: Rules<'_>,
    typed_number: &str,
    channel: Channel,
    given: &Given,
) -> Result<AnswerRecord, SurveyError> {
    let Rules { q, settings } = rules;
    let (number, _) = number::parse(typed_number)?;
    let copy = survey
        .by_number(&number)
        .ok_or_else(|| SurveyError::NotIssued(number.clone()))?;
    if let Some((when, _)) = &copy.answer {
        return Err(SurveyError::Answered {
            number,
            when: when.clone(),
        });
    }
    super::close::check_open(survey, &copy.community)?;
    // A copy is answered once, on one channel: a copy with paper entries
    // waiting (or disagreeing) under double entry takes no web answer.
    if channel == Channel::Web && !survey.entries(&number).is_empty() {
        return Err(SurveyError::PaperEntered { number });
    }
    let answers = validate(q, given, channel == Channel::Web)?;
    let invalid = match (channel, given.seconds) {
        (Channel::Web, Some(s)) if s < settings.min_seconds => Some(format!(
            "疑似无效：填写用时 {s} 秒，少于 {} 秒",
            settings.min_seconds
        )),
        _ if !q.questions.iter().any(|x| answers.contains_key(&x.id)) => {
            Some("无效：考评题全部未答".into())
        }
        _ => None,
    };
    Ok(AnswerRecord {
        number,
        community: copy.community.clone(),
        channel,
        answers,
        open: given.open.trim().to_string(),
        seconds: given.seconds,
        invalid,
    })
}
