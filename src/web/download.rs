//! Files the browser downloads: issued PDFs (to the office, or to those
//! who may see the community they concern), a batch of issued PDFs as one ZIP, and
//! temporary files (bags, blank folders) that are streamed from disk and
//! vanish when the download ends.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tempfile::TempDir;
use tokio_util::io::ReaderStream;
use zip::write::SimpleFileOptions;

use super::AppState;
use super::blocking;
use super::error::WebError;
use super::session::User;
use super::upload::{self, STAGING};
use super::url::percent;

use crate::archive::store::Digest;
use crate::archive::{Archive, io_at};

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

fn zip_failed(e: zip::result::ZipError) -> WebError {
    WebError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        format!("无法生成 ZIP：{e}"),
    )
}

/// `GET /documents/{sha}`: an issued PDF or its OFD, to those who may
/// see it (the rule is the action's).
pub async fn document(
    State(state): State<AppState>,
    UrlPath(sha): UrlPath<String>,
    user: User,
) -> Result<Download, WebError> {
    let archive = user.archive(&state);
    let file = blocking(move || {
        let c = crate::actions::Ctx::account(&archive, &user.account);
        Ok(crate::actions::documents::issued_file(&c, &sha)?)
    })
    .await?;
    Ok(Download::bytes(file.name, file.media, file.bytes))
}

/// Copies a stored object into `sink`, refusing one whose content no
/// longer matches its hash.
pub(super) fn verified_copy(
    archive: &Archive,
    d: &Digest,
    sink: &mut impl Write,
) -> Result<(), WebError> {
    archive.store().read_verified(d, sink)?;
    Ok(())
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
    let archive = user.archive(&state);
    let file = blocking(move || {
        let c = crate::actions::Ctx::account(&archive, &user.account);
        let files = crate::actions::documents::register_files(&c, r.first, r.last)?;
        let (_tmp, out) = staging_path(archive.root(), "公文.zip")?;
        let mut zip = zip::ZipWriter::new(File::create(&out).map_err(io_at(&out))?);
        // PDFs and OFDs are compressed already: store them as they are.
        let opts = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        for (name, digest) in files {
            zip.start_file(name, opts).map_err(zip_failed)?;
            verified_copy(&archive, &digest, &mut zip)?;
        }
        zip.finish().map_err(zip_failed)?;
        open(&out)
    })
    .await?;
    Ok(Download::zip("公文.zip".to_string(), file).into_response())
}
