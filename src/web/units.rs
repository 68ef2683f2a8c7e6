//! The 责任单位 page (`GET /units`): the office sees the register with the
//! contacts' phones, uploads a new one (`POST /office/units`) and downloads
//! it (`GET /office/units.xlsx`); a district account sees the units and
//! names without any phone number. The rules are the actions layer's
//! ([`crate::actions::units`]).

use axum::extract::{Multipart, State};
use axum::http::HeaderMap;
use axum::response::{Html, Redirect};
use serde::Serialize;

use super::download::Download;
use super::error::WebError;
use super::session::User;
use super::{AppState, act, blocking, pages, upload};
use crate::actions::{Ctx, units as actions};
use crate::units::Unit;

#[derive(Serialize)]
struct UnitsPage {
    units: Vec<Unit>,
    office: bool,
}

/// `GET /units`.
pub async fn page(State(state): State<AppState>, user: User) -> Result<Html<String>, WebError> {
    let units = act::run(&state, &user, |ctx| Ok(actions::list(ctx)?)).await?;
    let ctx = UnitsPage {
        units,
        office: user.account.role == crate::accounts::Role::Office,
    };
    Ok(pages::page("units.html", &user.context(), &ctx))
}

/// `GET /office/units.xlsx`: the register with phones, for the office.
pub async fn export(State(state): State<AppState>, user: User) -> Result<Download, WebError> {
    let bytes = act::run(&state, &user, |ctx| Ok(actions::export(ctx)?)).await?;
    Ok(Download::bytes(
        "责任单位名册.xlsx".into(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        bytes,
    ))
}

/// `POST /office/units`: replaces the register with the uploaded list.
pub async fn import(
    State(state): State<AppState>,
    user: User,
    headers: HeaderMap,
    mp: Multipart,
) -> Result<Redirect, WebError> {
    let limits = upload::Limits {
        max_bytes: 20 << 20,
        max_files: 1,
        ..state.0.settings.limits
    };
    let allowed = user.require_office();
    let up = upload::receive(&state, &user, allowed, &headers, mp, &upload::UNITS, limits).await?;
    let rename = up.renamer();
    let path = up
        .file(upload::UNITS.files[0])
        .ok_or_else(|| WebError::bad("请先选择要上传的责任单位名册"))?
        .to_path_buf();
    let archive = user.archive(&state);
    blocking(move || {
        actions::import(&Ctx::account(&archive, &user.account), &path)?;
        drop(up);
        Ok(())
    })
    .await
    .map_err(|e| rename.apply(e))?;
    Ok(Redirect::to("/units"))
}
