//! The one shape of a web handler that acts: the handler guards (role,
//! community) and parses its form, then hands the action to [`run`] (on a
//! blocking thread, with the signed-in account's [`Ctx`]) or, for a plain
//! form, to [`redirect`], which checks the session token first and sends
//! the browser on when the action is done.
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

use axum::response::Redirect;

use super::error::WebError;
use super::session::User;
use super::{AppState, blocking};
use crate::actions::Ctx;

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
