//! Writing a bag: the tag files (`bag-info.txt`, the manifests) and the
//! payload, every object re-hashed on the way.

use std::fs::File;
use std::io::{self, Read, Write};

use sha2::{Digest as _, Sha256};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use super::BagFile;
use super::{bag_name, encode_path, payload_name};
use crate::archive::manifest::{FileEntry, Manifest};
use crate::archive::store::Digest;
use crate::archive::{Archive, ArchiveError, Submission, io_at};

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

/// The ZIP being written, and what every entry of it shares.
struct BagZip<'f> {
    zip: ZipWriter<io::BufWriter<&'f mut File>>,
    /// The bag's folder name inside the ZIP.
    name: String,
    /// Options of every entry (stored, the submission's time).
    base: SimpleFileOptions,
}

fn zip_error(archive: &Archive) -> impl Fn(zip::result::ZipError) -> ArchiveError + '_ {
    |e| ArchiveError::Io {
        path: archive.root().to_path_buf(),
        source: io::Error::other(e),
    }
}

/// Writes the bag of `sub` (its manifest `m`, the field evidence `extra`)
/// into `file` as a ZIP.
pub(super) fn write_bag(
    archive: &Archive,
    sub: &Submission,
    m: &Manifest,
    extra: &[BagFile],
    file: &mut File,
) -> Result<(), ArchiveError> {
    let zerr = zip_error(archive);
    let mut bag = BagZip {
        zip: ZipWriter::new(io::BufWriter::new(file)),
        name: bag_name(sub),
        base: SimpleFileOptions::default()
            .compression_method(CompressionMethod::Stored)
            .last_modified_time(zip_time(&m.created))
            .unix_permissions(0o644),
    };
    let mut files: Vec<_> = m.files.iter().collect();
    files.sort_by(|a, b| a.placed.cmp(&b.placed));
    let lines = payload_lines(&files, extra);
    // The payload first: its SM3 digests, computed on the way, go into a
    // tag file of their own (bagit-python validates only the algorithms
    // hashlib guarantees, so SHA-256 stays the manifest and SM3 is
    // carried beside it, covered by the tag manifest).
    let mut sm3 = write_payload(archive, &mut bag, &files)?;
    sm3.extend(write_extra(archive, &mut bag, extra)?);
    sm3.sort();
    for (n, text) in tag_files(m, sub, &lines, &sm3) {
        bag.zip
            .start_file(format!("{}/{n}", bag.name), bag.base)
            .map_err(&zerr)?;
        bag.zip
            .write_all(text.as_bytes())
            .map_err(io_at(archive.root()))?;
    }
    let mut w = bag.zip.finish().map_err(&zerr)?;
    w.flush().map_err(io_at(archive.root()))?;
    Ok(())
}

/// Every payload file with its hash and size, the submission's and the
/// field evidence's, in path order.
fn payload_lines(files: &[&FileEntry], extra: &[BagFile]) -> Vec<(String, String, u64)> {
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
    lines
}

/// The tag files with their text, in the order they are written.
fn tag_files(
    m: &Manifest,
    sub: &Submission,
    lines: &[(String, String, u64)],
    sm3: &[(String, String)],
) -> [(&'static str, String); 5] {
    let mut sm3_manifest = String::new();
    for (place, digest) in sm3 {
        sm3_manifest.push_str(&format!(
            "{digest}  {}\n",
            encode_path(&format!("data/{place}"))
        ));
    }
    let mut payload_manifest = String::new();
    for (place, sha, _) in lines {
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
        (SM3_MANIFEST, &sm3_manifest),
    ] {
        tag_manifest.push_str(&format!("{}  {n}\n", Digest::of(text.as_bytes()).hex()));
    }
    [
        ("bagit.txt", bagit_txt),
        ("bag-info.txt", info),
        ("manifest-sha256.txt", payload_manifest),
        (SM3_MANIFEST, sm3_manifest),
        ("tagmanifest-sha256.txt", tag_manifest),
    ]
}

/// The tag file with the payload's SM3 digests (GB/T 32905), in the
/// manifest's format.
pub const SM3_MANIFEST: &str = "sm3-manifest.txt";

/// A payload file's name in the bag and its SM3 digest (hex).
type Sm3Line = (String, String);

/// Copies the submission's files into the bag, re-hashing each (and
/// taking its SM3 digest); a damaged one stops the export.
fn write_payload(
    archive: &Archive,
    bag: &mut BagZip<'_>,
    files: &[&FileEntry],
) -> Result<Vec<Sm3Line>, ArchiveError> {
    let mut sm3 = Vec::with_capacity(files.len());
    let zerr = zip_error(archive);
    let mut buf = vec![0u8; 1 << 20];
    let fetch = Prefetch::new(archive);
    for window in fetch.windows(files) {
        let opened = fetch.open_all(archive, window);
        for (f, src) in window.iter().zip(opened) {
            let (digest, mut src) = src?;
            let path = archive.store().path_of(&digest);
            let opts = bag.base.large_file(f.size >= u32::MAX as u64);
            bag.zip
                .start_file(
                    format!("{}/data/{}", bag.name, payload_name(&f.placed)),
                    opts,
                )
                .map_err(&zerr)?;
            let mut hasher = Sha256::new();
            let mut sm = <sm3::Sm3 as sm3::Digest>::new();
            loop {
                let n = src.read(&mut buf).map_err(io_at(&path))?;
                if n == 0 {
                    break;
                }
                hasher.update(&buf[..n]);
                sm3::Digest::update(&mut sm, &buf[..n]);
                bag.zip.write_all(&buf[..n]).map_err(io_at(&path))?;
            }
            sm3.push((
                payload_name(&f.placed),
                hex::encode(sm3::Digest::finalize(sm)),
            ));
            if Digest(hasher.finalize().into()) != digest {
                return Err(ArchiveError::Corrupt {
                    path,
                    reason: format!("内容与哈希不符（提交文件“{}”）", f.path),
                });
            }
        }
    }
    Ok(sm3)
}

/// Copies the field evidence into the bag.
fn write_extra(
    archive: &Archive,
    bag: &mut BagZip<'_>,
    extra: &[BagFile],
) -> Result<Vec<Sm3Line>, ArchiveError> {
    let mut sm3 = Vec::with_capacity(extra.len());
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
        bag.zip
            .start_file(
                format!("{}/data/{}", bag.name, payload_name(place)),
                bag.base,
            )
            .map_err(zip_error(archive))?;
        bag.zip.write_all(&bytes).map_err(io_at(archive.root()))?;
        sm3.push((payload_name(place), crate::sign::sm::sm3_hex(&bytes)));
    }
    Ok(sm3)
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
    fn windows<'a, 'f>(&self, files: &'a [&'f FileEntry]) -> Vec<&'a [&'f FileEntry]> {
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
    fn open_all(&self, archive: &Archive, window: &[&FileEntry]) -> Vec<Opened> {
        let open = |f: &&FileEntry| -> Opened {
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
