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
use crate::survey::double::{self, Mismatch, Outcome};
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
    mismatches: &[Mismatch],
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
        "mismatches": mismatches,
    });
    (status, pages::page("entry.html", &user.context(), &ctx)).into_response()
}

/// `GET /survey/entry`: the empty entry form.
pub async fn form(State(state): State<AppState>, user: User) -> Result<Response, WebError> {
    clerk(&user)?;
    let q = questionnaire(&state)?;
    blocking(move || {
        let m = visible_mismatches(&state, &user)?;
        Ok(page(&user, &q, &Given::default(), "", ("", ""), &m))
    })
    .await
}

/// The unresolved double-entry mismatches this clerk may see.
fn visible_mismatches(state: &AppState, user: &User) -> Result<Vec<Mismatch>, WebError> {
    if !state.0.config.survey.double_entry {
        return Ok(Vec::new());
    }
    let roster = Roster::load(state.root())?;
    let survey = Survey::load(&user.archive(state))?;
    Ok(double::mismatches(&survey, None)
        .into_iter()
        .filter(|m| {
            roster
                .get(&m.community)
                .is_ok_and(|c| scope::allows(&user.account, c, Access::Read))
        })
        .collect())
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
        let pending = visible_mismatches(&state, &user)?;
        let refuse = |e: &dyn std::fmt::Display| {
            page(
                &user,
                &q,
                &given,
                &typed,
                ("error", &e.to_string()),
                &pending,
            )
        };
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
        if rules.settings.double_entry {
            let entered = answer::prepare(&survey, rules, &parsed.0, Channel::Paper, &given)
                .and_then(|a| double::enter(&survey, a, &user.account.name));
            let (events, outcome) = match entered {
                Ok(x) => x,
                Err(e @ SurveyError::Archive(_)) => {
                    return Err(WebError::from_chain(StatusCode::INTERNAL_SERVER_ERROR, &e));
                }
                Err(e) => return Ok(refuse(&e)),
            };
            archive
                .log()
                .append_all(&lock, events)
                .map_err(crate::archive::ArchiveError::from)?;
            let done = match outcome {
                Outcome::Counted => format!("问卷 {} 与另一位录入员的录入一致，已计入。", parsed.0),
                Outcome::Waiting => format!(
                    "已录入问卷 {}（第一遍），须由另一位录入员再录一遍才计入。",
                    parsed.0
                ),
                Outcome::Mismatch(who) => format!(
                    "问卷 {} 与 {} 的录入不一致，已列入下方“待核对”。",
                    parsed.0,
                    who.join("、")
                ),
            };
            let pending = visible_mismatches(&state, &user)?;
            return Ok(page(
                &user,
                &q,
                &Given::default(),
                "",
                ("ok", &done),
                &pending,
            ));
        }
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
                Ok(page(
                    &user,
                    &q,
                    &Given::default(),
                    "",
                    ("ok", &done),
                    &pending,
                ))
            }
            Err(e @ (SurveyError::Archive(_) | SurveyError::Questionnaire(_))) => {
                Err(WebError::from_chain(StatusCode::INTERNAL_SERVER_ERROR, &e))
            }
            Err(e) => Ok(refuse(&e)),
        }
    })
    .await
}

/// `POST /survey/entry/resolve`: settles a double-entry mismatch by
/// taking one clerk's entry.
pub async fn resolve(
    State(state): State<AppState>,
    user: User,
    axum::Form(fields): axum::Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    clerk(&user)?;
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    user.check_csrf(&field("csrf"))?;
    let (number, chosen) = (field("number"), field("clerk"));
    let q = questionnaire(&state)?;
    blocking(move || {
        let archive = user.archive(&state);
        let roster = Roster::load(state.root())?;
        let lock = archive.lock(true, |_| {})?;
        let survey = Survey::load(&archive)?;
        let mine = survey.by_number(&number).is_some_and(|c| {
            roster
                .get(&c.community)
                .is_ok_and(|c| scope::allows(&user.account, c, Access::Read))
        });
        let result = match mine {
            true => double::resolve(&archive, &lock, &survey, &number, &chosen),
            false => Err(SurveyError::NotIssued(number.clone())),
        };
        drop(lock);
        let pending = visible_mismatches(&state, &user)?;
        let note = match result {
            Ok(_) => (
                "ok",
                format!("已采用 {chosen} 的录入作为问卷 {number} 的答卷。"),
            ),
            Err(e @ SurveyError::Archive(_)) => {
                return Err(WebError::from_chain(StatusCode::INTERNAL_SERVER_ERROR, &e));
            }
            Err(e) => ("error", e.to_string()),
        };
        let given = Given::default();
        Ok(page(&user, &q, &given, "", (note.0, &note.1), &pending))
    })
    .await
}
