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

use axum::extract::Multipart;
use axum::extract::multipart::Field;
use axum::http::{HeaderMap, StatusCode, header};
use tempfile::TempDir;
use tokio::io::AsyncWriteExt;

use super::AppState;
use super::error::WebError;
use super::session::{CSRF_FIELD, User};

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

/// After a refusal the rest of the body is read and thrown away, up to
/// this much, so that the browser receives the answer instead of a broken
/// connection; a larger body is cut off.
const DRAIN_CAP: u64 = 256 << 20;

/// An account's place among the uploads under way; freed when dropped.
pub struct Slot {
    state: AppState,
    account: String,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut busy = self
            .state
            .0
            .uploads
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if let Some(n) = busy.get_mut(&self.account) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                busy.remove(&self.account);
            }
        }
        if busy.is_empty() {
            drop(busy);
            super::memory::after_burst(self.state.clone());
        }
    }
}

/// Takes one of the account's upload places, or refuses when it already
/// has `limits.per_account` uploads under way.
fn slot(state: &AppState, user: &User, limits: &Limits) -> Result<Slot, WebError> {
    let mut busy = state.0.uploads.lock().unwrap_or_else(|p| p.into_inner());
    let n = busy.entry(user.account.name.clone()).or_insert(0);
    if *n >= limits.per_account {
        return Err(WebError::new(
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "您的账号已有 {} 个上传正在进行，请等它们完成后再上传。",
                limits.per_account
            ),
        ));
    }
    *n += 1;
    Ok(Slot {
        state: state.clone(),
        account: user.account.name.clone(),
    })
}

/// Refuses an upload that would leave less than the reserve free on the
/// archive's disk.
fn check_space(root: &Path, headers: &HeaderMap, limits: &Limits) -> Result<(), WebError> {
    let Ok(free) = fs4::available_space(root) else {
        return Ok(());
    };
    let declared = declared_length(headers).unwrap_or(0);
    if declared.saturating_add(limits.reserve_bytes) > free {
        return Err(WebError::new(
            StatusCode::INSUFFICIENT_STORAGE,
            format!(
                "档案库所在磁盘的剩余空间不足（剩余 {}，须保留 {}），没有保存任何文件。请告诉管理员清理磁盘。",
                crate::documents::size_text(free),
                crate::documents::size_text(limits.reserve_bytes)
            ),
        ));
    }
    Ok(())
}

/// The body as it streams in: what has been taken and what is refused.
struct Intake<'a> {
    limits: &'a Limits,
    form: &'a Form,
    /// Every byte of every field so far.
    body: u64,
    /// Bytes thrown away after a refusal.
    discarded: u64,
    /// Once set, nothing more is written; the body is drained.
    refused: Option<WebError>,
    /// The first unsafe or repeated names, and how many there were.
    problems: Vec<String>,
    problem_count: usize,
    /// Parts seen, and the bytes of their headers.
    parts: u64,
    header_bytes: u64,
}

impl Intake<'_> {
    /// Counts one more part and its header bytes (against the body cap
    /// too); refuses past the part and header limits, and gives up on the
    /// body altogether (without draining it) far past them.
    fn part(&mut self, field: &Field<'_>) -> Result<(), WebError> {
        let head: usize = field
            .headers()
            .iter()
            .map(|(k, v)| k.as_str().len() + v.len() + 4)
            .sum();
        // The boundary line and the blank line after the headers.
        let head = head + 80;
        self.parts += 1;
        self.header_bytes += head as u64;
        self.count(head);
        let (parts, bytes) = (max_parts(self.limits), max_header_bytes(self.limits));
        if (self.parts > parts || self.header_bytes > bytes) && self.refused.is_none() {
            self.refused = Some(too_many_parts(self.limits));
        }
        if self.parts > 2 * parts || self.header_bytes > 2 * bytes {
            return Err(self
                .refused
                .take()
                .unwrap_or_else(|| too_many_parts(self.limits)));
        }
        Ok(())
    }

    /// Notes an unsafe or repeated name; only the first few are kept.
    fn problem(&mut self, p: String) {
        self.problem_count += 1;
        if self.problems.len() < LISTED_PROBLEMS {
            self.problems.push(p);
        }
    }

    /// Counts `n` bytes of body; refuses past the cap.
    fn count(&mut self, n: usize) {
        self.body += n as u64;
        if self.body > body_cap(self.limits) && self.refused.is_none() {
            self.refused = Some(too_big(self.limits));
        }
    }

    /// Reads the rest of a field and throws it away, counting it; gives up
    /// past the drain cap.
    async fn drain(&mut self, field: &mut Field<'_>) -> Result<(), WebError> {
        while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
            self.discarded += chunk.len() as u64;
            if self.discarded > DRAIN_CAP {
                return Err(self.refused.take().unwrap_or_else(|| too_big(self.limits)));
            }
        }
        Ok(())
    }

    /// Reads a text field of at most `cap` bytes while it streams; `None`
    /// (with the field refused) if it is longer or not UTF-8.
    async fn text(
        &mut self,
        field: &mut Field<'_>,
        name: &str,
        cap: usize,
    ) -> Result<Option<String>, WebError> {
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
            self.count(chunk.len());
            if bytes.len() + chunk.len() > cap {
                self.refused = Some(WebError::bad(format!(
                    "表单项“{}”太长（最多 {} 字节），没有保存任何文件",
                    shown(name),
                    cap
                )));
                self.drain(field).await?;
                return Ok(None);
            }
            bytes.extend_from_slice(&chunk);
        }
        match String::from_utf8(bytes) {
            Ok(s) => Ok(Some(s)),
            Err(_) => {
                self.refused = Some(WebError::bad(format!(
                    "表单项“{}”不是有效的文字，没有保存任何文件",
                    shown(name)
                )));
                Ok(None)
            }
        }
    }

    /// Refuses a field this form does not send.
    fn unknown(&mut self, name: Option<&str>) {
        self.refused = Some(WebError::bad(format!(
            "表单中有不属于这个表单的项目“{}”，没有保存任何文件。请从页面上的表单提交。",
            shown(name.unwrap_or(""))
        )));
    }
}

/// Streams the multipart body of `form` to a staging folder under the
/// archive root. The first field must be the CSRF token. A file field
/// `file` is placed at the path given by the `path` field just before it
/// (or its file name). A body declared or found to be over `limits`, one
/// with a field the form does not declare, or one `allowed` refuses (the
/// account may not do this), is refused without writing anything more.
pub async fn receive(
    state: &AppState,
    user: &User,
    allowed: Result<(), WebError>,
    headers: &HeaderMap,
    mut mp: Multipart,
    form: &Form,
    limits: Limits,
) -> Result<Upload, WebError> {
    let root = state.root();
    let admitted = allowed
        .and_then(|()| declared_too_big(headers, limits))
        .and_then(|()| check_space(root, headers, &limits))
        .and_then(|()| slot(state, user, &limits));
    let slot = match admitted {
        Ok(slot) => slot,
        Err(e) => return Err(drain_all(mp, e).await),
    };
    let (mut up, files_dir) = Upload::staged(root, slot)?;
    let mut intake = Intake {
        limits: &limits,
        form,
        body: 0,
        discarded: 0,
        refused: None,
        problems: Vec::new(),
        problem_count: 0,
        parts: 0,
        header_bytes: 0,
    };
    let mut first = true;
    let mut pending_path: Option<String> = None;
    let mut seen_paths = HashMap::new();
    while let Some(mut field) = mp.next_field().await.map_err(multipart_error)? {
        intake.part(&field)?;
        if intake.refused.is_some() {
            intake.drain(&mut field).await?;
            continue;
        }
        let name = field.name().map(str::to_string);
        if first {
            first = false;
            let sent = if name.as_deref() == Some(CSRF_FIELD) && field.file_name().is_none() {
                intake.text(&mut field, CSRF_FIELD, 256).await?
            } else {
                None
            };
            intake.refused = user.check_csrf(sent.as_deref().unwrap_or("")).err();
            continue;
        }
        let Some(name) = name.filter(|n| {
            let is_file = field.file_name().is_some();
            if is_file {
                intake.form.files.contains(&n.as_str())
            } else {
                intake.form.texts.contains(&n.as_str())
            }
        }) else {
            intake.unknown(field.name());
            intake.drain(&mut field).await?;
            continue;
        };
        let Some(file_name) = field.file_name().map(str::to_string) else {
            if let Some(text) = intake.text(&mut field, &name, MAX_TEXT).await? {
                if name == "path" {
                    pending_path = Some(text);
                } else {
                    up.fields.insert(name, text);
                }
            }
            continue;
        };
        if file_name.is_empty() {
            // An empty file input still sends an unnamed part.
            intake.drain(&mut field).await?;
            continue;
        }
        if up.files.len() >= limits.max_files {
            intake.refused = Some(too_big(&limits));
            intake.drain(&mut field).await?;
            continue;
        }
        let user_name = if name == "file" {
            let raw = pending_path.take().unwrap_or(file_name);
            match checked_path(raw, &mut seen_paths) {
                Ok(path) => path,
                Err(problem) => {
                    intake.problem(problem);
                    intake.drain(&mut field).await?;
                    continue;
                }
            }
        } else {
            file_name
        };
        let dest = files_dir.join(staged_name(up.files.len() + 1, &user_name));
        if !inside(up.dir.path(), &dest) {
            return Err(io_failed(std::io::Error::other("暂存路径越界")));
        }
        write_field(&mut field, &dest, &mut intake, &mut up.bytes).await?;
        up.files.push(Staged {
            field: name,
            path: dest,
            name: user_name,
        });
    }
    if let Some(e) = intake.refused {
        return Err(e);
    }
    if first {
        user.check_csrf("")?;
    }
    if intake.problem_count > 0 {
        return Err(unsafe_names(&intake.problems, intake.problem_count));
    }
    lay_out_folder(&mut up)?;
    Ok(up)
}

/// A folder upload's relative path, checked and not sent before; or why
/// it is refused.
fn checked_path(raw: String, seen: &mut HashMap<String, String>) -> Result<String, String> {
    safe_relative(&raw)?;
    match seen.insert(raw.to_lowercase(), raw.clone()) {
        Some(first) if first == raw => Err(format!("“{}”重复上传", shown(&raw))),
        Some(first) => Err(format!(
            "“{}”与“{}”只有字母大小写不同（在 Windows 和 macOS 上会互相覆盖）",
            shown(&raw),
            shown(&first)
        )),
        None => Ok(raw),
    }
}

/// The refusal of an upload with `count` unsafe or repeated names, the
/// first of them listed.
fn unsafe_names(listed: &[String], count: usize) -> WebError {
    let more = if count > listed.len() {
        format!("\n  ……另有 {} 个，未一一列出", count - listed.len())
    } else {
        String::new()
    };
    WebError::bad(format!(
        "以下 {count} 个文件的名称不安全或重复，本次没有保存任何文件：\n{}{more}",
        listed
            .iter()
            .map(|p| format!("  {p}"))
            .collect::<Vec<_>>()
            .join("\n")
    ))
}

/// Reads and throws away a refused body (up to the drain cap) so that the
/// browser receives the refusal `e` rather than a broken connection.
async fn drain_all(mut mp: Multipart, e: WebError) -> WebError {
    let mut discarded = 0u64;
    while let Ok(Some(mut field)) = mp.next_field().await {
        while let Ok(Some(chunk)) = field.chunk().await {
            discarded += chunk.len() as u64;
            if discarded > DRAIN_CAP {
                return e;
            }
        }
    }
    e
}

/// Writes one file field to `dest` (a new file), counting its bytes.
async fn write_field(
    field: &mut Field<'_>,
    dest: &Path,
    intake: &mut Intake<'_>,
    bytes: &mut u64,
) -> Result<(), WebError> {
    let mut out = tokio::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(dest)
        .await
        .map_err(io_failed)?;
    while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
        intake.count(chunk.len());
        if intake.refused.is_some() {
            intake.discarded += chunk.len() as u64;
            if intake.discarded > DRAIN_CAP {
                return Err(intake
                    .refused
                    .take()
                    .unwrap_or_else(|| too_big(intake.limits)));
            }
            continue;
        }
        *bytes += chunk.len() as u64;
        if *bytes > intake.limits.max_bytes {
            intake.refused = Some(too_big(intake.limits));
            continue;
        }
        out.write_all(&chunk).await.map_err(io_failed)?;
    }
    out.flush().await.map_err(io_failed)
}

/// Moves the files of a folder upload from their staged names to their
/// checked relative paths under `网页上传/` in the staging folder.
fn lay_out_folder(up: &mut Upload) -> Result<(), WebError> {
    if !up.files.iter().any(|f| f.field == "file") {
        return Ok(());
    }
    let base = up.dir.path().join("t").join(LOOSE);
    for f in up.files.iter_mut().filter(|f| f.field == "file") {
        let dest = folder_destination(&base, &f.name)
            .map_err(|why| WebError::bad(format!("{why}，没有保存任何文件")))?;
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent).map_err(io_failed)?;
        }
        if dest.exists() {
            return Err(WebError::bad(format!(
                "“{}”与另一个文件或文件夹同名，没有保存任何文件",
                shown(&f.name)
            )));
        }
        std::fs::rename(&f.path, &dest).map_err(io_failed)?;
        f.path = dest;
    }
    up.tree = Some(base);
    Ok(())
}

/// The declared length of the body, if any.
fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
}

/// Most body bytes accepted, declared or counted: the files plus room for
/// the text fields and the multipart framing.
fn body_cap(limits: &Limits) -> u64 {
    let framing = 1024 * (limits.max_files as u64 + 64);
    limits.max_bytes + framing + 2 * MAX_TEXT as u64
}

/// Refuses a body whose declared length is over the limit.
fn declared_too_big(headers: &HeaderMap, limits: Limits) -> Result<(), WebError> {
    match declared_length(headers) {
        Some(n) if n > body_cap(&limits) => Err(too_big(&limits)),
        _ => Ok(()),
    }
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
