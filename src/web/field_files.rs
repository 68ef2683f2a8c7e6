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
use super::{AppState, act, blocking};
use crate::accounts::Role;
use crate::archive::store::Digest;
use crate::field::{self, photo, picture};
use crate::scope::Access;

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
    user.require_community(&state, &id, Access::Read).await?;
    let thumb = q.thumb.is_some_and(|t| t == "1");
    let archive = user.archive(&state);
    blocking(move || {
        let missing = || WebError::missing(format!("社区 {id} 没有哈希为 {sha} 的现场照片"));
        let rec = photo::list(&archive, &id)?
            .into_iter()
            .find(|p| p.file.object.sha256 == sha)
            .ok_or_else(missing)?;
        let digest = Digest::from_hex(&rec.file.object.sha256).ok_or_else(missing)?;
        let damaged = || {
            WebError::missing(format!(
                "照片 {} 在档案库中缺失或已损坏，请运行 kaoping verify",
                rec.file.short()
            ))
        };
        let original = || {
            let mut bytes = Vec::new();
            archive.store().copy_verified(&digest, &mut bytes).ok()?;
            Some(bytes)
        };
        if !thumb {
            let bytes = original().ok_or_else(damaged)?;
            return Ok(Download::bytes(
                rec.file.name.clone(),
                rec.format.mime(),
                bytes,
            ));
        }
        let jpeg = picture::stored_thumbnail(&archive, &rec.file.object.sha256, original)
            .ok_or_else(|| {
                WebError::missing(format!(
                    "照片 {} 不能生成缩略图（格式不支持、照片过大或已损坏），请下载原件查看",
                    rec.file.short()
                ))
            })?;
        Ok(Download::bytes(
            format!("缩略图-{}.jpg", rec.file.short()),
            "image/jpeg",
            jpeg,
        ))
    })
    .await
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
    let allowed = match user.require_community(&state, &id, Access::Read).await {
        Ok(c) => match user.account.role {
            Role::Office => Ok(()),
            Role::District if field::check_assessor(&user.account, &c).is_ok() => Ok(()),
            _ => Err(WebError::forbidden()),
        },
        Err(e) => Err(e),
    };
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
