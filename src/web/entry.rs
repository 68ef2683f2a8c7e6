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
use super::survey::OpenAnswer;
use super::{AppState, WebError, blocking, pages};
use crate::accounts::Role;
use crate::actions::survey::{self, CopyEntered};
use crate::actions::{ActionError, Ctx};
use crate::catalog::Catalog;
use crate::survey::answer::{Given, Rules};
use crate::survey::double::{Mismatch, Outcome};
use crate::survey::{Questionnaire, SurveyError};

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

/// The data of the entry page.
#[derive(Serialize)]
struct EntryPage<'a> {
    fields: Vec<Field>,
    number: &'a str,
    #[serde(flatten)]
    open: OpenAnswer<'a>,
    kind: &'a str,
    note: &'a str,
    mismatches: &'a [Mismatch],
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
    let ctx = EntryPage {
        fields,
        number,
        open: OpenAnswer::of(q, given),
        kind,
        note: text,
        mismatches,
    };
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
    let archive = user.archive(state);
    let act = Ctx::account(&archive, &user.account);
    let double_entry = state.0.config.survey.double_entry;
    Ok(survey::mismatches(&act, double_entry, None)?)
}

/// The fields of the entry form: the number typed and the answers given.
fn read_form(q: &Questionnaire, fields: Vec<(String, String)>) -> (String, String, Given) {
    let (mut csrf, mut typed, mut given) = (String::new(), String::new(), Given::default());
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
    (csrf, typed, given)
}

/// What the clerk is told after an entry.
fn entered_note(number: &str, entered: CopyEntered) -> String {
    match entered {
        CopyEntered::Answer(a) => format!(
            "已录入问卷 {}{}。请输入下一份的编号。",
            a.number,
            a.invalid.map(|r| format!("（{r}）")).unwrap_or_default()
        ),
        CopyEntered::Entry(Outcome::Counted) => {
            format!("问卷 {number} 与另一位录入员的录入一致，已计入。")
        }
        CopyEntered::Entry(Outcome::Waiting) => {
            format!("已录入问卷 {number}（第一遍），须由另一位录入员再录一遍才计入。")
        }
        CopyEntered::Entry(Outcome::Mismatch(who)) => format!(
            "问卷 {number} 与 {} 的录入不一致，已列入下方“待核对”。",
            who.join("、")
        ),
    }
}

/// `POST /survey/entry`: records one paper copy.
pub async fn save(
    State(state): State<AppState>,
    user: User,
    axum::Form(fields): axum::Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    clerk(&user)?;
    let q = questionnaire(&state)?;
    let (csrf, typed, given) = read_form(&q, fields);
    user.check_csrf(&csrf)?;
    blocking(move || {
        let archive = user.archive(&state);
        let pending = visible_mismatches(&state, &user)?;
        let act = Ctx::account(&archive, &user.account);
        let rules = Rules {
            q: &q,
            settings: &state.0.config.survey,
        };
        let note = match survey::enter_copy(&act, rules, &typed, &given) {
            Ok((number, entered)) => entered_note(&number, entered),
            Err(ActionError::Survey(
                e @ (SurveyError::Archive(_) | SurveyError::Questionnaire(_)),
            )) => {
                return Err(WebError::from_chain(StatusCode::INTERNAL_SERVER_ERROR, &e));
            }
            Err(ActionError::Survey(e)) => {
                let note = ("error", e.to_string());
                return Ok(page(&user, &q, &given, &typed, (note.0, &note.1), &pending));
            }
            Err(e) => return Err(e.into()),
        };
        // Under double entry the list of copies to check may have changed.
        let pending = match state.0.config.survey.double_entry {
            true => visible_mismatches(&state, &user)?,
            false => pending,
        };
        let given = Given::default();
        Ok(page(&user, &q, &given, "", ("ok", &note), &pending))
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
        let act = Ctx::account(&archive, &user.account);
        let result = survey::resolve(&act, &number, &chosen);
        let pending = visible_mismatches(&state, &user)?;
        let note = match result {
            Ok(_) => (
                "ok",
                format!("已采用 {chosen} 的录入作为问卷 {number} 的答卷。"),
            ),
            Err(ActionError::Survey(e @ SurveyError::Archive(_))) => {
                return Err(WebError::from_chain(StatusCode::INTERNAL_SERVER_ERROR, &e));
            }
            Err(ActionError::Survey(e)) => ("error", e.to_string()),
            Err(e) => return Err(e.into()),
        };
        let given = Given::default();
        Ok(page(&user, &q, &given, "", (note.0, &note.1), &pending))
    })
    .await
}
