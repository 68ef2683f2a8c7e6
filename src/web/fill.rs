//! `GET/POST /c/{id}/fill`: a level's sheet filled on the page instead of
//! uploaded — every standard and method with a verdict and a remark, one
//! assessor and date. What is typed becomes the blank sheet filled in and
//! goes through the same reading, validation and level rules as an
//! uploaded sheet ([`store::import_bytes_at`]).

use std::collections::HashMap;

use axum::response::{Html, Redirect};
use serde::Serialize;

use super::act::OnCommunity;
use super::error::WebError;
use super::session::User;
use super::{AppState, act, pages};
use crate::actions::assess::{self, Sheet};
use crate::assessment::level::Level;
use crate::assessment::sheet::{self, BlankRow, Typed};
use crate::assessment::who;
use crate::catalog::Catalog;
use crate::community::Community;

#[derive(Serialize)]
struct FillPage {
    c: Community,
    level: &'static str,
    rows: Vec<BlankRow>,
    verdicts: [&'static str; 3],
    today: String,
}

/// The level `user` fills for community `id`, once role and scope allow.
async fn level_for(
    state: &AppState,
    user: &User,
    id: &str,
) -> Result<(Level, Community), WebError> {
    let role = user.account.role;
    let level = who::submits(role).ok_or_else(WebError::forbidden)?;
    let c = user
        .require_community(state, id, assess::access_for(role))
        .await?;
    Ok((level, c))
}

/// The form.
pub async fn page(OnCommunity { state, id, user }: OnCommunity) -> Result<Html<String>, WebError> {
    let (level, c) = level_for(&state, &user, &id).await?;
    let ctx = FillPage {
        c,
        level: level.name(),
        rows: sheet::blank_rows(Catalog::builtin()),
        verdicts: crate::assessment::Verdict::ALL.map(|v| v.name()),
        today: crate::dates::today().to_string(),
    };
    Ok(pages::page("fill.html", &user.context(), &ctx))
}

/// What was typed, row by row (`v3` and `r3` for the fourth row).
fn typed(f: &HashMap<String, String>, n: usize) -> Vec<Typed> {
    let get = |k: String| f.get(&k).cloned().unwrap_or_default();
    (0..n)
        .map(|i| Typed {
            verdict: get(format!("v{i}")),
            remark: get(format!("r{i}")),
        })
        .collect()
}

/// Records the sheet at the account's level.
pub async fn submit(
    OnCommunity { state, id, user }: OnCommunity,
    axum::Form(f): axum::Form<HashMap<String, String>>,
) -> Result<Redirect, WebError> {
    let (level, _) = level_for(&state, &user, &id).await?;
    user.check_csrf(f.get("csrf").map_or("", String::as_str))?;
    let field = |k: &str| f.get(k).map_or("", |s| s.trim()).to_string();
    let assessor = field("assessor");
    if assessor.is_empty() {
        return Err(WebError::bad("请填写考评人姓名；没有提交"));
    }
    let catalog = Catalog::builtin();
    let rows = typed(&f, sheet::blank_rows(catalog).len());
    let target = sheet::Target {
        community: Some(&id),
        level: Some(level),
    };
    let bytes = sheet::filled(catalog, target, &rows, &assessor, &field("date"));
    let to = format!("/c/{}#levels", super::url::percent(&id));
    act::run(&state, &user, move |ctx| {
        let name = std::path::PathBuf::from(format!("网页填写的{}考评表.csv", level.name()));
        let sheet = Sheet::Bytes {
            name: &name,
            bytes: &bytes,
        };
        assess::submit(ctx, &id, sheet)?;
        Ok(())
    })
    .await?;
    Ok(Redirect::to(&to))
}
