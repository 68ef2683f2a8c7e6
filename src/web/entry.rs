//! Paper entry for district and office clerks: `/survey/entry`, one paper
//! copy at a time keyed by its 问卷编号, usable with the keyboard alone
//! (digits for the choices, Enter moves to the next field, Enter on the
//! last one saves). A district clerk may enter only copies of the
//! communities of that district; the answer is recorded like one imported
//! from a table, with the clerk's account in the log.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::session::User;
use super::{AppState, WebError, blocking, pages};
use crate::accounts::Role;
use crate::catalog::Catalog;
use crate::community::Roster;
use crate::scope::{self, Access};
use crate::survey::answer::{self, Channel, Given, Rules};
use crate::survey::state::Survey;
use crate::survey::{Questionnaire, SurveyError, number};

fn clerk(user: &User) -> Result<(), WebError> {
    match user.account.role {
        Role::Office | Role::District => Ok(()),
        _ => Err(WebError::forbidden()),
    }
}

#[derive(Serialize)]
struct Field {
    id: String,
    text: String,
    choices: String,
    value: String,
}

fn questionnaire(state: &AppState) -> Result<Questionnaire, WebError> {
    Questionnaire::load(Some(state.root()), Catalog::builtin())
        .map_err(|e| WebError::from_chain(StatusCode::INTERNAL_SERVER_ERROR, &e))
}

fn page(
    user: &User,
    q: &Questionnaire,
    given: &Given,
    number: &str,
    note: (&str, &str),
) -> Response {
    let fields: Vec<Field> = q
        .questions
        .iter()
        .map(|x| (&x.id, &x.text))
        .chain(q.respondent.iter().map(|r| (&r.id, &r.text)))
        .map(|(id, text)| Field {
            id: id.clone(),
            text: text.clone(),
            choices: q
                .choices(id)
                .unwrap_or(&[])
                .iter()
                .enumerate()
                .map(|(i, c)| format!("{} {c}", i + 1))
                .collect::<Vec<_>>()
                .join("　"),
            value: given.items.get(id).cloned().unwrap_or_default(),
        })
        .collect();
    let (kind, text) = note;
    let status = if kind == "error" {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let ctx = serde_json::json!({
        "fields": fields, "number": number, "open_id": q.open.id, "open_text": q.open.text,
        "open_value": given.open, "kind": kind, "note": text,
    });
    (status, pages::page("entry.html", &user.context(), &ctx)).into_response()
}

/// `GET /survey/entry`: the empty entry form.
pub async fn form(State(state): State<AppState>, user: User) -> Result<Response, WebError> {
    clerk(&user)?;
    let q = questionnaire(&state)?;
    Ok(page(&user, &q, &Given::default(), "", ("", "")))
}

/// `POST /survey/entry`: records one paper copy.
pub async fn save(
    State(state): State<AppState>,
    user: User,
    axum::Form(fields): axum::Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    clerk(&user)?;
    let mut csrf = String::new();
    let mut typed = String::new();
    let mut given = Given::default();
    let q = questionnaire(&state)?;
    for (k, v) in fields {
        match k.as_str() {
            "csrf" => csrf = v,
            "number" => typed = v,
            k if k == q.open.id => given.open = v,
            _ if v.trim().is_empty() => {}
            _ => {
                given.items.insert(k, v.trim().to_string());
            }
        }
    }
    user.check_csrf(&csrf)?;
    blocking(move || {
        let archive = user.archive(&state);
        let refuse =
            |e: &dyn std::fmt::Display| page(&user, &q, &given, &typed, ("error", &e.to_string()));
        let parsed = match number::parse(&typed) {
            Ok((n, p)) => (n, p),
            Err(e) => return Ok(refuse(&e)),
        };
        // A district clerk's copies are its own communities' only; others
        // are refused as never issued, so no one learns which exist.
        let roster = Roster::load(state.root())?;
        let mine = roster
            .get(&parsed.1.community)
            .is_ok_and(|c| scope::allows(&user.account, c, Access::Read));
        if !mine {
            return Ok(refuse(&SurveyError::NotIssued(parsed.0)));
        }
        let lock = archive.lock(true, |_| {})?;
        let survey = Survey::load(&archive)?;
        let rules = Rules {
            q: &q,
            settings: &state.0.config.survey,
        };
        match answer::submit(
            &archive,
            &lock,
            &survey,
            rules,
            &parsed.0,
            Channel::Paper,
            &given,
        ) {
            Ok(a) => {
                let done = format!(
                    "已录入问卷 {}{}。请输入下一份的编号。",
                    a.number,
                    a.invalid.map(|r| format!("（{r}）")).unwrap_or_default()
                );
                Ok(page(&user, &q, &Given::default(), "", ("ok", &done)))
            }
            Err(e @ (SurveyError::Archive(_) | SurveyError::Questionnaire(_))) => {
                Err(WebError::from_chain(StatusCode::INTERNAL_SERVER_ERROR, &e))
            }
            Err(e) => Ok(refuse(&e)),
        }
    })
    .await
}
