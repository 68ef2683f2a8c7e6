//! 问卷调查 (居民测评) end to end: the questionnaire as data
//! ([`questionnaire`]), numbered copies with one-time links ([`number`],
//! [`copies`]), answers from the web and from paper ([`answer`],
//! [`paper`]), the survey's state read from the log ([`state`]),
//! statistics and verdicts ([`stats`]) and the printed copies
//! ([`print`]). Copies issued and answers given are events in the log
//! (`survey-copies`, `survey-answer`); a copy's link token is kept only as
//! its SHA-256, so the archive cannot answer for anyone.

pub mod answer;
pub mod close;
pub mod copies;
pub mod demo;
pub mod double;
pub mod number;
pub mod open;
pub mod paper;
pub mod print;
pub mod questionnaire;
pub mod record;
pub mod state;
pub mod stats;
mod verdicts;

use crate::archive::ArchiveError;

pub use questionnaire::{Questionnaire, QuestionnaireError};

/// The 统计表's kind name in the register.
pub const KIND_NAME: &str = "问卷调查统计表";

/// The 统计表's kind in the register (how the survey state knows which
/// documents are its own).
pub fn kind() -> crate::event::issuance::DocKind {
    crate::event::issuance::DocKind::Other(KIND_NAME.to_string())
}

/// Why a survey action was refused; nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum SurveyError {
    /// Archive problem.
    #[error(transparent)]
    Archive(#[from] ArchiveError),
    /// The questionnaire cannot be used.
    #[error(transparent)]
    Questionnaire(#[from] QuestionnaireError),
    /// A typed number is not a 问卷编号.
    #[error(transparent)]
    Number(#[from] number::NumberError),
    /// The number was never issued.
    #[error(
        "问卷编号 {0} 没有发放过（请核对编号；只有用 kaoping survey print 印出的问卷才能录入）"
    )]
    NotIssued(String),
    /// The copy already has an answer.
    #[error(
        "问卷编号 {number} 已经有答卷（{}收到），每份问卷只能答一次",
        crate::clock::show(when)
    )]
    Answered {
        /// The copy.
        number: String,
        /// When the first answer was recorded.
        when: String,
    },
    /// An answer is off its scale or missing.
    #[error("{item}：{reason}")]
    BadAnswer {
        /// The question's id and text.
        item: String,
        /// What is wrong.
        reason: String,
    },
    /// The community is not registered.
    #[error("没有编号为 {0} 的社区（用 kaoping community list 查看已登记的社区）")]
    NoCommunity(String),
    /// The community's survey is closed: no more answers.
    #[error(
        "社区 {community} 的问卷调查已于 {time} 结束（{by}），不再接收答卷；统计表和已记录的结论以结束时为准"
    )]
    Closed {
        /// Community id.
        community: String,
        /// When it closed, as a person reads it.
        time: String,
        /// Why.
        by: &'static str,
    },
    /// A copy already entered from paper is answered on the web.
    #[error("问卷编号 {number} 已按纸质问卷录入，每份问卷只能在一个渠道答一次，不能再在网页作答")]
    PaperEntered {
        /// The copy.
        number: String,
    },
    /// Bad printing request.
    #[error("{0}")]
    Request(String),
    /// Rendering the copies failed.
    #[error(transparent)]
    Render(#[from] crate::render::RenderError),
}
