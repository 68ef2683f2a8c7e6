//! The files every page links to, built into the binary: the stylesheet,
//! the script, the on-site page's outbox script and the bundled
//! sans-serif Chinese font.

use axum::http::header;
use axum::response::IntoResponse;

/// `GET /static/app.css`.
pub async fn css() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("../../templates/web/app.css"),
    )
}

/// `GET /static/hei.otf`: the bundled sans-serif Chinese font, used only
/// by browsers on machines without one (see `app.css`).
pub async fn font() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "font/otf"),
            (header::CACHE_CONTROL, "public, max-age=604800"),
        ],
        crate::render::fonts::HEI,
    )
}

/// `GET /static/app.js`.
pub async fn js() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("../../templates/web/app.js"),
    )
}

/// `GET /static/field.js`: the on-site page's offline outbox (IndexedDB)
/// and its sync; always checked for a newer version (`no-cache`) so a
/// page update reaches the phone at its next visit with a network.
pub async fn field_js() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        FIELD_JS,
    )
}

/// The on-site page's script.
pub const FIELD_JS: &str = include_str!("../../templates/web/field.js");
