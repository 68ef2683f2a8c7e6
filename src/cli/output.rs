//! Writing to the terminal: stdout that treats a closed pipe as the end of
//! output, and Chinese descriptions of operating-system errors.

/// Refuses a folder the program cannot write a file into, before any
/// number is allocated for what would go there.
pub fn check_writable(dir: &std::path::Path) -> anyhow::Result<()> {
    use anyhow::Context as _;
    tempfile::Builder::new()
        .prefix(".kaoping-check-")
        .tempfile_in(dir)
        .map(drop)
        .with_context(|| {
            format!(
                "无法在 {} 中写入文件（文件夹不存在或没有写入权限），这次没有发文、没有占用文号",
                dir.display()
            )
        })
}

use std::io::{self, Write};

use anyhow::Context as _;

/// Whether an error chain is (or was caused by) writing into a closed pipe.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
            // JSON output wraps the write error in its own type.
            || c.downcast_ref::<serde_json::Error>()
                .and_then(serde_json::Error::io_error_kind)
                == Some(io::ErrorKind::BrokenPipe)
    })
}

/// Describes one cause in an error chain; I/O errors get a Chinese
/// explanation in front of the system's own text.
pub fn describe_cause(cause: &(dyn std::error::Error + 'static)) -> String {
    let Some(e) = cause.downcast_ref::<io::Error>() else {
        return cause.to_string();
    };
    let what = match e.kind() {
        io::ErrorKind::NotFound => "文件或文件夹不存在",
        io::ErrorKind::PermissionDenied => "没有访问权限",
        io::ErrorKind::AlreadyExists => "已经存在",
        io::ErrorKind::StorageFull => "磁盘空间不足",
        io::ErrorKind::ReadOnlyFilesystem => "磁盘是只读的",
        io::ErrorKind::IsADirectory => "这是一个文件夹，不是文件",
        io::ErrorKind::NotADirectory => "这不是文件夹",
        io::ErrorKind::InvalidData => "内容格式不对",
        io::ErrorKind::UnexpectedEof => "文件不完整（提前结束）",
        _ => return format!("系统错误：{e}"),
    };
    format!("{what}（{e}）")
}

/// A buffered stdout. Commands write through this and return the
/// `io::Error` so that a closed pipe ends the program quietly.
pub fn stdout() -> io::BufWriter<io::Stdout> {
    io::BufWriter::new(io::stdout())
}

/// Display width at which long lines are wrapped.
const WRAP_COLUMNS: usize = 78;

/// Wraps `text` for the terminal: the first line indented by `indent`
/// columns, following lines by `hang`. CJK text may break between any two
/// characters, but closing punctuation never starts a line.
pub fn wrap(text: &str, indent: usize, hang: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    let mut out = " ".repeat(indent);
    let mut col = indent;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if col + w > WRAP_COLUMNS && col > hang && !is_closing(c) {
            out.push('\n');
            out.push_str(&" ".repeat(hang));
            col = hang;
        }
        out.push(c);
        col += w;
    }
    out
}

fn is_closing(c: char) -> bool {
    "，。；：、）”》！？,.;:)〕".contains(c)
}

/// Pads `text` with spaces to `width` display columns (CJK characters count
/// two), on the left when `right` is set.
pub fn pad(text: &str, width: usize, right: bool) -> String {
    let w = unicode_width::UnicodeWidthStr::width(text);
    let fill = " ".repeat(width.saturating_sub(w));
    if right {
        format!("{fill}{text}")
    } else {
        format!("{text}{fill}")
    }
}

/// Writes `value` to `out` as pretty JSON and a newline, and flushes.
pub fn json(out: &mut impl Write, value: &impl serde::Serialize) -> anyhow::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value).context("无法输出 JSON")?;
    writeln!(out)?;
    Ok(out.flush()?)
}

/// [`json`] with every object's keys sorted (through a `Value`), for the
/// outputs that printed them so before they had a type.
pub fn json_sorted(out: &mut impl Write, value: &impl serde::Serialize) -> anyhow::Result<()> {
    json(out, &serde_json::to_value(value).context("无法输出 JSON")?)
}
