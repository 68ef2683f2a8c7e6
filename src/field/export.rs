//! The file the on-site page's "导出待上传记录" button saves: the whole
//! outbox, each record with its community and a photo's bytes (base64),
//! so that a phone that can never reach the server still delivers through
//! `kaoping field import-outbox`. Read here with its limits checked before
//! anything is allocated.

use std::io::Read;
use std::path::Path;

use base64::Engine as _;
use serde::{Deserialize, Serialize};

use super::FieldError;
use super::outbox::Sent;

/// The `format` the file declares.
pub const FORMAT: &str = "kaoping-outbox";
/// The newest version of the file this build reads.
pub const VERSION: u32 = 1;
/// Largest file taken in (bytes).
pub const MAX_FILE: u64 = 2 << 30;
/// Most records one file may hold.
pub const MAX_RECORDS: usize = 10_000;

/// The exported outbox.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OutboxFile {
    /// Always [`FORMAT`].
    pub format: String,
    /// The file's version.
    pub version: u32,
    /// When the phone saved it (RFC 3339).
    #[serde(default)]
    pub exported: String,
    /// The records, oldest first.
    pub records: Vec<Exported>,
}

/// One record of the file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Exported {
    /// The community it is for.
    pub community: String,
    /// The record as the page would send it.
    #[serde(flatten)]
    pub sent: Sent,
    /// A photo's bytes, base64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photo_base64: Option<String>,
}

fn bad(path: &Path, why: String) -> FieldError {
    FieldError::BadFile {
        name: path.display().to_string(),
        why,
    }
}

/// Reads the exported outbox at `path`.
pub fn read(path: &Path) -> Result<OutboxFile, FieldError> {
    let read_err = super::read_err(path);
    let file = std::fs::File::open(path).map_err(read_err)?;
    let size = file.metadata().map_err(read_err)?.len();
    if size > MAX_FILE {
        let why = format!(
            "文件大小 {} 超过上限 {}",
            crate::sizes::size_text(size),
            crate::sizes::size_text(MAX_FILE)
        );
        return Err(bad(path, why));
    }
    let reader = std::io::BufReader::new(file.take(MAX_FILE));
    let out: OutboxFile = serde_json::from_reader(reader)
        .map_err(|e| bad(path, format!("不是导出的待上传记录文件（{e}）")))?;
    if out.format != FORMAT {
        return Err(bad(path, format!("格式标记应为 {FORMAT}")));
    }
    if out.version > VERSION {
        let why = format!(
            "文件版本 {} 比本程序能读的版本 {VERSION} 新，请先升级 kaoping",
            out.version
        );
        return Err(bad(path, why));
    }
    if out.records.len() > MAX_RECORDS {
        return Err(bad(path, format!("记录超过 {MAX_RECORDS} 条")));
    }
    Ok(out)
}

/// A photo's bytes from base64, at most `max` bytes (checked before
/// decoding).
pub fn decode(max: u64, data: &str) -> Result<Vec<u8>, FieldError> {
    let refused = |why: String| FieldError::BadField {
        field: "照片数据",
        value: String::new(),
        why,
    };
    if (data.len() as u64) / 4 * 3 > max.saturating_add(3) {
        return Err(refused(format!(
            "照片超过上限 {}",
            crate::sizes::size_text(max)
        )));
    }
    base64::engine::general_purpose::STANDARD
        .decode(data.trim())
        .map_err(|e| refused(format!("不是有效的 base64（{e}）")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_photo_over_the_limit_is_refused_before_decoding() {
        let big = "A".repeat(4000);
        assert!(decode(1000, &big).is_err());
        assert_eq!(decode(1000, "aGk=").unwrap(), b"hi");
    }

    #[test]
    fn a_file_of_another_kind_or_a_newer_version_is_refused() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("x.json");
        std::fs::write(&p, r#"{"format":"other","version":1,"records":[]}"#).unwrap();
        assert!(read(&p).unwrap_err().to_string().contains("格式标记"));
        std::fs::write(
            &p,
            r#"{"format":"kaoping-outbox","version":9,"records":[]}"#,
        )
        .unwrap();
        assert!(read(&p).unwrap_err().to_string().contains("升级"));
        let line = r#"{"format":"kaoping-outbox","version":1,"records":[{"community":"WH-001","id":"0b7d3f9e-5c1a-4e2b-9a6f-3d8c2e1f4a5b","phone_time":"2026-12-01T15:04:05+08:00","point":"P1","kind":"照片","standard":"Ⅱ-6/1","sha256":"ab","name":"a.jpg","photo_base64":"aGk="}]}"#;
        std::fs::write(&p, line).unwrap();
        let f = read(&p).unwrap();
        assert_eq!(f.records[0].photo_base64.as_deref(), Some("aGk="));
    }
}
