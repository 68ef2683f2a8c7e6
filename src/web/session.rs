//! Sign-in and sessions: the login form (with a double-submit token, as
//! there is no session yet), a random session id in an HttpOnly,
//! SameSite=Strict cookie, a per-session CSRF token every form sends back,
//! idle expiry, and a pause after repeated wrong passwords.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::Form;
use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use minijinja::context;
use serde::Deserialize;
use serde_json::json;

use super::error::{WebError, blocking};
use super::files::percent;
use super::{AppState, pages};
use crate::accounts::{Account, Accounts, Role};
use crate::archive::Archive;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "kaoping_session";
/// Name of the sign-in form's double-submit cookie.
const LOGIN_COOKIE: &str = "kaoping_login";
/// Name of the CSRF form field (and `X-CSRF-Token` header).
pub const CSRF_FIELD: &str = "csrf";
/// A session ends after this long without a request.
const IDLE: Duration = Duration::from_secs(8 * 3600);
/// Wrong passwords allowed before sign-in pauses for the account.
const MAX_FAILURES: u32 = 5;
/// How long sign-in pauses after too many wrong passwords.
const PAUSE: Duration = Duration::from_secs(15 * 60);

struct Session {
    account: String,
    csrf: String,
    seen: Instant,
}

/// The signed-in sessions (in memory: restarting the server signs
/// everyone out) and recent sign-in failures.
#[derive(Default)]
pub struct Sessions {
    live: Mutex<HashMap<String, Session>>,
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

/// A random token: 32 bytes from the operating system, as hex.
fn token() -> Result<String, WebError> {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).map_err(|e| {
        WebError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("无法取得随机数（{e}）"),
        )
    })?;
    Ok(hex::encode(b))
}

/// Compares secrets in time independent of where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}

fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn set_cookie(name: &str, value: &str, max_age: Option<u64>) -> String {
    let age = max_age.map_or(String::new(), |s| format!("; Max-Age={s}"));
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict{age}")
}

impl Sessions {
    fn start(&self, account: &str) -> Result<(String, String), WebError> {
        let (id, csrf) = (token()?, token()?);
        let mut live = self.live.lock().unwrap_or_else(|p| p.into_inner());
        live.retain(|_, s| s.seen.elapsed() < IDLE);
        live.insert(
            id.clone(),
            Session {
                account: account.to_string(),
                csrf: csrf.clone(),
                seen: Instant::now(),
            },
        );
        Ok((id, csrf))
    }

    fn touch(&self, id: &str) -> Option<(String, String)> {
        let mut live = self.live.lock().unwrap_or_else(|p| p.into_inner());
        let s = live.get_mut(id)?;
        if s.seen.elapsed() >= IDLE {
            live.remove(id);
            return None;
        }
        s.seen = Instant::now();
        Some((s.account.clone(), s.csrf.clone()))
    }

    fn end(&self, id: &str) {
        self.live
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(id);
    }

    fn paused(&self, name: &str) -> bool {
        let f = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        matches!(f.get(name), Some((n, t)) if *n >= MAX_FAILURES && t.elapsed() < PAUSE)
    }

    fn failed(&self, name: &str) {
        let mut f = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let e = f.entry(name.to_string()).or_insert((0, Instant::now()));
        if e.1.elapsed() >= PAUSE {
            *e = (0, Instant::now());
        }
        e.0 += 1;
        e.1 = Instant::now();
    }

    fn succeeded(&self, name: &str) {
        self.failures
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(name);
    }
}

/// The signed-in account of a request, with its session's CSRF token.
pub struct User {
    /// The account.
    pub account: Account,
    /// The token forms must send back.
    pub csrf: String,
}

impl User {
    /// Refuses a form whose CSRF token is not this session's.
    pub fn check_csrf(&self, sent: &str) -> Result<(), WebError> {
        if same(sent, &self.csrf) {
            Ok(())
        } else {
            Err(WebError::new(
                StatusCode::FORBIDDEN,
                "表单已过期或来源不明（CSRF 校验未通过），没有执行任何操作。请刷新页面后重试。",
            ))
        }
    }

    /// Refuses unless the account may see `community`.
    pub fn require_community(&self, community: &str) -> Result<(), WebError> {
        if self.account.may_access(community) {
            Ok(())
        } else {
            Err(WebError::forbidden())
        }
    }

    /// Refuses unless this is an office account.
    pub fn require_office(&self) -> Result<(), WebError> {
        if self.account.role == Role::Office {
            Ok(())
        } else {
            Err(WebError::forbidden())
        }
    }

    /// The archive, recording this account in the log.
    pub fn archive(&self, state: &AppState) -> Archive {
        Archive::new(state.root()).acting_as(&self.account.name)
    }

    /// What every page's header shows.
    pub fn context(&self) -> serde_json::Value {
        json!({
            "name": self.account.name,
            "role": self.account.role.name(),
            "office": self.account.role == Role::Office,
            "community": self.account.community,
            "csrf": self.csrf,
        })
    }
}

/// Without a valid session: pages send the browser to the sign-in form,
/// everything else gets 401.
pub struct SignIn {
    page: Option<String>,
}

impl IntoResponse for SignIn {
    fn into_response(self) -> Response {
        match self.page {
            Some(next) => {
                let to = format!("/login?next={}", percent(&next));
                Redirect::to(&to).into_response()
            }
            None => WebError::new(StatusCode::UNAUTHORIZED, "请先登录（登录已过期或尚未登录）")
                .into_response(),
        }
    }
}

impl FromRequestParts<AppState> for User {
    type Rejection = SignIn;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<User, SignIn> {
        let page = (parts.method == axum::http::Method::GET).then(|| {
            parts
                .uri
                .path_and_query()
                .map_or("/".to_string(), |p| p.to_string())
        });
        let reject = || SignIn { page: page.clone() };
        let id = cookie(&parts.headers, SESSION_COOKIE).ok_or_else(reject)?;
        let (name, csrf) = state.0.sessions.touch(id).ok_or_else(reject)?;
        // The account file is read on every request so that a removed
        // account or a changed community takes effect at once.
        let root = state.root().to_path_buf();
        let account = tokio::task::spawn_blocking(move || Accounts::load(&root))
            .await
            .ok()
            .and_then(Result::ok)
            .and_then(|a| a.get(&name).cloned())
            .ok_or_else(reject)?;
        Ok(User { account, csrf })
    }
}

#[derive(Deserialize)]
pub struct Next {
    next: Option<String>,
}

/// Only local paths are followed after sign-in.
fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n,
        _ => "/",
    }
}

/// The sign-in form with a fresh double-submit token (cookie and hidden
/// field), an optional message and the name typed before.
fn login_form(
    status: StatusCode,
    next: Option<&str>,
    error: Option<&str>,
    name: &str,
) -> Result<Response, WebError> {
    let t = token()?;
    let page = pages::render(
        "login.html",
        context! { token => t.clone(), next => safe_next(next), error => error, name => name },
    );
    Ok((
        status,
        [(header::SET_COOKIE, set_cookie(LOGIN_COOKIE, &t, None))],
        page,
    )
        .into_response())
}

/// `GET /login`.
pub async fn login_page(Query(q): Query<Next>) -> Result<Response, WebError> {
    login_form(StatusCode::OK, q.next.as_deref(), None, "")
}

#[derive(Deserialize)]
pub struct LoginForm {
    name: String,
    password: String,
    token: String,
    next: Option<String>,
}

/// `POST /login`.
pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Result<Response, WebError> {
    let fail = |msg: &str| {
        login_form(
            StatusCode::UNAUTHORIZED,
            f.next.as_deref(),
            Some(msg),
            &f.name,
        )
    };
    match cookie(&headers, LOGIN_COOKIE) {
        Some(c) if !c.is_empty() && same(c, &f.token) => {}
        _ => return fail("登录表单已过期，请重新输入账号和密码。"),
    }
    let name = f.name.trim().to_string();
    if state.0.sessions.paused(&name) {
        return fail("密码连续输错次数过多，该账号暂停登录 15 分钟。");
    }
    let root = state.root().to_path_buf();
    let (n, password) = (name.clone(), f.password.clone());
    let account = blocking(move || {
        let all = Accounts::load(&root)?;
        match all.get(&n) {
            Some(a) => Ok(Some(a).filter(|a| a.check_password(&password)).cloned()),
            None => {
                // As slow as a wrong password, so that the answer's timing
                // does not tell which names exist.
                crate::accounts::burn_a_check(&password);
                Ok(None)
            }
        }
    })
    .await?;
    let Some(account) = account else {
        state.0.sessions.failed(&name);
        return fail("账号或密码不对。");
    };
    state.0.sessions.succeeded(&name);
    let (id, _) = state.0.sessions.start(&account.name)?;
    let archive = Archive::new(state.root()).acting_as(&account.name);
    let data = json!({"role": account.role});
    blocking(move || log_event(&archive, "signin", data)).await?;
    let to = safe_next(f.next.as_deref()).to_string();
    Ok((
        // Both cookies: `[(K, V); 2]` would keep only the last.
        AppendHeaders([
            (header::SET_COOKIE, set_cookie(SESSION_COOKIE, &id, None)),
            (header::SET_COOKIE, set_cookie(LOGIN_COOKIE, "", Some(0))),
        ]),
        Redirect::to(&to),
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

/// `POST /logout`.
pub async fn logout(
    State(state): State<AppState>,
    user: User,
    headers: HeaderMap,
    Form(f): Form<CsrfForm>,
) -> Result<Response, WebError> {
    user.check_csrf(&f.csrf)?;
    if let Some(id) = cookie(&headers, SESSION_COOKIE) {
        state.0.sessions.end(id);
    }
    let archive = user.archive(&state);
    blocking(move || log_event(&archive, "signout", json!({}))).await?;
    Ok((
        [(header::SET_COOKIE, set_cookie(SESSION_COOKIE, "", Some(0)))],
        Redirect::to("/login"),
    )
        .into_response())
}

/// Records an event of the signed-in account in the archive's log.
pub fn log_event(archive: &Archive, kind: &str, data: serde_json::Value) -> Result<(), WebError> {
    let lock = archive.lock(true, |_| {})?;
    archive
        .log()
        .append(&lock, kind, data)
        .map_err(crate::archive::ArchiveError::from)?;
    Ok(())
}

/// `GET /`: the office overview or the account's community.
pub async fn home(user: User) -> Redirect {
    match (&user.account.role, &user.account.community) {
        (Role::Community, Some(id)) => Redirect::to(&format!("/c/{}", percent(id))),
        _ => Redirect::to("/office"),
    }
}
