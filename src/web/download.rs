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
use super::session::{User, in_scope};
use super::upload::{self, STAGING};
use super::url::percent;

use crate::archive::store::Digest;
use crate::archive::{Archive, ArchiveError, io_at};
use crate::issuance;
use crate::scope::Access;

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

/// `GET /documents/{sha}`: an issued PDF or its OFD, to the office or to
/// the community it concerns.
pub async fn document(
    State(state): State<AppState>,
    UrlPath(sha): UrlPath<String>,
    user: User,
) -> Result<Download, WebError> {
    let archive = user.archive(&state);
    let asked = sha.clone();
    let (entry, bytes) = blocking(move || {
        // A document the account may not see is answered exactly as one
        // that does not exist, so hashes cannot be probed.
        let missing = || WebError::missing("发文登记簿里没有这份公文");
        let entry = issuance::find_sha256(&archive, &sha)?.ok_or_else(missing)?;
        // The office sees every document; others those of a community
        // they may see.
        if let Some(d) = &entry.record.district {
            if !crate::scope::allows_district(&user.account, d) {
                return Err(missing());
            }
        } else if user.require_office().is_err() {
            let c = entry.record.community.as_deref().ok_or_else(missing)?;
            in_scope(&user.account, &archive.communities()?, c, Access::Read)
                .map_err(|_| missing())?;
        }
        let digest = Digest::from_hex(&sha).ok_or_else(|| WebError::missing("哈希格式不对"))?;
        let mut bytes = Vec::new();
        verified_copy(&archive, &digest, &mut bytes)?;
        Ok((entry, bytes))
    })
    .await?;
    let (name, media) = entry.record.download_as(&asked);
    Ok(Download::bytes(name, media, bytes))
}

/// Copies a stored object into `sink`, refusing one whose content no
/// longer matches its hash.
pub(super) fn verified_copy(
    archive: &Archive,
    d: &Digest,
    sink: &mut impl Write,
) -> Result<(), WebError> {
    let path = archive.store().path_of(d);
    match archive.store().copy_verified(d, sink) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
            Err(WebError::from(ArchiveError::Corrupt {
                path,
                reason: "内容与哈希不符".into(),
            }))
        }
        Err(e) => Err(io_at(&path)(e).into()),
    }
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
    user.require_office()?;
    let archive = user.archive(&state);
    let file = blocking(move || {
        let all = issuance::entries(&archive)?;
        if r.first == 0 || r.last < r.first || r.last > all.len() {
            return Err(WebError::bad(format!(
                "登记簿只有第 1 至第 {} 条，无法打包第 {} 至第 {} 条",
                all.len(),
                r.first,
                r.last
            )));
        }
        let (_tmp, out) = staging_path(archive.root(), "公文.zip")?;
        let mut zip = zip::ZipWriter::new(File::create(&out).map_err(io_at(&out))?);
        // PDFs are compressed already: store them as they are.
        let opts = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        for e in &all[r.first - 1..r.last] {
            let ofd = e.record.ofd.as_deref().zip(e.record.ofd_file_name());
            let files = std::iter::once((e.record.sha256(), e.record.file_name.clone()));
            for (sha, file) in files.chain(ofd) {
                let digest = Digest::from_hex(sha)
                    .ok_or_else(|| WebError::missing("登记簿里的哈希格式不对"))?;
                let name = format!("{}-{}", e.record.number.replace('/', "_"), file);
                zip.start_file(name, opts).map_err(zip_failed)?;
                verified_copy(&archive, &digest, &mut zip)?;
            }
        }
        zip.finish().map_err(zip_failed)?;
        open(&out)
    })
    .await?;
    Ok(Download::zip("公文.zip".to_string(), file).into_response())
}
