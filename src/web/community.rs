//! The community pages: the evidence folder structure with each
//! standard's text, upload (folder or ZIP) with the ingest result, the
//! coverage of the latest submission, the submission history, receipts
//! and BagIt downloads. Who reaches which community is
//! [`crate::scope::allows`]: the community its own, a district its
//! district's, an expert the assigned ones (reading only), the office all.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};

use super::act::{self, OnCommunity};
use super::blocking;
use super::download::{self, Download};
use super::error::WebError;
use super::session::User;
use super::upload::{self, Posted, Upload};
use super::url::percent;
use super::{AppState, pages};
use crate::actions::documents;
use crate::actions::{ActionError, Ctx, evidence, submissions};
use crate::archive::ingest::IngestOptions;
use crate::archive::zipin::ZipLimits;
use crate::archive::{ArchiveError, coverage};
use crate::community::Community;
use crate::meter::Silent;
use crate::scope::Access;

/// One line of a community's submission history.
#[derive(Serialize)]
struct HistoryLine {
    version: u32,
    time: String,
    submitter: Option<String>,
    files: u64,
    bytes: u64,
    source: String,
    root_hash: String,
    receipt: Option<String>,
}

/// What the community page shows.
#[derive(Serialize)]
struct CommunityPage {
    c: Community,
    /// The label of the times shown (北京时间).
    zone: String,
    history: Vec<HistoryLine>,
    structure: Vec<coverage::IndicatorView>,
    street_standards: String,
    latest: Option<u32>,
    missing: usize,
    material: usize,
    max_mb: u64,
    max_files: usize,
    may_submit: bool,
    /// Where the community stands in 评估验收.
    level_state: String,
    /// The level this account submits a sheet at here, if any.
    submit_level: Option<&'static str>,
    /// The level this account may return here, if any (only while it
    /// stands submitted).
    return_level: Option<&'static str>,
    /// The office may take the final result from the 专家组 (an expert
    /// sheet stands).
    may_finalize: bool,
    /// The rows the office may override, once a final result stands.
    override_rows: Vec<crate::assessment::sheet::BlankRow>,
}

/// A submission as its page shows it.
#[derive(Serialize)]
struct SubmissionLine {
    time: String,
    record: crate::archive::SubmissionRecord,
}

/// What a version's page shows.
#[derive(Serialize)]
struct VersionPage {
    c: Community,
    sub: SubmissionLine,
    m: crate::archive::manifest::Manifest,
    structure: Vec<coverage::IndicatorView>,
    missing: Vec<coverage::MissingStandard>,
    receipt: Option<String>,
    may_submit: bool,
}

/// `GET /c/{id}`.
pub async fn page(OnCommunity { state, id, user }: OnCommunity) -> Result<Html<String>, WebError> {
    let view = act::run(&state, &user, move |ctx| Ok(submissions::page(ctx, &id)?)).await?;
    let (limits, time) = (state.0.settings.limits, &state.0.config.time);
    let rights = view.rights;
    let history = view.history.into_iter().map(|h| HistoryLine {
        version: h.submission.record.version,
        time: time.show(&h.submission.time),
        submitter: h.submission.record.submitter,
        files: h.submission.record.file_count,
        bytes: h.submission.record.total_bytes,
        source: h.submission.record.source,
        root_hash: h.submission.record.root_hash,
        receipt: h.receipt,
    });
    let ctx = CommunityPage {
        zone: time.label(),
        level_state: view.level_state,
        submit_level: rights.submit_level.map(|l| l.name()),
        return_level: rights.return_level.map(|l| l.name()),
        may_finalize: rights.finalize,
        override_rows: match rights.overrule {
            true => crate::assessment::sheet::blank_rows(crate::catalog::Catalog::builtin()),
            false => Vec::new(),
        },
        c: view.community,
        history: history.collect(),
        structure: view.structure,
        street_standards: crate::streets::standards_text(),
        latest: view.latest,
        missing: view.missing,
        material: view.material,
        max_mb: limits.max_bytes >> 20,
        max_files: limits.max_files,
        may_submit: rights.submit,
    };
    Ok(pages::page("community.html", &user.context(), &ctx))
}

/// `GET /c/{id}/v/{n}`: one submission: per-indicator counts, what was
/// skipped and why, coverage and the files.
pub async fn version(
    State(state): State<AppState>,
    Path((id, n)): Path<(String, u32)>,
    user: User,
) -> Result<Html<String>, WebError> {
    let view = act::run(&state, &user, move |ctx| {
        Ok(submissions::version(ctx, &id, n)?)
    })
    .await?;
    let ctx = VersionPage {
        c: view.community,
        sub: SubmissionLine {
            time: state.0.config.time.show_labelled(&view.submission.time),
            record: view.submission.record,
        },
        m: view.manifest,
        structure: view.structure,
        missing: view.missing,
        receipt: view.receipt,
        may_submit: view.may_submit,
    };
    Ok(pages::page("version.html", &user.context(), &ctx))
}

/// The upload script's answer to a stored upload.
#[derive(Serialize)]
struct Uploaded {
    ok: bool,
    redirect: String,
}

/// `POST /c/{id}/upload`: a folder (fields `path` + `file`, repeated) or
/// a ZIP (field `zip`). Answers the upload script with JSON, a plain form
/// with a redirect or an error page.
pub async fn upload(OnCommunity { state, id, user }: OnCommunity, posted: Posted) -> Response {
    let scripted = posted
        .headers
        .get("x-requested-with")
        .is_some_and(|v| v == "kaoping");
    match receive_and_ingest(&state, &id, &user, posted).await {
        Ok(url) if scripted => Json(Uploaded {
            ok: true,
            redirect: url,
        })
        .into_response(),
        Ok(url) => Redirect::to(&url).into_response(),
        Err(e) if scripted => e.json(),
        Err(e) => e.into_response(),
    }
}

async fn receive_and_ingest(
    state: &AppState,
    id: &str,
    user: &User,
    posted: Posted,
) -> Result<String, WebError> {
    let limits = state.0.settings.limits;
    let allowed = user
        .require_community(state, id, Access::Submit)
        .await
        .map(drop);
    let up: Upload =
        upload::receive(state, user, allowed, posted, &upload::EVIDENCE, limits).await?;
    let rename = up.renamer();
    let (source, source_name) = match up.file("zip") {
        Some(z) => (z.to_path_buf(), up.file_name("zip").map(str::to_string)),
        None => (
            up.folder().ok_or_else(|| {
                WebError::bad("没有收到文件：请选择要上传的材料文件夹或 ZIP 压缩包")
            })?,
            None,
        ),
    };
    let archive = user.archive(state);
    let st = state.clone();
    let submitter = up
        .text("submitter")
        .unwrap_or(&user.account.name)
        .to_string();
    let allow_identical = up.text("allow_identical").is_some_and(|v| !v.is_empty());
    let id = id.to_string();
    let url_id = percent(&id);
    let account = user.account.clone();
    let (version, up) = blocking(move || {
        let options = IngestOptions {
            community: id.clone(),
            submitter: Some(submitter),
            wait: true,
            limits: web_zip_limits(&limits),
            reserve: limits.reserve_bytes,
            source_name,
            allow_identical,
        };
        let act = Ctx::account(&archive, &account);
        let done = match evidence::hand_in(&act, &source, options, &Silent, Some(st.making())) {
            Ok(done) => done,
            Err(ActionError::Archive(ArchiveError::Identical { community, version })) => {
                return Err(WebError::new(
                    axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                    format!(
                        "这次提交的材料与社区 {community} 的第 {version} 版完全相同（同样的文件、同样的位置），没有保存新版本。如确需再存一版，请勾选“内容与上一版相同也另存一版”后重新上传"
                    ),
                ));
            }
            Err(ActionError::Archive(mut e)) => {
                e.map_paths(&|p| up.shown(p));
                return Err(WebError::from(e));
            }
            Err(e) => return Err(e.into()),
        };
        let v = done.report.manifest.version;
        // The receipt goes with the submission; if it cannot be made now,
        // the submission stands and the page offers to make it again.
        if let Some(Err(e)) = done.receipt {
            eprintln!("第 {v} 版提交（{id}）的回执没有生成：{}", WebError::from(e).message);
        }
        Ok((v, up))
    })
    .await
    .map_err(|e| rename.apply(e))?;
    drop(up);
    Ok(format!("/c/{url_id}/v/{version}"))
}

/// What a ZIP sent through the web may expand to: at most twice the
/// upload limit, and no entry over 1 MB compressed more than 100 times
/// (real evidence — PDFs, photos, office files — barely compresses).
fn web_zip_limits(limits: &upload::Limits) -> ZipLimits {
    let default = ZipLimits::default();
    ZipLimits {
        max_total: default.max_total.min(limits.max_bytes.saturating_mul(2)),
        max_ratio: default.max_ratio.min(100),
        ..default
    }
}

/// A form that carries only the CSRF token.
#[derive(Deserialize)]
pub struct CsrfOnly {
    csrf: String,
}

/// `POST /c/{id}/v/{n}/receipt`: the receipt of a version (made once;
/// asking again gives the same registered PDF).
pub async fn receipt(
    State(state): State<AppState>,
    Path((id, n)): Path<(String, u32)>,
    user: User,
    axum::Form(f): axum::Form<CsrfOnly>,
) -> Result<Redirect, WebError> {
    user.require_community(&state, &id, Access::Submit).await?;
    user.check_csrf(&f.csrf)?;
    let st = state.clone();
    let sha = act::run(&state, &user, move |ctx| {
        let r = documents::receipt(ctx, st.making(), &id, Some(n), crate::dates::today())?;
        Ok(r.entry.record.sha256().to_string())
    })
    .await?;
    Ok(Redirect::to(&format!("/documents/{sha}")))
}

/// `GET /c/{id}/v/{n}/bag.zip`: the version as a BagIt ZIP (re-hashed on
/// the way out); the download is logged.
pub async fn bag(
    State(state): State<AppState>,
    Path((id, n)): Path<(String, u32)>,
    user: User,
) -> Result<Response, WebError> {
    let root = state.root().to_path_buf();
    let (file, name) = act::run(&state, &user, move |ctx| {
        let (_tmp, out) = download::staging_path(&root, "bag.zip")?;
        let name = evidence::download_bag(ctx, &id, n, &out)?;
        Ok((download::open(&out)?, name))
    })
    .await?;
    Ok(Download::zip(format!("{name}.zip"), file).into_response())
}

/// `GET /c/{id}/scaffold.zip`: the empty evidence folders with their
/// 说明.txt, as `kaoping scaffold` makes them.
pub async fn scaffold_zip(
    OnCommunity { state, id, user }: OnCommunity,
) -> Result<Response, WebError> {
    let c = user.require_community(&state, &id, Access::Read).await?;
    let archive = user.archive(&state);
    let (file, name) = blocking(move || {
        let (_tmp, out) = download::staging_path(archive.root(), "scaffold.zip")?;
        crate::archive::scaffold::write_zip(crate::catalog::Catalog::builtin(), &c, &out)?;
        Ok((
            download::open(&out)?,
            format!("{}-{}-材料文件夹.zip", c.district, c.name),
        ))
    })
    .await?;
    Ok(Download::zip(name, file).into_response())
}
