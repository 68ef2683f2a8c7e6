//! The office's documents issued from the 整改 pages: the 督办通知 to a
//! district (`POST /office/supervise`), the 命名决定 (`POST
//! /office/naming`) and the 考评情况通报 (`POST /office/bulletin`), and the
//! page listing what was just issued.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Html;
use serde::Deserialize;

use super::error::{Status, WebError};
use super::rectify::Plain;
use super::session::User;
use super::{AppState, act};
use crate::actions::rectify::{self as actions, Supervision};
use crate::documents::bulletin::BulletinError;
use crate::naming::NamingError;

impl Status for NamingError {
    fn status(&self) -> StatusCode {
        match self {
            NamingError::NoQualifying { .. } => StatusCode::CONFLICT,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }
}

impl Status for BulletinError {
    fn status(&self) -> StatusCode {
        match self {
            BulletinError::NothingAssessed => StatusCode::CONFLICT,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }
}

/// The 督办 form.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SuperviseForm {
    csrf: String,
    district: String,
    deadline: String,
}

/// `POST /office/supervise`: the office's 督办通知 to a district.
pub async fn supervise(
    State(state): State<AppState>,
    user: User,
    axum::Form(f): axum::Form<SuperviseForm>,
) -> Result<Html<String>, WebError> {
    user.require_office()?;
    user.check_csrf(&f.csrf)?;
    if f.district.trim().is_empty() {
        return Err(WebError::bad("请选择要督办的县（市）区"));
    }
    let deadline = crate::dates::parse(&f.deadline).ok_or_else(|| {
        WebError::bad(format!(
            "新的整改期限“{}”不是日期，请写成 {}",
            f.deadline,
            crate::dates::FORMS
        ))
    })?;
    let today = crate::dates::today();
    act::issue(&state, &user, "", move |ctx, making, kept| {
        let s = Supervision {
            district: &f.district,
            deadline,
            date: today,
            today,
        };
        actions::supervise(ctx, making, s, kept)
    })
    .await
}

/// The 命名决定 form.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DecisionForm {
    csrf: String,
    phase: String,
}

/// `POST /office/naming`: the 命名决定 of a phase with its certificates.
pub async fn decision(
    State(state): State<AppState>,
    user: User,
    axum::Form(f): axum::Form<DecisionForm>,
) -> Result<Html<String>, WebError> {
    user.require_office()?;
    user.check_csrf(&f.csrf)?;
    let phase: u8 = f
        .phase
        .trim()
        .parse()
        .map_err(|_| WebError::bad("请选择命名第几批（1、2 或 3）"))?;
    let date = crate::dates::today();
    act::issue(&state, &user, "", move |ctx, making, kept| {
        actions::decide_naming(ctx, making, phase, date, kept)
    })
    .await
}

/// `POST /office/bulletin`: the 考评情况通报, dated today.
pub async fn bulletin(
    State(state): State<AppState>,
    user: User,
    axum::Form(f): axum::Form<Plain>,
) -> Result<Html<String>, WebError> {
    user.require_office()?;
    user.check_csrf(&f.csrf)?;
    let date = crate::dates::today();
    act::issue(&state, &user, "", move |ctx, making, kept| {
        actions::bulletin(ctx, making, date, kept)
    })
    .await
}
