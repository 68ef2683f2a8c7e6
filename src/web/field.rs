//! 实地考评 and 网络（媒体）调查 on the web: a community's points and
//! on-site evidence (`/c/{id}/field`), the phone page of one point
//! (`?point=P1`: verdicts, remarks, photos straight from the camera, each
//! stored as it is uploaded, the draft kept in the browser), the
//! assessor's submission of the level sheet, scanned forms, media
//! captures and grid-platform exports, and the printable field form. The
//! library ([`crate::field`]) decides; handlers check role and scope first.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};

use super::act::OnCommunity;
use super::download::Download;
use super::error::{Status, WebError};
use super::field_page::{PhotoLine, photo_line};
use super::session::User;
use super::upload::{Form, Posted, Upload};
use super::url::percent;
use super::{AppState, act};
use crate::actions::{ActionError, field as actions};
use crate::field::{self, FieldError, media, photo, point, visit};
use crate::scope::Access;

impl Status for FieldError {
    fn status(&self) -> StatusCode {
        match self {
            FieldError::Archive(e) => e.status(),
            FieldError::Assessment(e) => e.status(),
            FieldError::NotAssessor { .. } => StatusCode::FORBIDDEN,
            FieldError::Conflict { .. } => StatusCode::CONFLICT,
            FieldError::Read { .. } => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }
}

impl From<FieldError> for WebError {
    fn from(e: FieldError) -> WebError {
        WebError::from_chain(e.status(), &e)
    }
}

const PHOTO: Form = Form {
    files: &["photo"],
    texts: &["point", "standard"],
};
const SCAN: Form = Form {
    files: &["scan"],
    texts: &["point"],
};
const BASE_SHEET: Form = Form {
    files: &["sheet"],
    texts: &[],
};
const MEDIA: Form = Form {
    files: &["capture"],
    texts: &[
        "standard",
        "url",
        "title",
        "platform",
        "published",
        "checked",
        "finding",
    ],
};
const GRID: Form = Form {
    files: &["table"],
    texts: &["standards"],
};

fn back(id: &str, point: Option<&str>) -> String {
    match point {
        Some(p) => format!("/c/{}/field?point={}", percent(id), percent(p)),
        None => format!("/c/{}/field", percent(id)),
    }
}

/// The community, if the account may assess it on site (a district its
/// district's, an expert an assigned one).
async fn assessor(
    state: &AppState,
    user: &User,
    id: &str,
) -> Result<crate::community::Community, WebError> {
    with_right(state, user, id, |r| r.assess).await
}

/// Community `id`, if the signed-in account has the right `which` of its
/// 实地考评 page ([`actions::rights`]; the action checks it again).
pub(super) async fn with_right(
    state: &AppState,
    user: &User,
    id: &str,
    which: fn(&actions::Rights) -> bool,
) -> Result<crate::community::Community, WebError> {
    let c = user.require_community(state, id, Access::Read).await?;
    match which(&actions::rights(&user.account, &c)) {
        true => Ok(c),
        false => Err(WebError::forbidden()),
    }
}

/// The add-point form. Every field may be missing, so that the role is
/// checked before anything else is said.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PointForm {
    csrf: String,
    id: String,
    name: String,
    kind: String,
    address: String,
    lat: String,
    lon: String,
    standards: String,
}

/// `POST /c/{id}/points`: the district (its own communities) or the
/// office adds a point.
pub async fn add_point(
    OnCommunity { state, id, user }: OnCommunity,
    axum::Form(f): axum::Form<PointForm>,
) -> Result<Redirect, WebError> {
    with_right(&state, &user, &id, |r| r.points).await?;
    user.check_csrf(&f.csrf)?;
    let new = point::NewPoint {
        id: f.id,
        name: f.name,
        kind: f.kind,
        address: f.address,
        lat: f.lat,
        lon: f.lon,
        standards: f.standards,
    };
    let to = back(&id, None);
    act::run(&state, &user, move |ctx| {
        actions::add_point(ctx, &id, &new)?;
        Ok(())
    })
    .await?;
    Ok(Redirect::to(&to))
}

/// An action's error with the staged files' paths shown as the user's
/// own file names.
pub(super) fn shown(e: ActionError, up: &Upload) -> WebError {
    match e {
        ActionError::Field(mut f) => {
            f.map_paths(&|p| up.shown(p));
            WebError::from(f)
        }
        other => other.into(),
    }
}

fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get(axum::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("application/json"))
}

/// The staged file of form field `name` as the library takes it, or a
/// bad request saying `missing`.
fn staged<'a>(up: &'a Upload, name: &str, missing: &str) -> Result<field::Upload<'a>, WebError> {
    let path = up.file(name).ok_or_else(|| WebError::bad(missing))?;
    Ok(field::Upload {
        path,
        name: up.file_name(name).unwrap_or(""),
    })
}

/// `POST /c/{id}/field/photo/upload`: one photo of a standard at a point,
/// stored at once. Answers JSON to the page's script (`Accept:
/// application/json`), else goes back to the page.
pub async fn upload_photo(
    OnCommunity { state, id, user }: OnCommunity,
    posted: Posted,
) -> Response {
    let json = wants_json(&posted.headers);
    match photo_inner(state, id, user, posted).await {
        Ok((body, _)) if json => axum::Json(body).into_response(),
        Ok((_, to)) => Redirect::to(&to).into_response(),
        Err(e) if json => e.json(),
        Err(e) => e.into_response(),
    }
}

/// The answer to the page's script after a photo is stored.
#[derive(Serialize)]
struct PhotoAnswer {
    ok: bool,
    duplicate: bool,
    sha256: String,
    photo: PhotoLine,
}

async fn photo_inner(
    state: AppState,
    id: String,
    user: User,
    posted: Posted,
) -> Result<(PhotoAnswer, String), WebError> {
    let allowed = assessor(&state, &user, &id).await.map(drop);
    let cap = state.0.config.field.max_photo_bytes() + (64 << 10);
    let up = act::receive_one(&state, &user, allowed, posted, &PHOTO, cap).await?;
    let rename = up.renamer();
    let path = up
        .file("photo")
        .ok_or_else(|| WebError::bad("请先拍照或选择照片"))?
        .to_path_buf();
    let name = up.file_name("photo").unwrap_or("").to_string();
    let point_id = up.text("point").unwrap_or("").to_string();
    let standard = up.text("standard").unwrap_or("").to_string();
    let config = state.0.config.clone();
    let time = state.0.config.time.clone();
    let to = back(&id, Some(&point_id));
    let stored = act::run(&state, &user, move |ctx| {
        let incoming = photo::Incoming {
            point: &point_id,
            standard: &standard,
            path: &path,
            name: &name,
            client: None,
        };
        let (_, stored) =
            actions::store_photo(ctx, &config, &id, None, &incoming).map_err(|e| shown(e, &up))?;
        Ok(stored)
    })
    .await
    .map_err(|e| rename.apply(e))?;
    let line = photo_line(&stored.record, &time);
    let answer = PhotoAnswer {
        ok: true,
        duplicate: stored.duplicate,
        sha256: stored.record.file.object.sha256.clone(),
        photo: line,
    };
    Ok((answer, to))
}

/// `POST /c/{id}/field/finish`: the point's verdicts and remarks (fields
/// `v:Ⅱ-6/1`, `r:Ⅱ-6/1`), recorded as the assessor's visit.
pub async fn finish(
    OnCommunity { state, id, user }: OnCommunity,
    axum::Form(f): axum::Form<Vec<(String, String)>>,
) -> Result<Redirect, WebError> {
    let c = assessor(&state, &user, &id).await?;
    let get = |k: &str| {
        f.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    user.check_csrf(&get("csrf"))?;
    let point_id = get("point");
    let date = match get("date").trim() {
        "" => crate::dates::today(),
        d => crate::dates::parse(d).ok_or_else(|| {
            WebError::bad(format!(
                "考评日期“{d}”无效，请写成 {} 这样的日期",
                crate::dates::FORMS
            ))
        })?,
    };
    let findings: Vec<visit::Finding> = f
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("v:")?, v)))
        .map(|(std, v)| visit::Finding {
            standard: std.to_string(),
            verdict: v.clone(),
            remark: get(&format!("r:{std}")),
        })
        .collect();
    let to = format!("{}&done=1", back(&id, Some(&point_id)));
    let config = state.0.config.clone();
    let community = c.id.clone();
    act::run(&state, &user, move |ctx| {
        actions::record_visit(ctx, &config, &community, None, (&point_id, &findings, date))?;
        Ok(())
    })
    .await?;
    Ok(Redirect::to(&to))
}

/// `POST /c/{id}/field/scan/upload`: a scanned, filled paper form of a point.
pub async fn upload_scan(
    OnCommunity { state, id, user }: OnCommunity,
    posted: Posted,
) -> Result<Redirect, WebError> {
    let allowed = assessor(&state, &user, &id).await.map(drop);
    let up = act::receive_one(&state, &user, allowed, posted, &SCAN, 50 << 20).await?;
    let point_id = up.text("point").unwrap_or("").to_string();
    act::upload(&state, &user, up, back(&id, None), move |ctx, up| {
        let scan = staged(up, "scan", "请先选择扫描件")?;
        actions::attach_scan(ctx, &id, None, &point_id, scan).map_err(|e| shown(e, up))?;
        Ok(())
    })
    .await
}

/// `POST /c/{id}/field/submit/upload`: the assessor's visits as the sheet
/// of its level, with an optional sheet of the other methods.
pub async fn submit(
    OnCommunity { state, id, user }: OnCommunity,
    posted: Posted,
) -> Result<Redirect, WebError> {
    let allowed = assessor(&state, &user, &id).await.map(drop);
    let up = act::receive_one(&state, &user, allowed, posted, &BASE_SHEET, 20 << 20).await?;
    let to = format!("/c/{}#levels", percent(&id));
    act::upload(&state, &user, up, to, move |ctx, up| {
        actions::submit_visits(ctx, &id, None, up.file("sheet")).map_err(|e| shown(e, up))?;
        Ok(())
    })
    .await
}

/// `POST /c/{id}/media/upload`: a 网络（媒体）调查 record with its capture
/// (district, assigned expert or office). The URL is never fetched.
pub async fn upload_media(
    OnCommunity { state, id, user }: OnCommunity,
    posted: Posted,
) -> Result<Redirect, WebError> {
    let allowed = with_right(&state, &user, &id, |r| r.media).await.map(drop);
    let up = act::receive_one(&state, &user, allowed, posted, &MEDIA, 100 << 20).await?;
    let t = |k: &str| up.text(k).unwrap_or("").to_string();
    let new = media::NewMedia {
        standard: t("standard"),
        url: t("url"),
        title: t("title"),
        platform: t("platform"),
        published: t("published"),
        checked: t("checked"),
        finding: t("finding"),
    };
    act::upload(&state, &user, up, back(&id, None), move |ctx, up| {
        let missing = "请选择网页存档文件（PDF、PNG、MHTML 或 WARC）";
        let capture = staged(up, "capture", missing)?;
        actions::add_media(ctx, &id, None, &new, capture).map_err(|e| shown(e, up))?;
        Ok(())
    })
    .await
}

/// `POST /c/{id}/grid/upload`: the office imports a 网格管理平台 export
/// under the 实地考评 standards it chooses.
pub async fn upload_grid(
    OnCommunity { state, id, user }: OnCommunity,
    posted: Posted,
) -> Result<Redirect, WebError> {
    let allowed = user.require_office();
    let up = act::receive_one(&state, &user, allowed, posted, &GRID, 50 << 20).await?;
    let standards = up.text("standards").unwrap_or("").to_string();
    act::upload(&state, &user, up, back(&id, None), move |ctx, up| {
        let table = staged(up, "table", "请选择网格管理平台导出的表格")?;
        actions::import_grid(ctx, &id, table, &standards).map_err(|e| shown(e, up))?;
        Ok(())
    })
    .await
}

/// `GET /c/{id}/field-form.pdf?point=`: the printable field form.
pub async fn form_pdf(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<super::field_page::PageQuery>,
    user: User,
) -> Result<Download, WebError> {
    user.require_community(&state, &id, Access::Read).await?;
    let st = state.clone();
    let point = q.point.filter(|p| !p.is_empty());
    let (c, pdf) = act::run(&state, &user, move |ctx| {
        let (engine, config) = (&st.0.engine, &st.0.config);
        Ok(actions::form(ctx, engine, config, &id, point.as_deref())?)
    })
    .await?;
    Ok(Download::bytes(
        format!("实地考评表-{}.pdf", c.id),
        "application/pdf",
        pdf.bytes,
    ))
}
