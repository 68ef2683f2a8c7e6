//! Photos decoded within bounds. A photo's size in pixels is read from
//! its header and checked when it arrives ([`check_dimensions`]), before
//! anything decodes it; a decode is held to the same limits by the
//! `image` crate's [`image::Limits`]; at most [`MAX_DECODING`] photos are
//! decoded at once, whatever asks; and each photo's thumbnail is made
//! once and kept in `thumbnails.cache/` under the root of an archive on
//! this disk (written atomically; removing the folder only costs the
//! thumbnails being made again).

use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex};

use crate::archive::Archive;

/// Longest side of a photo accepted (pixels).
pub const MAX_SIDE: u32 = 12_000;
/// Most pixels in a photo accepted (50 million, a large phone camera's).
pub const MAX_PIXELS: u64 = 50_000_000;
/// Most memory one decode may take.
pub const MAX_ALLOC: u64 = 256 << 20;
/// Photos decoded at once.
pub const MAX_DECODING: usize = 2;
/// Folder under the archive root where thumbnails are kept.
pub const CACHE: &str = "thumbnails.cache";

/// Why a photo of `width` × `height` pixels is too large, if it is.
pub fn too_large(width: u32, height: u32) -> Option<String> {
    let pixels = u64::from(width) * u64::from(height);
    (width > MAX_SIDE || height > MAX_SIDE || pixels > MAX_PIXELS).then(|| {
        format!(
            "照片有 {width}×{height} 像素，超过上限（长边最多 {MAX_SIDE} 像素、共最多 {} 万像素）。请用手机或相机的普通分辨率拍摄，或把照片缩小后再上传",
            MAX_PIXELS / 10_000
        )
    })
}

/// Refuses an image whose header gives a size over the limits (the
/// message says the size and the limit). Formats not decoded here (HEIC,
/// WebP) and unreadable headers pass: nothing here decodes them.
pub fn check_dimensions(path: &Path) -> Result<(), String> {
    let Ok(reader) = image::ImageReader::open(path).and_then(|r| r.with_guessed_format()) else {
        return Ok(());
    };
    match reader.into_dimensions() {
        Ok((w, h)) => too_large(w, h).map_or(Ok(()), Err),
        Err(_) => Ok(()),
    }
}

fn limits() -> image::Limits {
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    limits
}

/// The decodes under way, and the signal that one finished.
struct Gate {
    busy: Mutex<usize>,
    free: Condvar,
}

static GATE: Gate = Gate {
    busy: Mutex::new(0),
    free: Condvar::new(),
};

/// A place among the decodes under way, given back when dropped.
struct Permit;

impl Permit {
    fn wait() -> Permit {
        let mut busy = GATE.busy.lock().unwrap_or_else(|p| p.into_inner());
        while *busy >= MAX_DECODING {
            busy = GATE.free.wait(busy).unwrap_or_else(|p| p.into_inner());
        }
        *busy += 1;
        Permit
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        let mut busy = GATE.busy.lock().unwrap_or_else(|p| p.into_inner());
        *busy = busy.saturating_sub(1);
        GATE.free.notify_one();
    }
}

/// A JPEG thumbnail of an image's bytes, at most 640×480; `None` for a
/// format that cannot be decoded here (HEIC) or an image over the limits.
pub fn thumbnail(bytes: &[u8]) -> Option<Vec<u8>> {
    let open = || {
        image::ImageReader::new(Cursor::new(bytes))
            .with_guessed_format()
            .ok()
    };
    let (w, h) = open()?.into_dimensions().ok()?;
    if too_large(w, h).is_some() {
        return None;
    }
    let mut reader = open()?;
    reader.limits(limits());
    let _permit = Permit::wait();
    let img = reader.decode().ok()?;
    let img = if img.width() > 640 || img.height() > 480 {
        img.thumbnail(640, 480)
    } else {
        img
    }
    .to_rgb8();
    let mut out = Vec::new();
    let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 75);
    image::ImageEncoder::write_image(
        enc,
        img.as_raw(),
        img.width(),
        img.height(),
        image::ExtendedColorType::Rgb8,
    )
    .ok()?;
    Some(out)
}

/// Where the thumbnail of `sha256` is kept: only for an archive on this
/// disk. A server whose archive is in a database and a bucket keeps
/// nothing of it on its own disk, so its thumbnails are made each time
/// (still at most [`MAX_DECODING`] at once).
fn cache_path(archive: &Archive, sha256: &str) -> Option<PathBuf> {
    let plain = sha256.len() == 64 && sha256.bytes().all(|b| b.is_ascii_hexdigit());
    let dir = archive.backend().ok()?.local_cache_dir()?;
    plain.then(|| dir.join(CACHE).join(format!("{sha256}.jpg")))
}

/// The thumbnail of the photo with hash `sha256`: the kept one, or one
/// made now from `original()` (the photo's bytes) and kept. A cache that
/// cannot be written only means the thumbnail is made again next time.
pub fn stored_thumbnail(
    archive: &Archive,
    sha256: &str,
    original: impl FnOnce() -> Option<Vec<u8>>,
) -> Option<Vec<u8>> {
    let path = cache_path(archive, sha256);
    if let Some(kept) = path.as_ref().and_then(|p| std::fs::read(p).ok()) {
        return Some(kept);
    }
    let jpeg = thumbnail(&original()?)?;
    if let Some(p) = path {
        let _ = keep(&p, &jpeg);
    }
    Some(jpeg)
}

/// Writes `bytes` to `path` through a temporary file in the same folder,
/// so that a reader never sees half a thumbnail.
fn keep(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| std::io::Error::other("no folder"))?;
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_over_the_limits_are_named_with_the_limit() {
        assert_eq!(too_large(4032, 3024), None);
        assert_eq!(too_large(8160, 6120), None);
        let why = too_large(11_000, 11_000).unwrap();
        assert!(
            why.contains("11000×11000") && why.contains("5000 万像素"),
            "{why}"
        );
        assert!(too_large(20_000, 10).is_some());
    }

    #[test]
    fn a_huge_image_is_not_decoded() {
        let mut png = Vec::new();
        image::ImageEncoder::write_image(
            image::codecs::png::PngEncoder::new(&mut png),
            &[0u8; 3],
            1,
            1,
            image::ExtendedColorType::Rgb8,
        )
        .unwrap();
        assert!(thumbnail(&png).is_some());
        // The same header claiming 20000 × 20000 pixels: refused unread.
        png[16..20].copy_from_slice(&20_000u32.to_be_bytes());
        png[20..24].copy_from_slice(&20_000u32.to_be_bytes());
        assert_eq!(thumbnail(&png), None);
    }
}
