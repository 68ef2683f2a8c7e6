//! What the archive's log records: one tagged [`Event`] per line, each kind
//! with its own typed data. On disk a record is
//! `{"seq":…,"prev":…,"time":…,"account":…,"kind":"submission","data":{…}}`
//! as before; only the code reading and writing it is typed. Every reader
//! of the log goes through [`crate::archive::Archive::records`].

use serde::{Deserialize, Serialize};

pub mod accounts;
pub mod application;
pub mod archive;
pub mod assessment;
pub mod community;
pub mod field;
pub mod inspection;
pub mod issuance;
pub mod phase;
pub mod plan;
pub mod records;
pub mod rectify;
pub mod street;
pub mod survey;
#[cfg(test)]
mod tests;
pub mod units;
mod wire;

pub use self::accounts::{AccountChange, Role};
pub use self::archive::{Collected, Download, ObjectRef, Quarantined, SubmissionRecord};
pub use self::assessment::AssessmentRecord;
pub use self::issuance::{DocumentCheck, IssuedRecord};
pub use self::survey::QuestionnaireSet;

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
    /// Numbers reserved for documents being rendered.
    #[serde(rename = "number-reservation")]
    Reservation(issuance::Reservation),
    /// Reserved numbers voided (作废).
    #[serde(rename = "number-void")]
    NumbersVoided(issuance::Voided),
    /// A reservation given back unused.
    #[serde(rename = "number-return")]
    NumbersReturned(issuance::Returned),
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
    /// Unreferenced objects marked and removed by `kaoping gc`.
    #[serde(rename = "gc")]
    Gc(Collected),
    /// A district's application (申报) for a pilot community.
    #[serde(rename = "application")]
    Application(application::ApplicationRecord),
    /// The office's decision on an application.
    #[serde(rename = "application-decision")]
    ApplicationDecision(application::DecisionRecord),
    /// An assessment level sent back to be submitted again.
    #[serde(rename = "assessment-return")]
    AssessmentReturn(assessment::Returned),
    /// A rectification item opened by a 整改通知书.
    #[serde(rename = "rectify-open")]
    RectifyOpen(rectify::Opened),
    /// A community's answer to a rectification item.
    #[serde(rename = "rectify-answer")]
    RectifyAnswer(rectify::Answer),
    /// A re-check of a rectification item (销号 or 退回).
    #[serde(rename = "rectify-check")]
    RectifyCheck(rectify::Check),
    /// New deadlines set by a 督办通知.
    #[serde(rename = "rectify-extend")]
    RectifyExtend(rectify::Extended),
    /// Numbered 问卷 copies issued for a community.
    #[serde(rename = "survey-copies")]
    SurveyCopies(survey::CopiesIssued),
    /// An answer to one 问卷 copy.
    #[serde(rename = "survey-answer")]
    SurveyAnswer(survey::AnswerRecord),
    /// One clerk's entry of a paper copy under double entry.
    #[serde(rename = "survey-entry")]
    SurveyEntry(survey::Entry),
    /// A community's survey closed: no more answers.
    #[serde(rename = "survey-close")]
    SurveyClose(survey::Closed),
    /// A per-point open link enabled or disabled.
    #[serde(rename = "survey-open-link")]
    SurveyOpenLink(survey::OpenLink),
    /// An answer through a per-point open link (lower trust).
    #[serde(rename = "survey-open-answer")]
    SurveyOpenAnswer(survey::OpenAnswer),
    /// An assessment point (考评点) of a community, added or re-described.
    #[serde(rename = "kaoping-point")]
    Point(field::Point),
    /// A photo taken on site.
    #[serde(rename = "field-photo")]
    FieldPhoto(field::PhotoRecord),
    /// An assessor's visit of a point.
    #[serde(rename = "field-visit")]
    FieldVisit(field::VisitRecord),
    /// A scanned, filled field form.
    #[serde(rename = "field-scan")]
    FieldScan(field::ScanRecord),
    /// A 网络（媒体）调查 record with its capture.
    #[serde(rename = "media-capture")]
    MediaCapture(field::MediaRecord),
    /// A 网格管理平台 export.
    #[serde(rename = "grid-data")]
    GridData(field::GridRecord),
    /// A photo's flags re-evaluated against its finished visit.
    #[serde(rename = "field-photo-flags")]
    FieldPhotoFlags(field::Reflag),
    /// The office's questionnaire put in place of the built-in one.
    #[serde(rename = "questionnaire")]
    Questionnaire(QuestionnaireSet),
    /// A 督查 or 调研 during 试点创建, with what it found.
    #[serde(rename = "inspection")]
    Inspection(inspection::InspectionRecord),
    /// The 责任单位 register replaced by an import.
    #[serde(rename = "units")]
    Units(units::UnitsSet),
    /// A district's 工作方案 or 考评实施细则 filed.
    #[serde(rename = "district-plan")]
    Plan(plan::PlanFiled),
    /// A 街道（乡镇）'s evidence for the standards addressed to it.
    #[serde(rename = "street-evidence")]
    Street(street::StreetEvidence),
    /// The office's 第二阶段 and 第三阶段 tasks and dates.
    #[serde(rename = "phase-tasks")]
    Phases(phase::PhaseTasks),
    /// One phase's records filed (归档) with their 档号.
    #[serde(rename = "filing")]
    Filing(records::Filing),
    /// A 移交 package written for the 档案馆.
    #[serde(rename = "transfer")]
    Transfer(records::Transferred),
}

impl Event {
    /// The kind's Chinese name, for messages.
    pub fn name(&self) -> &'static str {
        match self {
            Event::Submission(_) => "提交",
            Event::Assessment(_) => "考评结果",
            Event::Document(_) => "发文",
            Event::Reservation(_) => "预留文号",
            Event::NumbersVoided(_) => "文号作废",
            Event::NumbersReturned(_) => "退回预留文号",
            Event::Account(_) => "账号",
            Event::SignIn { .. } => "登录",
            Event::SignOut {} => "退出",
            Event::Download(_) => "下载",
            Event::VerifyDoc(_) => "核验公文",
            Event::Quarantine(_) => "隔离损坏文件",
            Event::Gc(_) => "清理无引用对象",
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
            Event::Inspection(_) => "督查调研",
            Event::Units(_) => "责任单位名册",
            Event::Plan(_) => "县区工作方案",
            Event::Street(_) => "街道共享材料",
            Event::Phases(_) => "阶段任务",
            Event::Filing(_) => "归档",
            Event::Transfer(_) => "移交",
        }
    }

    /// The stored objects this event relies on, with a label naming the
    /// record (for `verify`); submissions list theirs in manifests.
    pub fn objects(&self) -> Option<(&str, &[ObjectRef])> {
        match self {
            Event::Assessment(a) => Some((a.community.as_str(), a.objects.as_slice())),
            Event::Document(d) => Some((d.number.as_str(), d.objects.as_slice())),
            Event::RectifyAnswer(a) => Some((a.id.as_str(), a.objects.as_slice())),
            Event::Inspection(i) => Some((i.id.as_str(), i.objects.as_slice())),
            Event::Plan(p) => Some((p.district.as_str(), std::slice::from_ref(&p.object))),
            Event::Street(s) => Some((s.street.as_str(), s.objects.as_slice())),
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
            Event::Filing(f) => Some(("归档", f.objects.as_slice())),
            _ => None,
        }
    }
}

/// One line of the log (read by [`wire`], in one pass).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Record {
    /// Position in the log, from 1.
    pub seq: u64,
    /// SHA-256 (hex) of the previous line's bytes, or [`crate::archive::log::GENESIS`].
    pub prev: String,
    /// When the event was recorded (RFC 3339, UTC).
    pub time: String,
    /// The web account that did it (absent for the command line).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// What happened: `kind` and `data` on disk.
    #[serde(flatten)]
    pub event: Event,
}
