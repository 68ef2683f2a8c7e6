//! The 街道（乡镇） page (`GET /street`): the 街道 the caller may see, each
//! with its pilot communities and the shared evidence handed in; and the
//! hand-in of a 街道's evidence (`POST /street/upload`, a folder or ZIP),
//! which counts for each of its pilot communities. Who may do what is the
//! actions layer's ([`crate::actions::street`]).

use axum::extract::State;
use axum::response::{Html, Redirect};
use serde::Serialize;

use super::error::WebError;
use super::session::User;
use super::upload::Posted;
use super::{AppState, act, pages, upload};
use crate::accounts::Role;
use crate::actions::street::{self as actions, StreetLine};
use crate::archive::zipin::ZipLimits;

#[derive(Serialize)]
struct StreetPage {
    streets: Vec<StreetLine>,
    standards: String,
}

/// Whether the role deals with 街道 at all (others are refused before
/// an upload's body is read).
fn street_role(user: &User) -> Result<(), WebError> {
    match user.account.role {
        Role::Office | Role::District | Role::Street => Ok(()),
        _ => Err(WebError::forbidden()),
    }
}

/// `GET /street`.
pub async fn page(State(state): State<AppState>, user: User) -> Result<Html<String>, WebError> {
    street_role(&user)?;
    let streets = act::run(&state, &user, |ctx| Ok(actions::list(ctx)?)).await?;
    let ctx = StreetPage {
        streets,
        standards: crate::streets::standards_text(),
    };
    Ok(pages::page("street.html", &user.context(), &ctx))
}

/// `POST /street/upload`: hands in a 街道's evidence; the form names the
/// 街道 as `district` and `street`.
pub async fn hand_in(
    State(state): State<AppState>,
    user: User,
    posted: Posted,
) -> Result<Redirect, WebError> {
    let limits = state.0.settings.limits;
    let allowed = street_role(&user);
    let up = upload::receive(&state, &user, allowed, posted, &upload::STREET, limits).await?;
    let district = up.text("district").unwrap_or_default().to_string();
    let street = up.text("street").unwrap_or_default().to_string();
    let source = match up.file("zip") {
        Some(z) => z.to_path_buf(),
        None => up
            .folder()
            .ok_or_else(|| WebError::bad("没有收到文件：请选择街道的材料文件夹或 ZIP 压缩包"))?,
    };
    let rename = up.renamer();
    act::run(&state, &user, move |ctx| {
        actions::hand_in(ctx, &district, &street, &source, ZipLimits::default())?;
        drop(up);
        Ok(())
    })
    .await
    .map_err(|e| rename.apply(e))?;
    Ok(Redirect::to("/street"))
}
