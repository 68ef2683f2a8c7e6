//! Sign-in and sessions: the login form (with a double-submit token, as
//! there is no session yet), a random session id in an HttpOnly,
//! SameSite=Strict cookie (`Secure` behind a TLS proxy), a per-session
//! CSRF token every form sends back, idle and absolute expiry, sessions
//! that end when their account's password changes, and sign-in throttling
//! (see [`super::throttle`]) with a cap on concurrent password checks.

use std::time::Duration;

use axum::Form;
use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use minijinja::context;
use serde::Deserialize;

use super::AppState;
use super::blocking;
use super::error::WebError;
use super::guard::ClientAddr;
use super::pages::{self, Header};
use super::throttle::Refusal;
use super::url::percent;
use crate::accounts::{Account, Accounts, Role};
use crate::actions::{self, Ctx};
use crate::archive::Archive;
use crate::community::{Community, Roster};
use crate::scope::Access;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "kaoping_session";
/// Name of the sign-in form's double-submit cookie.
const LOGIN_COOKIE: &str = "kaoping_login";
/// Name of the CSRF form field (and `X-CSRF-Token` header).
pub const CSRF_FIELD: &str = "csrf";
/// A session ends after this long without a request.
const IDLE: Duration = Duration::from_secs(8 * 3600);
/// A session ends this long after sign-in, however busy.
const MAX_AGE: Duration = Duration::from_secs(12 * 3600);
/// How long a sign-in waits for a free password check before answering
/// that the server is busy.
const CHECK_WAIT: Duration = Duration::from_secs(5);

/// The signed-in sessions, kept by the archive's storage (in memory for
/// a local archive, shared in the database for a distributed one).
pub struct Sessions {
    store: Box<dyn crate::storage::SessionStore>,
}

fn db_down(e: std::io::Error) -> WebError {
    WebError::new(StatusCode::SERVICE_UNAVAILABLE, e.to_string())
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

pub(super) fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn set_cookie(name: &str, value: &str, max_age: Option<u64>, secure: bool) -> String {
    let age = max_age.map_or(String::new(), |s| format!("; Max-Age={s}"));
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict{secure}{age}")
}

impl Sessions {
    /// The sessions of the archive at `root`.
    pub fn for_root(root: &std::path::Path) -> std::io::Result<Sessions> {
        Ok(Sessions {
            store: crate::storage::open_io(root)?.sessions(),
        })
    }

    fn start(&self, account: &Account) -> Result<(String, String), WebError> {
        let (id, csrf) = (token()?, token()?);
        let row = (account.name.clone(), account.password.clone(), csrf.clone());
        self.store
            .start(&id, row, IDLE.as_secs(), MAX_AGE.as_secs())
            .map_err(db_down)?;
        Ok((id, csrf))
    }

    /// The account, password stamp and CSRF token of a live session.
    fn touch(&self, id: &str) -> Option<(String, String, String)> {
        // A store that cannot answer signs no one in.
        self.store
            .touch(id, IDLE.as_secs(), MAX_AGE.as_secs())
            .ok()
            .flatten()
    }

    fn end(&self, id: &str) {
        let _ = self.store.end(id);
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

    /// Refuses unless the account may do `access` for the community `id`
    /// (decided by [`crate::scope::allows`]); gives the community.
    pub async fn require_community(
        &self,
        state: &AppState,
        id: &str,
        access: Access,
    ) -> Result<Community, WebError> {
        let (root, account, id) = (
            state.root().to_path_buf(),
            self.account.clone(),
            id.to_string(),
        );
        blocking(move || in_scope(&account, &Roster::load(&root)?, &id, access)).await
    }

    /// Refuses unless this is an account of `role`.
    pub fn require_role(&self, role: Role) -> Result<(), WebError> {
        if self.account.role == role {
            Ok(())
        } else {
            Err(WebError::forbidden())
        }
    }

    /// Refuses unless this is an office account.
    pub fn require_office(&self) -> Result<(), WebError> {
        self.require_role(Role::Office)
    }

    /// The archive, recording this account in the log.
    pub fn archive(&self, state: &AppState) -> Archive {
        Archive::new(state.root()).acting_as(&self.account.name)
    }

    /// What every page's header shows.
    pub fn context(&self) -> Header<'_> {
        Header {
            name: &self.account.name,
            role: self.account.role.name(),
            office: self.account.role == Role::Office,
            community: self.account.community.as_deref(),
            district: self
                .account
                .district
                .as_deref()
                .filter(|_| self.account.role == Role::District),
            expert: self.account.role == Role::Expert,
            street: self.account.street.as_deref(),
            csrf: &self.csrf,
        }
    }
}

/// The community `id` if `account` may do `access` for it. A community
/// that is not registered is 404 to the office and 403 to others, so that
/// no one else learns which ids exist.
pub fn in_scope(
    account: &Account,
    roster: &Roster,
    id: &str,
    access: Access,
) -> Result<Community, WebError> {
    Ok(crate::actions::context::visible(account, roster, id, access)?.clone())
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
        let (name, stamp, csrf) = state.0.sessions.touch(id).ok_or_else(reject)?;
        // The account file is read on every request so that a removed
        // account, a changed password or a changed community takes effect
        // at once.
        let root = state.root().to_path_buf();
        let account = tokio::task::spawn_blocking(move || Accounts::load(&root))
            .await
            .ok()
            .and_then(Result::ok)
            .and_then(|a| a.get(&name).cloned())
            .filter(|a| same(&a.password, &stamp));
        let Some(account) = account else {
            state.0.sessions.end(id);
            return Err(reject());
        };
        Ok(User { account, csrf })
    }
}

#[derive(Deserialize)]
pub struct Next {
    next: Option<String>,
}

/// Only local paths are followed after sign-in: printable ASCII starting
/// with one `/`, without `//` or `\\`; once percent-decoded, still
/// without `//`, `\\` or control characters (browsers drop tabs and
/// newlines, and read `\\` as `/`). Decoded non-ASCII text (a Chinese
/// community id) is fine.
pub fn safe_next(next: Option<&str>) -> &str {
    fn local(s: &str) -> bool {
        s.starts_with('/') && !s.contains("//") && !s.contains('\\')
    }
    match next {
        Some(n)
            if local(n)
                && n.bytes().all(|b| (0x21..0x7f).contains(&b))
                && percent_encoding::percent_decode_str(n)
                    .decode_utf8()
                    .is_ok_and(|d| local(&d) && !d.chars().any(char::is_control)) =>
        {
            n
        }
        _ => "/",
    }
}

/// The sign-in form with a fresh double-submit token (cookie and hidden
/// field), an optional message and the name typed before.
fn login_form(
    state: &AppState,
    status: StatusCode,
    next: Option<&str>,
    error: Option<&str>,
    name: &str,
) -> Result<Response, WebError> {
    let t = token()?;
    // A name that is not an account name (too long, say) is not echoed.
    let name = if crate::accounts::valid_name(name) {
        name
    } else {
        ""
    };
    let page = pages::render(
        "login.html",
        context! { token => t.clone(), next => safe_next(next), error => error, name => name },
    );
    let secure = state.0.settings.https_proxy;
    Ok((
        status,
        [(
            header::SET_COOKIE,
            set_cookie(LOGIN_COOKIE, &t, None, secure),
        )],
        page,
    )
        .into_response())
}

/// `GET /login`.
pub async fn login_page(
    State(state): State<AppState>,
    Query(q): Query<Next>,
) -> Result<Response, WebError> {
    login_form(&state, StatusCode::OK, q.next.as_deref(), None, "")
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
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Result<Response, WebError> {
    let fail = |status: StatusCode, msg: &str| {
        login_form(&state, status, f.next.as_deref(), Some(msg), &f.name)
    };
    match cookie(&headers, LOGIN_COOKIE) {
        Some(c) if !c.is_empty() && same(c, &f.token) => {}
        _ => {
            return fail(
                StatusCode::UNAUTHORIZED,
                "登录表单已过期，请重新输入账号和密码。",
            );
        }
    }
    let name = f.name.trim().to_string();
    // Not an account name: no account can match, so no work is done.
    if !crate::accounts::valid_name(&name) || f.password.len() > 1024 {
        return fail(StatusCode::UNAUTHORIZED, "账号或密码不对。");
    }
    let ticket = match state.0.throttle.begin(&name, addr) {
        Ok(t) => t,
        Err(Refusal::Address) => {
            return fail(
                StatusCode::TOO_MANY_REQUESTS,
                "这台电脑登录失败的次数过多，请 15 分钟后再试。",
            );
        }
        Err(Refusal::Busy) => {
            return fail(
                StatusCode::TOO_MANY_REQUESTS,
                "从这台电脑输错这个账号的密码多次，登录放慢了：请等几秒钟，上一次尝试结束后再试。",
            );
        }
    };
    if !ticket.delay.is_zero() {
        tokio::time::sleep(ticket.delay).await;
    }
    // Each check costs about 19 MiB and a core: only a few at a time.
    let Ok(Ok(permit)) = tokio::time::timeout(CHECK_WAIT, state.0.checks.acquire()).await else {
        ticket.cancel();
        return fail(
            StatusCode::SERVICE_UNAVAILABLE,
            "服务器正忙（很多人同时登录），请稍等片刻再试。",
        );
    };
    let account = checked(&state, &name, &f.password).await;
    drop(permit);
    ticket.finish(matches!(account, Ok(Some(_))));
    let Some(account) = account? else {
        return fail(StatusCode::UNAUTHORIZED, "账号或密码不对。");
    };
    let (id, _) = state.0.sessions.start(&account)?;
    let archive = Archive::new(state.root()).acting_as(&account.name);
    let signed = account.clone();
    blocking(move || Ok(actions::session::sign_in(&Ctx::account(&archive, &signed))?)).await?;
    let to = safe_next(f.next.as_deref()).to_string();
    let secure = state.0.settings.https_proxy;
    Ok((
        // Both cookies: `[(K, V); 2]` would keep only the last.
        AppendHeaders([
            (
                header::SET_COOKIE,
                set_cookie(SESSION_COOKIE, &id, None, secure),
            ),
            (
                header::SET_COOKIE,
                set_cookie(LOGIN_COOKIE, "", Some(0), secure),
            ),
        ]),
        Redirect::to(&to),
    )
        .into_response())
}

/// The account `name` if `password` is its password.
async fn checked(
    state: &AppState,
    name: &str,
    password: &str,
) -> Result<Option<Account>, WebError> {
    let root = state.root().to_path_buf();
    let (n, password) = (name.to_string(), password.to_string());
    let (tx, rx) = tokio::sync::oneshot::channel();
    state.0.checkers.spawn(move || {
        let result = Accounts::load(&root).map(|all| match all.get(&n) {
            Some(a) => Some(a).filter(|a| a.check_password(&password)).cloned(),
            None => {
                // As slow as a wrong password, so that the answer's timing
                // does not tell which names exist.
                crate::accounts::burn_a_check(&password);
                None
            }
        });
        let _ = tx.send(result);
    });
    match rx.await {
        Ok(result) => Ok(result?),
        Err(_) => Err(WebError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "核对密码时程序出错，请把这条信息告诉管理员",
        )),
    }
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
    super::act::run(&state, &user, |ctx| Ok(actions::session::sign_out(ctx)?)).await?;
    Ok((
        [(
            header::SET_COOKIE,
            set_cookie(SESSION_COOKIE, "", Some(0), state.0.settings.https_proxy),
        )],
        Redirect::to("/login"),
    )
        .into_response())
}

/// `GET /`: each role's own page.
pub async fn home(user: User) -> Redirect {
    match (&user.account.role, &user.account.community) {
        (Role::Community, Some(id)) => Redirect::to(&format!("/c/{}", percent(id))),
        (Role::Community, None) => Redirect::to("/login"),
        (Role::District, _) => Redirect::to("/district"),
        (Role::Expert, _) => Redirect::to("/expert"),
        (Role::Office, _) => Redirect::to("/office"),
        (Role::Street, _) => Redirect::to("/street"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_accepts_only_plain_local_paths() {
        for ok in ["/", "/office", "/c/WH-001?x=1", "/c/%E7%BF%A0"] {
            assert_eq!(safe_next(Some(ok)), ok);
        }
        for bad in [
            "/\t/evil.example/",
            "/\n/x",
            "//evil.example",
            "/\\evil",
            "/%2f/evil",
            "/%5Cevil",
            "/%09/evil",
            "/%0a",
            "https://evil.example",
            "evil",
            "/a b",
            "/\u{7f}",
            "/翠湖",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
