//! The on-site page's offline outbox on the web: the service worker that
//! keeps the page usable without a network (`GET /c/{id}/field-sw.js`,
//! scope `/c/{id}/`), a photo's state by hash and its resumable chunks
//! (`GET /c/{id}/field/blob/{sha}`, `POST /c/{id}/field/chunk/{sha}`), and one outbox record taken in
//! (`POST /c/{id}/field/sync`, JSON). The requests of the page's script
//! carry the session token in the `X-CSRF-Token` header; the answers are
//! JSON, errors included (409 for a record id sent before with other
//! content). The actions ([`crate::actions::field_sync`]) decide.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::AppState;
use super::act::{self, OnCommunity};
use super::error::WebError;
use super::field_page::{PhotoLine, photo_line};
use super::session::User;
use crate::actions::field_sync as actions;
use crate::field::chunks::Chunk;
use crate::field::outbox::{Outcome, Sent};
use crate::scope::Access;

/// The header the page's script sends the session token in.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The service worker's source (hand-written; see the file's comment).
const WORKER: &str = include_str!("../../templates/web/field-sw.js");

/// The line of [`WORKER`] naming its version (its cache's name).
const VERSION_LINE: &str = "var VERSION = \"kaoping-field-v1\";";

/// The worker as served: its version names the page's scripts (a new
/// kaoping whose page changed is a new worker to the phone) and the
/// configured `[field] page_edition`.
fn worker_source(edition: u32) -> String {
    // The scripts are built in: their hash is computed once.
    static TAG: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        use sha2::{Digest as _, Sha256};
        let mut h = Sha256::new();
        h.update(WORKER);
        h.update(super::assets::FIELD_JS);
        hex::encode(&h.finalize()[..6])
    });
    WORKER.replacen(
        VERSION_LINE,
        &format!("var VERSION = \"kaoping-field-{}-{edition}\";", *TAG),
        1,
    )
}

/// Refuses an account that may not assess community `id` on site.
async fn assessor(state: &AppState, user: &User, id: &str) -> Result<(), WebError> {
    let c = user.require_community(state, id, Access::Read).await?;
    crate::field::check_assessor(&user.account, &c).map_err(|_| WebError::forbidden())?;
    Ok(())
}

/// [`assessor`], for a request that changes something: its CSRF header
/// checked too.
async fn assessor_posting(
    state: &AppState,
    user: &User,
    id: &str,
    headers: &HeaderMap,
) -> Result<(), WebError> {
    assessor(state, user, id).await?;
    csrf(user, headers)
}

fn csrf(user: &User, headers: &HeaderMap) -> Result<(), WebError> {
    let sent = headers
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    user.check_csrf(sent)
}

fn json_or_error<T: Serialize>(done: Result<T, WebError>) -> Response {
    match done {
        Ok(body) => axum::Json(body).into_response(),
        Err(e) => e.json(),
    }
}

/// `GET /c/{id}/field-sw.js`: the service worker, for the community's
/// assessors. Checked for updates on every visit (`no-cache`).
pub async fn worker(
    State(state): State<AppState>,
    Path(id): Path<String>,
    user: User,
) -> Result<Response, WebError> {
    assessor(&state, &user, &id).await?;
    let mut res = worker_source(state.0.config.field.page_edition).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/javascript; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Ok(res)
}

/// `GET /c/{id}/field/blob/{sha}`: whether the server has photo `sha`
/// whole, and how many of its bytes it holds (also in `Upload-Offset`).
pub async fn blob_state(
    State(state): State<AppState>,
    Path((id, sha)): Path<(String, String)>,
    user: User,
) -> Response {
    let done = async {
        assessor(&state, &user, &id).await?;
        act::run(&state, &user, move |ctx| {
            Ok(actions::photo_state(ctx, &id, None, &sha)?)
        })
        .await
    }
    .await;
    let offset = done.as_ref().map(|s| s.offset).ok();
    let mut res = json_or_error(done);
    if let Some(o) = offset.and_then(|o| HeaderValue::from_str(&o.to_string()).ok()) {
        res.headers_mut().insert("upload-offset", o);
    }
    res
}

/// Where a chunk goes.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ChunkQuery {
    offset: Option<u64>,
    total: Option<u64>,
}

/// `POST /c/{id}/field/chunk/{sha}?offset=N&total=T`: one chunk of photo
/// `sha` (the body, at most [`crate::field::chunks::MAX_CHUNK`] bytes).
/// The answer says where the next chunk starts.
pub async fn blob_chunk(
    State(state): State<AppState>,
    Path((id, sha)): Path<(String, String)>,
    user: User,
    Query(q): Query<ChunkQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let done = async {
        assessor_posting(&state, &user, &id, &headers).await?;
        let (Some(offset), Some(total)) = (q.offset, q.total) else {
            return Err(WebError::bad("缺少分块的位置（offset）或照片大小（total）"));
        };
        let config = state.0.config.clone();
        act::run(&state, &user, move |ctx| {
            let chunk = Chunk {
                sha256: &sha,
                total,
                offset,
                bytes: &body,
            };
            Ok(actions::photo_chunk(ctx, &config, &id, None, chunk)?)
        })
        .await
    }
    .await;
    json_or_error(done)
}

/// The answer to one record taken in.
#[derive(Serialize)]
struct SyncAnswer {
    ok: bool,
    outcome: Outcome,
    /// The record's id, echoed.
    id: String,
    /// A photo's line, as the page lists it.
    #[serde(skip_serializing_if = "Option::is_none")]
    photo: Option<PhotoLine>,
}

/// `POST /c/{id}/field/sync`: one record of the outbox (JSON, see
/// [`Sent`]). Answered only once the record is in the log (synced to
/// disk): the phone may then remove it.
pub async fn sync(
    OnCommunity { state, id, user }: OnCommunity,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let done = async {
        assessor_posting(&state, &user, &id, &headers).await?;
        let sent: Sent = serde_json::from_slice(&body)
            .map_err(|e| WebError::bad(format!("待上传记录的格式不对（{e}）")))?;
        let config = state.0.config.clone();
        let time = state.0.config.time.clone();
        let record_id = sent.id.clone();
        let (_, accepted) = act::run(&state, &user, move |ctx| {
            Ok(actions::sync_record(ctx, &config, &id, None, &sent)?)
        })
        .await?;
        Ok(SyncAnswer {
            ok: true,
            outcome: accepted.outcome,
            id: record_id,
            photo: accepted.photo.as_ref().map(|p| photo_line(p, &time)),
        })
    }
    .await;
    json_or_error(done)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_served_worker_names_its_edition() {
        assert!(super::WORKER.contains(super::VERSION_LINE));
        let (one, two) = (super::worker_source(1), super::worker_source(2));
        assert!(!one.contains(super::VERSION_LINE));
        assert!(one.contains("-1\";") && two.contains("-2\";"));
    }
}
