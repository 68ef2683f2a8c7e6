//! `POST /c/{id}/override`: the office changes one standard's final
//! verdict on the community page, only with a written reason (the rule
//! and the record are [`crate::assessment::overrule`]'s).

use axum::response::Redirect;
use serde::Deserialize;

use super::act;
use super::act::OnCommunity;
use super::error::WebError;
use crate::actions::assess;
use crate::assessment::overrule::Override;
use crate::catalog::Catalog;
use crate::scope::Access;

/// The form: the row as `指标|标准|方法`, the new verdict and the reason.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OverrideForm {
    csrf: String,
    row: String,
    verdict: String,
    reason: String,
}

/// Records the override as the next final version.
pub async fn submit(
    OnCommunity { state, id, user }: OnCommunity,
    axum::Form(f): axum::Form<OverrideForm>,
) -> Result<Redirect, WebError> {
    user.require_office()?;
    user.require_community(&state, &id, Access::Read).await?;
    user.check_csrf(&f.csrf)?;
    let mut parts = f.row.splitn(3, '|');
    let (Some(indicator), Some(standard), Some(method)) =
        (parts.next(), parts.next(), parts.next())
    else {
        return Err(WebError::bad("请选择要改定的标准和考评方法"));
    };
    let standard: u32 = standard
        .parse()
        .map_err(|_| WebError::bad("请选择要改定的标准和考评方法"))?;
    let change = Override::typed(
        Catalog::builtin(),
        indicator,
        standard,
        method,
        &f.verdict,
        &f.reason,
    )
    .map_err(|e| WebError::bad(e.to_string()))?;
    let to = format!("/c/{}#levels", super::url::percent(&id));
    act::run(&state, &user, move |ctx| {
        Ok(assess::overrule(ctx, &id, change)?)
    })
    .await?;
    Ok(Redirect::to(&to))
}
