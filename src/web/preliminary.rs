//! `POST /district/preliminary`: a district's staff issue their 初评情况报告
//! to the city from their page; only a district account, for its own
//! district.

use axum::extract::State;
use axum::response::Html;
use serde::Deserialize;

use super::error::WebError;
use super::session::User;
use super::{AppState, act};
use crate::actions::assess;

/// The form: the 签发人 (the configured one when empty) and the date.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PreliminaryForm {
    csrf: String,
    signer: String,
    date: Option<String>,
}

/// Issues and registers the report, then shows it for download.
pub async fn issue(
    State(state): State<AppState>,
    user: User,
    axum::Form(f): axum::Form<PreliminaryForm>,
) -> Result<Html<String>, WebError> {
    let district = super::scoped::own_district(&user)?;
    user.check_csrf(&f.csrf)?;
    let date =
        super::office::day("成文日期", f.date.as_deref())?.unwrap_or_else(crate::dates::today);
    let signer = Some(f.signer.trim().to_string()).filter(|s| !s.is_empty());
    act::issue(&state, &user, "/district", move |ctx, making, kept| {
        assess::preliminary(ctx, making, (district, signer), date, kept)
    })
    .await
}
