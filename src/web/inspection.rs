//! The 督查调研 page (`GET /inspections`): the office sees every 督查 and
//! 调研 and records them (`POST /inspections`), a district sees those of
//! its own district and records its own 调研; the office issues the
//! 督查情况通报 (`POST /office/inspection-report`). Who may do what is the
//! actions layer's ([`crate::actions::inspection`]).

use axum::extract::State;
use axum::response::{Html, Redirect};
use serde::{Deserialize, Serialize};

use super::error::WebError;
use super::session::User;
use super::{AppState, act, pages, upload};
use crate::accounts::Role;
use crate::actions::inspection as actions;
use crate::inspection::record::NewInspection;
use crate::inspection::{self, Inspection, InspectionKind, Way};
use crate::rectify::act::Evidence;

/// One record as the page lists it.
#[derive(Serialize)]
struct Line {
    #[serde(flatten)]
    inspection: Inspection,
    kind: &'static str,
    way: &'static str,
    problems: usize,
    open: usize,
    summaries: Vec<String>,
}

#[derive(Serialize)]
struct InspectionsPage {
    lines: Vec<Line>,
    office: bool,
    kinds: Vec<&'static str>,
    today: String,
}

/// `GET /inspections`.
pub async fn page(State(state): State<AppState>, user: User) -> Result<Html<String>, WebError> {
    let all = act::run(&state, &user, |ctx| Ok(actions::list(ctx)?)).await?;
    let office = user.account.role == crate::accounts::Role::Office;
    let kinds = InspectionKind::ALL
        .into_iter()
        .filter(|k| office || *k != InspectionKind::Special)
        .map(InspectionKind::name)
        .collect();
    let lines = all
        .into_iter()
        .rev()
        .map(|i| Line {
            kind: i.record.kind.name(),
            way: i.record.way.name(),
            problems: i.problems(),
            open: i.open(),
            summaries: i.items.iter().map(|it| it.summary()).collect(),
            inspection: i,
        })
        .collect();
    let ctx = InspectionsPage {
        lines,
        office,
        kinds,
        today: crate::dates::today().to_string(),
    };
    Ok(pages::page("inspections.html", &user.context(), &ctx))
}

/// The record form's fields (a multipart form: photos and documents come
/// under `file`).
const ADD: upload::Form = upload::Form {
    files: &["file"],
    texts: &[
        "kind",
        "theme",
        "date",
        "by",
        "remote",
        "communities",
        "problems",
        "notes",
        "deadline",
    ],
};

/// The record form: problems and notes one per line, each
/// `社区编号:指标-标准:情况`.
#[derive(Default)]
pub struct AddForm {
    kind: String,
    theme: String,
    date: String,
    by: String,
    remote: Option<String>,
    communities: String,
    problems: String,
    notes: String,
    deadline: String,
}

fn day(what: &str, s: &str) -> Result<Option<chrono::NaiveDate>, WebError> {
    if s.trim().is_empty() {
        return Ok(None);
    }
    crate::dates::parse(s).map(Some).ok_or_else(|| {
        WebError::bad(format!(
            "{what}“{s}”不是日期，请写成 {}",
            crate::dates::FORMS
        ))
    })
}

fn list(s: &str) -> Vec<String> {
    s.split([',', '，', '、', '\n', ' '])
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(String::from)
        .collect()
}

fn findings(s: &str, problem: bool) -> Result<Vec<inspection::Finding>, WebError> {
    s.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            inspection::parse_finding(l.trim(), problem).map_err(|e| WebError::bad(e.to_string()))
        })
        .collect()
}

impl AddForm {
    /// The form's text fields as received.
    fn of(up: &upload::Upload) -> AddForm {
        let t = |k: &str| up.text(k).unwrap_or_default().to_string();
        AddForm {
            kind: t("kind"),
            theme: t("theme"),
            date: t("date"),
            by: t("by"),
            remote: up.text("remote").map(String::from),
            communities: t("communities"),
            problems: t("problems"),
            notes: t("notes"),
            deadline: t("deadline"),
        }
    }
}

fn parse<'a>(f: &AddForm) -> Result<NewInspection<'a>, WebError> {
    let kind = InspectionKind::parse(&f.kind)
        .ok_or_else(|| WebError::bad("请选择种类：专项督查、定期调研或不定期调研"))?;
    let date = day("日期", &f.date)?.ok_or_else(|| WebError::bad("请填写督查调研的日期"))?;
    let mut all = findings(&f.problems, true)?;
    all.extend(findings(&f.notes, false)?);
    Ok(NewInspection {
        kind,
        way: if f.remote.is_some() {
            Way::Remote
        } else {
            Way::OnSite
        },
        theme: f.theme.clone(),
        date,
        by: list(&f.by),
        districts: Vec::new(),
        communities: list(&f.communities),
        findings: all,
        deadline: day("整改期限", &f.deadline)?,
        files: Vec::new(),
    })
}

/// `POST /inspections`: records a 督查 or 调研, with its photos and
/// documents as evidence.
pub async fn add(
    State(state): State<AppState>,
    user: User,
    posted: upload::Posted,
) -> Result<Redirect, WebError> {
    let allowed = match user.account.role {
        Role::Office | Role::District => Ok(()),
        _ => Err(WebError::forbidden()),
    };
    let limits = upload::Limits {
        max_bytes: 200 << 20,
        max_files: 50,
        ..state.0.settings.limits
    };
    let up = upload::receive(&state, &user, allowed, posted, &ADD, limits).await?;
    let rename = up.renamer();
    let f = AddForm::of(&up);
    let rec = act::run(&state, &user, move |ctx| {
        actions::may_record(ctx)?;
        let mut new = parse(&f)?;
        new.files = up
            .files
            .iter()
            .map(|s| Evidence {
                name: s.name.clone(),
                path: &s.path,
            })
            .collect();
        Ok(actions::add(ctx, new)?)
    })
    .await
    .map_err(|e| rename.apply(e))?;
    Ok(Redirect::to(&format!("/inspections#{}", rec.id)))
}

/// The 通报 form: the records to report, comma separated (none: the
/// latest 专项督查).
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReportForm {
    csrf: String,
    ids: String,
}

/// `POST /office/inspection-report`: the 督查情况通报, dated today.
pub async fn report(
    State(state): State<AppState>,
    user: User,
    axum::Form(f): axum::Form<ReportForm>,
) -> Result<Html<String>, WebError> {
    user.require_office()?;
    user.check_csrf(&f.csrf)?;
    let ids = list(&f.ids);
    let date = crate::dates::today();
    act::issue(&state, &user, "", move |ctx, making, kept| {
        actions::report(ctx, making, &ids, date, kept)
    })
    .await
}
