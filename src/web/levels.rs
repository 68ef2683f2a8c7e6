//! 评估验收 in levels on the web: a community hands in its 社区自查 sheet,
//! the district its 县区初评 and may return the 自查, an assigned expert
//! submits an 专家评估 of its own, and the office returns the 初评 (the
//! final level stays at `/office/assess`). Which level an account works at
//! follows from its role; the order and the locks are the library's
//! ([`crate::assessment::level::refusal`]).

use axum::response::Redirect;
use serde::Deserialize;

use super::act;
use super::act::OnCommunity;
use super::download::Download;
use super::error::WebError;
use super::upload::{self, Posted};
use crate::actions::ActionError;
use crate::actions::assess::{self, Sheet};
use crate::assessment::{sheet, who};
use crate::catalog::Catalog;
use crate::scope::Access;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// `GET /c/{id}/sheet-template.xlsx`: the blank assessment sheet for
/// everyone who may see the community, naming it and the account's level.
pub async fn template(OnCommunity { state, id, user }: OnCommunity) -> Result<Download, WebError> {
    let c = user.require_community(&state, &id, Access::Read).await?;
    // The sheet names its community, and the level of whoever downloads
    // it (the office's final sheet is for any level it imports).
    let target = sheet::Target {
        community: Some(&c.id),
        level: who::submits(user.account.role),
    };
    let bytes = sheet::template_xlsx(Catalog::builtin(), target)?;
    let name = crate::fsutil::safe_name(&format!("{}-{}-考评表.xlsx", c.id, c.name));
    Ok(Download::bytes(name, XLSX, bytes))
}

/// `POST /c/{id}/assess`: a sheet at the account's level (自查, 初评 or
/// 专家评估); refused when the level below is missing or this level is
/// locked, and then nothing is written.
pub async fn submit(
    OnCommunity { state, id, user }: OnCommunity,
    posted: Posted,
) -> Result<Redirect, WebError> {
    let role = user.account.role;
    let allowed = match who::submits(role) {
        Some(_) => user
            .require_community(&state, &id, assess::access_for(role))
            .await
            .map(drop),
        None => Err(WebError::forbidden()),
    };
    let form = &upload::LEVEL_SHEET;
    let up = act::receive_one(&state, &user, allowed, posted, form, 20 << 20).await?;
    let path = up.required(form.files[0], "请先选择要上传的考评表")?;
    let to = format!("/c/{}#levels", super::url::percent(&id));
    act::upload(&state, &user, up, to, move |ctx, up| {
        match assess::submit(ctx, &id, Sheet::File(&path)) {
            Err(ActionError::Assessment(mut e)) => {
                e.map_paths(&|p| up.shown(p));
                Err(WebError::from(e))
            }
            other => other.map(drop).map_err(WebError::from),
        }
    })
    .await
}

/// The return form. Every field may be missing, so that the role is
/// checked before anything else is said.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReturnForm {
    csrf: String,
    reason: String,
}

/// The finalize form: the session token only.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct FinalizeForm {
    csrf: String,
}

/// `POST /c/{id}/finalize`: the office records the final result from the
/// 专家组's aggregate under the configured rule.
pub async fn finalize(
    OnCommunity { state, id, user }: OnCommunity,
    axum::Form(f): axum::Form<FinalizeForm>,
) -> Result<Redirect, WebError> {
    user.require_office()?;
    user.require_community(&state, &id, Access::Read).await?;
    let rule = state.0.config.assessment.aggregate;
    let to = format!("/c/{}#levels", super::url::percent(&id));
    act::redirect(&state, &user, &f.csrf, to, move |ctx| {
        Ok(assess::finalize(ctx, &id, rule)?)
    })
    .await
}

/// `POST /c/{id}/return`: the district returns the 自查, the office the
/// 初评, with a reason.
pub async fn send_back(
    OnCommunity { state, id, user }: OnCommunity,
    axum::Form(f): axum::Form<ReturnForm>,
) -> Result<Redirect, WebError> {
    let level = who::returns(user.account.role).ok_or_else(WebError::forbidden)?;
    user.require_community(&state, &id, Access::Read).await?;
    let to = format!("/c/{}#levels", super::url::percent(&id));
    act::redirect(&state, &user, &f.csrf, to, move |ctx| {
        // A missing reason is a bad request, as every form's missing field.
        assess::send_back(ctx, &id, level, &f.reason).map_err(|e| match e {
            ActionError::Invalid(m) => WebError::bad(m),
            e => e.into(),
        })
    })
    .await
}
