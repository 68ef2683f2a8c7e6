//! Stage 1 of ingest for a ZIP file: list its entries as candidates with
//! their names decoded (see [`legacy_encoding`] for names that are not
//! UTF-8: GBK as written by Chinese Windows tools, else CP437), rejecting
//! unsafe entries (`..`, absolute paths, links, encryption, names that
//! spoof their extension or cannot be unpacked on Windows, names that
//! differ only in letter case) and archives
//! whose expansion is absurd (a zip bomb) before anything is extracted.
//! Reading an entry later counts its bytes against the declared size.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use zip::ZipArchive;

use super::collect::{Candidate, Collected, Source, junk_reason};
use super::relpath::{self, RelPath, escape};

mod names;
use names::split_name;
pub use names::{Legacy, decode_cp437, decode_name, legacy_encoding};

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
    #[error("{} 不是有效的 ZIP 文件（{reason}）。请重新压缩后再提交", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// The parser's complaint.
        reason: String,
    },
    /// Unsafe entries.
    #[error("{} 含有不安全的条目，整个文件不予接收：\n{}", path.display(), lines(entries))]
    Unsafe {
        /// The file.
        path: PathBuf,
        /// The entries and why each is unsafe.
        entries: Vec<UnsafeEntry>,
    },
    /// A zip bomb or an archive too large for the disk.
    #[error("{} 解压后过大（{reason}），疑似“压缩炸弹”，不予接收", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Which limit it exceeds.
        reason: String,
    },
}

impl ZipError {
    /// Names the ZIP `f(path)` instead.
    pub fn map_path(&mut self, f: &dyn Fn(&Path) -> PathBuf) {
        match self {
            ZipError::Invalid { path, .. }
            | ZipError::Unsafe { path, .. }
            | ZipError::TooLarge { path, .. } => *path = f(path),
        }
    }
}

/// An entry a ZIP may not hold. `Display` writes the Chinese line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnsafeEntry {
    /// Names the central directory holds more than once.
    #[error("{}：有多个同名条目（不同的解压工具会取到不同的内容）", names.join("、"))]
    Repeated {
        /// The names, decoded for print.
        names: Vec<String>,
    },
    /// A name that cannot be a relative path.
    #[error("{name}：{why}")]
    BadName {
        /// The raw name, escaped for print.
        name: String,
        /// Why.
        why: &'static str,
    },
    /// A symbolic link.
    #[error("{rel}：符号链接")]
    Symlink {
        /// The entry.
        rel: RelPath,
    },
    /// An encrypted entry.
    #[error("{rel}：加密条目，请去掉密码后重新压缩")]
    Encrypted {
        /// The entry.
        rel: RelPath,
    },
    /// Two names that land on the same path.
    #[error("{rel}：与条目“{first}”同名（不同的解压工具会取到不同的内容）")]
    SameName {
        /// The later entry.
        rel: RelPath,
        /// The earlier entry's name.
        first: String,
    },
    /// Two names that differ only in letter case.
    #[error("{rel}：与条目“{first}”只有字母大小写不同（在 Windows 和 macOS 上会互相覆盖）")]
    CaseOnly {
        /// The later entry.
        rel: RelPath,
        /// The earlier entry's name.
        first: String,
    },
}

fn lines(entries: &[UnsafeEntry]) -> String {
    entries
        .iter()
        .map(|e| format!("  {e}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Opens a ZIP for reading.
pub fn open(path: &Path) -> Result<ZipArchive<File>, ZipError> {
    let invalid = |reason: String| ZipError::Invalid {
        path: path.to_path_buf(),
        reason,
    };
    let file = File::open(path).map_err(|e| invalid(e.to_string()))?;
    ZipArchive::new(file).map_err(|e| invalid(e.to_string()))
}

/// Lists the entries of the ZIP at `path` as candidates.
pub fn collect_zip(path: &Path, limits: ZipLimits) -> Result<Collected, ZipError> {
    let mut zip = open(path)?;
    let too_large = |reason: String| ZipError::TooLarge {
        path: path.to_path_buf(),
        reason,
    };
    if zip.len() > limits.max_entries {
        return Err(too_large(format!(
            "共 {} 个条目，超过上限 {}",
            zip.len(),
            limits.max_entries
        )));
    }
    let legacy = legacy_encoding(zip.file_names_raw());
    let mut list = Listing::default();
    if zip.has_duplicate_names() {
        // The reader keeps one entry per name: read the names again from
        // the central directory to say which ones repeat.
        let repeated = repeated_names(path, zip.central_directory_start()).unwrap_or_default();
        let names = repeated
            .iter()
            .map(|raw| decode_name(raw, legacy).unwrap_or_else(|| escape(raw)))
            .collect();
        list.unsafe_entries.push(UnsafeEntry::Repeated { names });
    }
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|e| ZipError::Invalid {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        list.add(i, &entry, legacy, limits).map_err(too_large)?;
    }
    let shared = overlapping(list.ranges);
    if !shared.is_empty() {
        return Err(too_large(format!(
            "条目 {} 共用同一段压缩数据",
            shared.join("、")
        )));
    }
    if !list.unsafe_entries.is_empty() {
        return Err(ZipError::Unsafe {
            path: path.to_path_buf(),
            entries: list.unsafe_entries,
        });
    }
    let mut out = list.out;
    out.files.sort_by(|a, b| a.rel.cmp(&b.rel));
    Ok(out)
}

/// The entries read so far, with what the checks across entries need.
#[derive(Default)]
struct Listing {
    /// Candidates and skipped junk.
    out: Collected,
    /// Entries that make the whole ZIP unacceptable.
    unsafe_entries: Vec<UnsafeEntry>,
    /// Declared bytes after decompression.
    total: u64,
    /// Byte range of each entry's compressed data, to find entries that
    /// share data (an overlapping-entries zip bomb).
    ranges: Vec<(u64, u64, String)>,
    /// Each path and the name it came from.
    names: BTreeMap<RelPath, String>,
    /// Each path in lower case and the name it came from.
    cases: BTreeMap<String, String>,
}

impl Listing {
    /// Checks entry `i` and lists it; `Err` says which size limit it
    /// breaks.
    fn add<R: Read>(
        &mut self,
        i: usize,
        entry: &zip::read::ZipFile<'_, R>,
        legacy: Legacy,
        limits: ZipLimits,
    ) -> Result<(), String> {
        let raw = entry.name_raw().to_vec();
        let shown_name = decode_name(&raw, legacy).unwrap_or_else(|| escape(&raw));
        if let Some(start) = entry.data_start()
            && entry.compressed_size() > 0
        {
            let end = start.saturating_add(entry.compressed_size());
            self.ranges.push((start, end, shown_name.clone()));
        }
        let rel = match split_name(&raw, legacy) {
            Ok(rel) => rel,
            Err(why) => {
                self.unsafe_entries.push(UnsafeEntry::BadName {
                    name: escape(&raw),
                    why,
                });
                return Ok(());
            }
        };
        if let Some(why) = relpath::path_problem(&rel) {
            self.unsafe_entries.push(UnsafeEntry::BadName {
                name: rel.to_string().escape_debug().to_string(),
                why,
            });
            return Ok(());
        }
        if entry.is_symlink() {
            self.unsafe_entries.push(UnsafeEntry::Symlink { rel });
            return Ok(());
        }
        if entry.encrypted() {
            self.unsafe_entries.push(UnsafeEntry::Encrypted { rel });
            return Ok(());
        }
        if entry.is_dir() || rel.is_empty() {
            return Ok(());
        }
        let size = entry.size();
        let packed = entry.compressed_size().max(1);
        if size > limits.ratio_floor && size / packed > limits.max_ratio {
            return Err(format!("条目 {rel} 由 {packed} 字节解压为 {size} 字节"));
        }
        self.total = self.total.saturating_add(size);
        if self.total > limits.max_total {
            return Err(format!("解压总量超过 {} GB", limits.max_total >> 30));
        }
        if let Some(first) = self.names.insert(rel.clone(), shown_name.clone()) {
            self.unsafe_entries
                .push(UnsafeEntry::SameName { rel, first });
            return Ok(());
        }
        if let Some(first) = self.cases.insert(relpath::case_key(&rel), shown_name) {
            self.unsafe_entries
                .push(UnsafeEntry::CaseOnly { rel, first });
            return Ok(());
        }
        if let Some(why) = junk_reason(&rel) {
            self.out.skipped.push((rel, why));
        } else {
            self.out.files.push(Candidate {
                rel,
                size,
                source: Source::Zip(i),
            });
        }
        Ok(())
    }
}

/// The raw names that occur more than once in the central directory that
/// starts at `start`.
fn repeated_names(path: &Path, start: u64) -> io::Result<Vec<Vec<u8>>> {
    use std::io::{BufReader, Seek, SeekFrom};
    let mut r = BufReader::new(File::open(path)?);
    r.seek(SeekFrom::Start(start))?;
    let mut seen = std::collections::BTreeSet::new();
    let mut repeated = Vec::new();
    let mut head = [0u8; 46];
    while r.read_exact(&mut head).is_ok() && head[..4] == 0x0201_4b50u32.to_le_bytes() {
        let field = |at: usize| usize::from(u16::from_le_bytes([head[at], head[at + 1]]));
        let mut name = vec![0u8; field(28)];
        r.read_exact(&mut name)?;
        let skip = (field(30) + field(32)) as i64;
        r.seek_relative(skip)?;
        if !seen.insert(name.clone()) && !repeated.contains(&name) {
            repeated.push(name);
        }
    }
    Ok(repeated)
}

/// A short Chinese description of an error met while reading a ZIP entry.
pub fn describe_entry_error(e: &io::Error) -> String {
    let text = e.to_string();
    if e.kind() != io::ErrorKind::InvalidData {
        return super::collect::describe_io(e);
    }
    if text.contains("larger than its declared") || text.contains(LONGER) {
        format!("{LONGER}（疑似压缩炸弹），不予接收")
    } else if text.contains("checksum") {
        "内容与 ZIP 中记录的校验值（CRC-32）不符，文件已损坏，请重新压缩".to_string()
    } else {
        format!("ZIP 条目已损坏（{text}），请重新压缩")
    }
}

/// What an entry that yields more than it declared is called.
const LONGER: &str = "条目实际内容比声明的大小更长";

/// The names of the entries whose compressed data overlaps another's.
fn overlapping(mut ranges: Vec<(u64, u64, String)>) -> Vec<String> {
    ranges.sort();
    let mut out: Vec<String> = Vec::new();
    // The entry reaching furthest so far: (end, index).
    let mut reach: Option<(u64, usize)> = None;
    for (i, (start, end, _)) in ranges.iter().enumerate() {
        match reach {
            Some((far, j)) if *start < far => {
                for k in [j, i] {
                    if !out.contains(&ranges[k].2) {
                        out.push(ranges[k].2.clone());
                    }
                }
                if *end > far {
                    reach = Some((*end, i));
                }
            }
            _ => reach = Some((*end, i)),
        }
    }
    out
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
                _ => Err(io::Error::new(io::ErrorKind::InvalidData, LONGER)),
            };
        }
        let max = buf.len().min(self.left.min(usize::MAX as u64) as usize);
        let n = self.inner.read(&mut buf[..max])?;
        self.left -= n as u64;
        Ok(n)
    }
}
