//! The field page's files: a community's photos served from the store
//! (`GET /c/{id}/field/photo/{sha}`, the original bytes, or with
//! `?thumb=1` a JPEG thumbnail, made once and kept — the original is
//! never replaced), and the import of a points table from the page
//! (`POST /c/{id}/points/upload`, the reader of `kaoping point import`,
//! all or nothing).

use axum::extract::{Path, Query, State};
use axum::response::Redirect;
use serde::Deserialize;

use super::act::OnCommunity;
use super::download::Download;
use super::error::WebError;
use super::session::User;
use super::upload::{Form, Posted};
use super::url::percent;
use super::{AppState, act};
use crate::actions;

/// The photo's query.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PhotoQuery {
    thumb: Option<String>,
}

/// `GET /c/{id}/field/photo/{sha}`: a photo of THIS community, to those
/// who may read it; another hash is 404.
pub async fn photo(
    State(state): State<AppState>,
    Path((id, sha)): Path<(String, String)>,
    Query(q): Query<PhotoQuery>,
    user: User,
) -> Result<Download, WebError> {
    let thumb = q.thumb.is_some_and(|t| t == "1");
    let file = act::run(&state, &user, move |ctx| {
        Ok(actions::field::photo_file(ctx, &id, &sha, thumb)?)
    })
    .await?;
    Ok(Download::bytes(file.name, file.media, file.bytes))
}

const POINTS: Form = Form {
    files: &["table"],
    texts: &[],
};

/// `POST /c/{id}/points/upload`: the district (its own communities) or the
/// office imports a table of points; any bad row and nothing is stored.
pub async fn import_points(
    OnCommunity { state, id, user }: OnCommunity,
    posted: Posted,
) -> Result<Redirect, WebError> {
    let allowed = super::field::with_right(&state, &user, &id, |r| r.points)
        .await
        .map(drop);
    let up = act::receive_one(&state, &user, allowed, posted, &POINTS, 20 << 20).await?;
    let path = up.required("table", "请选择考评点表格（xlsx/CSV）")?;
    let to = format!("/c/{}/field#points", percent(&id));
    act::upload(&state, &user, up, to, move |ctx, up| {
        crate::actions::field::import_points(ctx, &id, &path)
            .map_err(|e| super::field::shown(e, up))?;
        Ok(())
    })
    .await
}
