//! The pages of the district and expert accounts: a district's
//! communities with their status, its 申报 (one community by form or a
//! list as a workbook, always for the account's own district) with the
//! office's answers and the use of its task numbers; and the communities
//! assigned to an expert. What each sees is [`crate::scope::visible`].

use axum::extract::State;
use axum::response::{Html, Redirect};
use serde::{Deserialize, Serialize};

use super::error::WebError;
use super::session::User;
use super::upload::{self, Posted};
use super::{AppState, act, pages};
use crate::accounts::Role;
use crate::actions::{apply, office};
use crate::application::sheet::{self, ListError};
use crate::application::{Application, Proposal, quota};
use crate::config::Config;
use crate::overview::CommunityLine;

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
    /// Its applications, newest first.
    applications: Vec<ApplicationLine>,
    /// The use of its task numbers.
    usage: Option<quota::Use>,
    /// Each community's state in 评估验收, by id.
    levels: std::collections::HashMap<String, String>,
    /// The label of the times shown (北京时间).
    zone: String,
}

/// One application as a page shows it.
#[derive(Serialize)]
pub(super) struct ApplicationLine {
    /// The application with its state and decision.
    #[serde(flatten)]
    pub a: Application,
    /// When it was received, as people read it.
    pub received: String,
}

impl ApplicationLine {
    pub(super) fn new(a: Application, config: &Config) -> ApplicationLine {
        let received = config.time.show(&a.time);
        ApplicationLine { a, received }
    }
}

/// What an expert's page shows.
#[derive(Serialize)]
struct ExpertPage {
    /// The communities assigned.
    communities: Vec<CommunityLine>,
    /// Each community's state in 评估验收, by id.
    levels: std::collections::HashMap<String, String>,
}

/// `GET /district`: the district account's communities.
pub async fn district(State(state): State<AppState>, user: User) -> Result<Html<String>, WebError> {
    user.require_role(Role::District)?;
    let config = state.0.config.clone();
    let view = act::run(&state, &user, move |ctx| {
        Ok(office::district(ctx, &config)?)
    })
    .await?;
    let config = &state.0.config;
    let ctx = DistrictPage {
        district: view.district,
        quota: view.quota.0,
        phase1_quota: view.quota.1,
        communities: view.communities,
        applications: view
            .applications
            .into_iter()
            .map(|a| ApplicationLine::new(a, config))
            .collect(),
        usage: view.usage,
        levels: view.levels,
        zone: config.time.label(),
    };
    Ok(pages::page("district.html", &user.context(), &ctx))
}

/// `GET /expert`: the communities assigned to the expert account.
pub async fn expert(State(state): State<AppState>, user: User) -> Result<Html<String>, WebError> {
    user.require_role(Role::Expert)?;
    let config = state.0.config.clone();
    let (communities, levels) =
        act::run(&state, &user, move |ctx| Ok(office::expert(ctx, &config)?)).await?;
    Ok(pages::page(
        "expert.html",
        &user.context(),
        &ExpertPage {
            communities,
            levels,
        },
    ))
}

/// The district of a district account: from the account, never from a
/// form.
pub(super) fn own_district(user: &User) -> Result<String, WebError> {
    user.require_role(Role::District)?;
    user.account
        .district
        .clone()
        .ok_or_else(WebError::forbidden)
}

/// `GET /district/apply-template.xlsx`: the blank 申报表 (a workbook
/// with drop-down lists), for a district account, as `kaoping apply
/// template` writes it.
pub async fn apply_template(user: User) -> Result<super::download::Download, WebError> {
    own_district(&user)?;
    let bytes = crate::table::write::xlsx(&[sheet::template_sheet(100)])?;
    Ok(super::download::Download::bytes(
        "申报表.xlsx".into(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        bytes,
    ))
}

/// The form proposing one community. Every field may be missing, so that
/// the role is checked before anything else is said.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ProposalForm {
    csrf: String,
    name: String,
    kind: String,
    batch: String,
    street: String,
    households: String,
    area: String,
    situation: String,
    reason: String,
}

fn optional<T: std::str::FromStr>(field: &str, s: &str) -> Result<Option<T>, WebError> {
    match s.trim() {
        "" => Ok(None),
        s => s.parse().map(Some).map_err(|_| {
            WebError::new(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                format!("{field}“{s}”应为不小于 0 的数，或留空；没有申报"),
            )
        }),
    }
}

/// `POST /district/apply`: proposes one community of the account's
/// district.
pub async fn apply(
    State(state): State<AppState>,
    user: User,
    axum::Form(f): axum::Form<ProposalForm>,
) -> Result<Redirect, WebError> {
    let district = own_district(&user)?;
    user.check_csrf(&f.csrf)?;
    let mut p =
        Proposal::new(&district, &f.name, &f.kind, &f.batch, &f.reason)?.in_street(&f.street)?;
    p.households = optional("居民户数", &f.households)?;
    p.facility_area = optional::<f64>("综合服务设施面积", &f.area)?;
    if p.facility_area
        .is_some_and(|a| !(a.is_finite() && a >= 0.0))
    {
        return Err(WebError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            format!(
                "综合服务设施面积“{}”应为不小于 0 的数，或留空；没有申报",
                f.area.trim()
            ),
        ));
    }
    p.situation = f.situation.trim().to_string();
    act::run(&state, &user, move |ctx| {
        Ok(apply::submit(ctx, vec![p]).map(drop)?)
    })
    .await?;
    Ok(Redirect::to("/district#applications"))
}

/// `POST /district/upload`: a list of applications (.xlsx, .xls, .ods or
/// CSV) for the account's district, taken whole or not at all; a row of
/// another district is refused.
pub async fn apply_list(
    State(state): State<AppState>,
    user: User,
    posted: Posted,
) -> Result<Redirect, WebError> {
    let district = own_district(&user);
    let allowed = district
        .as_ref()
        .map(|_| ())
        .map_err(|_| WebError::forbidden());
    let form = &upload::APPLICATIONS;
    let up = act::receive_one(&state, &user, allowed, posted, form, 20 << 20).await?;
    let district = district?;
    let path = up.required(form.files[0], "请先选择要上传的申报表")?;
    let to = "/district#applications".to_string();
    act::upload(&state, &user, up, to, move |ctx, up| {
        let proposals = sheet::read(&path, Some(&district)).map_err(|e| match e {
            ListError::Invalid { path, problems } => ListError::Invalid {
                path: up.shown(&path),
                problems,
            },
            ListError::Io { path, source } => ListError::Io {
                path: up.shown(&path),
                source,
            },
            other => other,
        })?;
        apply::submit(ctx, proposals)?;
        Ok(())
    })
    .await
}
