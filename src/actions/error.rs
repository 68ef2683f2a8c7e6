//! The error every action returns: the domain's own error, unchanged
//! (its Chinese message says what to fix), or a refusal of the caller.

/// Why an action did nothing.
#[derive(Debug, thiserror::Error)]
#[allow(missing_docs)]
pub enum ActionError {
    /// The caller may not do this for this community.
    #[error(transparent)]
    Denied(#[from] crate::scope::Denied),
    /// The caller's role may not do this at all.
    #[error("{0}")]
    Forbidden(String),
    /// The input is wrong; the message says what to fix.
    #[error("{0}")]
    Invalid(String),
    /// What was asked for does not exist — or the caller may not learn
    /// that it does (answered alike, so that nothing can be probed).
    #[error("{0}")]
    NotFound(String),
    #[error(transparent)]
    Archive(#[from] crate::archive::ArchiveError),
    #[error(transparent)]
    Community(#[from] crate::community::CommunityError),
    #[error(transparent)]
    Assessment(#[from] crate::assessment::store::AssessmentError),
    #[error(transparent)]
    Issue(#[from] crate::issuance::IssueError),
    #[error(transparent)]
    Batch(#[from] crate::documents::batch::BatchError),
    #[error(transparent)]
    Document(#[from] crate::documents::DocumentError),
    #[error(transparent)]
    Rectify(#[from] crate::rectify::RectifyError),
    #[error(transparent)]
    Field(#[from] crate::field::FieldError),
    #[error(transparent)]
    Survey(#[from] crate::survey::SurveyError),
    #[error(transparent)]
    Paper(#[from] crate::survey::paper::PaperError),
    #[error(transparent)]
    SurveyRecord(#[from] crate::survey::record::RecordError),
    #[error(transparent)]
    Application(#[from] crate::application::ApplicationError),
    #[error(transparent)]
    Account(#[from] crate::accounts::AccountError),
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error(transparent)]
    Render(#[from] crate::render::RenderError),
    #[error(transparent)]
    Naming(#[from] crate::naming::NamingError),
    #[error(transparent)]
    Bulletin(#[from] crate::documents::bulletin::BulletinError),
    /// A 督查 or 调研 was refused.
    #[error(transparent)]
    Inspection(#[from] crate::inspection::InspectionError),
    /// The 责任单位 register was refused or could not be read.
    #[error(transparent)]
    Units(#[from] crate::units::UnitError),
    /// A district's 工作方案 was refused.
    #[error(transparent)]
    Plan(#[from] crate::plans::PlanError),
    /// A 街道's evidence was refused.
    #[error(transparent)]
    Street(#[from] crate::streets::StreetError),
    /// The later phases' tasks were refused or are not set.
    #[error(transparent)]
    Phase(#[from] crate::phases::PhaseError),
    /// Filing, transfer or a package check failed.
    #[error(transparent)]
    Records(#[from] crate::records::RecordsError),
    /// A key could not be made or read, or a document not signed.
    #[error(transparent)]
    Sign(#[from] crate::sign::SignError),
}

impl From<crate::archive::lock::LockError> for ActionError {
    fn from(e: crate::archive::lock::LockError) -> ActionError {
        ActionError::Archive(e.into())
    }
}
