//! Files the browser downloads: issued PDFs (to the office, or to those
//! who may see the community they concern), a batch of issued PDFs as one ZIP, and
//! temporary files (bags, blank folders) that are streamed from disk and
//! vanish when the download ends.

use std::fs::File;
use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tempfile::TempDir;
use tokio_util::io::ReaderStream;

use super::AppState;
use super::error::WebError;
use super::session::User;
use super::upload::{self, STAGING};
use super::url::percent;

use crate::archive::io_at;

/// A file to download, from memory or from an open file.
pub struct Download {
    name: String,
    content_type: &'static str,
    body: Body,
    length: Option<u64>,
}

impl Download {
    /// A file held in memory.
    pub fn bytes(name: String, content_type: &'static str, bytes: Vec<u8>) -> Download {
        Download {
            name,
            content_type,
            length: Some(bytes.len() as u64),
            body: Body::from(bytes),
        }
    }

    /// A ZIP streamed from an open file.
    pub fn zip(name: String, file: File) -> Download {
        let length = file.metadata().ok().map(|m| m.len());
        let stream = ReaderStream::new(tokio::fs::File::from_std(file));
        Download {
            name,
            content_type: "application/zip",
            length,
            body: Body::from_stream(stream),
        }
    }
}

impl IntoResponse for Download {
    fn into_response(self) -> Response {
        // RFC 6266: an ASCII fallback name and the real one in UTF-8.
        let fallback: String = self
            .name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let disposition = format!(
            "attachment; filename=\"{fallback}\"; filename*=UTF-8''{}",
            percent(&self.name)
        );
        let mut res = (
            [
                (header::CONTENT_TYPE, self.content_type.to_string()),
                (header::CONTENT_DISPOSITION, disposition),
            ],
            self.body,
        )
            .into_response();
        if let Some(n) = self.length {
            res.headers_mut().insert(header::CONTENT_LENGTH, n.into());
        }
        res
    }
}

/// A path `name` in a fresh temporary folder under the archive's staging
/// folder. The folder goes when the returned guard is dropped; a file
/// opened before that stays readable until it is closed.
pub fn staging_path(root: &Path, name: &str) -> Result<(TempDir, PathBuf), WebError> {
    let dir = upload::staging_dir(root, "download-").map_err(io_at(&root.join(STAGING)))?;
    let path = dir.path().join(name);
    Ok((dir, path))
}

/// Opens a file for streaming out.
pub fn open(path: &Path) -> Result<File, WebError> {
    Ok(File::open(path).map_err(io_at(path))?)
}

/// `GET /documents/{sha}`: an issued PDF or its OFD, to those who may
/// see it (the rule is the action's).
pub async fn document(
    State(state): State<AppState>,
    UrlPath(sha): UrlPath<String>,
    user: User,
) -> Result<Download, WebError> {
    let file = super::act::run(&state, &user, move |ctx| {
        Ok(crate::actions::documents::issued_file(ctx, &sha)?)
    })
    .await?;
    Ok(Download::bytes(file.name, file.media, file.bytes))
}

/// Which register lines a batch ZIP holds (positions from 1, inclusive).
#[derive(Deserialize)]
pub struct Range {
    first: usize,
    last: usize,
}

/// `GET /documents/batch.zip?first=A&last=B`: the PDFs (and OFDs, where
/// issued) of register lines A to B in one ZIP (office only).
pub async fn batch_zip(
    State(state): State<AppState>,
    Query(r): Query<Range>,
    user: User,
) -> Result<Response, WebError> {
    let root = state.root().to_path_buf();
    let file = super::act::run(&state, &user, move |ctx| {
        let (_tmp, out) = staging_path(&root, "公文.zip")?;
        crate::actions::documents::register_zip(ctx, r.first, r.last, &out)?;
        open(&out)
    })
    .await?;
    Ok(Download::zip("公文.zip".to_string(), file).into_response())
}
