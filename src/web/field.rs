//! 实地考评 and 网络（媒体）调查 on the web: a community's points and
//! on-site evidence (`/c/{id}/field`), the phone page of one point
//! (`?point=P1`: verdicts, remarks, photos straight from the camera, each
//! stored as it is uploaded, the draft kept in the browser), the
//! assessor's submission of the level sheet, scanned forms, media
//! captures and grid-platform exports, and the printable field form. The
//! library ([`crate::field`]) decides; handlers check role and scope first.

use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};

use super::download::Download;
use super::error::{Status, WebError};
use super::session::User;
use super::upload::{self, Form, Limits, Upload};
use super::url::percent;
use super::{AppState, blocking, pages};
use crate::accounts::Role;
use crate::catalog::Catalog;
use crate::field::{self, FieldError, grid, media, photo, point, visit};
use crate::scope::Access;

impl Status for FieldError {
    fn status(&self) -> StatusCode {
        match self {
            FieldError::Archive(e) => e.status(),
            FieldError::Assessment(e) => e.status(),
            FieldError::NotAssessor { .. } => StatusCode::FORBIDDEN,
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

impl From<crate::field::form::FormError> for WebError {
    fn from(e: crate::field::form::FormError) -> WebError {
        use crate::field::form::FormError as E;
        let status = match &e {
            E::Field(f) => f.status(),
            E::Render(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
        WebError::from_chain(status, &e)
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
    let c = user.require_community(state, id, Access::Read).await?;
    field::check_assessor(&user.account, &c).map_err(|_| WebError::forbidden())?;
    Ok(c)
}

/// The page's query.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PageQuery {
    point: Option<String>,
}

#[derive(Serialize)]
struct StdLine {
    key: String,
    label: String,
    text: String,
    photos: Vec<PhotoLine>,
}

#[derive(Serialize)]
struct PhotoLine {
    sha: String,
    short: String,
    name: String,
    taken: String,
    received: String,
    flags: Vec<String>,
    assessor: String,
    point: String,
    standard: String,
}

fn photo_line(p: &photo::PhotoRecord, time: &crate::config::TimeSettings) -> PhotoLine {
    PhotoLine {
        sha: p.file.object.sha256.clone(),
        short: p.file.short().to_string(),
        name: p.file.name.clone(),
        taken: p
            .exif
            .taken
            .as_deref()
            .map_or("无".into(), |t| time.show(t)),
        received: time.show(&p.received),
        flags: p.flags.iter().map(|f| f.detail.clone()).collect(),
        assessor: p.assessor.clone(),
        point: p.point.clone(),
        standard: p.key.to_string(),
    }
}

/// `GET /c/{id}/field`: the points and on-site evidence; with `?point=`
/// the capture page of that point for an assessor.
pub async fn page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
    user: User,
) -> Result<Html<String>, WebError> {
    let c = user.require_community(&state, &id, Access::Read).await?;
    let may_assess = field::check_assessor(&user.account, &c).is_ok();
    let may_points =
        user.account.role == Role::Office || (user.account.role == Role::District && may_assess);
    let office = user.account.role == Role::Office;
    let archive = user.archive(&state);
    let time = state.0.config.time.clone();
    let max_mb = state.0.config.field.max_photo_mb;
    let me = user.account.name.clone();
    let ctx = blocking(move || {
        let catalog = Catalog::builtin();
        let points = point::list(&archive, &id)?;
        let photos = photo::list(&archive, &id)?;
        let visits = visit::list(&archive, &id)?;
        let chosen = match q.point.as_deref().filter(|p| !p.is_empty()) {
            Some(p) => Some(point::get(&archive, &id, p)?),
            None => None,
        };
        let standards: Vec<StdLine> = chosen.as_ref().map_or_else(Vec::new, |p| {
            p.checked(catalog)
                .into_iter()
                .map(|k| StdLine {
                    key: format!("{}/{}", k.indicator, k.standard),
                    label: k.to_string(),
                    text: k.text(catalog).to_string(),
                    photos: photos
                        .iter()
                        .filter(|ph| ph.point == p.id && ph.key == k && ph.assessor == me)
                        .map(|ph| photo_line(ph, &time))
                        .collect(),
                })
                .collect()
        });
        let visit_lines: Vec<serde_json::Value> = visits
            .iter()
            .flat_map(|v| v.rows.iter().map(move |r| (v, r)))
            .map(|(v, r)| serde_json::json!({
                "point": v.point, "assessor": v.assessor, "level": v.level.name(), "date": v.date.to_string(),
                "standard": r.key.to_string(), "verdict": r.verdict.name(), "remark": r.remark, "photos": r.photos.len(),
            }))
            .collect();
        let media: Vec<serde_json::Value> = media::list(&archive, &id)?
            .iter()
            .map(|m| serde_json::json!({
                "standard": m.key.to_string(), "title": m.title, "url": m.url, "platform": m.platform.name(),
                "checked": m.checked.to_string(), "finding": m.finding, "short": m.file.short(), "format": m.format,
            }))
            .collect();
        let grids: Vec<serde_json::Value> = grid::list(&archive, &id)?
            .iter()
            .map(|g| serde_json::json!({
                "name": g.file.name, "short": g.file.short(), "total": g.summary.total, "resolved": g.summary.resolved,
                "percent": format!("{:.1}", g.summary.resolved_percent()),
                "standards": g.standards.iter().map(|k| k.to_string()).collect::<Vec<_>>().join("、"),
                "by_category": g.summary.by_category.iter().map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join("、"),
            }))
            .collect();
        let manifest = match archive.submission(&id, None) {
            Ok(sub) => Some(archive.manifest(&sub)?),
            Err(crate::archive::ArchiveError::NoSubmission { .. }) => None,
            Err(e) => return Err(e.into()),
        };
        let evidence = crate::field::evidence::Evidence::load(&archive, &id)?;
        let coverage: Vec<serde_json::Value> =
            crate::field::evidence::coverage(catalog, &evidence, manifest.as_ref())
                .iter()
                .filter(|l| l.method != crate::catalog::Method::Questionnaire)
                .map(|l| {
                    serde_json::json!({
                        "standard": l.key.to_string(), "method": l.method.name(), "covered": l.covered(),
                        "files": l.files, "records": l.records, "photos": l.photos, "grid": l.grid, "media": l.media,
                    })
                })
                .collect();
        let scans: Vec<serde_json::Value> = evidence
            .scans
            .iter()
            .map(|s| serde_json::json!({"point": s.point, "assessor": s.assessor, "name": s.file.name, "short": s.file.short()}))
            .collect();
        Ok(serde_json::json!({
            "scans": scans,
            "coverage": coverage,
            "c": {"id": c.id, "name": c.name, "district": c.district},
            "points": points.iter().map(|p| serde_json::json!({
                "id": p.id, "name": p.name, "kind": p.kind.name(), "address": p.address,
                "coords": p.coordinates().map(|(a, b)| format!("{a}, {b}")),
                "checked": p.checked(catalog).len(),
            })).collect::<Vec<_>>(),
            "point": chosen.as_ref().map(|p| serde_json::json!({"id": p.id, "name": p.name, "kind": p.kind.name(), "address": p.address})),
            "standards": standards,
            "photos": photos.iter().map(|p| photo_line(p, &time)).collect::<Vec<_>>(),
            "visits": visit_lines,
            "media": media,
            "grids": grids,
            "may_assess": may_assess,
            "may_points": may_points,
            "may_media": may_assess || office,
            "office": office,
            "kinds": point::PointKind::ALL.map(point::PointKind::name),
            "platforms": media::Platform::ALL.map(media::Platform::name),
            "max_mb": max_mb,
            "today": crate::dates::today().to_string(),
            "zone": time.label(),
        }))
    })
    .await?;
    Ok(pages::page("field.html", &user.context(), &ctx))
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
    State(state): State<AppState>,
    Path(id): Path<String>,
    user: User,
    axum::Form(f): axum::Form<PointForm>,
) -> Result<Redirect, WebError> {
    let c = user.require_community(&state, &id, Access::Read).await?;
    if !matches!(user.account.role, Role::Office | Role::District) {
        return Err(WebError::forbidden());
    }
    user.check_csrf(&f.csrf)?;
    let archive = user.archive(&state);
    let new = point::NewPoint {
        id: f.id,
        name: f.name,
        kind: f.kind,
        address: f.address,
        lat: f.lat,
        lon: f.lon,
        standards: f.standards,
    };
    blocking(move || {
        let lock = archive.lock(true, |_| {})?;
        point::add(&archive, &lock, Catalog::builtin(), &c, &new)?;
        Ok(())
    })
    .await?;
    Ok(Redirect::to(&back(&id, None)))
}

fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get(axum::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("application/json"))
}

async fn receive(
    state: &AppState,
    user: &User,
    allowed: Result<(), WebError>,
    headers: &HeaderMap,
    mp: Multipart,
    form: &Form,
    max_bytes: u64,
) -> Result<Upload, WebError> {
    let limits = Limits {
        max_bytes,
        max_files: 1,
        ..state.0.settings.limits
    };
    upload::receive(state, user, allowed, headers, mp, form, limits).await
}

/// `POST /c/{id}/field/photo/upload`: one photo of a standard at a point,
/// stored at once. Answers JSON to the page's script (`Accept:
/// application/json`), else goes back to the page.
pub async fn upload_photo(
    State(state): State<AppState>,
    Path(id): Path<String>,
    user: User,
    headers: HeaderMap,
    mp: Multipart,
) -> Response {
    let json = wants_json(&headers);
    match photo_inner(state, id, user, headers, mp).await {
        Ok((body, _)) if json => axum::Json(body).into_response(),
        Ok((_, to)) => Redirect::to(&to).into_response(),
        Err(e) if json => e.json(),
        Err(e) => e.into_response(),
    }
}

async fn photo_inner(
    state: AppState,
    id: String,
    user: User,
    headers: HeaderMap,
    mp: Multipart,
) -> Result<(serde_json::Value, String), WebError> {
    let allowed = assessor(&state, &user, &id).await.map(drop);
    let cap = state.0.config.field.max_photo_bytes() + (64 << 10);
    let up = receive(&state, &user, allowed, &headers, mp, &PHOTO, cap).await?;
    let rename = up.renamer();
    let path = up
        .file("photo")
        .ok_or_else(|| WebError::bad("请先拍照或选择照片"))?
        .to_path_buf();
    let name = up.file_name("photo").unwrap_or("").to_string();
    let point_id = up.text("point").unwrap_or("").to_string();
    let standard = up.text("standard").unwrap_or("").to_string();
    let archive = user.archive(&state);
    let settings = state.0.config.field.clone();
    let zone = crate::field::zone(&state.0.config.time);
    let account = user.account.clone();
    let time = state.0.config.time.clone();
    let to = back(&id, Some(&point_id));
    let stored = blocking(move || {
        let _keep = &up;
        let lock = archive.lock(true, |_| {})?;
        let reg = archive.communities()?;
        let c = reg.get(&id)?;
        let incoming = photo::Incoming {
            point: &point_id,
            standard: &standard,
            path: &path,
            name: &name,
        };
        Ok(photo::store(
            &archive,
            &lock,
            Catalog::builtin(),
            (&settings, zone),
            c,
            &account,
            &incoming,
        )?)
    })
    .await
    .map_err(|e| rename.apply(e))?;
    let line = photo_line(&stored.record, &time);
    Ok((
        serde_json::json!({"ok": true, "duplicate": stored.duplicate, "sha256": stored.record.file.object.sha256, "photo": line}),
        to,
    ))
}

/// `POST /c/{id}/field/finish`: the point's verdicts and remarks (fields
/// `v:Ⅱ-6/1`, `r:Ⅱ-6/1`), recorded as the assessor's visit.
pub async fn finish(
    State(state): State<AppState>,
    Path(id): Path<String>,
    user: User,
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
    let archive = user.archive(&state);
    let account = user.account.clone();
    let to = format!("{}&done=1", back(&id, Some(&point_id)));
    let settings = state.0.config.field.clone();
    let zone = crate::field::zone(&state.0.config.time);
    blocking(move || {
        let lock = archive.lock(true, |_| {})?;
        visit::record(
            &archive,
            &lock,
            Catalog::builtin(),
            (&settings, zone),
            &c,
            &account,
            (&point_id, &findings, date),
        )?;
        Ok(())
    })
    .await?;
    Ok(Redirect::to(&to))
}

/// `POST /c/{id}/field/scan/upload`: a scanned, filled paper form of a point.
pub async fn upload_scan(
    State(state): State<AppState>,
    Path(id): Path<String>,
    user: User,
    headers: HeaderMap,
    mp: Multipart,
) -> Result<Redirect, WebError> {
    let allowed = assessor(&state, &user, &id).await.map(drop);
    let up = receive(&state, &user, allowed, &headers, mp, &SCAN, 50 << 20).await?;
    let rename = up.renamer();
    let path = up
        .file("scan")
        .ok_or_else(|| WebError::bad("请先选择扫描件"))?
        .to_path_buf();
    let name = up.file_name("scan").unwrap_or("").to_string();
    let point_id = up.text("point").unwrap_or("").to_string();
    let archive = user.archive(&state);
    let account = user.account.clone();
    let to = back(&id, None);
    blocking(move || {
        let _keep = &up;
        let lock = archive.lock(true, |_| {})?;
        let reg = archive.communities()?;
        visit::attach_scan(
            &archive,
            &lock,
            reg.get(&id)?,
            &account,
            &point_id,
            &path,
            &name,
        )?;
        Ok(())
    })
    .await
    .map_err(|e| rename.apply(e))?;
    Ok(Redirect::to(&to))
}

/// `POST /c/{id}/field/submit/upload`: the assessor's visits as the sheet
/// of its level, with an optional sheet of the other methods.
pub async fn submit(
    State(state): State<AppState>,
    Path(id): Path<String>,
    user: User,
    headers: HeaderMap,
    mp: Multipart,
) -> Result<Redirect, WebError> {
    let allowed = assessor(&state, &user, &id).await.map(drop);
    let up = receive(&state, &user, allowed, &headers, mp, &BASE_SHEET, 20 << 20).await?;
    let rename = up.renamer();
    let archive = user.archive(&state);
    let account = user.account.clone();
    let to = format!("/c/{}#levels", percent(&id));
    blocking(move || {
        let lock = archive.lock(true, |_| {})?;
        let reg = archive.communities()?;
        let base = up.file("sheet");
        visit::submit(
            &archive,
            &lock,
            Catalog::builtin(),
            reg.get(&id)?,
            &account,
            base,
        )
        .map_err(|mut e| {
            e.map_paths(&|p| up.shown(p));
            WebError::from(e)
        })?;
        Ok(())
    })
    .await
    .map_err(|e| rename.apply(e))?;
    Ok(Redirect::to(&to))
}

/// `POST /c/{id}/media/upload`: a 网络（媒体）调查 record with its capture
/// (district, assigned expert or office). The URL is never fetched.
pub async fn upload_media(
    State(state): State<AppState>,
    Path(id): Path<String>,
    user: User,
    headers: HeaderMap,
    mp: Multipart,
) -> Result<Redirect, WebError> {
    let allowed = match user.account.role {
        Role::Office => user
            .require_community(&state, &id, Access::Read)
            .await
            .map(drop),
        _ => assessor(&state, &user, &id).await.map(drop),
    };
    let up = receive(&state, &user, allowed, &headers, mp, &MEDIA, 100 << 20).await?;
    let rename = up.renamer();
    let path = up
        .file("capture")
        .ok_or_else(|| WebError::bad("请选择网页存档文件（PDF、PNG、MHTML 或 WARC）"))?
        .to_path_buf();
    let name = up.file_name("capture").unwrap_or("").to_string();
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
    let archive = user.archive(&state);
    let account = user.account.clone();
    let to = back(&id, None);
    blocking(move || {
        let _keep = &up;
        let lock = archive.lock(true, |_| {})?;
        let reg = archive.communities()?;
        media::add(
            &archive,
            &lock,
            Catalog::builtin(),
            reg.get(&id)?,
            &account,
            &new,
            field::Upload {
                path: &path,
                name: &name,
            },
        )?;
        Ok(())
    })
    .await
    .map_err(|e| rename.apply(e))?;
    Ok(Redirect::to(&to))
}

/// `POST /c/{id}/grid/upload`: the office imports a 网格管理平台 export
/// under the 实地考评 standards it chooses.
pub async fn upload_grid(
    State(state): State<AppState>,
    Path(id): Path<String>,
    user: User,
    headers: HeaderMap,
    mp: Multipart,
) -> Result<Redirect, WebError> {
    let allowed = user.require_office();
    let up = receive(&state, &user, allowed, &headers, mp, &GRID, 50 << 20).await?;
    let rename = up.renamer();
    let path = up
        .file("table")
        .ok_or_else(|| WebError::bad("请选择网格管理平台导出的表格"))?
        .to_path_buf();
    let name = up.file_name("table").unwrap_or("").to_string();
    let standards = up.text("standards").unwrap_or("").to_string();
    let archive = user.archive(&state);
    let to = back(&id, None);
    blocking(move || {
        let lock = archive.lock(true, |_| {})?;
        let reg = archive.communities()?;
        grid::import(
            &archive,
            &lock,
            Catalog::builtin(),
            reg.get(&id)?,
            &path,
            &name,
            &standards,
        )
        .map_err(|mut e| {
            e.map_paths(&|p| up.shown(p));
            WebError::from(e)
        })?;
        Ok(())
    })
    .await
    .map_err(|e| rename.apply(e))?;
    Ok(Redirect::to(&to))
}

/// `GET /c/{id}/field-form.pdf?point=`: the printable field form.
pub async fn form_pdf(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
    user: User,
) -> Result<Download, WebError> {
    let c = user.require_community(&state, &id, Access::Read).await?;
    let st = state.clone();
    let pdf = blocking(move || {
        let archive = crate::archive::Archive::new(st.root());
        Ok(crate::field::form::pdf(
            &archive,
            &st.0.engine,
            &st.0.config,
            &c,
            q.point.as_deref().filter(|p| !p.is_empty()),
        )?)
    })
    .await?;
    Ok(Download::bytes(
        format!("实地考评表-{id}.pdf"),
        "application/pdf",
        pdf.bytes,
    ))
}
