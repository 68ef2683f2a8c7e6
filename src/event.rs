//! What the archive's log records: one tagged [`Event`] per line, each kind
//! with its own typed data. On disk a record is
//! `{"seq":…,"prev":…,"time":…,"account":…,"kind":"submission","data":{…}}`
//! as before; only the code reading and writing it is typed. Every reader
//! of the log goes through [`read`].

use serde::{Deserialize, Serialize};

use crate::accounts::{AccountChange, Role};
use crate::archive::log::Record;
use crate::archive::{Archive, ArchiveError, SubmissionRecord};
use crate::assessment::store::AssessmentRecord;
use crate::issuance::{IssuedRecord, ObjectRef};

/// One thing that happened, as the log keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "data")]
pub enum Event {
    /// A submission version of evidence.
    #[serde(rename = "submission")]
    Submission(SubmissionRecord),
    /// An imported assessment sheet.
    #[serde(rename = "assessment")]
    Assessment(AssessmentRecord),
    /// An issued, registered document.
    #[serde(rename = "document")]
    Document(IssuedRecord),
    /// An account added, changed or removed.
    #[serde(rename = "account")]
    Account(AccountChange),
    /// A web sign-in.
    #[serde(rename = "signin")]
    SignIn {
        /// The account's role.
        role: Role,
    },
    /// A web sign-out.
    #[serde(rename = "signout")]
    SignOut {},
    /// A download of an archival package from the web.
    #[serde(rename = "download")]
    Download(Download),
    /// A PDF checked against the register on the web.
    #[serde(rename = "verify-doc")]
    VerifyDoc(DocumentCheck),
    /// A damaged object set aside in `quarantine/`.
    #[serde(rename = "quarantine")]
    Quarantine(Quarantined),
    /// A district's application (申报) for a pilot community.
    #[serde(rename = "application")]
    Application(crate::application::ApplicationRecord),
    /// The office's decision on an application.
    #[serde(rename = "application-decision")]
    ApplicationDecision(crate::application::DecisionRecord),
    /// An assessment level sent back to be submitted again.
    #[serde(rename = "assessment-return")]
    AssessmentReturn(crate::assessment::level::Returned),
    /// A rectification item opened by a 整改通知书.
    #[serde(rename = "rectify-open")]
    RectifyOpen(crate::rectify::Opened),
    /// A community's answer to a rectification item.
    #[serde(rename = "rectify-answer")]
    RectifyAnswer(crate::rectify::Answer),
    /// A re-check of a rectification item (销号 or 退回).
    #[serde(rename = "rectify-check")]
    RectifyCheck(crate::rectify::Check),
    /// New deadlines set by a 督办通知.
    #[serde(rename = "rectify-extend")]
    RectifyExtend(crate::rectify::Extended),
    /// Numbered 问卷 copies issued for a community.
    #[serde(rename = "survey-copies")]
    SurveyCopies(crate::survey::copies::CopiesIssued),
    /// An answer to one 问卷 copy.
    #[serde(rename = "survey-answer")]
    SurveyAnswer(crate::survey::answer::AnswerRecord),
    /// One clerk's entry of a paper copy under double entry.
    #[serde(rename = "survey-entry")]
    SurveyEntry(crate::survey::double::Entry),
    /// A community's survey closed: no more answers.
    #[serde(rename = "survey-close")]
    SurveyClose(crate::survey::close::Closed),
    /// A per-point open link enabled or disabled.
    #[serde(rename = "survey-open-link")]
    SurveyOpenLink(crate::survey::open::OpenLink),
    /// An answer through a per-point open link (lower trust).
    #[serde(rename = "survey-open-answer")]
    SurveyOpenAnswer(crate::survey::open::OpenAnswer),
    /// An assessment point (考评点) of a community, added or re-described.
    #[serde(rename = "kaoping-point")]
    Point(crate::field::point::Point),
    /// A photo taken on site.
    #[serde(rename = "field-photo")]
    FieldPhoto(crate::field::photo::PhotoRecord),
    /// An assessor's visit of a point.
    #[serde(rename = "field-visit")]
    FieldVisit(crate::field::visit::VisitRecord),
    /// A scanned, filled field form.
    #[serde(rename = "field-scan")]
    FieldScan(crate::field::visit::ScanRecord),
    /// A 网络（媒体）调查 record with its capture.
    #[serde(rename = "media-capture")]
    MediaCapture(crate::field::media::MediaRecord),
    /// A 网格管理平台 export.
    #[serde(rename = "grid-data")]
    GridData(crate::field::grid::GridRecord),
    /// A photo's flags re-evaluated against its finished visit.
    #[serde(rename = "field-photo-flags")]
    FieldPhotoFlags(crate::field::reflag::Reflag),
    /// The office's questionnaire put in place of the built-in one.
    #[serde(rename = "questionnaire")]
    Questionnaire(QuestionnaireSet),
}

/// The data of a questionnaire put in use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionnaireSet {
    /// SHA-256 of its TOML bytes.
    pub sha256: String,
    /// How many assessment questions it asks.
    pub questions: usize,
    /// The file it came from, as given.
    pub source: String,
}

/// The data of a damaged object set aside.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quarantined {
    /// The hash the object should have.
    pub sha256: String,
    /// Where it was moved, relative to the archive root.
    pub moved_to: String,
    /// What was wrong with it.
    pub reason: String,
}

/// The data of a download.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Download {
    /// Community id.
    pub community: String,
    /// Submission version.
    pub version: u32,
    /// What was downloaded, e.g. `BagIt`.
    pub what: String,
}

/// The data of a document check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentCheck {
    /// SHA-256 of the checked PDF.
    pub sha256: String,
    /// The number it is registered under, if it is.
    pub registered: Option<String>,
}

impl Event {
    /// The kind's Chinese name, for messages.
    pub fn name(&self) -> &'static str {
        match self {
            Event::Submission(_) => "提交",
            Event::Assessment(_) => "考评结果",
            Event::Document(_) => "发文",
            Event::Account(_) => "账号",
            Event::SignIn { .. } => "登录",
            Event::SignOut {} => "退出",
            Event::Download(_) => "下载",
            Event::VerifyDoc(_) => "核验公文",
            Event::Quarantine(_) => "隔离损坏文件",
            Event::Application(_) => "申报",
            Event::ApplicationDecision(_) => "申报审核",
            Event::AssessmentReturn(_) => "退回考评",
            Event::RectifyOpen(_) => "整改事项",
            Event::RectifyAnswer(_) => "整改答复",
            Event::RectifyCheck(_) => "整改复查",
            Event::RectifyExtend(_) => "整改督办",
            Event::SurveyCopies(_) => "发放问卷",
            Event::SurveyAnswer(_) => "问卷答卷",
            Event::SurveyEntry(_) => "问卷录入",
            Event::SurveyOpenLink(_) => "问卷开放链接",
            Event::SurveyClose(_) => "结束问卷调查",
            Event::SurveyOpenAnswer(_) => "开放链接答卷",
            Event::Point(_) => "考评点",
            Event::FieldPhoto(_) => "实地考评照片",
            Event::FieldVisit(_) => "实地考评记录",
            Event::FieldScan(_) => "实地考评表扫描件",
            Event::MediaCapture(_) => "网络（媒体）调查记录",
            Event::GridData(_) => "网格化考评数据",
            Event::FieldPhotoFlags(_) => "实地考评照片复核",
            Event::Questionnaire(_) => "启用问卷",
        }
    }

    /// The stored objects this event relies on, with a label naming the
    /// record (for `verify`); submissions list theirs in manifests.
    pub fn objects(&self) -> Option<(&str, &[ObjectRef])> {
        match self {
            Event::Assessment(a) => Some((a.community.as_str(), a.objects.as_slice())),
            Event::Document(d) => Some((d.number.as_str(), d.objects.as_slice())),
            Event::RectifyAnswer(a) => Some((a.id.as_str(), a.objects.as_slice())),
            Event::FieldPhoto(p) => {
                Some((p.community.as_str(), std::slice::from_ref(&p.file.object)))
            }
            Event::FieldScan(p) => {
                Some((p.community.as_str(), std::slice::from_ref(&p.file.object)))
            }
            Event::MediaCapture(p) => {
                Some((p.community.as_str(), std::slice::from_ref(&p.file.object)))
            }
            Event::GridData(p) => {
                Some((p.community.as_str(), std::slice::from_ref(&p.file.object)))
            }
            _ => None,
        }
    }
}

/// Every record of the archive's log, typed, in order. The lines are parsed
/// but the hash chain is not re-computed: that is `kaoping verify`'s work
/// ([`crate::archive::log::Log::verify`]).
pub fn read(archive: &Archive) -> Result<Vec<Record>, ArchiveError> {
    Ok(archive.log().records()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines as the release before the typed log wrote them (their `data`
    /// built by hand) read as the typed events.
    #[test]
    fn lines_of_the_untyped_log_read_as_events() {
        let head = r#""seq":1,"prev":"0000000000000000000000000000000000000000000000000000000000000000","time":"2026-12-01T08:00:00Z""#;
        for (tail, want) in [
            (
                r#""account":"kb","kind":"signin","data":{"role":"office"}"#,
                "登录",
            ),
            (r#""account":"kb","kind":"signout","data":{}"#, "退出"),
            (
                r#""account":"cuihu","kind":"download","data":{"community":"WH-001","version":1,"what":"BagIt"}"#,
                "下载",
            ),
            (
                r#""account":"kb","kind":"verify-doc","data":{"sha256":"ab","registered":null}"#,
                "核验公文",
            ),
            (
                r#""kind":"account","data":{"action":"add","name":"kb","role":"office","community":null}"#,
                "账号",
            ),
            (
                r#""kind":"account","data":{"action":"password","name":"kb"}"#,
                "账号",
            ),
            (
                r#""kind":"account","data":{"action":"add","name":"wuhua","role":"district","district":"五华区"}"#,
                "账号",
            ),
            (
                r#""kind":"account","data":{"action":"assign","name":"zhang","communities":["WH-001","PL-001"]}"#,
                "账号",
            ),
        ] {
            let line = format!("{{{head},{tail}}}");
            let rec: Record = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{line}: {e}"));
            assert_eq!(rec.event.name(), want);
            // Written again, the fields keep their order.
            let again = serde_json::to_string(&rec).unwrap();
            assert!(again.starts_with(&format!("{{{head}")), "{again}");
        }
    }

    #[test]
    fn an_unknown_kind_is_an_error_not_a_silent_skip() {
        let line = r#"{"seq":1,"prev":"0","time":"t","kind":"frobnicate","data":{}}"#;
        assert!(serde_json::from_str::<Record>(line).is_err());
    }
}
