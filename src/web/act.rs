//! The one shape of a web handler that acts: the handler guards (role,
//! community) and parses its form, then hands the action to [`run`] (on a
//! blocking thread, with the signed-in account's [`Ctx`]) or, for a plain
//! form, to [`redirect`], which checks the session token first and sends
//! the browser on when the action is done. An upload is received by
//! [`receive_one`] (or `upload::receive`) and acted on by [`upload`].
//!
//! ```ignore
//! pub async fn finalize(State(state): State<AppState>, Path(id): Path<String>,
//!     user: User, Form(f): Form<FinalizeForm>) -> Result<Redirect, WebError> {
//!     user.require_office()?;                                  // guard
//!     let to = format!("/c/{}#levels", percent(&id));          // parse
//!     let rule = state.0.config.assessment.aggregate;
//!     act::redirect(&state, &user, &f.csrf, to, move |ctx| {   // csrf → action → redirect
//!         Ok(assess::finalize(ctx, &id, rule)?)
//!     }).await
//! }
//! ```

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Redirect, Response};

use super::error::WebError;
use super::session::User;
use super::upload::{self, Form, Limits, Posted, Upload};
use super::{AppState, blocking};
use crate::actions::documents::{Delivery, Issuing, Kept, Making};
use crate::actions::{ActionError, Ctx};

/// What a handler about one community (`/c/{id}/…`) takes first, in this
/// order: the server's state, the community id in the path and the
/// signed-in account (a visitor is sent to sign in).
pub struct OnCommunity {
    pub state: AppState,
    pub id: String,
    pub user: User,
}

impl FromRequestParts<AppState> for OnCommunity {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Path(id) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let user = User::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(OnCommunity {
            state: state.clone(),
            id,
            user,
        })
    }
}

/// Runs `action` on a blocking thread with the signed-in account's
/// context and returns what it returns. The closure returns a
/// [`WebError`] so that it may adjust an error (an
/// [`crate::actions::ActionError`] converts with `?`).
pub async fn run<T, F>(state: &AppState, user: &User, action: F) -> Result<T, WebError>
where
    T: Send + 'static,
    F: FnOnce(&Ctx) -> Result<T, WebError> + Send + 'static,
{
    let archive = user.archive(state);
    let account = user.account.clone();
    blocking(move || action(&Ctx::account(&archive, &account))).await
}

/// Checks the form's session token `csrf`, runs `action` as [`run`] does
/// and redirects to `to`.
pub async fn redirect<T, F>(
    state: &AppState,
    user: &User,
    csrf: &str,
    to: String,
    action: F,
) -> Result<Redirect, WebError>
where
    T: Send + 'static,
    F: FnOnce(&Ctx) -> Result<T, WebError> + Send + 'static,
{
    user.check_csrf(csrf)?;
    run(state, user, action).await?;
    Ok(Redirect::to(&to))
}

/// Runs the issuing `action` as [`run`] does, with what the web makes
/// documents with and the documents kept for download (`Kept`), and shows
/// the page of what it issued, linking back to `back`.
pub async fn issue<F>(
    state: &AppState,
    user: &User,
    back: &'static str,
    action: F,
) -> Result<Html<String>, WebError>
where
    F: FnOnce(&Ctx, Making, &dyn Delivery) -> Result<Issuing, ActionError> + Send + 'static,
{
    let st = state.clone();
    let done = run(state, user, move |ctx| Ok(action(ctx, st.making(), &Kept)?)).await?;
    let page = super::issued::page(&done.issued, &done.left, done.before, back);
    Ok(super::pages::page("issued.html", &user.context(), &page))
}

/// Receives the upload of `form` with one file of at most `max_bytes`
/// (the server's other limits) as [`upload::receive`] does.
pub async fn receive_one(
    state: &AppState,
    user: &User,
    allowed: Result<(), WebError>,
    posted: Posted,
    form: &Form,
    max_bytes: u64,
) -> Result<Upload, WebError> {
    let limits = Limits {
        max_bytes,
        max_files: 1,
        ..state.0.settings.limits
    };
    upload::receive(state, user, allowed, posted, form, limits).await
}

/// Runs `action` on the received upload as [`run`] does, with the staged
/// files' paths in its error shown as the user's own names, and
/// redirects to `to`. The staged files are removed when it is done.
pub async fn upload<F>(
    state: &AppState,
    user: &User,
    up: Upload,
    to: String,
    action: F,
) -> Result<Redirect, WebError>
where
    F: FnOnce(&Ctx, &Upload) -> Result<(), WebError> + Send + 'static,
{
    let rename = up.renamer();
    run(state, user, move |ctx| action(ctx, &up))
        .await
        .map_err(|e| rename.apply(e))?;
    Ok(Redirect::to(&to))
}
