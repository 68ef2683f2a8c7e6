//! How slowly a client may send, and how many connections one client may
//! hold, so that a few slow or greedy clients cannot take the server from
//! everyone else.
//!
//! - The body of a page or form request (sign-in, questionnaire answers,
//!   every form) must arrive whole within the body deadline, counted from
//!   the end of its header; an upload's within that deadline plus one
//!   second for every `min_rate` bytes (a minimum average rate). A body
//!   too slow is cut off with 408 and its connection closed.
//! - One client address (an IPv6 client's whole /64) holds at most
//!   `per_address` of the server's connections; beyond that its new
//!   connections are closed on arrival. Connections through the local TLS
//!   proxy all come from loopback and are not counted per address (the
//!   proxy has its own limits).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body::{Frame, SizeHint};
use tokio::time::{Instant, Sleep};

use super::AppState;
use super::error::WebError;
pub use crate::limits::connections::client_key;

/// When a request body must be complete.
#[derive(Debug, Clone, Copy)]
pub struct Pace {
    /// Time allowed whatever the size.
    pub grace: Duration,
    /// Bytes per second that earn more time (0: none).
    pub min_rate: u64,
}

impl Pace {
    /// The moment a body begun at `start` must be complete by, having
    /// sent `received` bytes so far.
    fn due(&self, start: Instant, received: u64) -> Instant {
        let earned = match self.min_rate {
            0 => Duration::ZERO,
            r => Duration::from_millis(received.saturating_mul(1000) / r),
        };
        start + self.grace + earned
    }
}

/// The body came too slowly.
#[derive(Debug, thiserror::Error)]
#[error("请求正文发送太慢，超过了时限")]
struct TooSlow;

/// A request body that fails once it falls behind its [`Pace`].
struct Paced {
    inner: Body,
    pace: Pace,
    start: Instant,
    received: u64,
    due: Instant,
    timer: Pin<Box<Sleep>>,
    late: Arc<AtomicBool>,
}

impl Paced {
    fn new(inner: Body, pace: Pace, late: Arc<AtomicBool>) -> Paced {
        let start = Instant::now();
        let due = pace.due(start, 0);
        Paced {
            inner,
            pace,
            start,
            received: 0,
            due,
            timer: Box::pin(tokio::time::sleep_until(due)),
            late,
        }
    }
}

impl http_body::Body for Paced {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    this.received += data.len() as u64;
                    let due = this.pace.due(this.start, this.received);
                    if due != this.due {
                        this.due = due;
                        this.timer.as_mut().reset(due);
                    }
                }
                return Poll::Ready(Some(Ok(frame)));
            }
            Poll::Ready(other) => return Poll::Ready(other),
            Poll::Pending => {}
        }
        if this.timer.as_mut().poll(cx).is_ready() {
            this.late.store(true, Ordering::Relaxed);
            return Poll::Ready(Some(Err(axum::Error::new(TooSlow))));
        }
        Poll::Pending
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// Page and form requests: the whole body within the body deadline.
pub async fn forms(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let pace = Pace {
        grace: state.0.settings.timeouts.form_body,
        min_rate: 0,
    };
    paced(req, next, pace).await
}

/// Uploads: the body deadline plus a second per `min_upload_rate` bytes.
pub async fn uploads(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let t = state.0.settings.timeouts;
    let pace = Pace {
        grace: t.form_body,
        min_rate: t.min_upload_rate.max(1),
    };
    paced(req, next, pace).await
}

async fn paced(req: Request, next: Next, pace: Pace) -> Response {
    let late = Arc::new(AtomicBool::new(false));
    let json = req
        .headers()
        .get("x-requested-with")
        .is_some_and(|v| v == "kaoping");
    let flag = late.clone();
    let req = req.map(move |b| Body::new(Paced::new(b, pace, flag)));
    let res = next.run(req).await;
    if !late.load(Ordering::Relaxed) {
        return res;
    }
    let e = WebError::new(
        StatusCode::REQUEST_TIMEOUT,
        "请求发送得太慢，服务器没有等到它发完，没有保存任何内容。请检查网络后重试；上传大文件时请换用更快的网络。",
    );
    let mut res = if json { e.json() } else { e.into_response() };
    res.headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uploads_earn_time_by_what_they_send() {
        let start = Instant::now();
        let p = Pace {
            grace: Duration::from_secs(10),
            min_rate: 1000,
        };
        assert_eq!(p.due(start, 0), start + Duration::from_secs(10));
        assert_eq!(p.due(start, 5000), start + Duration::from_secs(15));
    }
}
