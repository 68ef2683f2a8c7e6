//! Receiving uploads: a multipart body is streamed field by field to a
//! staging folder inside the archive root (never held in memory), with
//! the CSRF token required before any file, limits on total size and file
//! count, and the same name rules as ZIP entries (no `..`, no absolute or
//! drive paths, no backslashes or control characters). The staging folder
//! is removed when the upload is dropped, whatever happens.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use axum::extract::Multipart;
use axum::http::{HeaderMap, StatusCode, header};
use tempfile::TempDir;
use tokio::io::AsyncWriteExt;

use super::error::WebError;
use super::session::{CSRF_FIELD, User};

/// Folder under the archive root where uploads are staged.
pub const STAGING: &str = "uploads.tmp";

/// Name of the folder a browser folder upload is placed in when its files
/// do not share one top folder.
const LOOSE: &str = "网页上传";

/// Upload limits.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Most bytes of files in one upload.
    pub max_bytes: u64,
    /// Most files in one upload.
    pub max_files: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_bytes: 2 << 30,
            max_files: 20_000,
        }
    }
}

/// A received upload: its text fields and staged files.
pub struct Upload {
    /// The staging folder (removed on drop).
    pub dir: TempDir,
    /// Text fields by name (last value wins).
    pub fields: HashMap<String, String>,
    /// Staged files: the form field they came in and where they are.
    pub files: Vec<(String, PathBuf)>,
    /// Bytes received in files.
    pub bytes: u64,
}

impl Upload {
    /// The staged file of form field `name`, if one was sent.
    pub fn file(&self, name: &str) -> Option<&Path> {
        self.files
            .iter()
            .find(|(f, _)| f == name)
            .map(|(_, p)| p.as_path())
    }

    /// The text field `name`, trimmed; empty counts as absent.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.fields
            .get(name)
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
    }

    /// What was uploaded as a folder: the one top folder its files share,
    /// or the staging root (`网页上传`).
    pub fn folder(&self) -> Option<PathBuf> {
        let base = self.dir.path().join(LOOSE);
        let tops: std::collections::BTreeSet<_> = self
            .files
            .iter()
            .filter(|(f, _)| f == "file")
            .filter_map(|(_, p)| p.strip_prefix(&base).ok()?.components().next())
            .collect();
        match tops.len() {
            0 => None,
            1 => tops
                .into_iter()
                .next()
                .map(|t| base.join(t))
                .filter(|p| p.is_dir())
                .or(Some(base)),
            _ => Some(base),
        }
    }

    /// Replaces the staging paths in a message by what the user uploaded.
    pub fn tidy(&self, message: &str) -> String {
        let base = self.dir.path().join(LOOSE);
        message
            .replace(&format!("{}/", base.display()), "")
            .replace(&format!("{}/", self.dir.path().display()), "")
            .replace(&base.display().to_string(), LOOSE)
    }
}

fn too_big(limits: &Limits) -> WebError {
    WebError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!(
            "上传的内容超过上限（每次最多 {} MB、{} 个文件），没有保存任何文件。请分批提交，或请管理员用 kaoping serve --max-upload-mb 调整上限。",
            limits.max_bytes >> 20,
            limits.max_files
        ),
    )
}

/// Checks a relative path a browser sent for a file of a folder upload;
/// returns its components.
pub fn safe_relative(raw: &str) -> Result<Vec<&str>, String> {
    let why = if raw.is_empty() {
        Some("文件名为空")
    } else if raw.contains('\\') {
        Some("含有反斜杠")
    } else if raw.starts_with('/') {
        Some("是绝对路径")
    } else if raw.len() >= 2 && raw.as_bytes()[1] == b':' {
        Some("带盘符")
    } else if raw.chars().any(|c| c.is_control()) {
        Some("含有控制字符")
    } else if raw
        .split('/')
        .any(|c| c.is_empty() || c == "." || c == "..")
    {
        Some("含有空的、“.”或“..”的路径段")
    } else if raw.split('/').any(|c| c.len() > 255) || raw.split('/').count() > 16 {
        Some("太长或层级太深")
    } else {
        None
    };
    match why {
        Some(w) => Err(format!("“{}”{w}", raw.escape_debug())),
        None => Ok(raw.split('/').collect()),
    }
}

fn multipart_error(e: axum::extract::multipart::MultipartError) -> WebError {
    WebError::new(
        e.status(),
        format!(
            "上传中断或格式不对（{}），没有保存任何文件，请重新上传。",
            e.body_text()
        ),
    )
}

fn io(path: &Path, e: std::io::Error) -> WebError {
    WebError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        format!(
            "无法写入临时文件 {}（{e}），没有保存任何文件",
            path.display()
        ),
    )
}

/// A fresh temporary folder under the archive's staging folder, removed
/// when dropped (and at the next server start if the server stops first).
pub fn staging_dir(root: &Path, prefix: &str) -> std::io::Result<TempDir> {
    let staging = root.join(STAGING);
    std::fs::create_dir_all(&staging)?;
    tempfile::Builder::new().prefix(prefix).tempdir_in(&staging)
}

/// After a refusal the rest of the body is read and thrown away, up to
/// this much, so that the browser receives the answer instead of a broken
/// connection; a larger body is cut off.
const DRAIN_CAP: u64 = 256 << 20;

/// Streams the multipart body to a staging folder under `root`. The first
/// field must be the CSRF token. A file field `file` is placed at the path
/// given by the `path` field just before it (or its file name); any other
/// file field is staged under its own name. A body declared or found to be
/// over `limits`, or one `allowed` refuses (the account may not do this),
/// is refused without writing anything more.
pub async fn receive(
    root: &Path,
    user: &User,
    allowed: Result<(), WebError>,
    headers: &HeaderMap,
    mut mp: Multipart,
    limits: Limits,
) -> Result<Upload, WebError> {
    let dir = staging_dir(root, "upload-").map_err(|e| io(&root.join(STAGING), e))?;
    let mut up = Upload {
        dir,
        fields: HashMap::new(),
        files: Vec::new(),
        bytes: 0,
    };
    // Once set, nothing more is written; the body is drained.
    let mut refused: Option<WebError> = allowed.and(declared_too_big(headers, limits)).err();
    let mut discarded = 0u64;
    let mut first = true;
    let mut pending_path: Option<String> = None;
    let mut problems = Vec::new();
    while let Some(mut field) = mp.next_field().await.map_err(multipart_error)? {
        if let Some(e) = refused.take() {
            while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
                discarded += chunk.len() as u64;
                if discarded > DRAIN_CAP {
                    return Err(e);
                }
            }
            refused = Some(e);
            continue;
        }
        let name = field.name().unwrap_or("").to_string();
        if first {
            first = false;
            let sent = if name == CSRF_FIELD {
                field.text().await.map_err(multipart_error)?
            } else {
                String::new()
            };
            refused = user.check_csrf(&sent).err();
            continue;
        }
        let Some(file_name) = field.file_name().map(str::to_string) else {
            let text = field.text().await.map_err(multipart_error)?;
            if text.len() > 64 * 1024 {
                refused = Some(WebError::bad(format!("表单项 {name} 太长")));
            } else if name == "path" {
                pending_path = Some(text);
            } else {
                up.fields.insert(name, text);
            }
            continue;
        };
        if file_name.is_empty() {
            // An empty file input still sends an unnamed part.
            while field.chunk().await.map_err(multipart_error)?.is_some() {}
            continue;
        }
        if up.files.len() >= limits.max_files {
            refused = Some(too_big(&limits));
            continue;
        }
        let dest = if name == "file" {
            let raw = pending_path.take().unwrap_or(file_name);
            match safe_relative(&raw) {
                Ok(parts) => parts
                    .iter()
                    .fold(up.dir.path().join(LOOSE), |p, c| p.join(c)),
                Err(why) => {
                    problems.push(why);
                    while field.chunk().await.map_err(multipart_error)?.is_some() {}
                    continue;
                }
            }
        } else {
            let base = Path::new(&file_name)
                .file_name()
                .and_then(|n| n.to_str())
                .filter(|n| !n.chars().any(char::is_control))
                .unwrap_or("upload");
            up.dir.path().join(&name).join(base)
        };
        if let Some(parent) = dest.parent() {
            tokio::fs::create_dir_all(parent)
                .await
                .map_err(|e| io(parent, e))?;
        }
        let mut out = match tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&dest)
            .await
        {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                problems.push(format!(
                    "“{}”重复上传",
                    up.tidy(&dest.display().to_string())
                ));
                while field.chunk().await.map_err(multipart_error)?.is_some() {}
                continue;
            }
            Err(e) => return Err(io(&dest, e)),
        };
        while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
            if let Some(e) = refused.take() {
                discarded += chunk.len() as u64;
                if discarded > DRAIN_CAP {
                    return Err(e);
                }
                refused = Some(e);
                continue;
            }
            up.bytes += chunk.len() as u64;
            if up.bytes > limits.max_bytes {
                refused = Some(too_big(&limits));
                continue;
            }
            out.write_all(&chunk).await.map_err(|e| io(&dest, e))?;
        }
        out.flush().await.map_err(|e| io(&dest, e))?;
        up.files.push((name, dest));
    }
    if let Some(e) = refused {
        return Err(e);
    }
    if first {
        user.check_csrf("")?;
    }
    if !problems.is_empty() {
        return Err(WebError::bad(format!(
            "以下 {} 个文件的名称不安全或重复，本次没有保存任何文件：\n{}",
            problems.len(),
            problems
                .iter()
                .map(|p| format!("  {p}"))
                .collect::<Vec<_>>()
                .join("\n")
        )));
    }
    Ok(up)
}

/// Refuses a body whose declared length is over the limit (allowing for
/// the multipart framing around the files).
fn declared_too_big(headers: &HeaderMap, limits: Limits) -> Result<(), WebError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let framing = 1024 * (limits.max_files as u64 + 64);
    match declared {
        Some(n) if n > limits.max_bytes + framing => Err(too_big(&limits)),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_relative;

    #[test]
    fn unsafe_relative_paths_are_refused_with_the_reason() {
        for (raw, why) in [
            ("../x.pdf", "“..”"),
            ("a/../../x", "“..”"),
            ("/etc/passwd", "绝对路径"),
            ("C:/x.pdf", "盘符"),
            ("a\\b.pdf", "反斜杠"),
            ("a//b", "空的"),
            ("a/b\n.pdf", "控制字符"),
            ("", "为空"),
        ] {
            let e = safe_relative(raw).unwrap_err();
            assert!(e.contains(why), "{raw:?}: {e}");
        }
        assert_eq!(
            safe_relative("材料/Ⅱ-1 组织/1/会议记录 100%.pdf").unwrap(),
            ["材料", "Ⅱ-1 组织", "1", "会议记录 100%.pdf"]
        );
    }
}
