//! The public questionnaire page `/q/{token}`: the first route anyone may
//! write through without an account. A copy's link shows its questions
//! (mobile first); the answer is validated, recorded once (a second is
//! refused kindly) and made durable before the thank-you page. Each form
//! carries a one-time nonce issued with the page, which also times the
//! answer; unknown links are counted per client address and, past a
//! limit, refused for a while (guessing a 128-bit token is hopeless, but
//! trying should not be free). The address is used only in memory and
//! never stored with an answer.

use std::net::IpAddr;
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use minijinja::context;
use serde::Serialize;

use super::guard::ClientAddr;
use super::{AppState, WebError, blocking, pages};
use crate::actions::survey_link::{Answering, Outcome};
use crate::archive::Archive;
use crate::catalog::Catalog;
use crate::limits::misses::{Misses, Rate};
use crate::limits::open_forms::OpenForms;
use crate::survey::Questionnaire;
use crate::survey::answer::{self, Given, Rules};
use crate::survey::state::token_hash;

/// Most bytes of an answer form.
pub const BODY_LIMIT: usize = 16 * 1024;

/// The public survey's in-memory state.
#[derive(Default)]
pub struct Public {
    /// The survey as last read, and answers waiting for their group
    /// commit.
    pub(super) answering: Answering,
    /// The forms served and not yet answered, shared fairly between
    /// addresses.
    pub(super) forms: OpenForms,
    misses: Misses,
    questionnaire: OnceLock<Arc<Questionnaire>>,
    /// Open-link answers per address in the current window.
    pub(super) open_rate: Rate,
    /// Unknown open links tried per address (counted apart from copies').
    pub(super) open_misses: Misses,
}

impl Public {
    /// The state with its open forms bounded as `forms` is.
    pub(super) fn with_forms(forms: OpenForms) -> Public {
        Public {
            forms,
            ..Public::default()
        }
    }

    pub(super) fn paused(&self, addr: IpAddr) -> bool {
        self.misses.paused(addr)
    }

    pub(super) fn miss(&self, addr: IpAddr) {
        self.misses.miss(addr);
    }

    /// A new form for the copy or link `token_sha`, opened by `addr`;
    /// gives its nonce.
    pub(super) fn open_form(
        &self,
        token_sha: &str,
        since: Instant,
        addr: IpAddr,
    ) -> Result<String, WebError> {
        let nonce = crate::survey::copies::new_token()
            .map_err(|e| WebError::from_chain(StatusCode::INTERNAL_SERVER_ERROR, &e))?;
        self.forms.open(nonce.clone(), token_sha, since, addr);
        Ok(nonce)
    }

    pub(super) fn take_form(&self, nonce: &str, token_sha: &str) -> Option<Instant> {
        self.forms.take(nonce, token_sha)
    }
}

/// A token as links carry it: 32 lowercase hex digits.
pub(super) fn well_formed(token: &str) -> bool {
    token.len() == 32
        && token
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[derive(Serialize)]
struct Item {
    id: String,
    text: String,
    choices: Vec<String>,
    chosen: Option<String>,
}

/// The data of a questionnaire form.
#[derive(Serialize)]
struct FormPage<'a> {
    mode: &'a str,
    title: &'a str,
    intro: &'a str,
    number: &'a str,
    nonce: &'a str,
    questions: Vec<Item>,
    respondent: Vec<Item>,
    #[serde(flatten)]
    open: OpenAnswer<'a>,
    error: Option<&'a str>,
    max_open: usize,
}

/// The open question and the answer given to it, as the pages show them.
#[derive(Serialize)]
pub(super) struct OpenAnswer<'a> {
    open_id: &'a str,
    open_text: &'a str,
    open_value: &'a str,
}

impl<'a> OpenAnswer<'a> {
    pub(super) fn of(q: &'a Questionnaire, given: &'a Given) -> OpenAnswer<'a> {
        OpenAnswer {
            open_id: &q.open.id,
            open_text: &q.open.text,
            open_value: &given.open,
        }
    }
}

fn page(status: StatusCode, ctx: minijinja::Value) -> Response {
    (status, pages::render("survey.html", ctx)).into_response()
}

pub(super) fn notice(status: StatusCode, title: &str, text: &str) -> Response {
    page(
        status,
        context! { mode => "notice", title => title, text => text },
    )
}

pub(super) fn invalid_link() -> Response {
    notice(
        StatusCode::NOT_FOUND,
        "链接无效",
        "这个问卷链接不存在。请核对二维码或链接是否完整；也可以直接填写纸质问卷交回。",
    )
}

pub(super) fn form(
    q: &Questionnaire,
    number: &str,
    nonce: &str,
    given: &Given,
    error: Option<&str>,
) -> Response {
    let item = |id: &str, text: &str, choices: &[String]| Item {
        id: id.to_string(),
        text: text.to_string(),
        choices: choices.to_vec(),
        chosen: given.items.get(id).cloned(),
    };
    let questions: Vec<Item> = q
        .questions
        .iter()
        .map(|x| item(&x.id, &x.text, q.choices(&x.id).unwrap_or(&[])))
        .collect();
    let respondent: Vec<Item> = q
        .respondent
        .iter()
        .map(|r| item(&r.id, &r.text, &r.choices))
        .collect();
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let ctx = FormPage {
        mode: "form",
        title: &q.title,
        intro: &q.intro,
        number,
        nonce,
        questions,
        respondent,
        open: OpenAnswer::of(q, given),
        error,
        max_open: answer::MAX_OPEN_CHARS,
    };
    let ctx = serde_json::to_value(&ctx).unwrap_or_default();
    page(status, crate::render::templates::to_value(&ctx))
}

fn answered() -> Response {
    notice(
        StatusCode::OK,
        "这份问卷已经填写过了",
        "谢谢您！这份问卷已经收到答卷，每份问卷只能填写一次，不必再填。",
    )
}

/// The copy whose token hashes to `sha`, as the log has it now: its
/// number and whether it is answered.
fn lookup(state: &AppState, sha: &str) -> Result<Option<(String, bool)>, WebError> {
    let archive = Archive::new(state.root());
    Ok(state.0.survey.answering.copy(&archive, sha)?)
}

/// Why the copy numbered `number` takes no answer now (the survey is
/// closed, or it was entered from paper), as a page for the phone.
fn refusal(state: &AppState, number: &str) -> Option<Response> {
    let refusal = state.0.survey.answering.refusal(number);
    refusal.map(|e| refused(&e.to_string()))
}

fn refused(text: &str) -> Response {
    notice(StatusCode::CONFLICT, "这份问卷已不能填写", text)
}

/// `GET /q/{token}`: the questionnaire of one copy.
pub async fn show(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    Path(token): Path<String>,
) -> Result<Response, WebError> {
    if state.0.survey.paused(addr) {
        return Ok(too_many());
    }
    blocking(move || {
        let sha = token_hash(&token);
        let Some((number, done)) = copy_of(&state, &token, &sha)? else {
            state.0.survey.miss(addr);
            return Ok(invalid_link());
        };
        if done {
            return Ok(answered());
        }
        if let Some(page) = refusal(&state, &number) {
            return Ok(page);
        }
        let q = questionnaire(&state)?;
        let nonce = state.0.survey.open_form(&sha, Instant::now(), addr)?;
        Ok(form(&q, &number, &nonce, &Given::default(), None))
    })
    .await
}

/// The copy a well-formed `token` (hashed `sha`) names: its number and
/// whether it has been answered.
fn copy_of(state: &AppState, token: &str, sha: &str) -> Result<Option<(String, bool)>, WebError> {
    match well_formed(token) {
        true => lookup(state, sha),
        false => Ok(None),
    }
}

/// A posted questionnaire: the answers given (empty ones left out) and
/// the page's nonce.
pub(super) fn posted_answer(q: &Questionnaire, fields: Vec<(String, String)>) -> (Given, String) {
    let mut given = Given::default();
    let mut nonce = String::new();
    for (k, v) in fields {
        match k.as_str() {
            "nonce" => nonce = v,
            k if k == q.open.id => given.open = v,
            _ if v.is_empty() => {}
            _ => {
                given.items.insert(k, v);
            }
        }
    }
    (given, nonce)
}

/// The page for a form already submitted or open too long.
pub(super) fn expired() -> Response {
    notice(
        StatusCode::BAD_REQUEST,
        "页面已过期",
        "这个页面已经提交过或打开太久了。请重新扫码或打开链接再填写。",
    )
}

pub(super) fn too_many() -> Response {
    notice(
        StatusCode::TOO_MANY_REQUESTS,
        "请稍后再试",
        "从您的网络打开了太多无效的问卷链接，请 15 分钟后再试，或直接填写纸质问卷交回。",
    )
}

/// The questionnaire, read once per server (a changed office
/// questionnaire takes effect when the server is restarted).
pub(super) fn questionnaire(state: &AppState) -> Result<Arc<Questionnaire>, WebError> {
    if let Some(q) = state.0.survey.questionnaire.get() {
        return Ok(q.clone());
    }
    let q = Questionnaire::load(Some(state.root()), Catalog::builtin())
        .map_err(|e| WebError::from_chain(StatusCode::INTERNAL_SERVER_ERROR, &e))?;
    Ok(state
        .0
        .survey
        .questionnaire
        .get_or_init(|| Arc::new(q))
        .clone())
}

/// `POST /q/{token}`: records the answer, durably, then thanks.
pub async fn submit(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    Path(token): Path<String>,
    axum::Form(fields): axum::Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    if state.0.survey.paused(addr) {
        return Ok(too_many());
    }
    blocking(move || {
        let sha = token_hash(&token);
        match copy_of(&state, &token, &sha)? {
            None => {
                state.0.survey.miss(addr);
                return Ok(invalid_link());
            }
            Some((_, true)) => return Ok(answered()),
            Some((_, false)) => {}
        }
        let q = questionnaire(&state)?;
        let (mut given, nonce) = posted_answer(&q, fields);
        let Some(since) = state.0.survey.take_form(&nonce, &sha) else {
            return Ok(expired());
        };
        given.seconds = Some(u32::try_from(since.elapsed().as_secs()).unwrap_or(u32::MAX));
        let number = match lookup(&state, &sha)? {
            Some((n, _)) => n,
            None => return Ok(invalid_link()),
        };
        let rules = Rules {
            q: &q,
            settings: &state.0.config.survey,
        };
        let archive = Archive::new(state.root());
        match state
            .0
            .survey
            .answering
            .answer(&archive, rules, number.clone(), given.clone())
        {
            Outcome::Stored => {}
            Outcome::Answered => return Ok(answered()),
            Outcome::Refused(message) => return Ok(refused(&message)),
            Outcome::Bad(message) => {
                let again = state.0.survey.open_form(&sha, since, addr)?;
                return Ok(form(&q, &number, &again, &given, Some(&message)));
            }
            Outcome::Failed(message) => {
                return Err(WebError::new(StatusCode::INTERNAL_SERVER_ERROR, message));
            }
        }
        Ok(notice(
            StatusCode::OK,
            "提交成功，谢谢您！",
            "您的答卷已经保存。感谢您对社区治理工作的支持！",
        ))
    })
    .await
}
