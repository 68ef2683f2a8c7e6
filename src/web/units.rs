//! The 责任单位 page (`GET /units`): the office sees the register with the
//! contacts' phones, uploads a new one (`POST /office/units`) and downloads
//! it (`GET /office/units.xlsx`); a district account sees the units and
//! names without any phone number. The rules are the actions layer's
//! ([`crate::actions::units`]).

use axum::extract::State;
use axum::response::{Html, Redirect};
use serde::Serialize;

use super::download::Download;
use super::error::WebError;
use super::session::User;
use super::upload::{self, Posted};
use super::{AppState, act, pages};
use crate::actions::units as actions;
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
    posted: Posted,
) -> Result<Redirect, WebError> {
    let allowed = user.require_office();
    let form = &upload::UNITS;
    let up = act::receive_one(&state, &user, allowed, posted, form, 20 << 20).await?;
    let path = up.required(form.files[0], "请先选择要上传的责任单位名册")?;
    act::upload(&state, &user, up, "/units".into(), move |ctx, _| {
        actions::import(ctx, &path)?;
        Ok(())
    })
    .await
}
