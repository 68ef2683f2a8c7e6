//! What every request passes on its way in and out: the `Host` check
//! (against DNS rebinding), the body idle and whole-request timeouts, the
//! client's address (direct, or from a trusted local TLS proxy), the
//! security headers on every answer, and the last step of every error
//! page, which takes server paths out of the message.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::error::{Failure, WebError};

/// The host names a server listening on `listen` answers to: the loopback
/// names, the listen address itself when it is a specific one, and the
/// `extra` names configured for it (lower case, without port).
pub fn host_names(listen: Option<SocketAddr>, extra: &[String]) -> Vec<String> {
    let mut names: Vec<String> = ["localhost", "127.0.0.1", "::1"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    if let Some(addr) = listen
        && !addr.ip().is_unspecified()
    {
        names.push(addr.ip().to_string());
    }
    for n in extra {
        let n = bare_host(n.trim()).to_ascii_lowercase();
        if !n.is_empty() {
            names.push(n);
        }
    }
    names.sort();
    names.dedup();
    names
}

/// `name:port`, `[v6]:port` or a bare name → the name.
fn bare_host(host: &str) -> &str {
    if let Some(rest) = host.strip_prefix('[') {
        return rest.split(']').next().unwrap_or("");
    }
    match host.rsplit_once(':') {
        Some((name, port)) if port.chars().all(|c| c.is_ascii_digit()) && !name.contains(':') => {
            name
        }
        _ => host,
    }
}

/// Writes the failures the user did not cause (5xx) to the server's
/// standard error with the request, so that the administrator can tell why
/// (the user sees the Chinese message).
pub async fn log_failures(req: Request, next: Next) -> Response {
    let (method, path) = (req.method().clone(), req.uri().path().to_string());
    let res = next.run(req).await;
    if res.status().is_server_error() {
        let message = res
            .extensions()
            .get::<Failure>()
            .map_or(String::new(), |f| f.message.replace('\n', " / "));
        eprintln!(
            "kaoping serve：{method} {path} 失败（{}）：{message}",
            res.status()
        );
    }
    res
}

/// Refuses a request whose `Host` is not one the server answers to, or
/// that sends more than one `Host` (proxies and the server could each
/// take a different one).
pub async fn check_host(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.headers().get_all(header::HOST).iter().nth(1).is_some() {
        return WebError::bad(
            "请求中有多个 Host 头，无法确定访问的是哪个网址，已拒绝。请直接用浏览器访问本系统；若经过代理，请检查代理的设置。",
        )
        .into_response();
    }
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(|h| bare_host(h).to_ascii_lowercase());
    let hosts = &state.0.settings.hosts;
    match host {
        Some(h) if hosts.contains(&h) => next.run(req).await,
        _ => WebError::new(
            StatusCode::MISDIRECTED_REQUEST,
            format!(
                "这个网址不是本系统的地址。请用 http://{}/ 访问；管理员可以用 kaoping serve --host 名称 增加可用的地址。",
                hosts.first().map_or("localhost", String::as_str)
            ),
        )
        .into_response(),
    }
}

/// A panic while answering one request becomes a 500 page for that
/// request; the server goes on serving the others.
pub fn catch_panic()
-> tower_http::catch_panic::CatchPanicLayer<fn(Box<dyn std::any::Any + Send>) -> Response> {
    tower_http::catch_panic::CatchPanicLayer::custom(panicked as fn(_) -> _)
}

fn panicked(_: Box<dyn std::any::Any + Send>) -> Response {
    WebError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "处理请求时程序出错，这个请求没有完成，档案库没有被改动；请把这条信息和发生的时间告诉管理员",
    )
    .into_response()
}

/// A whole request may take at most `limit` (answering 408 after).
pub fn request_timeout(limit: Duration) -> tower_http::timeout::TimeoutLayer {
    tower_http::timeout::TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, limit)
}

/// A request body that sends nothing for `limit` is cut off.
pub fn body_idle_timeout(limit: Duration) -> tower_http::timeout::RequestBodyTimeoutLayer {
    tower_http::timeout::RequestBodyTimeoutLayer::new(limit)
}

/// The client's address: the peer, or behind a TLS proxy on this machine
/// the last address the proxy put in `X-Forwarded-For`.
pub struct ClientAddr(pub IpAddr);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip());
        let forwarded = || {
            parts
                .headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .next_back()
                .and_then(|a| a.trim().parse::<IpAddr>().ok())
        };
        let addr = match state.0.settings.https_proxy && peer.is_loopback() {
            true => forwarded().unwrap_or(peer),
            false => peer,
        };
        // One IPv6 client owns a whole /64: count it as one.
        Ok(ClientAddr(super::pace::client_key(addr)))
    }
}

/// Headers on every answer: pages run only their own script and style,
/// are never framed by another site (clickjacking), are not sniffed into
/// another type, and do not leak addresses to other sites. Error answers
/// are rendered here, with the archive's location taken out of their
/// message.
pub async fn finish(State(state): State<AppState>, mut res: Response) -> Response {
    if let Some(f) = res.extensions_mut().remove::<Failure>() {
        let message = scrub(&f.message, &state.0.settings.root);
        let status = res.status();
        res = WebError::new(status, message).render(f.json);
    }
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        ),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    res
}

/// A message with the archive root's location removed: paths inside it are
/// shown relative to it, and the root itself as 档案库.
pub fn scrub(message: &str, root: &std::path::Path) -> String {
    let mut out = message.to_string();
    let mut roots = vec![root.to_path_buf()];
    if let Ok(c) = root.canonicalize() {
        roots.push(c);
    }
    for r in roots {
        let r = r.display().to_string();
        if r.is_empty() || r == "/" {
            continue;
        }
        out = out.replace(&format!("{r}/"), "").replace(&r, "档案库");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names_strip_ports_and_brackets() {
        assert_eq!(bare_host("localhost:8080"), "localhost");
        assert_eq!(bare_host("[::1]:8080"), "::1");
        assert_eq!(bare_host("::1"), "::1");
        assert_eq!(bare_host("example.gov.cn"), "example.gov.cn");
        let names = host_names(
            Some("10.0.0.5:80".parse().unwrap()),
            &["Kaoping.Example.cn:443".into()],
        );
        assert!(names.contains(&"10.0.0.5".to_string()));
        assert!(names.contains(&"kaoping.example.cn".to_string()));
        assert!(!host_names(Some("0.0.0.0:80".parse().unwrap()), &[]).contains(&"0.0.0.0".into()));
    }

    #[test]
    fn scrub_hides_the_archive_location() {
        let root = std::path::Path::new("/srv/data/archive");
        assert_eq!(
            scrub("无法读取 /srv/data/archive/uploads.tmp/x（权限）", root),
            "无法读取 uploads.tmp/x（权限）"
        );
        assert_eq!(
            scrub("档案库 /srv/data/archive 已锁定", root),
            "档案库 档案库 已锁定"
        );
    }
}
