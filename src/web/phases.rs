//! The 阶段任务 page (`GET /phases`): every district's tasks in the three
//! phases and the phases' dates for the office, with the form to set the
//! later phases from a task table (`POST /office/phases`) and the blank
//! table (`GET /office/phases.xlsx`); a district sees its own row. Who
//! may do what is the actions layer's ([`crate::actions::phases`]).

use axum::extract::State;
use axum::response::{Html, Redirect};
use serde::Serialize;

use super::download::Download;
use super::error::WebError;
use super::session::User;
use super::{AppState, act, pages, upload};
use crate::accounts::Role;
use crate::actions::phases as actions;
use crate::phases::{Given, Setting, Span, dates};

/// The form of `POST /office/phases`.
const FORM: upload::Form = upload::Form {
    files: &["tasks"],
    texts: &[
        "p2_creation",
        "p2_assessment",
        "p2_naming",
        "p3_creation",
        "p3_assessment",
        "p3_naming",
        "reason",
    ],
};

#[derive(Serialize)]
struct PhasesPage {
    #[serde(flatten)]
    view: actions::PhasesView,
    office: bool,
}

/// `GET /phases`.
pub async fn page(State(state): State<AppState>, user: User) -> Result<Html<String>, WebError> {
    let view = act::run(&state, &user, |ctx| Ok(actions::show(ctx)?)).await?;
    let ctx = PhasesPage {
        view,
        office: user.account.role == Role::Office,
    };
    Ok(pages::page("phases.html", &user.context(), &ctx))
}

/// `GET /office/phases.xlsx`: the blank task table.
pub async fn template(user: User) -> Result<Download, WebError> {
    user.require_office()?;
    let bytes = crate::table::write::xlsx(&[crate::phases::list::template_sheet()])
        .map_err(|e| WebError::bad(e.to_string()))?;
    Ok(Download::bytes(
        "阶段任务表.xlsx".into(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        bytes,
    ))
}

/// A period field: empty is not given; anything else must read.
fn span(up: &upload::Upload, field: &str, label: &str) -> Result<Option<Span>, WebError> {
    up.text(field)
        .map(|t| {
            dates::parse(t).ok_or_else(|| {
                WebError::bad(format!("{label}“{t}”不是日期或期间；写成 {}", dates::FORMS))
            })
        })
        .transpose()
}

fn given(up: &upload::Upload, p: &str, phase: &str) -> Result<Given, WebError> {
    Ok(Given {
        creation: span(up, &format!("{p}_creation"), &format!("{phase}试点创建"))?,
        assessment: span(up, &format!("{p}_assessment"), &format!("{phase}评估验收"))?,
        naming: span(up, &format!("{p}_naming"), &format!("{phase}总结命名"))?,
    })
}

/// `POST /office/phases`: the office sets the later phases.
pub async fn set(
    State(state): State<AppState>,
    user: User,
    posted: upload::Posted,
) -> Result<Redirect, WebError> {
    let allowed = user.require_office();
    let up = act::receive_one(&state, &user, allowed, posted, &FORM, 20 << 20).await?;
    let rename = up.renamer();
    let second = given(&up, "p2", "第二阶段")?;
    let third = given(&up, "p3", "第三阶段")?;
    let reason = up.text("reason").map(String::from);
    let (path, name) = up
        .files
        .first()
        .map(|f| (f.path.clone(), f.name.clone()))
        .ok_or_else(|| WebError::bad("请先选择要上传的阶段任务表"))?;
    act::run(&state, &user, move |ctx| {
        let s = Setting {
            path: &path,
            name: &name,
            second,
            third,
            reason: reason.as_deref(),
        };
        actions::set(ctx, &s)?;
        drop(up);
        Ok(())
    })
    .await
    .map_err(|e| rename.apply(e))?;
    Ok(Redirect::to("/phases"))
}
