//! `GET /verify`, `POST /verify`: any signed-in account checks the
//! signatures of a PDF or OFD it received (who signed it, with which
//! certificate, when, and whether it changed after signing), through the
//! same action as `kaoping verify-doc` without an archive.

use axum::extract::State;
use axum::response::Html;
use serde::Serialize;

use super::blocking;
use super::error::WebError;
use super::session::User;
use super::upload::{self, Posted};
use super::{AppState, pages};
use crate::actions::verify_doc;

/// The page: the form, and the answer of a check.
#[derive(Serialize, Default)]
struct VerifyPage {
    /// The file checked, once one is.
    name: Option<String>,
    /// Its signatures, once checked.
    shown: Option<verify_doc::Shown>,
}

/// `GET /verify`.
pub async fn page(user: User) -> Result<Html<String>, WebError> {
    Ok(pages::page(
        "verify.html",
        &user.context(),
        &VerifyPage::default(),
    ))
}

/// `POST /verify`: the signatures of the uploaded PDF or OFD.
pub async fn check(
    State(state): State<AppState>,
    user: User,
    posted: Posted,
) -> Result<Html<String>, WebError> {
    let up = super::act::receive_one(
        &state,
        &user,
        Ok(()),
        posted,
        &upload::PDF,
        verify_doc::MAX_PDF,
    )
    .await?;
    let path = up.required(upload::PDF.files[0], "请先选择要核验的 PDF 或 OFD 文件")?;
    let rename = up.renamer();
    let name = up.file_name("pdf").unwrap_or_default().to_string();
    let verdict = blocking(move || {
        let v = verify_doc::signed(&path)?;
        drop(up);
        Ok(v)
    })
    .await
    .map_err(|e| rename.apply(e))?;
    let page = VerifyPage {
        name: Some(name),
        shown: Some(verdict.signatures.shown()),
    };
    Ok(pages::page("verify.html", &user.context(), &page))
}
