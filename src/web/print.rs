//! `POST /c/{id}/survey/print`: the office or the community's district
//! prints numbered copies from the community page and downloads the PDF
//! (the same library call as `kaoping survey print`; every print takes new
//! numbers).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::WebError;
use super::act::OnCommunity;
use super::download::Download;
use crate::accounts::Role;
use crate::actions;
use crate::actions::survey::PrintOrder;
use crate::catalog::Catalog;
use crate::scope::Access;
use crate::survey::{Questionnaire, SurveyError, copies};

/// The print form.
#[derive(Debug, Deserialize)]
pub struct PrintForm {
    csrf: String,
    #[serde(default)]
    copies: String,
}

pub(super) fn survey_error(e: SurveyError) -> WebError {
    let status = match e {
        SurveyError::Request(_) => StatusCode::UNPROCESSABLE_ENTITY,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    WebError::from_chain(status, &e)
}

/// Prints and downloads the copies.
pub async fn copies_pdf(
    OnCommunity { state, id, user }: OnCommunity,
    axum::Form(f): axum::Form<PrintForm>,
) -> Result<Response, WebError> {
    if !matches!(user.account.role, Role::Office | Role::District) {
        return Err(WebError::forbidden());
    }
    let c = user.require_community(&state, &id, Access::Read).await?;
    user.check_csrf(&f.csrf)?;
    let settings = state.0.config.survey.clone();
    let n = match f.copies.trim() {
        "" => settings.copies_per_community,
        t => t.parse().map_err(|_| {
            WebError::bad(format!("份数“{t}”应为 1 到 {} 的整数", copies::MAX_COPIES))
        })?,
    };
    let st = state.clone();
    let (name, pdf) = super::act::run(&state, &user, move |act| {
        let state = st;
        let q = Questionnaire::load(Some(state.root()), Catalog::builtin())
            .map_err(|e| WebError::from_chain(StatusCode::INTERNAL_SERVER_ERROR, &e))?;
        let order = PrintOrder {
            community: &c.id,
            copies: n,
            points: &settings.points,
            pdf: Some((&state.0.engine, &q)),
            base_url: settings.base_url.as_deref(),
        };
        let done = actions::survey::print(act, order)?.record()?;
        let first = done
            .printed
            .first()
            .map(|p| p.number.clone())
            .unwrap_or_default();
        let name = format!("问卷-{first}起{}份.pdf", done.printed.len());
        Ok((name, done.pdf.unwrap_or_default()))
    })
    .await?;
    Ok(Download::bytes(name, "application/pdf", pdf).into_response())
}
