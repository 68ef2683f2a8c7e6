//! The public per-point open link `/q/open/{token}` (no copy number):
//! the questionnaire as for a copy, but each device (a random id in a
//! cookie signed with the archive's server key, so that a made-up cookie
//! is no device; kept in the log only as the id's SHA-256) may answer
//! once per
//! `[survey] open_link_hours`, and each address at most
//! [`ANSWERS_MAX`](crate::limits::misses::ANSWERS_MAX) times per
//! [`ANSWERS_WINDOW`](crate::limits::misses::ANSWERS_WINDOW) (counted in memory only;
//! no address is stored). Answers are recorded with channel 开放链接 and
//! tallied apart from the numbered copies.

use std::time::Instant;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;

use super::guard::ClientAddr;
use super::survey::{
    self, expired, form, invalid_link, notice, posted_answer, questionnaire, too_many,
};
use super::{AppState, WebError, blocking};
use crate::actions::ActionError;
use crate::archive::Archive;
use crate::survey::SurveyError;
use crate::survey::answer::{Given, Rules};
use crate::survey::state::token_hash;

/// The device cookie.
const DEVICE_COOKIE: &str = "kaoping_device";
/// What the server key signs the device id for.
const DEVICE_PURPOSE: &str = "open-link-device";

/// The point of the enabled link `token`, if any.
fn link(state: &AppState, token: &str) -> Result<Option<(String, String)>, WebError> {
    if !survey::well_formed(token) {
        return Ok(None);
    }
    let archive = Archive::new(state.root());
    Ok(state
        .0
        .survey
        .answering
        .open_link(&archive, &token_hash(token))?)
}

/// The device id of a request: the id in a device cookie this archive's
/// key signed; none for a missing, unsigned or forged cookie.
fn device(state: &AppState, headers: &HeaderMap) -> Option<String> {
    let cookie = super::session::cookie(headers, DEVICE_COOKIE)?;
    state
        .0
        .key
        .verify(DEVICE_PURPOSE, cookie)
        .filter(|d| survey::well_formed(d))
        .map(str::to_string)
}

/// `GET /q/open/{token}`: the questionnaire of an open link; gives the
/// device its cookie.
pub async fn show(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Result<Response, WebError> {
    if state.0.survey.open_misses.paused(addr) {
        return Ok(too_many());
    }
    blocking(move || {
        let Some((community, point)) = link(&state, &token)? else {
            state.0.survey.open_misses.miss(addr);
            return Ok(invalid_link());
        };
        let closed = state.0.survey.answering.check_open(&community);
        if let Err(e) = closed {
            return Ok(notice(StatusCode::CONFLICT, "问卷调查已结束", &e.to_string()));
        }
        let q = questionnaire(&state)?;
        let nonce = state.0.survey
            .open_form(&token_hash(&token), Instant::now(), addr)?;
        let label = format!("开放链接（{point}）");
        let mut page = form(&q, &label, &nonce, &Given::default(), None);
        if device(&state, &headers).is_none() {
            let id = crate::survey::copies::new_token()
                .map_err(|e| WebError::from_chain(StatusCode::INTERNAL_SERVER_ERROR, &e))?;
            let id = state.0.key.sign(DEVICE_PURPOSE, &id);
            let secure = if state.0.settings.https_proxy { "; Secure" } else { "" };
            let c = format!(
                "{DEVICE_COOKIE}={id}; Path=/q/open; Max-Age=31536000; HttpOnly; SameSite=Lax{secure}"
            );
            if let Ok(v) = c.parse() {
                page.headers_mut().insert(header::SET_COOKIE, v);
            }
        }
        Ok(page)
    })
    .await
}

/// `POST /q/open/{token}`: records an open-link answer, durably.
pub async fn submit(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    Path(token): Path<String>,
    axum::Form(fields): axum::Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    if state.0.survey.open_misses.paused(addr) {
        return Ok(too_many());
    }
    blocking(move || {
        let Some((_, point)) = link(&state, &token)? else {
            state.0.survey.open_misses.miss(addr);
            return Ok(invalid_link());
        };
        let Some(device) = device(&state, &headers) else {
            return Ok(notice(
                StatusCode::BAD_REQUEST,
                "请允许浏览器保存 Cookie",
                "开放链接用 Cookie 保证每台设备只答一次。请允许 Cookie 后重新打开链接填写。",
            ));
        };
        let sha = token_hash(&token);
        let q = questionnaire(&state)?;
        let (mut given, nonce) = posted_answer(&q, fields);
        let Some(since) = state.0.survey.take_form(&nonce, &sha) else {
            return Ok(expired());
        };
        if !state.0.survey.open_rate.within(addr) {
            return Ok(notice(
                StatusCode::TOO_MANY_REQUESTS,
                "请稍后再试",
                "从您的网络提交的答卷太多了，请一小时后再试。",
            ));
        }
        given.seconds = Some(u32::try_from(since.elapsed().as_secs()).unwrap_or(u32::MAX));
        let archive = Archive::new(state.root());
        let rules = Rules {
            q: &q,
            settings: &state.0.config.survey,
        };
        let answered = state
            .0
            .survey
            .answering
            .answer_open(&archive, rules, &sha, &device, &given);
        if let Err(e) = answered {
            return refused(&state, &q, (&sha, since, addr), &point, &given, e);
        }
        Ok(notice(
            StatusCode::OK,
            "提交成功，谢谢您！",
            "您的答卷已经保存。感谢您对社区治理工作的支持！",
        ))
    })
    .await
}

/// The page for an open-link answer that was not recorded.
fn refused(
    state: &AppState,
    q: &crate::survey::Questionnaire,
    (sha, since, addr): (&str, Instant, std::net::IpAddr),
    point: &str,
    given: &Given,
    e: ActionError,
) -> Result<Response, WebError> {
    match e {
        ActionError::Survey(SurveyError::Request(m)) => {
            Ok(notice(StatusCode::OK, "已经答过了", &m))
        }
        ActionError::Survey(e @ SurveyError::Closed { .. }) => Ok(notice(
            StatusCode::CONFLICT,
            "问卷调查已结束",
            &e.to_string(),
        )),
        ActionError::Survey(e @ SurveyError::BadAnswer { .. }) => {
            let again = state.0.survey.open_form(sha, since, addr)?;
            let label = format!("开放链接（{point}）");
            Ok(form(q, &label, &again, given, Some(&e.to_string())))
        }
        ActionError::Survey(e) => Err(WebError::from_chain(StatusCode::INTERNAL_SERVER_ERROR, &e)),
        e => Err(WebError::from_chain(StatusCode::INTERNAL_SERVER_ERROR, &e)),
    }
}
