//! The 工作方案 page (`GET /plans`): the office sees which districts have
//! filed their 工作方案 and 考评实施细则 and which have not; a district sees
//! its own and files a new version (`POST /district/plan`). Who may do
//! what is the actions layer's ([`crate::actions::plans`]).

use axum::extract::{Multipart, State};
use axum::http::HeaderMap;
use axum::response::{Html, Redirect};
use serde::Serialize;

use super::error::WebError;
use super::session::User;
use super::{AppState, act, blocking, pages, upload};
use crate::accounts::Role;
use crate::actions::{Ctx, plans as actions};
use crate::plans::{DistrictPlans, Filing, PlanKind};

#[derive(Serialize)]
struct PlansPage {
    districts: Vec<DistrictPlans>,
    filed: usize,
    district: bool,
    today: String,
}

/// `GET /plans`.
pub async fn page(State(state): State<AppState>, user: User) -> Result<Html<String>, WebError> {
    let districts = act::run(&state, &user, |ctx| Ok(actions::list(ctx)?)).await?;
    let ctx = PlansPage {
        filed: districts.iter().filter(|d| d.plan.is_some()).count(),
        districts,
        district: user.account.role == Role::District,
        today: crate::dates::today().to_string(),
    };
    Ok(pages::page("plans.html", &user.context(), &ctx))
}

/// `POST /district/plan`: a district files its document.
pub async fn file(
    State(state): State<AppState>,
    user: User,
    headers: HeaderMap,
    mp: Multipart,
) -> Result<Redirect, WebError> {
    let limits = upload::Limits {
        max_bytes: crate::plans::MAX_BYTES,
        max_files: 1,
        ..state.0.settings.limits
    };
    let district = user
        .account
        .district
        .clone()
        .filter(|_| user.account.role == Role::District)
        .ok_or_else(WebError::forbidden);
    let allowed = district
        .as_ref()
        .map(|_| ())
        .map_err(|_| WebError::forbidden());
    let up = upload::receive(&state, &user, allowed, &headers, mp, &upload::PLAN, limits).await?;
    let district = district?;
    let kind = PlanKind::parse(up.text("kind").unwrap_or("工作方案"))
        .ok_or_else(|| WebError::bad("请选择种类：工作方案或考评实施细则"))?;
    let date = up
        .text("date")
        .and_then(crate::dates::parse)
        .ok_or_else(|| WebError::bad(format!("请填写成文日期，写成 {}", crate::dates::FORMS)))?;
    let staged = up
        .files
        .first()
        .map(|f| (f.path.clone(), f.name.clone()))
        .ok_or_else(|| WebError::bad("请先选择要报送的文件"))?;
    let rename = up.renamer();
    let archive = user.archive(&state);
    blocking(move || {
        let f = Filing {
            district: &district,
            kind,
            date,
            name: &staged.1,
            path: &staged.0,
        };
        actions::file(&Ctx::account(&archive, &user.account), f)?;
        drop(up);
        Ok(())
    })
    .await
    .map_err(|e| rename.apply(e))?;
    Ok(Redirect::to("/plans"))
}
