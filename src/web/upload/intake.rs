//! Taking a multipart body in as it streams: admitting it (size, disk
//! space, the account's upload places), the CSRF token first, each field
//! counted against the limits, files staged under generated names, and a
//! refused body drained so the browser gets the answer.

use super::*;

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
        if self.state.0.uploads.give_back(&self.account) {
            crate::web::memory::after_burst(self.state.clone());
        }
    }
}

/// Takes one of the account's upload places, or refuses when it already
/// has `limits.per_account` uploads under way.
fn slot(state: &AppState, user: &User, limits: &Limits) -> Result<Slot, WebError> {
    if !state.0.uploads.take(&user.account.name, limits.per_account) {
        return Err(WebError::new(
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "您的账号已有 {} 个上传正在进行，请等它们完成后再上传。",
                limits.per_account
            ),
        ));
    }
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
                crate::sizes::size_text(free),
                crate::sizes::size_text(limits.reserve_bytes)
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
    /// The `path` field sent just before the next `file`.
    pending_path: Option<String>,
    /// The folder upload's paths so far (see [`checked_path`]).
    seen_paths: HashMap<String, String>,
}

impl<'a> Intake<'a> {
    fn new(limits: &'a Limits, form: &'a Form) -> Intake<'a> {
        Intake {
            limits,
            form,
            body: 0,
            discarded: 0,
            refused: None,
            problems: Vec::new(),
            problem_count: 0,
            parts: 0,
            header_bytes: 0,
            pending_path: None,
            seen_paths: HashMap::new(),
        }
    }

    /// Takes one field after the CSRF token: a text field into `up`'s
    /// fields (a `path` is kept for the file after it), a file staged in
    /// `files_dir`; refuses a field the form does not send.
    async fn field(
        &mut self,
        field: &mut Field<'_>,
        up: &mut Upload,
        files_dir: &Path,
    ) -> Result<(), WebError> {
        let name = field.name().map(str::to_string);
        let Some(name) = name.filter(|n| {
            let is_file = field.file_name().is_some();
            if is_file {
                self.form.files.contains(&n.as_str())
            } else {
                self.form.texts.contains(&n.as_str())
            }
        }) else {
            self.unknown(field.name());
            return self.drain(field).await;
        };
        let Some(file_name) = field.file_name().map(str::to_string) else {
            if let Some(text) = self.text(field, &name, MAX_TEXT).await? {
                if name == "path" {
                    self.pending_path = Some(text);
                } else {
                    up.fields.insert(name, text);
                }
            }
            return Ok(());
        };
        if file_name.is_empty() {
            // An empty file input still sends an unnamed part.
            return self.drain(field).await;
        }
        if up.files.len() >= self.limits.max_files {
            self.refused = Some(too_big(self.limits));
            return self.drain(field).await;
        }
        let user_name = if name == "file" {
            let raw = self.pending_path.take().unwrap_or(file_name);
            match checked_path(raw, &mut self.seen_paths) {
                Ok(path) => path,
                Err(problem) => {
                    self.problem(problem);
                    return self.drain(field).await;
                }
            }
        } else {
            file_name
        };
        let dest = files_dir.join(staged_name(up.files.len() + 1, &user_name));
        if !inside(up.dir.path(), &dest) {
            return Err(io_failed(std::io::Error::other("暂存路径越界")));
        }
        write_field(field, &dest, self, &mut up.bytes).await?;
        up.files.push(Staged {
            field: name,
            path: dest,
            name: user_name,
        });
        Ok(())
    }

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
    posted: Posted,
    form: &Form,
    limits: Limits,
) -> Result<Upload, WebError> {
    let Posted {
        headers,
        body: mut mp,
    } = posted;
    let headers = &headers;
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
    let mut intake = Intake::new(&limits, form);
    let mut first = true;
    while let Some(mut field) = mp.next_field().await.map_err(multipart_error)? {
        intake.part(&field)?;
        if intake.refused.is_some() {
            intake.drain(&mut field).await?;
            continue;
        }
        if first {
            first = false;
            let sent = if field.name() == Some(CSRF_FIELD) && field.file_name().is_none() {
                intake.text(&mut field, CSRF_FIELD, 256).await?
            } else {
                None
            };
            intake.refused = user.check_csrf(sent.as_deref().unwrap_or("")).err();
            continue;
        }
        intake.field(&mut field, &mut up, &files_dir).await?;
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
