//! The pages of the district and expert accounts: a district's
//! communities with their status (read-only for now), and the communities
//! assigned to an expert. What each sees is [`crate::scope::visible`].

use axum::extract::State;
use axum::response::Html;
use serde::Serialize;

use super::blocking;
use super::error::WebError;
use super::session::User;
use super::{AppState, pages};
use crate::accounts::Role;
use crate::overview::{self, CommunityLine};

/// What a district's page shows.
#[derive(Serialize)]
struct DistrictPage {
    /// The district's name in Attachment 1.
    district: String,
    /// Its 试点总任务数.
    quota: u32,
    /// Its 第一阶段任务数.
    phase1_quota: u32,
    /// Its registered communities.
    communities: Vec<CommunityLine>,
}

/// What an expert's page shows.
#[derive(Serialize)]
struct ExpertPage {
    /// The communities assigned.
    communities: Vec<CommunityLine>,
}

/// `GET /district`: the district account's communities.
pub async fn district(State(state): State<AppState>, user: User) -> Result<Html<String>, WebError> {
    user.require_role(Role::District)?;
    let name = user.account.district.clone().unwrap_or_default();
    let row = crate::districts::DistrictTable::builtin().find(&name);
    let (quota, phase1_quota) = row.map_or((0, 0), |d| (d.pilot_quota, d.phase1_quota));
    let (archive, config, account) = (
        user.archive(&state),
        state.0.config.clone(),
        user.account.clone(),
    );
    let communities = blocking(move || Ok(overview::visible(&archive, &config, &account)?)).await?;
    let ctx = DistrictPage {
        district: name,
        quota,
        phase1_quota,
        communities,
    };
    Ok(pages::page("district.html", &user.context(), &ctx))
}

/// `GET /expert`: the communities assigned to the expert account.
pub async fn expert(State(state): State<AppState>, user: User) -> Result<Html<String>, WebError> {
    user.require_role(Role::Expert)?;
    let (archive, config, account) = (
        user.archive(&state),
        state.0.config.clone(),
        user.account.clone(),
    );
    let communities = blocking(move || Ok(overview::visible(&archive, &config, &account)?)).await?;
    Ok(pages::page(
        "expert.html",
        &user.context(),
        &ExpertPage { communities },
    ))
}
