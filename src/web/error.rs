//! Errors of the web pages: an HTTP status and a Chinese message (with the
//! library's error chain), shown as a page or, to the upload script, as
//! JSON.

use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use super::pages;

/// A failed request, as the user sees it.
#[derive(Debug)]
pub struct WebError {
    /// The HTTP status.
    pub status: StatusCode,
    /// What went wrong and what to do, in Chinese (may span lines).
    pub message: String,
}

impl WebError {
    /// A failure with `status` and `message`.
    pub fn new(status: StatusCode, message: impl Into<String>) -> WebError {
        WebError {
            status,
            message: message.into(),
        }
    }

    /// 400: the input is wrong.
    pub fn bad(message: impl Into<String>) -> WebError {
        WebError::new(StatusCode::BAD_REQUEST, message)
    }

    /// 403: not this account's business.
    pub fn forbidden() -> WebError {
        WebError::new(
            StatusCode::FORBIDDEN,
            "您的账号无权查看或提交这个社区的材料，也不能使用考评办的功能。",
        )
    }

    /// 404.
    pub fn missing(message: impl Into<String>) -> WebError {
        WebError::new(StatusCode::NOT_FOUND, message)
    }

    /// A library error: its whole chain, as the command line prints it.
    pub fn from_chain(status: StatusCode, e: &(dyn std::error::Error + 'static)) -> WebError {
        let mut message = e.to_string();
        let mut source = e.source();
        while let Some(s) = source {
            message.push_str(&format!("\n原因：{s}"));
            source = s.source();
        }
        WebError::new(status, message)
    }

    /// The error as JSON for the upload script.
    pub fn json(self) -> Response {
        self.answer(true)
    }

    /// The answer as a page or JSON, marked so that the last step of the
    /// router ([`super::guard::finish`]) renders it again with server
    /// paths taken out.
    fn answer(self, json: bool) -> Response {
        let failure = Failure {
            message: self.message.clone(),
            json,
        };
        let mut res = self.render(json);
        res.extensions_mut().insert(failure);
        res
    }

    /// The answer as a page or JSON, as it is.
    pub fn render(self, json: bool) -> Response {
        if json {
            let body = axum::Json(JsonFailure {
                error: self.message,
                ok: false,
            });
            return (self.status, body).into_response();
        }
        let page = pages::message(
            "出错了",
            &self.message,
            self.status.canonical_reason().unwrap_or(""),
        );
        (self.status, page).into_response()
    }
}

/// The upload script's error answer (fields in the order JSON shows
/// them).
#[derive(serde::Serialize)]
struct JsonFailure {
    error: String,
    ok: bool,
}

/// An error answer still to be finished: its message and whether it goes
/// to the upload script as JSON.
#[derive(Debug, Clone)]
pub struct Failure {
    /// The message before paths are taken out.
    pub message: String,
    /// JSON rather than a page.
    pub json: bool,
}

/// The HTTP status of each library error: the user's input problems are
/// 422, what does not exist is 404, a busy archive 503, a full disk 507,
/// and failures of the server itself (I/O, damaged files) 500.
pub trait Status {
    /// The status for this error.
    fn status(&self) -> StatusCode;
}

impl Status for crate::archive::ArchiveError {
    fn status(&self) -> StatusCode {
        use crate::archive::ArchiveError as E;
        match self {
            E::Community(e) => e.status(),
            E::Lock(_) => StatusCode::SERVICE_UNAVAILABLE,
            E::Log(_) | E::Corrupt { .. } | E::Io { .. } => StatusCode::INTERNAL_SERVER_ERROR,
            E::NoSpace { .. } => StatusCode::INSUFFICIENT_STORAGE,
            E::NoSubmission { .. } | E::NoSuchVersion { .. } | E::NoObject { .. } => {
                StatusCode::NOT_FOUND
            }
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }
}

impl Status for crate::community::CommunityError {
    fn status(&self) -> StatusCode {
        use crate::community::CommunityError as E;
        match self {
            E::Unknown { .. } => StatusCode::NOT_FOUND,
            E::Corrupt { .. } | E::Io { .. } => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }
}

impl Status for crate::assessment::store::AssessmentError {
    fn status(&self) -> StatusCode {
        use crate::assessment::store::AssessmentError as E;
        match self {
            E::Archive(e) => e.status(),
            E::NoResults { .. } => StatusCode::NOT_FOUND,
            E::Corrupt { .. } => StatusCode::INTERNAL_SERVER_ERROR,
            // Out of order, locked or not submitted: the state forbids it.
            E::OutOfOrder { .. } | E::NotReturnable { .. } => StatusCode::CONFLICT,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }
}

impl Status for crate::issuance::IssueError {
    fn status(&self) -> StatusCode {
        use crate::issuance::IssueError as E;
        match self {
            E::Archive(e) => e.status(),
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }
}

impl Status for crate::documents::batch::BatchError {
    fn status(&self) -> StatusCode {
        use crate::documents::batch::BatchError as E;
        match self {
            E::Archive(e) => e.status(),
            E::Assessment(e) => e.status(),
            E::Community(e) => e.status(),
            E::Issue(e) => e.status(),
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }
}

impl Status for crate::accounts::AccountError {
    fn status(&self) -> StatusCode {
        use crate::accounts::AccountError as E;
        match self {
            E::Archive(e) => e.status(),
            E::Io { .. } | E::Corrupt { .. } | E::Hash(_) => StatusCode::INTERNAL_SERVER_ERROR,
            E::Unknown(_) => StatusCode::NOT_FOUND,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }
}

impl Status for crate::application::ApplicationError {
    fn status(&self) -> StatusCode {
        use crate::application::ApplicationError as E;
        match self {
            E::Unknown(_) => StatusCode::NOT_FOUND,
            E::Decided { .. } => StatusCode::CONFLICT,
            E::Community(e) => e.status(),
            E::Archive(e) => e.status(),
            E::Invalid { .. } | E::OverQuota(_) | E::PhaseNotSet(_) => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
        }
    }
}

impl Status for crate::application::sheet::ListError {
    fn status(&self) -> StatusCode {
        use crate::application::sheet::ListError as E;
        match self {
            E::Io { .. } => StatusCode::INTERNAL_SERVER_ERROR,
            E::Table(_) | E::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }
}

impl Status for crate::archive::scaffold::ScaffoldError {
    fn status(&self) -> StatusCode {
        StatusCode::INTERNAL_SERVER_ERROR
    }
}

impl Status for crate::render::RenderError {
    fn status(&self) -> StatusCode {
        StatusCode::INTERNAL_SERVER_ERROR
    }
}

impl Status for crate::table::write::WriteError {
    fn status(&self) -> StatusCode {
        StatusCode::INTERNAL_SERVER_ERROR
    }
}

macro_rules! from_library {
    ($($t:ty),*) => {$(
        impl From<$t> for WebError {
            fn from(e: $t) -> WebError {
                WebError::from_chain(e.status(), &e)
            }
        }
    )*};
}

from_library!(
    crate::archive::ArchiveError,
    crate::assessment::store::AssessmentError,
    crate::documents::batch::BatchError,
    crate::issuance::IssueError,
    crate::community::CommunityError,
    crate::accounts::AccountError,
    crate::application::ApplicationError,
    crate::application::sheet::ListError,
    crate::render::RenderError,
    crate::table::write::WriteError,
    crate::archive::scaffold::ScaffoldError
);

impl From<tokio::task::JoinError> for WebError {
    fn from(e: tokio::task::JoinError) -> WebError {
        WebError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("处理请求时程序出错（{e}），档案库没有被改动；请把这条信息告诉管理员"),
        )
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        self.answer(false)
    }
}

/// Unknown addresses.
pub async fn not_found(uri: Uri) -> WebError {
    WebError::missing(format!("没有这个页面：{}", uri.path()))
}

impl From<crate::actions::ActionError> for WebError {
    fn from(e: crate::actions::ActionError) -> WebError {
        use crate::actions::ActionError as A;
        use crate::scope::Denied;
        let status = match &e {
            A::Denied(Denied::NotInScope) => return WebError::forbidden(),
            A::Denied(Denied::NotOnBehalf { .. }) | A::Forbidden(_) => StatusCode::FORBIDDEN,
            A::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            A::NotFound(_) => StatusCode::NOT_FOUND,
            A::Archive(e) => e.status(),
            A::Community(e) => e.status(),
            A::Assessment(e) => e.status(),
            A::Issue(e) => e.status(),
            A::Batch(e) => e.status(),
            A::Application(e) => e.status(),
            A::Account(e) => e.status(),
            A::Render(e) => e.status(),
            A::Field(e) => e.status(),
            A::Naming(e) => e.status(),
            A::Bulletin(e) => e.status(),
            A::Sign(_) => StatusCode::CONFLICT,
            A::Records(e) => match e {
                crate::records::RecordsError::Archive(e) => e.status(),
                crate::records::RecordsError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            },
            A::Inspection(e) => match e {
                crate::inspection::InspectionError::Archive(e) => e.status(),
                crate::inspection::InspectionError::Read { .. } => {
                    StatusCode::INTERNAL_SERVER_ERROR
                }
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            },
            A::Phase(e) => match e {
                crate::phases::PhaseError::Archive(e) => e.status(),
                crate::phases::PhaseError::Io { .. } => StatusCode::INTERNAL_SERVER_ERROR,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            },
            A::Plan(e) => match e {
                crate::plans::PlanError::Archive(e) => e.status(),
                crate::plans::PlanError::Read { .. } => StatusCode::INTERNAL_SERVER_ERROR,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            },
            A::Street(e) => match e {
                crate::streets::StreetError::Archive(e) => e.status(),
                crate::streets::StreetError::Community(e) => e.status(),
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            },
            A::Units(e) => match e {
                crate::units::UnitError::BadList { .. } | crate::units::UnitError::Table(_) => {
                    StatusCode::UNPROCESSABLE_ENTITY
                }
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            },
            A::Rectify(_) | A::Survey(_) => {
                return match e {
                    A::Rectify(e) => super::rectify::refused(e),
                    A::Survey(e) => super::print::survey_error(e),
                    _ => WebError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
                };
            }
            A::Document(_) | A::Config(_) | A::Paper(_) | A::SurveyRecord(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        };
        WebError::from_chain(status, &e)
    }
}
