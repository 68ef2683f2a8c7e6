//! The organ's seal image (印章), printed red over the 落款 and date: a
//! PNG or SVG with transparency, read with its size checked first and
//! handed to the template as Typst image data.

use std::path::Path;

use serde::Serialize;

use super::SignError;

/// The largest seal image read (bytes).
pub const MAX_SEAL: u64 = 2 << 20;

/// A seal's bytes as the template takes them: SVG text, or PNG bytes.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum SealData {
    /// The SVG's text.
    Text(String),
    /// The PNG's bytes (a Typst array of integers).
    Bytes(Vec<u8>),
}

/// A seal image for the template: `(format: "svg", data: ...)`.
#[derive(Debug, Clone, Serialize)]
pub struct Seal {
    /// `svg` or `png`.
    pub format: &'static str,
    /// The image.
    pub data: SealData,
}

/// Reads the seal image at `path`.
pub fn read(path: &Path) -> Result<Seal, SignError> {
    let bad = |problem: String| SignError::BadFile {
        path: path.to_path_buf(),
        problem,
    };
    let len = std::fs::metadata(path)
        .map_err(|_| bad("找不到印章图片".into()))?
        .len();
    if len > MAX_SEAL {
        return Err(bad(format!(
            "印章图片有 {}，超过 {}",
            crate::sizes::size_text(len),
            crate::sizes::size_text(MAX_SEAL)
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| bad(format!("无法读取（{e}）")))?;
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(Seal {
            format: "png",
            data: SealData::Bytes(bytes),
        });
    }
    let text = String::from_utf8(bytes)
        .ok()
        .filter(|t| t.contains("<svg"))
        .ok_or_else(|| bad("印章图片应为带透明背景的 PNG 或 SVG".into()))?;
    Ok(Seal {
        format: "svg",
        data: SealData::Text(text),
    })
}
