//! The 工作方案 page (`GET /plans`): the office sees which districts have
//! filed their 工作方案 and 考评实施细则 and which have not; a district sees
//! its own and files a new version (`POST /district/plan`). Who may do
//! what is the actions layer's ([`crate::actions::plans`]).

use axum::extract::State;
use axum::response::{Html, Redirect};
use serde::Serialize;

use super::error::WebError;
use super::session::User;
use super::upload::{self, Posted};
use super::{AppState, act, pages};
use crate::accounts::Role;
use crate::actions::plans as actions;
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
    posted: Posted,
) -> Result<Redirect, WebError> {
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
    let max = crate::plans::MAX_BYTES;
    let up = act::receive_one(&state, &user, allowed, posted, &upload::PLAN, max).await?;
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
    act::upload(&state, &user, up, "/plans".into(), move |ctx, _| {
        let f = Filing {
            district: &district,
            kind,
            date,
            name: &staged.1,
            path: &staged.0,
        };
        actions::file(ctx, f)?;
        Ok(())
    })
    .await
}
