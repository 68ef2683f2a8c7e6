//! BagIt (RFC 8493) in and out: exporting a submission version as a ZIP
//! holding one bag, byte-identical for the same archive state, and
//! recognising such a bag when it is ingested again (its payload is
//! checked against its `manifest-sha256.txt`).
//!
//! Written by hand because no maintained Rust BagIt crate exists; the
//! output is checked with the Library of Congress reference validator
//! (bagit-python) in the tests.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::Path;

use sha2::{Digest as _, Sha256};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use super::collect::Candidate;
use super::manifest::Manifest;
use super::place::Placed;
use super::relpath::RelPath;
use super::store::{Digest, Put};
use super::{Archive, ArchiveError, Submission, io_at};

/// Payload path (bytes after `data/`) → SHA-256 hex, from a bag's manifest.
pub type PayloadManifest = BTreeMap<Vec<u8>, String>;

/// Whether the listed files are a bag: `bagit.txt` next to `data/`.
pub fn looks_like_bag(files: &[Candidate]) -> bool {
    files
        .iter()
        .any(|f| f.rel.components() == [b"bagit.txt".to_vec()])
        && files
            .iter()
            .any(|f| f.rel.len() >= 2 && f.rel.components()[0] == b"data")
}

/// Percent-encodes a manifest path as RFC 8493 requires (CR, LF, `%`).
fn encode_path(p: &str) -> String {
    p.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn decode_path(p: &str) -> String {
    p.replace("%0D", "\r")
        .replace("%0d", "\r")
        .replace("%0A", "\n")
        .replace("%0a", "\n")
        .replace("%25", "%")
}

/// Splits a bag's files into payload (with `data/` removed from their
/// paths) and tag files, and reads its SHA-256 payload manifest.
pub fn split_bag(
    files: Vec<Candidate>,
    read: impl Fn(&Candidate) -> io::Result<Vec<u8>>,
) -> Result<(Vec<Candidate>, Vec<RelPath>, PayloadManifest), Vec<BagProblem>> {
    let mut payload = Vec::new();
    let mut tags = Vec::new();
    let mut manifest_text = None;
    for f in files {
        if f.rel.len() >= 2 && f.rel.components()[0] == b"data" {
            payload.push(Candidate {
                rel: f.rel.strip(1),
                ..f
            });
        } else {
            if f.rel.components() == [b"manifest-sha256.txt".to_vec()] {
                let bytes = read(&f).map_err(|e| {
                    vec![BagProblem::ManifestUnreadable {
                        cause: e.to_string(),
                    }]
                })?;
                manifest_text = Some(String::from_utf8_lossy(&bytes).into_owned());
            }
            tags.push(f.rel);
        }
    }
    let text = manifest_text.ok_or_else(|| vec![BagProblem::NoManifest])?;
    let mut expected = PayloadManifest::new();
    let mut problems = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let parsed = line
            .split_once(char::is_whitespace)
            .map(|(h, p)| (h, decode_path(p.trim_start())));
        match parsed {
            Some((h, p)) if Digest::from_hex(h).is_some() && p.starts_with("data/") => {
                expected.insert(
                    p.as_bytes()["data/".len()..].to_vec(),
                    h.to_ascii_lowercase(),
                );
            }
            _ => problems.push(BagProblem::BadLine { line: i + 1 }),
        }
    }
    if problems.is_empty() {
        Ok((payload, tags, expected))
    } else {
        Err(problems)
    }
}

/// How a bag fails its own manifest. `Display` writes the Chinese
/// sentence; paths are those inside the bag's `data/` folder.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BagProblem {
    /// The manifest cannot be read.
    #[error("无法读取 manifest-sha256.txt：{cause}")]
    ManifestUnreadable {
        /// Why.
        cause: String,
    },
    /// The bag has no SHA-256 manifest.
    #[error("BagIt 包里没有 manifest-sha256.txt（只接受 SHA-256 清单）")]
    NoManifest,
    /// A manifest line that is not `hash data/path`.
    #[error("manifest-sha256.txt 第 {line} 行格式不对")]
    BadLine {
        /// Its number, from 1.
        line: usize,
    },
    /// A file whose content does not match the manifest.
    #[error("data/{rel}：内容与清单中的 SHA-256 不符")]
    HashDiffers {
        /// The file.
        rel: RelPath,
    },
    /// A file the manifest does not list.
    #[error("data/{rel}：不在清单中")]
    Unlisted {
        /// The file.
        rel: RelPath,
    },
    /// A file the manifest lists that the bag lacks (path escaped for
    /// print).
    #[error("data/{path}：清单中有，包里没有")]
    Missing {
        /// The listed path.
        path: String,
    },
}

/// Compares the stored payload with the bag's manifest.
pub fn check_payload(
    expected: &PayloadManifest,
    placed: &[Placed],
    puts: &[Put],
) -> Vec<BagProblem> {
    let mut problems = Vec::new();
    let mut seen = 0;
    for (p, put) in placed.iter().zip(puts) {
        match expected.get(&p.file.rel.to_bytes()) {
            Some(h) if *h == put.digest.hex() => seen += 1,
            Some(_) => {
                seen += 1;
                problems.push(BagProblem::HashDiffers {
                    rel: p.file.rel.clone(),
                });
            }
            None => problems.push(BagProblem::Unlisted {
                rel: p.file.rel.clone(),
            }),
        }
    }
    if seen < expected.len() {
        let present: Vec<Vec<u8>> = placed.iter().map(|p| p.file.rel.to_bytes()).collect();
        for path in expected.keys().filter(|k| !present.contains(k)) {
            problems.push(BagProblem::Missing {
                path: super::relpath::escape(path),
            });
        }
    }
    problems
}

/// A payload file's name in an exported bag: its place in the evidence
/// tree, with `%` written as the full-width `％` and line breaks as spaces.
/// RFC 8493 asks for `%25`, but the reference validator (bagit-python)
/// does not decode it, so a name with `%` would fail validation there;
/// avoiding the character keeps the bag valid for both.
pub fn payload_name(placed: &str) -> String {
    placed.replace('%', "％").replace(['\r', '\n'], " ")
}

/// The bag's folder name inside the ZIP, e.g. `WH-001-v0002`.
pub fn bag_name(sub: &Submission) -> String {
    format!("{}-v{:04}", sub.record.community, sub.record.version)
}

fn bag_info(m: &Manifest, sub: &Submission, (bytes, count): (u64, u64)) -> String {
    let c = &m.community;
    let date = m.created.get(..10).unwrap_or("1980-01-01");
    let mut lines = vec![
        format!("Source-Organization: {}", c.name),
        format!("Organization-Address: 云南省昆明市{}", c.district),
        format!(
            "External-Description: 城乡社区治理创新试点考评证据材料：{}（{}，{}，{}），第 {} 版提交",
            c.name, c.district, c.kind, c.batch, m.version
        ),
        format!("External-Identifier: {}", bag_name(sub)),
        format!("Bagging-Date: {date}"),
        format!("Payload-Oxum: {bytes}.{count}"),
        format!("Internal-Sender-Identifier: {}", c.id),
    ];
    if let Some(s) = &m.submitter {
        lines.push(format!("Contact-Name: {s}"));
    }
    lines.extend([
        format!("Kaoping-Community-Id: {}", c.id),
        format!("Kaoping-Community-Name: {}", c.name),
        format!("Kaoping-District: {}", c.district),
        format!("Kaoping-Community-Type: {}", c.kind),
        format!("Kaoping-Batch: {}", c.batch),
        format!("Kaoping-Version: {}", m.version),
        format!("Kaoping-Submitted: {}", m.created),
        format!("Kaoping-Root-Hash: {}", sub.record.root_hash),
    ]);
    let mut text = lines
        .into_iter()
        .map(|l| l.replace(['\r', '\n'], " "))
        .collect::<Vec<_>>()
        .join("\n");
    text.push('\n');
    text
}

fn zip_time(created: &str) -> zip::DateTime {
    chrono::DateTime::parse_from_rfc3339(created)
        .ok()
        .and_then(|t| {
            use chrono::{Datelike, Timelike};
            zip::DateTime::from_date_and_time(
                t.year().clamp(1980, 2107) as u16,
                t.month() as u8,
                t.day() as u8,
                t.hour() as u8,
                t.minute() as u8,
                t.second() as u8,
            )
            .ok()
        })
        .unwrap_or_default()
}

/// Prefix of the temporary file an export writes before it is complete.
pub const TMP_PREFIX: &str = ".tmp-export-";

/// Removes what interrupted exports left in `dir` (temporary files no live
/// export holds locked). Returns how many were removed.
pub fn sweep_leftovers(dir: &Path) -> usize {
    remove_temp_files(dir, false)
}

/// Removes the temporary export files in `dir`: those of dead exports, or
/// with `live_too` also the one this process is writing (when it is
/// interrupted and still holds the lock).
pub fn remove_temp_files(dir: &Path, live_too: bool) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for e in entries.flatten() {
        let is_leftover = e
            .file_name()
            .to_str()
            .is_some_and(|n| n.starts_with(TMP_PREFIX));
        if !is_leftover {
            continue;
        }
        let free = live_too || File::open(e.path()).is_ok_and(|f| f.try_lock().is_ok());
        if free && std::fs::remove_file(e.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// Writes the version `sub` as a ZIP holding one BagIt bag to `out`
/// (placed atomically, with the umask's permissions; an existing `out`
/// is replaced only when `replace`). Every object is re-hashed on the
/// way; a damaged one stops the export. The same archive state gives the
/// same bytes.
pub fn export(
    archive: &Archive,
    sub: &Submission,
    out: &Path,
    replace: bool,
) -> Result<Manifest, ArchiveError> {
    let m = archive.manifest(sub)?;
    let dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    sweep_leftovers(dir);
    let mut tmp = tempfile::Builder::new()
        .prefix(TMP_PREFIX)
        .tempfile_in(dir)
        .map_err(io_at(out))?;
    // Held while the export runs, so a sweep can tell a live one from a
    // leftover of an interrupted run.
    let _ = tmp.as_file().try_lock();
    let extra = field_files(archive, &sub.record.community)?;
    write_bag(archive, sub, &m, &extra, tmp.as_file_mut())?;
    // The finished file is put in place and reported together: an
    // interrupt from here on waits for both.
    crate::interrupt::hold();
    crate::outfile::persist(tmp, out, replace).map_err(|e| match e {
        crate::outfile::OutFileError::Exists { path } => ArchiveError::Io {
            path,
            source: io::Error::from(io::ErrorKind::AlreadyExists),
        },
        crate::outfile::OutFileError::Write { path, source } => ArchiveError::Io { path, source },
    })?;
    Ok(m)
}

/// The community's field evidence (实地考评 photos and records, media
/// captures, grid data) the bag carries beside the submission.
fn field_files(
    archive: &Archive,
    community: &str,
) -> Result<Vec<crate::field::evidence::BagFile>, ArchiveError> {
    use crate::field::FieldError;
    match crate::field::evidence::Evidence::load(archive, community) {
        Ok(e) => Ok(crate::field::evidence::bag_files(&e)),
        Err(FieldError::Archive(e)) => Err(e),
        Err(other) => Err(ArchiveError::Corrupt {
            path: archive.root().to_path_buf(),
            reason: other.to_string(),
        }),
    }
}

fn write_bag(
    archive: &Archive,
    sub: &Submission,
    m: &Manifest,
    extra: &[crate::field::evidence::BagFile],
    file: &mut File,
) -> Result<(), ArchiveError> {
    use crate::field::evidence::BagFile;
    let zerr = |e: zip::result::ZipError| ArchiveError::Io {
        path: archive.root().to_path_buf(),
        source: io::Error::other(e),
    };
    let base = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .last_modified_time(zip_time(&m.created))
        .unix_permissions(0o644);
    let name = bag_name(sub);
    let mut zip = ZipWriter::new(io::BufWriter::new(file));
    let mut payload_manifest = String::new();
    let mut files: Vec<_> = m.files.iter().collect();
    files.sort_by(|a, b| a.placed.cmp(&b.placed));
    // Every payload file with its hash and size, the submission's and the
    // field evidence's, in path order.
    let mut lines: Vec<(String, String, u64)> = files
        .iter()
        .map(|f| (payload_name(&f.placed), f.sha256.clone(), f.size))
        .collect();
    for x in extra {
        lines.push(match x {
            BagFile::Object(place, sha, size) => (payload_name(place), sha.clone(), *size),
            BagFile::Bytes(place, bytes) => (
                payload_name(place),
                Digest::of(bytes).hex(),
                bytes.len() as u64,
            ),
        });
    }
    lines.sort();
    for (place, sha, _) in &lines {
        payload_manifest.push_str(&format!(
            "{sha}  {}\n",
            encode_path(&format!("data/{place}"))
        ));
    }
    let oxum = (lines.iter().map(|l| l.2).sum::<u64>(), lines.len() as u64);
    let bagit_txt = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n".to_string();
    let info = bag_info(m, sub, oxum);
    let mut tag_manifest = String::new();
    for (n, text) in [
        ("bag-info.txt", &info),
        ("bagit.txt", &bagit_txt),
        ("manifest-sha256.txt", &payload_manifest),
    ] {
        tag_manifest.push_str(&format!("{}  {n}\n", Digest::of(text.as_bytes()).hex()));
    }
    for (n, text) in [
        ("bagit.txt", &bagit_txt),
        ("bag-info.txt", &info),
        ("manifest-sha256.txt", &payload_manifest),
        ("tagmanifest-sha256.txt", &tag_manifest),
    ] {
        zip.start_file(format!("{name}/{n}"), base).map_err(zerr)?;
        zip.write_all(text.as_bytes())
            .map_err(io_at(archive.root()))?;
    }
    let mut buf = vec![0u8; 1 << 20];
    let fetch = Prefetch::new(archive);
    for window in fetch.windows(&files) {
        let opened = fetch.open_all(archive, window);
        for (f, src) in window.iter().zip(opened) {
            let (digest, mut src) = src?;
            let path = archive.store().path_of(&digest);
            let opts = base.large_file(f.size >= u32::MAX as u64);
            zip.start_file(format!("{name}/data/{}", payload_name(&f.placed)), opts)
                .map_err(zerr)?;
            let mut hasher = Sha256::new();
            loop {
                let n = src.read(&mut buf).map_err(io_at(&path))?;
                if n == 0 {
                    break;
                }
                hasher.update(&buf[..n]);
                zip.write_all(&buf[..n]).map_err(io_at(&path))?;
            }
            if Digest(hasher.finalize().into()) != digest {
                return Err(ArchiveError::Corrupt {
                    path,
                    reason: format!("内容与哈希不符（提交文件“{}”）", f.path),
                });
            }
        }
    }
    for x in extra {
        let (place, bytes) = match x {
            BagFile::Bytes(place, bytes) => (place, bytes.clone()),
            BagFile::Object(place, sha, _) => {
                let digest = Digest::from_hex(sha).ok_or_else(|| ArchiveError::Corrupt {
                    path: archive.root().to_path_buf(),
                    reason: format!("记录中的哈希“{sha}”无效"),
                })?;
                let mut bytes = Vec::new();
                archive
                    .store()
                    .copy_verified(&digest, &mut bytes)
                    .map_err(io_at(&archive.store().path_of(&digest)))?;
                (place, bytes)
            }
        };
        zip.start_file(format!("{name}/data/{}", payload_name(place)), base)
            .map_err(zerr)?;
        zip.write_all(&bytes).map_err(io_at(archive.root()))?;
    }
    let mut w = zip.finish().map_err(zerr)?;
    w.flush().map_err(io_at(archive.root()))?;
    Ok(())
}

/// Payload files opened ahead of the one being written. From a bucket each
/// open is a download (to an unnamed temp file), so a window of them is
/// fetched at once — up to [`PREFETCH`] files or [`PREFETCH_BYTES`] — while
/// the ZIP is still written in manifest order; locally one at a time.
struct Prefetch {
    pool: Option<rayon::ThreadPool>,
}

/// Files fetched at once from a bucket.
const PREFETCH: usize = 16;
/// Bytes fetched at once from a bucket (temp disk, not memory).
const PREFETCH_BYTES: u64 = 256 << 20;

type Opened = Result<(Digest, File), ArchiveError>;

impl Prefetch {
    fn new(archive: &Archive) -> Prefetch {
        let pool = archive.backend().ok().and_then(|b| b.read_pool(PREFETCH));
        Prefetch { pool }
    }

    /// `files` cut into the windows opened together.
    fn windows<'a, 'f>(
        &self,
        files: &'a [&'f super::manifest::FileEntry],
    ) -> Vec<&'a [&'f super::manifest::FileEntry]> {
        if self.pool.is_none() {
            return files.chunks(1).collect();
        }
        let mut out = Vec::new();
        let (mut start, mut bytes) = (0, 0u64);
        for (i, f) in files.iter().enumerate() {
            if i > start && (i - start == PREFETCH || bytes + f.size > PREFETCH_BYTES) {
                out.push(&files[start..i]);
                (start, bytes) = (i, 0);
            }
            bytes += f.size;
        }
        if start < files.len() {
            out.push(&files[start..]);
        }
        out
    }

    /// Opens every file of a window (in parallel from a bucket).
    fn open_all(&self, archive: &Archive, window: &[&super::manifest::FileEntry]) -> Vec<Opened> {
        let open = |f: &&super::manifest::FileEntry| -> Opened {
            let digest = Digest::from_hex(&f.sha256).ok_or_else(|| ArchiveError::Corrupt {
                path: archive.root().to_path_buf(),
                reason: format!("清单中的哈希“{}”无效", f.sha256),
            })?;
            let path = archive.store().path_of(&digest);
            let file = archive.store().open(&digest).map_err(io_at(&path))?;
            Ok((digest, file))
        };
        match &self.pool {
            Some(pool) => {
                use rayon::prelude::*;
                pool.install(|| window.par_iter().map(open).collect())
            }
            None => window.iter().map(open).collect(),
        }
    }
}
