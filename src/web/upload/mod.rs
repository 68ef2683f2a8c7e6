//! Receiving uploads: a multipart body is streamed field by field to a
//! staging folder inside the archive root (never held in memory). Only the
//! fields a form declares are accepted; the CSRF token must come first and
//! is checked before any file byte is taken; every byte of the body (text
//! fields included) counts against the limits while it streams.
//!
//! No name a browser sends becomes a path: every file is staged under a
//! name the server generates (`f/000001.zip`), and the user's file name or
//! relative path is kept as data. A folder upload is laid out afterwards
//! from relative paths that passed the same rules as ZIP entries (no `..`,
//! no absolute or drive paths, no backslashes or control characters), and
//! each destination is checked to lie inside the staging folder before
//! anything is moved there. The staging folder is removed when the upload
//! is dropped, whatever happens.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use axum::extract::multipart::{Field, MultipartRejection};
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{HeaderMap, StatusCode, header};
use tempfile::TempDir;
use tokio::io::AsyncWriteExt;

use super::AppState;
use super::error::WebError;
use super::session::{CSRF_FIELD, User};

mod intake;

pub use intake::{Slot, receive};

/// Folder under the archive root where uploads are staged.
pub const STAGING: &str = "uploads.tmp";

/// Name of the folder a browser folder upload is placed in when its files
/// do not share one top folder.
const LOOSE: &str = "网页上传";

/// Longest text field accepted (bytes).
const MAX_TEXT: usize = 64 * 1024;

/// Part headers allowed per part on average (bytes): a long relative path
/// in a file name, its content type and the boundary.
const HEADER_BYTES_PER_PART: u64 = 1024;

/// Unsafe or repeated names listed one by one in a refusal; the rest are
/// counted.
const LISTED_PROBLEMS: usize = 10;

/// A multipart request as a handler takes it: the headers (the declared
/// length) and the body, streamed.
pub struct Posted {
    pub headers: HeaderMap,
    pub body: Multipart,
}

impl<S: Send + Sync> FromRequest<S> for Posted {
    type Rejection = MultipartRejection;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let headers = req.headers().clone();
        let body = Multipart::from_request(req, state).await?;
        Ok(Posted { headers, body })
    }
}

/// Upload limits.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Most bytes of files in one upload.
    pub max_bytes: u64,
    /// Most files in one upload.
    pub max_files: usize,
    /// Free disk space an upload or ingest must leave on the archive's
    /// disk.
    pub reserve_bytes: u64,
    /// Uploads one account may have under way at once.
    pub per_account: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_bytes: 2 << 30,
            max_files: 20_000,
            reserve_bytes: 1 << 30,
            per_account: 2,
        }
    }
}

/// The fields one form sends: file fields and text fields by name. The
/// CSRF field is implied and must come first.
#[derive(Debug, Clone, Copy)]
pub struct Form {
    /// File fields.
    pub files: &'static [&'static str],
    /// Text fields.
    pub texts: &'static [&'static str],
}

/// The community's evidence upload: a folder (`path` + `file`, repeated)
/// or a ZIP.
pub const EVIDENCE: Form = Form {
    files: &["file", "zip"],
    texts: &["path", "submitter", "allow_identical"],
};

/// A 街道's shared evidence: a folder or a ZIP, and which 街道.
pub const STREET: Form = Form {
    files: &["file", "zip"],
    texts: &["path", "district", "street"],
};

/// The office's assessment sheet.
pub const SHEET: Form = Form {
    files: &["sheet"],
    texts: &["community"],
};

/// A sheet of 评估验收 at the account's level, on a community page.
pub const LEVEL_SHEET: Form = Form {
    files: &["sheet"],
    texts: &[],
};

/// A district's list of applications (申报表).
pub const APPLICATIONS: Form = Form {
    files: &["list"],
    texts: &[],
};

/// A district's 工作方案 or 考评实施细则.
pub const PLAN: Form = Form {
    files: &["file"],
    texts: &["kind", "date"],
};

/// The office's 责任单位 register.
pub const UNITS: Form = Form {
    files: &["list"],
    texts: &[],
};

/// A PDF to check against the register.
pub const PDF: Form = Form {
    files: &["pdf"],
    texts: &[],
};

/// One staged file.
#[derive(Debug)]
pub struct Staged {
    /// The form field it came in.
    pub field: String,
    /// Where it is now (a server-made name inside the staging folder).
    pub path: PathBuf,
    /// What the user called it: the file name, or for a folder upload
    /// its checked relative path.
    pub name: String,
}

/// A received upload: its text fields and staged files.
pub struct Upload {
    /// The staging folder (removed on drop).
    pub dir: TempDir,
    /// Text fields by name (last value wins).
    pub fields: HashMap<String, String>,
    /// Staged files, in the order received.
    pub files: Vec<Staged>,
    /// Bytes received in files.
    pub bytes: u64,
    /// Where a folder upload was laid out, if it was one.
    tree: Option<PathBuf>,
    /// Holds the account's upload slot while the upload exists.
    _slot: Slot,
}

impl Upload {
    /// A new, empty upload in a fresh staging folder under `root`, and
    /// the folder its files go to.
    fn staged(root: &Path, slot: Slot) -> Result<(Upload, PathBuf), WebError> {
        let dir = staging_dir(root, "upload-").map_err(io_failed)?;
        let files_dir = dir.path().join("f");
        std::fs::create_dir(&files_dir).map_err(io_failed)?;
        let up = Upload {
            dir,
            fields: HashMap::new(),
            files: Vec::new(),
            bytes: 0,
            tree: None,
            _slot: slot,
        };
        Ok((up, files_dir))
    }

    /// The staged file of form field `name`, if one was sent.
    pub fn file(&self, name: &str) -> Option<&Path> {
        self.files
            .iter()
            .find(|f| f.field == name)
            .map(|f| f.path.as_path())
    }

    /// The staged file of form field `name`, or a bad request saying
    /// `missing`.
    pub fn required(&self, name: &str, missing: &str) -> Result<PathBuf, WebError> {
        self.file(name)
            .map(Path::to_path_buf)
            .ok_or_else(|| WebError::bad(missing))
    }

    /// The name the user gave the file of form field `name`.
    pub fn file_name(&self, name: &str) -> Option<&str> {
        self.files
            .iter()
            .find(|f| f.field == name)
            .map(|f| f.name.as_str())
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
        let base = self.tree.as_ref()?;
        let tops: std::collections::BTreeSet<_> = self
            .files
            .iter()
            .filter(|f| f.field == "file")
            .filter_map(|f| f.name.split('/').next())
            .collect();
        match tops.len() {
            0 => None,
            1 => tops
                .into_iter()
                .next()
                .map(|t| base.join(t))
                .filter(|p| p.is_dir())
                .or(Some(base.clone())),
            _ => Some(base.clone()),
        }
    }

    /// What turns the staged paths in a message back into the user's
    /// names; kept apart so it can outlive the upload.
    pub fn renamer(&self) -> Renamer {
        let mut pairs: Vec<(String, String)> = self
            .files
            .iter()
            .map(|f| (f.path.display().to_string(), f.name.clone()))
            .collect();
        if let Some(base) = &self.tree {
            pairs.push((format!("{}/", base.display()), String::new()));
            pairs.push((base.display().to_string(), LOOSE.to_string()));
        }
        pairs.push((format!("{}/", self.dir.path().display()), String::new()));
        pairs.push((self.dir.path().display().to_string(), "上传的文件".into()));
        Renamer(pairs)
    }

    /// A staged path as the user knows it: a staged file by the name it
    /// was uploaded as, a path of a folder upload relative to that folder
    /// (the folder itself is `网页上传`), anything else in the staging
    /// folder relative to it. Errors pass their paths through this before
    /// they are shown.
    pub fn shown(&self, path: &Path) -> PathBuf {
        if let Some(f) = self.files.iter().find(|f| f.path == path) {
            return PathBuf::from(&f.name);
        }
        if let Some(base) = &self.tree {
            if path == base {
                return PathBuf::from(LOOSE);
            }
            if let Ok(rest) = path.strip_prefix(base) {
                return rest.to_path_buf();
            }
        }
        match path.strip_prefix(self.dir.path()) {
            Ok(rest) if !rest.as_os_str().is_empty() => rest.to_path_buf(),
            _ => path.to_path_buf(),
        }
    }
}

/// Most parts one body may have: a path and a file per file, the CSRF
/// token and the form's text fields.
fn max_parts(limits: &Limits) -> u64 {
    2 * limits.max_files as u64 + 16
}

/// Most bytes of part headers one body may have.
fn max_header_bytes(limits: &Limits) -> u64 {
    max_parts(limits) * HEADER_BYTES_PER_PART
}

fn too_many_parts(limits: &Limits) -> WebError {
    WebError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!(
            "上传的表单有太多部分或太长的文件名（每次最多 {} 个部分、文件名等表头共 {} KB），没有保存任何文件。请分批提交，或缩短文件夹和文件的名称。",
            max_parts(limits),
            max_header_bytes(limits) >> 10
        ),
    )
}

/// Staged paths and the user's names for them (see
/// [`Upload::renamer`]).
#[derive(Debug, Clone)]
pub struct Renamer(Vec<(String, String)>);

impl Renamer {
    /// The error with every staged path in its message shown as the
    /// user's name: no error of an upload shows the staging folder.
    pub fn apply(&self, mut e: WebError) -> WebError {
        for (staged, user) in &self.0 {
            if e.message.contains(staged.as_str()) {
                e.message = e.message.replace(staged.as_str(), user);
            }
        }
        e
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
        raw.split('/')
            .find_map(|c| crate::archive::relpath::name_problem(c.as_bytes()))
    };
    match why {
        Some(w) => Err(format!("“{}”{w}", shown(raw))),
        None => Ok(raw.split('/').collect()),
    }
}

/// Whether `path` lies inside `dir` without leaving it on the way: every
/// component after `dir` is a plain name. (Defence in depth: callers build
/// paths only from checked names.)
pub fn inside(dir: &Path, path: &Path) -> bool {
    path.strip_prefix(dir).is_ok_and(|rest| {
        rest.components().next().is_some()
            && rest.components().all(|c| matches!(c, Component::Normal(_)))
    })
}

/// A name the user sent, shortened and with control characters escaped,
/// for messages.
fn shown(raw: &str) -> String {
    let s: String = raw.chars().take(80).collect();
    let more = if raw.chars().count() > 80 { "…" } else { "" };
    format!("{}{more}", s.escape_debug())
}

/// The lower-case extension of a user's file name when it is short plain
/// ASCII (`zip`, `csv`, `pdf`…); the staged name keeps it because some
/// readers choose the format by it.
fn extension(name: &str) -> Option<String> {
    let ext = name.rsplit_once('.')?.1;
    (!ext.is_empty() && ext.len() <= 10 && ext.chars().all(|c| c.is_ascii_alphanumeric()))
        .then(|| ext.to_ascii_lowercase())
}

/// The name a file is staged under: its serial number, and the plain
/// extension of the user's name if it has one (`000007.zip`). Nothing else
/// of what the user sent goes into it.
pub fn staged_name(serial: usize, user_name: &str) -> String {
    match extension(user_name) {
        Some(ext) => format!("{serial:06}.{ext}"),
        None => format!("{serial:06}"),
    }
}

/// Where a file of a folder upload with relative path `raw` goes under
/// `base`: only a path that passes [`safe_relative`] and stays inside
/// `base`.
pub fn folder_destination(base: &Path, raw: &str) -> Result<PathBuf, String> {
    let parts = safe_relative(raw)?;
    let dest = parts.iter().fold(base.to_path_buf(), |p, c| p.join(c));
    if inside(base, &dest) {
        Ok(dest)
    } else {
        Err(format!("“{}”不是安全的文件路径", shown(raw)))
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

fn io_failed(e: std::io::Error) -> WebError {
    WebError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        format!("服务器无法写入上传的临时文件（{e}），没有保存任何文件；请把这条信息告诉管理员"),
    )
}

/// A fresh temporary folder under the archive's staging folder, removed
/// when dropped (and at the next server start if the server stops first).
pub fn staging_dir(root: &Path, prefix: &str) -> std::io::Result<TempDir> {
    let staging = root.join(STAGING);
    std::fs::create_dir_all(&staging)?;
    tempfile::Builder::new().prefix(prefix).tempdir_in(&staging)
}

#[cfg(test)]
mod tests {
    use super::{extension, inside, safe_relative};
    use std::path::Path;

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

    #[test]
    fn inside_refuses_paths_that_leave_or_equal_the_folder() {
        let d = Path::new("/a/b");
        assert!(inside(d, Path::new("/a/b/c/d.txt")));
        assert!(!inside(d, Path::new("/a/b")));
        assert!(!inside(d, Path::new("/a/b/../c")));
        assert!(!inside(d, Path::new("/a/bc/x")));
        assert!(!inside(d, Path::new("/etc/passwd")));
    }

    #[test]
    fn staged_names_keep_only_plain_extensions() {
        assert_eq!(extension("考评表.CSV").as_deref(), Some("csv"));
        assert_eq!(extension("a.zip").as_deref(), Some("zip"));
        assert_eq!(
            extension("../../templates/jindu.typ.j2").as_deref(),
            Some("j2")
        );
        assert_eq!(extension("x./y"), None);
        assert_eq!(extension("noext"), None);
        assert_eq!(extension("a.ex t"), None);
    }
}
