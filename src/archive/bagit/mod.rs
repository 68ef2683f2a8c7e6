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
use std::io;
use std::path::Path;

use super::collect::Candidate;
use super::manifest::Manifest;
use super::place::Placed;
use super::relpath::RelPath;
use super::store::{Digest, Put};
use super::{Archive, ArchiveError, Submission, io_at};

mod write;
use write::write_bag;

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
