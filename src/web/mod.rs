//! The local web application behind `kaoping serve`: staff sign in with a
//! local account, community staff upload evidence and download receipts
//! and bags, district staff and experts see the communities in their
//! scope, the office follows progress against the quotas, imports
//! assessment sheets and issues documents. Routing, shared state and the
//! connection loop (with its timeouts and connection limit) live here;
//! each group of pages has its own module. All archive work runs on the
//! blocking pool through the same library calls as the command line, with
//! the signed-in account recorded in the log.

mod act;
mod assets;
mod community;
mod download;
mod entry;
mod error;
mod field;
mod field_files;
mod field_page;
mod field_sync;
mod fill;
mod guard;
mod inspection;
mod issued;
mod levels;
mod memory;
pub use memory::THREAD_KEEP_ALIVE;
mod office;
mod open_link;
mod overrule;
mod pace;
mod pages;
mod phases;
mod plans;
mod preliminary;
mod print;
mod rectify;
mod rectify_office;
mod scoped;
mod session;
mod street;
mod survey;
mod units;
mod upload;
mod url;
mod verify;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{ConnectInfo, DefaultBodyLimit};
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{self, MethodRouter};
use tokio::sync::Semaphore;

use crate::config::Config;
use crate::limits::open_forms;
use crate::limits::throttle;
use crate::render::Engine;

pub use error::WebError;
pub use guard::host_names;
pub use session::{CSRF_FIELD, SESSION_COOKIE, safe_next};
pub use upload::{Limits, folder_destination, inside, safe_relative, staged_name};

/// How long the server waits for a client.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    /// To receive a request's header, from the connection's start or the
    /// end of the previous request.
    pub header: Duration,
    /// Between two pieces of a request body.
    pub body_idle: Duration,
    /// For the whole body of a page or form request, from the end of its
    /// header (uploads get this plus a second per `min_upload_rate`
    /// bytes).
    pub form_body: Duration,
    /// The average rate (bytes per second) an upload's body must keep
    /// beyond `form_body`.
    pub min_upload_rate: u64,
    /// For a whole request (not uploads, which are bounded by the idle
    /// time and their size).
    pub request: Duration,
}

impl Default for Timeouts {
    fn default() -> Timeouts {
        Timeouts {
            header: Duration::from_secs(20),
            body_idle: Duration::from_secs(60),
            form_body: Duration::from_secs(15),
            min_upload_rate: 4 * 1024,
            request: Duration::from_secs(600),
        }
    }
}

/// What the server needs to know.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The archive root.
    pub root: PathBuf,
    /// Upload limits.
    pub limits: Limits,
    /// Host names (without port) the server answers to; others are refused
    /// (DNS rebinding).
    pub hosts: Vec<String>,
    /// The server sits behind a TLS reverse proxy: cookies are `Secure`,
    /// and the client address is taken from the proxy's
    /// `X-Forwarded-For` when the connection comes from loopback.
    pub https_proxy: bool,
    /// Timeouts.
    pub timeouts: Timeouts,
    /// Most connections open at once; more are closed on arrival.
    pub max_connections: usize,
    /// Most of those one client address may hold (not counted for the
    /// local TLS proxy's connections).
    pub connections_per_address: usize,
    /// Most questionnaire forms open at once, and for one address.
    pub open_forms: (usize, usize),
}

/// State shared by every request.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

struct Inner {
    settings: Settings,
    config: Config,
    engine: Engine,
    sessions: session::Sessions,
    throttle: throttle::Throttle,
    /// Places for password checks (each takes about 19 MiB and a core).
    checks: Semaphore,
    /// The threads that check passwords: a few fixed ones, so that the
    /// memory each check frees is reused by the next instead of being kept
    /// by every thread of the blocking pool.
    checkers: rayon::ThreadPool,
    /// Uploads under way per account.
    uploads: crate::places::Places,
    /// The public questionnaire's copies, open forms and miss counts.
    survey: survey::Public,
    /// The archive's server key (signs the open links' device cookies).
    key: crate::secret::ServerKey,
}

/// Password checks allowed at once.
const CONCURRENT_CHECKS: usize = 3;

impl AppState {
    /// What an issuing action needs: the configuration and engine
    /// loaded at start; no progress is shown on the web.
    pub(crate) fn making(&self) -> crate::actions::documents::Making<'_> {
        crate::actions::documents::Making {
            config: &self.0.config,
            engine: &self.0.engine,
            meter: &crate::meter::Silent,
        }
    }

    /// The state for an archive with its configuration and rendering
    /// engine (loaded once, at start, so that a broken configuration is
    /// reported before the server listens).
    pub fn new(settings: Settings, config: Config, engine: Engine) -> std::io::Result<AppState> {
        let checkers = rayon::ThreadPoolBuilder::new()
            .num_threads(CONCURRENT_CHECKS)
            .thread_name(|i| format!("password-check-{i}"))
            .build()
            .map_err(std::io::Error::other)?;
        let sessions = session::Sessions::for_root(&settings.root)?;
        let open_forms = settings.open_forms;
        let key =
            crate::secret::ServerKey::of_archive(&settings.root).map_err(std::io::Error::other)?;
        Ok(AppState(Arc::new(Inner {
            settings,
            config,
            engine,
            sessions,
            throttle: throttle::Throttle::default(),
            checks: Semaphore::new(CONCURRENT_CHECKS),
            checkers,
            uploads: crate::places::Places::default(),
            survey: survey::Public::with_forms(open_forms::OpenForms::new(
                open_forms.0,
                open_forms.1,
            )),
            key,
        })))
    }

    fn root(&self) -> &std::path::Path {
        &self.0.settings.root
    }
}

/// How a route's request body is bounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Body {
    /// Pages and forms: at most 1 MiB, the body within the body deadline
    /// and the whole within the request timeout.
    Small,
    /// Uploads: bounded by our own streaming checks (size and file
    /// count), which give a clear message instead of a bare 413, and in
    /// time by the idle timeout and the minimum rate of their body.
    Upload,
}

/// One declared route.
struct Route {
    method: Method,
    path: &'static str,
    body: Body,
    handler: MethodRouter<AppState>,
}

fn get<H: Handler<T, AppState>, T: 'static>(path: &'static str, h: H) -> Route {
    Route {
        method: Method::GET,
        path,
        body: Body::Small,
        handler: routing::get(h),
    }
}

fn post<H: Handler<T, AppState>, T: 'static>(path: &'static str, h: H) -> Route {
    Route {
        method: Method::POST,
        path,
        body: Body::Small,
        handler: routing::post(h),
    }
}

fn upload<H: Handler<T, AppState>, T: 'static>(path: &'static str, h: H) -> Route {
    Route {
        body: Body::Upload,
        ..post(path, h)
    }
}

/// `route` with its own, smaller body limit.
fn limited(mut route: Route, bytes: usize) -> Route {
    route.handler = route.handler.layer(DefaultBodyLimit::max(bytes));
    route
}

/// The one place routes are declared: the router is built from it and
/// [`routes`] lists it, so the route walk test sees every route.
fn table() -> Vec<Route> {
    let mut t = Vec::new();
    session_routes(&mut t);
    community_routes(&mut t);
    office_routes(&mut t);
    follow_up_routes(&mut t);
    fieldwork_routes(&mut t);
    t
}

/// Signing in and out, the home page and the static assets.
fn session_routes(t: &mut Vec<Route>) {
    t.extend([
        get("/", session::home),
        get("/login", session::login_page),
        limited(post("/login", session::login), 16 * 1024),
        post("/logout", session::logout),
        get("/static/app.css", assets::css),
        get("/static/app.js", assets::js),
        get("/static/field.js", assets::field_js),
        get("/static/hei.otf", assets::font),
    ]);
}

/// A community's pages: materials, the assessment sheet, its versions.
fn community_routes(t: &mut Vec<Route>) {
    t.extend([
        get("/c/{id}", community::page),
        get("/c/{id}/scaffold.zip", community::scaffold_zip),
        upload("/c/{id}/upload", community::upload),
        get("/c/{id}/sheet-template.xlsx", levels::template),
        upload("/c/{id}/assess", levels::submit),
        get("/c/{id}/fill", fill::page),
        post("/c/{id}/fill", fill::submit),
        post("/c/{id}/return", levels::send_back),
        post("/c/{id}/finalize", levels::finalize),
        post("/c/{id}/override", overrule::submit),
        get("/c/{id}/v/{n}", community::version),
        post("/c/{id}/v/{n}/receipt", community::receipt),
        get("/c/{id}/v/{n}/bag.zip", community::bag),
    ]);
}

/// District, expert and office pages, and the documents they download.
fn office_routes(t: &mut Vec<Route>) {
    t.extend([
        get("/district", scoped::district),
        post("/district/apply", scoped::apply),
        upload("/district/upload", scoped::apply_list),
        get("/district/apply-template.xlsx", scoped::apply_template),
        post("/district/preliminary", preliminary::issue),
        get("/expert", scoped::expert),
        get("/office", office::overview),
        get("/office/sheet-template.csv", office::sheet_template),
        get("/office/sheet-template.xlsx", office::sheet_template_xlsx),
        get("/office/tables/{name}", office::table_xlsx),
        upload("/office/assess", office::assess),
        upload("/office/verify-doc", office::verify_doc),
        post("/office/documents", office::documents),
        get("/office/register", office::register),
        post("/office/approve", office::approve),
        post("/office/return", office::send_back),
        get("/documents/{sha}", download::document),
        get("/documents/batch.zip", download::batch_zip),
        get("/verify", verify::page),
        upload("/verify", verify::check),
    ]);
}

/// Rectification, inspections, the units and their plans.
fn follow_up_routes(t: &mut Vec<Route>) {
    t.extend([
        get("/c/{id}/rectify", rectify::page),
        upload("/c/{id}/rectify/upload", rectify::answer),
        post("/c/{id}/rectify/report", rectify::report),
        post("/c/{id}/rectify/check", rectify::check),
        get("/c/{id}/rectify/evidence", rectify::evidence),
        get("/rectify", rectify::overview),
        post("/office/supervise", rectify_office::supervise),
        post("/office/naming", rectify_office::decision),
        post("/office/bulletin", rectify_office::bulletin),
        get("/inspections", inspection::page),
        upload("/inspections", inspection::add),
        post("/office/inspection-report", inspection::report),
        get("/units", units::page),
        get("/plans", plans::page),
        upload("/district/plan", plans::file),
        get("/street", street::page),
        upload("/street/upload", street::hand_in),
        get("/phases", phases::page),
        upload("/office/phases", phases::set),
        get("/office/phases.xlsx", phases::template),
        upload("/office/units", units::import),
        get("/office/units.xlsx", units::export),
    ]);
}

/// The fieldwork: questionnaires (by link, entered, printed) and on-site
/// assessment (points, photos, scans, media and grid data).
fn fieldwork_routes(t: &mut Vec<Route>) {
    t.extend([
        get("/q/{token}", survey::show),
        limited(post("/q/{token}", survey::submit), survey::BODY_LIMIT),
        get("/q/open/{token}", open_link::show),
        limited(
            post("/q/open/{token}", open_link::submit),
            survey::BODY_LIMIT,
        ),
        get("/survey/entry", entry::form),
        post("/survey/entry", entry::save),
        post("/survey/entry/resolve", entry::resolve),
        post("/c/{id}/survey/print", print::copies_pdf),
        get("/c/{id}/field", field_page::page),
        get("/c/{id}/field-form.pdf", field::form_pdf),
        post("/c/{id}/points", field::add_point),
        upload("/c/{id}/field/photo/upload", field::upload_photo),
        post("/c/{id}/field/finish", field::finish),
        upload("/c/{id}/field/scan/upload", field::upload_scan),
        upload("/c/{id}/field/submit/upload", field::submit),
        upload("/c/{id}/media/upload", field::upload_media),
        upload("/c/{id}/grid/upload", field::upload_grid),
        upload("/c/{id}/points/upload", field_files::import_points),
        get("/c/{id}/field/photo/{sha}", field_files::photo),
        get("/c/{id}/field-sw.js", field_sync::worker),
        get("/c/{id}/field/blob/{sha}", field_sync::blob_state),
        limited(
            upload("/c/{id}/field/chunk/{sha}", field_sync::blob_chunk),
            crate::field::chunks::MAX_CHUNK as usize + 4096,
        ),
        post("/c/{id}/field/sync", field_sync::sync),
    ]);
}

/// Every route of the application as (method, path pattern), e.g.
/// `(GET, "/c/{id}")`, in the order declared.
pub fn routes() -> Vec<(Method, &'static str)> {
    table().into_iter().map(|r| (r.method, r.path)).collect()
}

/// The application's routes.
pub fn router(state: AppState) -> Router {
    let timeouts = state.0.settings.timeouts;
    let (mut uploads, mut pages) = (Router::new(), Router::new());
    for r in table() {
        match r.body {
            Body::Upload => uploads = uploads.route(r.path, r.handler),
            Body::Small => pages = pages.route(r.path, r.handler),
        }
    }
    let uploads =
        uploads
            .layer(DefaultBodyLimit::disable())
            .layer(axum::middleware::from_fn_with_state(
                state.clone(),
                pace::uploads,
            ));
    let pages = pages
        .layer(DefaultBodyLimit::max(1 << 20))
        .layer(guard::request_timeout(timeouts.request))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            pace::forms,
        ));
    Router::new()
        .merge(pages)
        .merge(uploads)
        .fallback(error::not_found)
        .layer(guard::catch_panic())
        .layer(axum::middleware::from_fn(guard::log_failures))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            guard::check_host,
        ))
        .layer(axum::middleware::map_response_with_state(
            state.clone(),
            guard::finish,
        ))
        .layer(guard::body_idle_timeout(timeouts.body_idle))
        .with_state(state)
}

/// Removes what an earlier server left in the staging folder (uploads and
/// downloads cut short by a stop).
pub fn clean_staging(root: &std::path::Path) -> std::io::Result<()> {
    crate::fsutil::present(std::fs::remove_dir_all(root.join(upload::STAGING))).map(drop)
}

/// Serves until Ctrl+C or SIGTERM; requests under way are finished first.
/// Each connection must send its request header within the header
/// timeout; beyond `max_connections` open connections, or beyond
/// `connections_per_address` from one client, new ones are closed at
/// once.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use tower::ServiceExt;

    let settings = state.0.settings.clone();
    let app = router(state);
    let open = Arc::new(Semaphore::new(settings.max_connections));
    let per_address =
        crate::limits::connections::Connections::new(settings.connections_per_address);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut stop = std::pin::pin!(stopped());
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                // Out of file descriptors and the like: wait, then go on.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        // Behind the local TLS proxy every connection is the proxy's.
        let held = match settings.https_proxy && peer.ip().is_loopback() {
            true => None,
            false => match per_address.admit(peer.ip()) {
                Some(h) => Some(h),
                None => {
                    drop(stream);
                    continue;
                }
            },
        };
        let Ok(permit) = open.clone().try_acquire_owned() else {
            drop(stream);
            continue;
        };
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut req: hyper::Request<_>| {
            req.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
            app.clone().oneshot(req.map(axum::body::Body::new))
        });
        let conn = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(settings.timeouts.header)
            .serve_connection(TokioIo::new(stream), service);
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            let _ = conn.await;
            drop(permit);
            drop(held);
        });
    }
    drop(listener);
    // Requests under way get a while to finish; idle connections close.
    let _ = tokio::time::timeout(Duration::from_secs(30), graceful.shutdown()).await;
    Ok(())
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

/// Runs blocking archive work on the blocking pool.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, error::WebError> + Send + 'static,
) -> Result<T, error::WebError> {
    tokio::task::spawn_blocking(f).await?
}
