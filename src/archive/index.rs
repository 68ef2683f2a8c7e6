//! Stage 4 of ingest, the index: the submission's manifest is written as
//! an immutable version folder, the new objects are made durable first,
//! and the log record commits the version; a marker follows it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::lock::WriterLock;
use super::log::now_rfc3339;
use super::manifest::{self, FileEntry, Manifest, SkipReason, Skipped};
use super::place::Placed;
use super::relpath::RelPath;
use super::store::{Digest, Put};
use super::{Archive, ArchiveError, SubmissionRecord, io_at};
use crate::community::Community;

/// The latest version of `community` if it holds exactly `files` (same
/// places, same contents).
fn identical_to(
    archive: &Archive,
    community: &str,
    files: &[FileEntry],
) -> Result<Option<u32>, ArchiveError> {
    let Some(latest) = archive.submissions(Some(community))?.pop() else {
        return Ok(None);
    };
    let m = archive.manifest(&latest)?;
    let key = |f: &FileEntry| (f.placed.clone(), f.sha256.clone());
    let mut before: Vec<_> = m.files.iter().map(key).collect();
    let mut now: Vec<_> = files.iter().map(key).collect();
    before.sort();
    now.sort();
    Ok((before == now).then_some(m.version))
}

/// What an ingest recorded.
#[derive(Debug)]
pub struct IngestReport {
    /// The new version's manifest.
    pub manifest: Manifest,
    /// Its root hash.
    pub root_hash: Digest,
    /// Objects that were new to the store.
    pub new_objects: usize,
    /// Bytes of those new objects.
    pub new_bytes: u64,
}

/// A version the earlier stages made ready: the files placed and stored,
/// what was left out, and what to record about the hand-in.
pub(crate) struct NewVersion<'a> {
    /// The community, as registered now.
    pub community: Community,
    /// The new version's number.
    pub version: u32,
    /// The folder or ZIP it came from.
    pub source: &'a Path,
    /// What to record as the source instead of its file name.
    pub source_name: Option<String>,
    /// Who handed it in.
    pub submitter: Option<String>,
    /// Record it even when it is identical to the latest version.
    pub allow_identical: bool,
    /// The placed files, in the order of `puts`.
    pub placed: &'a [Placed],
    /// Their stored objects.
    pub puts: &'a [Put],
    /// What was left out so far.
    pub skipped: Vec<(RelPath, SkipReason)>,
}

/// The manifest's file list: every placed file but the unchanged scaffold
/// notes, which join `skipped` (and whose objects, if this ingest created
/// them for nothing, are taken out of the store again).
fn entries(
    archive: &Archive,
    placed: &[Placed],
    puts: &[Put],
    skipped: &mut Vec<(RelPath, SkipReason)>,
) -> (Vec<FileEntry>, BTreeSet<Digest>) {
    let mut files = Vec::new();
    let mut used: BTreeSet<Digest> = BTreeSet::new();
    let mut notes: Vec<&Put> = Vec::new();
    for (p, put) in placed.iter().zip(puts) {
        if p.scaffold_note == Some(put.digest) {
            skipped.push((p.file.rel.clone(), SkipReason::ScaffoldNote));
            notes.push(put);
            continue;
        }
        used.insert(put.digest);
        files.push(FileEntry {
            path: p.file.rel.to_string(),
            path_bytes: (!p.file.rel.is_utf8()).then(|| hex::encode(p.file.rel.to_bytes())),
            placed: p.placed.clone(),
            indicator: p.indicator.clone(),
            standard: p.standard,
            size: put.size,
            sha256: put.digest.hex(),
        });
    }
    for n in notes
        .iter()
        .filter(|n| n.created && !used.contains(&n.digest))
    {
        let _ = archive.store().remove_unreferenced(&n.digest);
    }
    files.sort_by(|a, b| a.placed.cmp(&b.placed));
    // By path, then by the reason as recorded.
    skipped.sort_by_cached_key(|(path, reason)| (path.clone(), reason.to_string()));
    (files, used)
}

/// Stage 4: write the version folder and its log record.
pub(crate) fn record(
    archive: &Archive,
    lock: &WriterLock,
    new: NewVersion<'_>,
) -> Result<IngestReport, ArchiveError> {
    let NewVersion {
        community,
        version,
        source,
        source_name,
        submitter,
        allow_identical,
        placed,
        puts,
        mut skipped,
    } = new;
    let (files, used) = entries(archive, placed, puts, &mut skipped);
    if files.is_empty() {
        return Err(ArchiveError::Empty {
            source_path: source.to_path_buf(),
        });
    }
    // An identical hand-in that restores objects set aside as damaged is
    // a repair, not a repeat.
    let restores = puts.iter().any(|p| p.created && used.contains(&p.digest));
    if !allow_identical
        && !restores
        && let Some(same) = identical_to(archive, &community.id, &files)?
    {
        return Err(ArchiveError::Identical {
            community: community.id.clone(),
            version: same,
        });
    }
    let root = archive.root();
    archive.store().flush().map_err(io_at(root))?;
    let mut new_objects: BTreeMap<Digest, u64> = BTreeMap::new();
    for p in puts
        .iter()
        .filter(|p| p.created && used.contains(&p.digest))
    {
        new_objects.insert(p.digest, p.size);
    }
    let manifest = Manifest {
        format: manifest::FORMAT.to_string(),
        community,
        version,
        created: now_rfc3339(),
        submitter: submitter.filter(|s| !s.trim().is_empty()),
        source: source_name.unwrap_or_else(|| {
            source
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| source.display().to_string())
        }),
        file_count: files.len() as u64,
        total_bytes: files.iter().map(|f| f.size).sum(),
        files,
        skipped: skipped
            .into_iter()
            .map(|(path, reason)| Skipped {
                path: path.to_string(),
                reason,
            })
            .collect(),
    };
    let root_hash = commit(archive, lock, &manifest)?;
    Ok(IngestReport {
        manifest,
        root_hash,
        new_objects: new_objects.len(),
        new_bytes: new_objects.values().sum(),
    })
}

/// Writes the version folder, then the log record that commits it, then
/// the marker; returns the manifest's root hash.
fn commit(
    archive: &Archive,
    lock: &WriterLock,
    manifest: &Manifest,
) -> Result<Digest, ArchiveError> {
    let root = archive.root();
    let version = manifest.version;
    let dir = manifest::version_dir(root, &manifest.community.id, version);
    let root_hash = manifest::write_version(root, manifest).map_err(io_at(&dir))?;
    let rec = SubmissionRecord {
        community: manifest.community.id.clone(),
        version,
        root_hash: root_hash.hex(),
        file_count: manifest.file_count,
        total_bytes: manifest.total_bytes,
        submitter: manifest.submitter.clone(),
        source: manifest.source.clone(),
    };
    let logged = match archive
        .log()
        .append(lock, crate::event::Event::Submission(rec.clone()))
    {
        Ok(r) => r,
        Err(e) => {
            // Not committed: take the version folder away again.
            let _ = std::fs::remove_dir_all(&dir);
            return Err(e.into());
        }
    };
    // Committed. The marker lets verify tell a lost log record from an
    // interrupted write; if writing it fails, the next writer adds it.
    let marker = manifest::Committed {
        log_seq: logged.seq,
        root_hash: root_hash.hex(),
    };
    let _ = manifest::write_committed(root, &rec.community, version, &marker);
    Ok(root_hash)
}
