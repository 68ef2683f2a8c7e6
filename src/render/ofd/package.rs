//! The OFD container: a ZIP of the XML parts and resources, entries sorted
//! by name and stamped with the document's date, so that the same document
//! always gives the same bytes.

use std::io::{Cursor, Write};

use chrono::{Datelike, NaiveDate};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use super::Files;
use crate::render::RenderError;

/// The ZIP of `parts` (path in the package, bytes).
pub fn zip(mut parts: Files, date: NaiveDate) -> Result<Vec<u8>, RenderError> {
    let fail = |e: &dyn std::fmt::Display| RenderError::Ofd(format!("打包 OFD 失败：{e}"));
    parts.sort_by(|a, b| a.0.cmp(&b.0));
    let stamp = stamp(date).map_err(|e| fail(&e))?;
    // Deflate's fastest level: the XML's repeated markup compresses nearly
    // as well as at the default level, in a fraction of the time.
    let deflated = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(1))
        .last_modified_time(stamp);
    // PNG and JPEG data are compressed already: deflating them again costs
    // time and saves nothing.
    let stored = deflated
        .compression_method(CompressionMethod::Stored)
        .compression_level(None);
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in parts {
        let packed = [".png", ".jpg"].iter().any(|ext| name.ends_with(ext));
        let options = if packed { stored } else { deflated };
        writer.start_file(name, options).map_err(|e| fail(&e))?;
        writer.write_all(&data).map_err(|e| fail(&e))?;
    }
    Ok(writer.finish().map_err(|e| fail(&e))?.into_inner())
}

/// Midnight of `date` as a ZIP time stamp.
fn stamp(date: NaiveDate) -> Result<DateTime, String> {
    let bad = || format!("日期 {date} 超出 ZIP 能记录的范围");
    DateTime::from_date_and_time(
        u16::try_from(date.year()).map_err(|_| bad())?,
        u8::try_from(date.month()).map_err(|_| bad())?,
        u8::try_from(date.day()).map_err(|_| bad())?,
        0,
        0,
        0,
    )
    .map_err(|_| bad())
}
