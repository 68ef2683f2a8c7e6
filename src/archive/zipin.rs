//! Stage 1 of ingest for a ZIP file: list its entries as candidates with
//! their names decoded (UTF-8, or GBK as written by Chinese Windows tools
//! that do not set the UTF-8 flag; other bytes kept exactly), rejecting
//! unsafe entries (`..`, absolute paths, links, encryption) and archives
//! whose expansion is absurd (a zip bomb) before anything is extracted.
//! Reading an entry later counts its bytes against the declared size.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use zip::ZipArchive;

use super::collect::{Candidate, Collected, Source, junk_reason};
use super::relpath::{RelPath, escape};

/// Limits that keep a hostile ZIP from filling the disk.
#[derive(Debug, Clone, Copy)]
pub struct ZipLimits {
    /// Most entries accepted.
    pub max_entries: usize,
    /// Most bytes the whole ZIP may expand to.
    pub max_total: u64,
    /// Highest expansion ratio accepted for an entry larger than
    /// `ratio_floor` bytes.
    pub max_ratio: u64,
    /// Entries up to this size are not ratio-checked (tiny files compress
    /// absurdly well without being dangerous).
    pub ratio_floor: u64,
}

impl Default for ZipLimits {
    fn default() -> ZipLimits {
        ZipLimits {
            max_entries: 200_000,
            max_total: 64 << 30,
            max_ratio: 500,
            ratio_floor: 1 << 20,
        }
    }
}

/// A ZIP that cannot be ingested at all.
#[derive(Debug, thiserror::Error)]
pub enum ZipError {
    /// Not a readable ZIP.
    #[error("{path} 不是有效的 ZIP 文件（{reason}）。请重新压缩后再提交")]
    Invalid {
        /// The file.
        path: String,
        /// The parser's complaint.
        reason: String,
    },
    /// Unsafe entries.
    #[error("{path} 含有不安全的条目，整个文件不予接收：\n{}", entries.join("\n"))]
    Unsafe {
        /// The file.
        path: String,
        /// One line per entry and reason.
        entries: Vec<String>,
    },
    /// A zip bomb or an archive too large for the disk.
    #[error("{path} 解压后过大（{reason}），疑似“压缩炸弹”，不予接收")]
    TooLarge {
        /// The file.
        path: String,
        /// Which limit it exceeds.
        reason: String,
    },
}

/// Decodes a raw ZIP name: UTF-8 if valid, else GBK/GB18030 if valid,
/// else `None` (the bytes are kept as they are).
pub fn decode_name(raw: &[u8]) -> Option<String> {
    if let Ok(s) = std::str::from_utf8(raw) {
        return Some(s.to_string());
    }
    encoding_rs::GB18030
        .decode_without_bom_handling_and_without_replacement(raw)
        .map(|s| s.into_owned())
}

/// Splits a ZIP name into components, or says why it is unsafe.
fn split_name(raw: &[u8]) -> Result<RelPath, &'static str> {
    let comps: Vec<Vec<u8>> = match decode_name(raw) {
        Some(s) => {
            if s.contains('\0') {
                return Err("名称含有空字符");
            }
            if s.starts_with(['/', '\\']) || s.as_bytes().get(1) == Some(&b':') {
                return Err("绝对路径");
            }
            s.split(['/', '\\'])
                .map(|c| c.as_bytes().to_vec())
                .collect()
        }
        None => {
            if raw.starts_with(b"/") || raw.contains(&0) {
                return Err("绝对路径");
            }
            raw.split(|&b| b == b'/').map(<[u8]>::to_vec).collect()
        }
    };
    if comps.iter().any(|c| c.as_slice() == b"..") {
        return Err("路径含有“..”，会写到目标文件夹之外");
    }
    Ok(RelPath(
        comps
            .into_iter()
            .filter(|c| !c.is_empty() && c.as_slice() != b".")
            .collect(),
    ))
}

/// Opens a ZIP for reading.
pub fn open(path: &Path) -> Result<ZipArchive<File>, ZipError> {
    let invalid = |reason: String| ZipError::Invalid {
        path: path.display().to_string(),
        reason,
    };
    let file = File::open(path).map_err(|e| invalid(e.to_string()))?;
    ZipArchive::new(file).map_err(|e| invalid(e.to_string()))
}

/// Lists the entries of the ZIP at `path` as candidates.
pub fn collect_zip(path: &Path, limits: ZipLimits) -> Result<Collected, ZipError> {
    let shown = path.display().to_string();
    let mut zip = open(path)?;
    let too_large = |reason: String| ZipError::TooLarge {
        path: shown.clone(),
        reason,
    };
    if zip.len() > limits.max_entries {
        return Err(too_large(format!(
            "共 {} 个条目，超过上限 {}",
            zip.len(),
            limits.max_entries
        )));
    }
    if zip.has_overlapping_files().unwrap_or(true) {
        return Err(too_large("多个条目共用同一段压缩数据".into()));
    }
    let mut out = Collected::default();
    let mut unsafe_entries = Vec::new();
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|e| ZipError::Invalid {
            path: shown.clone(),
            reason: e.to_string(),
        })?;
        let raw = entry.name_raw().to_vec();
        let rel = match split_name(&raw) {
            Ok(rel) => rel,
            Err(why) => {
                unsafe_entries.push(format!("  {}：{why}", escape(&raw)));
                continue;
            }
        };
        if entry.is_symlink() {
            unsafe_entries.push(format!("  {rel}：符号链接"));
            continue;
        }
        if entry.encrypted() {
            unsafe_entries.push(format!("  {rel}：加密条目，请去掉密码后重新压缩"));
            continue;
        }
        if entry.is_dir() || rel.is_empty() {
            continue;
        }
        let size = entry.size();
        let packed = entry.compressed_size().max(1);
        if size > limits.ratio_floor && size / packed > limits.max_ratio {
            return Err(too_large(format!(
                "条目 {rel} 由 {packed} 字节解压为 {size} 字节"
            )));
        }
        total = total.saturating_add(size);
        if total > limits.max_total {
            return Err(too_large(format!(
                "解压总量超过 {} GB",
                limits.max_total >> 30
            )));
        }
        if let Some(why) = junk_reason(&rel) {
            out.skipped.push((rel, why.into()));
        } else {
            out.files.push(Candidate {
                rel,
                size,
                source: Source::Zip(i),
            });
        }
    }
    if !unsafe_entries.is_empty() {
        return Err(ZipError::Unsafe {
            path: shown,
            entries: unsafe_entries,
        });
    }
    out.files.sort_by(|a, b| a.rel.cmp(&b.rel));
    Ok(out)
}

/// Reads entry `index` into `sink`-like consumers: returns a reader that
/// fails if the entry yields more bytes than it declared.
pub fn entry_reader<'a>(zip: &'a mut ZipArchive<File>, index: usize) -> io::Result<impl Read + 'a> {
    let entry = zip.by_index(index).map_err(io::Error::other)?;
    let declared = entry.size();
    Ok(Bounded {
        inner: entry,
        left: declared,
    })
}

/// A reader that refuses to yield more than `left` bytes.
struct Bounded<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.left == 0 {
            // One more byte would exceed the declared size.
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "条目实际内容比声明的大小更长（疑似压缩炸弹）",
                )),
            };
        }
        let max = buf.len().min(self.left.min(usize::MAX as u64) as usize);
        let n = self.inner.read(&mut buf[..max])?;
        self.left -= n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_gbk_and_rejects_escapes() {
        let (gbk, _, _) = encoding_rs::GBK.encode("Ⅱ-1/标准1/会议记录.pdf");
        let rel = split_name(&gbk).unwrap();
        assert_eq!(rel.to_string(), "Ⅱ-1/标准1/会议记录.pdf");
        assert!(split_name(b"../etc/passwd").is_err());
        assert!(split_name(b"a/../../b").is_err());
        assert!(split_name(b"/etc/passwd").is_err());
        assert!(split_name(b"C:\\x").is_err());
        assert_eq!(split_name(b"a\\b.txt").unwrap().len(), 2);
    }
}
