//! The local web application behind `kaoping serve`: staff sign in with a
//! local account, community staff upload evidence and download receipts
//! and bags, the office follows progress against the quotas, imports
//! assessment sheets and issues documents. Routing and shared state live
//! here; each group of pages has its own module. All archive work runs on
//! the blocking pool through the same library calls as the command line,
//! with the signed-in account recorded in the log.

mod community;
mod error;
mod files;
mod office;
mod pages;
mod session;
mod upload;

use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::config::Config;
use crate::render::Engine;

pub use error::WebError;
pub use session::{CSRF_FIELD, SESSION_COOKIE};
pub use upload::Limits;

/// What the server needs to know.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The archive root.
    pub root: PathBuf,
    /// Upload limits.
    pub limits: Limits,
}

/// State shared by every request.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

struct Inner {
    settings: Settings,
    config: Config,
    engine: Engine,
    sessions: session::Sessions,
}

impl AppState {
    /// The state for an archive with its configuration and rendering
    /// engine (loaded once, at start, so that a broken configuration is
    /// reported before the server listens).
    pub fn new(settings: Settings, config: Config, engine: Engine) -> AppState {
        AppState(Arc::new(Inner {
            settings,
            config,
            engine,
            sessions: session::Sessions::default(),
        }))
    }

    fn root(&self) -> &std::path::Path {
        &self.0.settings.root
    }
}

/// The application's routes.
pub fn router(state: AppState) -> Router {
    // Uploads are limited by our own streaming checks (size and file
    // count), which give a clear message instead of a bare 413.
    let uploads = Router::new()
        .route("/c/{id}/upload", post(community::upload))
        .route("/office/assess", post(office::assess))
        .route("/office/verify-doc", post(office::verify_doc))
        .layer(DefaultBodyLimit::disable());
    Router::new()
        .route("/", get(session::home))
        .route("/login", get(session::login_page).post(session::login))
        .route("/logout", post(session::logout))
        .route("/static/app.css", get(files::css))
        .route("/static/app.js", get(files::js))
        .route("/static/hei.otf", get(files::font))
        .route("/c/{id}", get(community::page))
        .route("/c/{id}/scaffold.zip", get(community::scaffold_zip))
        .route("/c/{id}/v/{n}", get(community::version))
        .route("/c/{id}/v/{n}/receipt", post(community::receipt))
        .route("/c/{id}/v/{n}/bag.zip", get(community::bag))
        .route("/office", get(office::overview))
        .route("/office/sheet-template.csv", get(office::sheet_template))
        .route("/office/documents", post(office::documents))
        .route("/office/register", get(office::register))
        .route("/documents/{sha}", get(files::document))
        .route("/documents/batch.zip", get(files::batch_zip))
        .merge(uploads)
        .fallback(error::not_found)
        .layer(axum::middleware::map_response(protect))
        .with_state(state)
}

/// Headers on every answer: pages run only their own script and style,
/// are never framed by another site (clickjacking), are not sniffed into
/// another type, and do not leak addresses to other sites.
async fn protect(mut res: axum::response::Response) -> axum::response::Response {
    use axum::http::{HeaderValue, header};
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

/// Removes what an earlier server left in the staging folder (uploads and
/// downloads cut short by a stop).
pub fn clean_staging(root: &std::path::Path) -> std::io::Result<()> {
    match std::fs::remove_dir_all(root.join(upload::STAGING)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Serves until Ctrl+C or SIGTERM; requests under way are finished first.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(stopped())
        .await
}

async fn stopped() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
