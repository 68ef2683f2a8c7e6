//! Per-point open links: a link with no copy number that the office may
//! enable for one community and 考评点 (`survey-open-link`; enabling again
//! replaces the link, disabling ends it). Its answers are
//! `survey-open-answer` records with channel 开放链接, limited to one per
//! device per configured window (the device is a random cookie, kept only
//! as its SHA-256; no address is stored), and counted apart from the
//! numbered copies as lower-trust answers.

use chrono::{DateTime, Utc};

use super::SurveyError;
use super::answer::{self, AnswerRecord, Channel, Given, Rules};
use super::state::{Survey, token_hash};
use crate::archive::lock::WriterLock;
use crate::archive::{Archive, ArchiveError};
use crate::event::Event;
pub use crate::event::survey::{OpenAnswer, OpenLink};

/// Enables a new open link for `community` at `point` (replacing an
/// earlier one) and returns its token. The caller holds the writer lock.
pub fn enable(
    archive: &Archive,
    lock: &WriterLock,
    community: &str,
    point: &str,
) -> Result<String, SurveyError> {
    let point = checked_point(point)?;
    let token = super::copies::new_token()?;
    let link = OpenLink {
        community: community.to_string(),
        point,
        token_sha256: token_hash(&token),
        enabled: true,
    };
    append(archive, lock, Event::SurveyOpenLink(link))?;
    Ok(token)
}

/// Ends the open link of `community` at `point`.
pub fn disable(
    archive: &Archive,
    lock: &WriterLock,
    community: &str,
    point: &str,
) -> Result<(), SurveyError> {
    let link = OpenLink {
        community: community.to_string(),
        point: checked_point(point)?,
        token_sha256: String::new(),
        enabled: false,
    };
    append(archive, lock, Event::SurveyOpenLink(link))
}

fn checked_point(point: &str) -> Result<String, SurveyError> {
    let p = point.trim();
    if p.is_empty() || p.chars().count() > 40 || p.chars().any(char::is_control) {
        return Err(SurveyError::Request(format!(
            "考评点名称“{p}”无效：写 1 到 40 个字，如 社区综合文化服务中心"
        )));
    }
    Ok(p.to_string())
}

fn append(archive: &Archive, lock: &WriterLock, e: Event) -> Result<(), SurveyError> {
    archive.log().append(lock, e).map_err(ArchiveError::from)?;
    Ok(())
}

/// Checks an open-link answer: the link enabled, this device not answered
/// within `[survey] open_link_hours`, the values on their scale.
pub fn prepare(
    survey: &Survey,
    rules: Rules<'_>,
    link_sha: &str,
    device: &str,
    given: &Given,
    now: DateTime<Utc>,
) -> Result<OpenAnswer, SurveyError> {
    let (community, point) = survey
        .open_link(link_sha)
        .ok_or_else(|| SurveyError::Request("这个开放链接已停用或不存在".into()))?;
    super::close::check_open(survey, community)?;
    let device_sha = token_hash(device);
    let hours = i64::from(rules.settings.open_link_hours);
    let recent = survey.open_answers.iter().any(|(time, a)| {
        a.device_sha256 == device_sha
            && a.link_sha256 == link_sha
            && DateTime::parse_from_rfc3339(time)
                .is_ok_and(|t| now.signed_duration_since(t).num_hours() < hours)
    });
    if recent {
        return Err(SurveyError::Request(format!(
            "这台设备在 {hours} 小时内已经答过这个考评点的问卷，谢谢您！"
        )));
    }
    let answers = answer::validate(rules.q, given, true)?;
    let invalid = match given.seconds {
        Some(s) if s < rules.settings.min_seconds => Some(format!(
            "疑似无效：填写用时 {s} 秒，少于 {} 秒",
            rules.settings.min_seconds
        )),
        _ => None,
    };
    Ok(OpenAnswer {
        point: point.to_string(),
        link_sha256: link_sha.to_string(),
        device_sha256: device_sha,
        answer: AnswerRecord {
            number: String::new(),
            community: community.to_string(),
            channel: Channel::OpenLink,
            answers,
            open: given.open.trim().to_string(),
            seconds: given.seconds,
            invalid,
        },
    })
}

/// Records a checked open-link answer, durably.
pub fn submit(archive: &Archive, lock: &WriterLock, a: OpenAnswer) -> Result<(), SurveyError> {
    append(archive, lock, Event::SurveyOpenAnswer(a))
}
