//! The files every page links to, built into the binary: the stylesheet,
//! the script and the bundled sans-serif Chinese font.

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
