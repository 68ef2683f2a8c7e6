//! The office pages: progress per district against the Attachment 1
//! quotas with every community's status, importing assessment sheets,
//! issuing 考评报告 / 整改通知书 / 命名证书 (one community or a batch), the
//! document register and checking a PDF against it, and deciding the
//! districts' 申报 within the task numbers.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, Redirect};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::download;
use super::error::WebError;
use super::scoped::ApplicationLine;
use super::session::User;
use super::upload::{self, Posted};
use super::{AppState, act, pages};
use crate::actions::documents;
use crate::actions::office::{self, OfficeTable};
use crate::actions::{ActionError, Ctx, apply, assess};
use crate::application::{ApplicationError, quota};
use crate::assessment::level::Level;
use crate::assessment::score::{self, round1};
use crate::assessment::sheet;
use crate::catalog::Catalog;
use crate::documents::batch::{Kind, Scope};
use crate::issuance;
use crate::render::parse_date;

/// The result of importing a sheet.
#[derive(Serialize)]
struct AssessedPage {
    c: crate::community::Community,
    version: u32,
    evidence: u32,
    count: usize,
    card: score::ScoreCard,
    max: f64,
    named: bool,
    notice: bool,
    shortfalls: Vec<crate::assessment::ResultRow>,
}

/// One line of the register page.
#[derive(Serialize)]
struct RegisterLine {
    pos: usize,
    time: String,
    r: crate::issuance::IssuedRecord,
    sha: String,
}

/// A PDF checked against the register.
#[derive(Serialize)]
struct Checked {
    name: String,
    sha: String,
    found: Option<issuance::Entry>,
    time: Option<String>,
    copy_intact: bool,
    /// The signatures.
    shown: crate::actions::verify_doc::Shown,
}

/// The register page, or the answer of a check.
#[derive(Serialize)]
struct RegisterPage {
    /// The label of the times shown (北京时间).
    zone: String,
    rows: Vec<RegisterLine>,
    /// Voided (作废) numbers.
    voided: Vec<VoidLine>,
    checked: Option<Checked>,
    only_check: bool,
}

/// A voided number on the register page.
#[derive(Serialize)]
struct VoidLine {
    number: String,
    title: String,
    time: String,
    reason: String,
}

/// The office's front page as the template sees it.
#[derive(Serialize)]
struct OfficePage {
    #[serde(flatten)]
    overview: crate::overview::Overview,
    applications: Vec<ApplicationLine>,
    levels: std::collections::HashMap<String, String>,
    usage: Vec<quota::Use>,
    today: String,
    zone: String,
}

/// `GET /office`.
pub async fn overview(State(state): State<AppState>, user: User) -> Result<Html<String>, WebError> {
    user.require_office()?;
    let config = state.0.config.clone();
    let view = act::run(&state, &user, move |ctx| {
        Ok(crate::actions::office::view(ctx, &config)?)
    })
    .await?;
    let config = &state.0.config;
    let page = OfficePage {
        overview: view.overview,
        applications: view
            .applications
            .into_iter()
            .map(|a| ApplicationLine::new(a, config))
            .collect(),
        levels: view.levels,
        usage: view.usage,
        today: crate::dates::today().to_string(),
        zone: config.time.label(),
    };
    Ok(pages::page("office.html", &user.context(), &page))
}

/// `GET /office/sheet-template.csv`: the blank assessment sheet.
pub async fn sheet_template(user: User) -> Result<download::Download, WebError> {
    user.require_office()?;
    Ok(download::Download::bytes(
        "考评结果表.csv".into(),
        "text/csv; charset=utf-8",
        sheet::template(Catalog::builtin(), sheet::Target::default()),
    ))
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// `GET /office/sheet-template.xlsx`: the blank assessment sheet as a
/// workbook with drop-down lists.
pub async fn sheet_template_xlsx(user: User) -> Result<download::Download, WebError> {
    user.require_office()?;
    let bytes = sheet::template_xlsx(Catalog::builtin(), sheet::Target::default())?;
    Ok(download::Download::bytes(
        "考评结果表.xlsx".into(),
        XLSX,
        bytes,
    ))
}

/// `GET /office/{table}.xlsx`: the 进度汇总表, the document register or
/// the registered communities as a workbook.
pub async fn table_xlsx(
    State(state): State<AppState>,
    user: User,
    axum::extract::Path(name): axum::extract::Path<String>,
) -> Result<download::Download, WebError> {
    user.require_office()?;
    let which = match name.as_str() {
        "progress.xlsx" => OfficeTable::Progress,
        "register.xlsx" => OfficeTable::Register,
        "communities.xlsx" => OfficeTable::Communities,
        other => return Err(WebError::missing(format!("没有这个表格：{other}"))),
    };
    let sheet = super::act::run(&state, &user, move |ctx| Ok(office::table(ctx, which)?)).await?;
    let file = which.file_name();
    let bytes = crate::table::write::xlsx(&[sheet])?;
    Ok(download::Download::bytes(file.into(), XLSX, bytes))
}

/// Receives an office form with one file in field `field` of at most
/// `max_bytes`; returns the upload and the staged file.
async fn one_file(
    state: &AppState,
    user: &User,
    posted: Posted,
    max_bytes: u64,
    form: &upload::Form,
) -> Result<(upload::Upload, std::path::PathBuf), WebError> {
    let allowed = user.require_office();
    let up = super::act::receive_one(state, user, allowed, posted, form, max_bytes).await?;
    let path = up.required(form.files[0], "请先选择要上传的文件")?;
    Ok((up, path))
}

/// `POST /office/assess`: an assessment sheet for one community.
pub async fn assess(
    State(state): State<AppState>,
    user: User,
    posted: Posted,
) -> Result<Html<String>, WebError> {
    let (up, path) = one_file(&state, &user, posted, 20 << 20, &upload::SHEET).await?;
    let rename = up.renamer();
    let id = up
        .text("community")
        .ok_or_else(|| WebError::bad("请选择考评结果所属的社区"))?
        .to_string();
    let config = state.0.config.clone();
    let ctx = super::act::run(&state, &user, move |act| {
        let catalog = Catalog::builtin();
        let sheet = assess::Sheet::File(&path);
        let assess::Stored {
            community: c,
            stored,
        } = match assess::import(act, &id, sheet, None, Level::Final, None) {
            Err(ActionError::Assessment(mut e)) => {
                e.map_paths(&|p| up.shown(p));
                return Err(WebError::from(e));
            }
            other => other?,
        };
        let card = score::score(&stored.assessment, catalog, &config);
        let shortfalls: Vec<_> = stored.assessment.shortfalls().cloned().collect();
        Ok(AssessedPage {
            c,
            version: stored.record.version,
            evidence: stored.record.evidence_version,
            count: stored.assessment.results.len(),
            max: round1(card.max),
            named: card.named(),
            notice: card.needs_notice(),
            card,
            shortfalls,
        })
    })
    .await
    .map_err(|e| rename.apply(e))?;
    Ok(pages::page("assessed.html", &user.context(), &ctx))
}

/// The issue form.
#[derive(Deserialize)]
pub struct IssueForm {
    csrf: String,
    kind: String,
    scope: String,
    community: Option<String>,
    district: Option<String>,
    deadline: Option<String>,
    over_quota: Option<String>,
    date: Option<String>,
}

pub(super) fn day(field: &str, s: Option<&str>) -> Result<Option<NaiveDate>, WebError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => parse_date(s)
            .map(Some)
            .map_err(|e| WebError::bad(format!("{field}：{e}"))),
    }
}

/// The document kind a batch form asks for.
fn parse_kind(f: &IssueForm) -> Result<Kind, WebError> {
    Ok(match f.kind.as_str() {
        "report" => Kind::Report,
        "notice" => Kind::Notice {
            deadline: day("整改期限", f.deadline.as_deref())?
                .ok_or_else(|| WebError::bad("整改通知书要填写整改期限"))?,
        },
        "certificate" => Kind::Certificate {
            over_quota: f.over_quota.clone().filter(|s| !s.trim().is_empty()),
        },
        // 进度汇总表 covers every district (the scope does not apply).
        "progress" => Kind::Progress { phase: None },
        "progress1" => Kind::Progress {
            phase: Some(crate::community::Batch::First),
        },
        "progress2" => Kind::Progress {
            phase: Some(crate::community::Batch::Second),
        },
        "progress3" => Kind::Progress {
            phase: Some(crate::community::Batch::Third),
        },
        other => return Err(WebError::bad(format!("不认识的公文种类：{other}"))),
    })
}

/// `POST /office/documents`: issues documents and lists them for
/// download (one by one, or all in one ZIP).
pub async fn documents(
    State(state): State<AppState>,
    user: User,
    axum::Form(f): axum::Form<IssueForm>,
) -> Result<Html<String>, WebError> {
    user.require_office()?;
    user.check_csrf(&f.csrf)?;
    let date = day("成文日期", f.date.as_deref())?.unwrap_or_else(crate::dates::today);
    let kind = parse_kind(&f)?;
    let nonempty = |s: Option<String>| s.filter(|s| !s.trim().is_empty());
    let scope = match f.scope.as_str() {
        "community" => {
            Scope::Community(nonempty(f.community).ok_or_else(|| WebError::bad("请选择社区"))?)
        }
        "district" => {
            Scope::District(nonempty(f.district).ok_or_else(|| WebError::bad("请选择县（市）区"))?)
        }
        "all" => Scope::All,
        other => return Err(WebError::bad(format!("不认识的范围：{other}"))),
    };
    act::issue(&state, &user, "/office", move |ctx, making, kept| {
        documents::issue(ctx, making, &kind, &scope, date, kept)
    })
    .await
}

/// `GET /office/register`.
pub async fn register(State(state): State<AppState>, user: User) -> Result<Html<String>, WebError> {
    user.require_office()?;
    let register = act::run(&state, &user, |ctx| Ok(documents::register(ctx)?)).await?;
    let time = &state.0.config.time;
    let rows: Vec<_> = register
        .entries
        .iter()
        .enumerate()
        .rev()
        .map(|(i, e)| RegisterLine {
            pos: i + 1,
            time: time.show(&e.time),
            sha: e.record.sha256().to_string(),
            r: e.record.clone(),
        })
        .collect();
    let voided = register
        .voided
        .iter()
        .map(|v| VoidLine {
            number: v.number.number.clone(),
            title: v.number.title.clone(),
            time: time.show(&v.time),
            reason: v.reason.clone(),
        })
        .collect();
    let page = RegisterPage {
        zone: time.label(),
        rows,
        voided,
        checked: None,
        only_check: false,
    };
    Ok(pages::page("register.html", &user.context(), &page))
}

/// `POST /office/verify-doc`: is this PDF exactly one we issued? The check
/// is logged.
pub async fn verify_doc(
    State(state): State<AppState>,
    user: User,
    posted: Posted,
) -> Result<Html<String>, WebError> {
    let (up, path) = one_file(&state, &user, posted, 200 << 20, &upload::PDF).await?;
    let rename = up.renamer();
    let name = up.file_name("pdf").unwrap_or_default().to_string();
    let verdict = act::run(&state, &user, move |ctx| {
        let v = crate::actions::verify_doc::against_register(ctx, &path)?;
        drop(up);
        Ok(v)
    })
    .await
    .map_err(|e| rename.apply(e))?;
    let shown = verdict.signatures.shown();
    let check = verdict
        .register
        .ok_or_else(|| WebError::bad("没有核对发文登记"))?;
    let page = RegisterPage {
        zone: state.0.config.time.label(),
        rows: Vec::new(),
        voided: Vec::new(),
        checked: Some(Checked {
            name,
            time: check
                .entry
                .as_ref()
                .map(|e| state.0.config.time.show_labelled(&e.time)),
            sha: check.sha256,
            found: check.entry,
            copy_intact: check.copy_intact,
            shown,
        }),
        only_check: true,
    };
    Ok(pages::page("register.html", &user.context(), &page))
}

/// The approve and return forms. Every field may be missing, so that the
/// role is checked before anything else is said.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DecisionForm {
    csrf: String,
    number: String,
    community: String,
    over_quota: String,
    reason: String,
}

impl DecisionForm {
    fn number(&self) -> Result<u32, WebError> {
        self.number
            .trim()
            .parse()
            .map_err(|_| WebError::bad("请从申报列表中选择要审核的申报"))
    }
}

/// Runs an office decision on an application, after the role and
/// session-token checks, and goes back to the list.
async fn decide(
    state: &AppState,
    user: &User,
    f: DecisionForm,
    act: impl FnOnce(&Ctx, u32, DecisionForm) -> Result<(), WebError> + Send + 'static,
) -> Result<Redirect, WebError> {
    user.require_office()?;
    user.check_csrf(&f.csrf)?;
    let number = f.number()?;
    super::act::run(state, user, move |ctx| act(ctx, number, f)).await?;
    Ok(Redirect::to("/office#applications"))
}

/// `POST /office/approve`: approves an application and registers its
/// community; beyond the district's task numbers only with a reason.
pub async fn approve(
    State(state): State<AppState>,
    user: User,
    axum::Form(f): axum::Form<DecisionForm>,
) -> Result<Redirect, WebError> {
    decide(&state, &user, f, |ctx, number, f| {
        apply::approve(ctx, number, f.community.trim(), Some(&f.over_quota))
            .map_err(|e| match e {
                ActionError::Application(ApplicationError::OverQuota(o)) => WebError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    format!(
                        "{o}。第 {number} 号申报没有批准，也没有登记社区。如确需超出任务数批准，请在“超出任务数批准的理由”一栏写明理由（理由记入日志，并在申报汇总中列出）"
                    ),
                ),
                other => other.into(),
            })?;
        Ok(())
    })
    .await
}

/// `POST /office/return`: returns an application to its district with a
/// reason.
pub async fn send_back(
    State(state): State<AppState>,
    user: User,
    axum::Form(f): axum::Form<DecisionForm>,
) -> Result<Redirect, WebError> {
    decide(&state, &user, f, |ctx, number, f| {
        Ok(apply::send_back(ctx, number, &f.reason)?)
    })
    .await
}
