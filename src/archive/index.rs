//! Stage 4 of ingest, the index: the submission's manifest is written as
//! an immutable version folder, the new objects are made durable first,
//! and the log record commits the version; a marker follows it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::ingest::{IngestOptions, IngestReport};
use super::lock::WriterLock;
use super::log::now_rfc3339;
use super::manifest::{self, FileEntry, Manifest, Skipped};
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

/// Stage 4: write the version folder and its log record.
#[allow(clippy::too_many_arguments)]
pub(crate) fn record(
    archive: &Archive,
    lock: &WriterLock,
    community: Community,
    version: u32,
    source: &Path,
    options: &IngestOptions,
    placed: &[Placed],
    puts: &[Put],
    mut skipped: Vec<(RelPath, String)>,
) -> Result<IngestReport, ArchiveError> {
    let mut files = Vec::new();
    let mut used: BTreeSet<Digest> = BTreeSet::new();
    let mut notes: Vec<&Put> = Vec::new();
    for (p, put) in placed.iter().zip(puts) {
        if p.scaffold_note == Some(put.digest) {
            skipped.push((p.file.rel.clone(), manifest::SCAFFOLD_NOTE.into()));
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
    if files.is_empty() {
        return Err(ArchiveError::Empty {
            source_path: source.to_path_buf(),
        });
    }
    files.sort_by(|a, b| a.placed.cmp(&b.placed));
    skipped.sort();
    // An identical hand-in that restores objects set aside as damaged is
    // a repair, not a repeat.
    let restores = puts.iter().any(|p| p.created && used.contains(&p.digest));
    if !options.allow_identical
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
        submitter: options.submitter.clone().filter(|s| !s.trim().is_empty()),
        source: options.source_name.clone().unwrap_or_else(|| {
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
    let dir = manifest::version_dir(root, &manifest.community.id, version);
    let root_hash = manifest::write_version(root, &manifest).map_err(io_at(&dir))?;
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
    Ok(IngestReport {
        manifest,
        root_hash,
        new_objects: new_objects.len(),
        new_bytes: new_objects.values().sum(),
    })
}
