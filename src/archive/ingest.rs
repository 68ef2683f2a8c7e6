//! Ingest: runs the stages collect → place → store → index for one folder
//! or ZIP and records the result as a new immutable version of the
//! community's submission. Any error before the log record leaves the
//! archive as it was (new objects are removed again).

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use rayon::prelude::*;

use super::bagit;
use super::collect::{self, Candidate, Collected, ReadProblem, Source};
use super::index;
use super::manifest::SkipReason;
use super::place::{self, Placed};
use super::relpath::RelPath;
use super::store::Put;
use super::zipin::{self, ZipLimits};
use super::{Archive, ArchiveError};
use crate::catalog::Catalog;
use crate::meter::{Meter, Unit};

/// How to ingest.
#[derive(Debug, Clone)]
pub struct IngestOptions {
    /// Community id.
    pub community: String,
    /// Who hands the material in.
    pub submitter: Option<String>,
    /// Wait for another writer instead of failing.
    pub wait: bool,
    /// Limits for ZIP input.
    pub limits: ZipLimits,
    /// Free space the ingest must leave on the archive's disk.
    pub reserve: u64,
    /// What to record as the source instead of the file or folder name
    /// (the web stages uploads under names of its own).
    pub source_name: Option<String>,
    /// Record a new version even when it is identical to the latest.
    pub allow_identical: bool,
}

/// The free space an ingest leaves by default.
pub const DEFAULT_RESERVE: u64 = 64 << 20;

pub use super::index::IngestReport;

/// The input, listed.
pub(crate) struct Input {
    pub(crate) collected: Collected,
    pub(crate) zip: Option<std::path::PathBuf>,
}

fn is_zip(path: &Path) -> bool {
    let mut magic = [0u8; 4];
    File::open(path)
        .and_then(|mut f| f.read_exact(&mut magic))
        .is_ok()
        && &magic == b"PK\x03\x04"
}

pub(crate) fn collect_input(source: &Path, limits: ZipLimits) -> Result<Input, ArchiveError> {
    if source.is_dir() {
        Ok(Input {
            collected: collect::collect_dir(source),
            zip: None,
        })
    } else if source.is_file() && is_zip(source) {
        Ok(Input {
            collected: zipin::collect_zip(source, limits)?,
            zip: Some(source.to_path_buf()),
        })
    } else if source.exists() {
        Err(ArchiveError::BadSource {
            path: source.to_path_buf(),
        })
    } else {
        Err(ArchiveError::SourceMissing {
            path: source.to_path_buf(),
        })
    }
}

/// Reads a whole candidate (used for small BagIt tag files).
fn read_candidate(zip: Option<&Path>, c: &Candidate) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    match (&c.source, zip) {
        (Source::File(p), _) => {
            File::open(p)?.read_to_end(&mut out)?;
        }
        (Source::Zip(i), Some(z)) => {
            let mut archive = zipin::open(z).map_err(io::Error::other)?;
            zipin::entry_reader(&mut archive, *i)?.read_to_end(&mut out)?;
        }
        (Source::Zip(_), None) => return Err(io::Error::other("no ZIP")),
    }
    Ok(out)
}

/// Strips one folder that wraps everything (as when a folder is zipped)
/// unless it is itself an indicator folder.
pub(crate) fn strip_wrapper(catalog: &Catalog, files: &mut [Candidate]) -> bool {
    let Some(first) = files
        .first()
        .and_then(|f| f.rel.components().first().cloned())
    else {
        return false;
    };
    let wraps = files
        .iter()
        .all(|f| f.rel.len() >= 2 && f.rel.components()[0] == first);
    let is_indicator = std::str::from_utf8(&first).is_ok_and(|s| catalog.indicator(s).is_ok());
    if !wraps || is_indicator {
        return false;
    }
    for f in files.iter_mut() {
        f.rel = f.rel.strip(1);
    }
    true
}

/// Wraps a reader so that progress advances with the bytes read.
struct Counting<'a, R> {
    inner: R,
    progress: &'a dyn Meter,
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.advance(n as u64);
        Ok(n)
    }
}

/// Stores every placed file, in parallel; returns the puts in input
/// order, or every failure.
fn store_all(
    archive: &Archive,
    zip: Option<&Path>,
    placed: &[Placed],
    progress: &dyn Meter,
) -> (Vec<Option<Put>>, Vec<ReadProblem>) {
    let store = archive.store();
    let wrong = |p: &Placed| ReadProblem::WrongSource {
        rel: p.file.rel.clone(),
    };
    let results: Vec<Result<Put, ReadProblem>> = match zip {
        None => placed
            .par_iter()
            .map(|p| {
                let Source::File(path) = &p.file.source else {
                    return Err(wrong(p));
                };
                File::open(path)
                    .and_then(|f| store.put_reader(Counting { inner: f, progress }))
                    .map_err(|e| ReadProblem::Content {
                        rel: p.file.rel.clone(),
                        cause: collect::describe_io(&e),
                    })
            })
            .collect(),
        Some(z) => placed
            .par_iter()
            .map_init(
                || zipin::open(z),
                |archive, p| {
                    let Source::Zip(i) = p.file.source else {
                        return Err(wrong(p));
                    };
                    let zip = archive.as_mut().map_err(|e| ReadProblem::Reopen {
                        cause: e.to_string(),
                    })?;
                    zipin::entry_reader(zip, i)
                        .and_then(|r| store.put_reader(Counting { inner: r, progress }))
                        .map_err(|e| ReadProblem::Content {
                            rel: p.file.rel.clone(),
                            cause: zipin::describe_entry_error(&e),
                        })
                },
            )
            .collect(),
    };
    let mut puts = Vec::with_capacity(results.len());
    let mut problems = Vec::new();
    for r in results {
        match r {
            Ok(p) => puts.push(Some(p)),
            Err(e) => {
                puts.push(None);
                problems.push(e);
            }
        }
    }
    (puts, problems)
}

/// Removes objects created by a failed ingest.
fn roll_back(archive: &Archive, puts: &[Option<Put>]) {
    for p in puts.iter().flatten().filter(|p| p.created) {
        // Best effort: an object left behind is unreferenced and harmless.
        let _ = archive.store().remove_unreferenced(&p.digest);
    }
}

/// Refuses an ingest that cannot fit on the archive's disk (with room to
/// spare), before anything is written.
fn check_space(root: &Path, needed: u64, margin: u64) -> Result<(), ArchiveError> {
    let mut probe = root;
    while !probe.exists() {
        match probe.parent() {
            Some(p) if !p.as_os_str().is_empty() => probe = p,
            _ => {
                probe = Path::new(".");
                break;
            }
        }
    }
    // Where free space cannot be read, the writes themselves will fail.
    let Ok(free) = fs4::available_space(probe) else {
        return Ok(());
    };
    if needed.saturating_add(margin) > free {
        return Err(ArchiveError::NoSpace {
            needed,
            free,
            path: root.to_path_buf(),
        });
    }
    Ok(())
}

/// When the files are a BagIt bag: its payload (its tag files join the
/// skipped ones) and the payload manifest the stored files must match.
fn open_bag(
    zip: Option<&Path>,
    files: Vec<Candidate>,
    skipped: &mut Vec<(RelPath, SkipReason)>,
) -> Result<(Vec<Candidate>, Option<bagit::PayloadManifest>), ArchiveError> {
    if !bagit::looks_like_bag(&files) {
        return Ok((files, None));
    }
    let (payload, tags, manifest) = bagit::split_bag(files, |c| read_candidate(zip, c))
        .map_err(|problems| ArchiveError::BagMismatch { problems })?;
    skipped.extend(tags.into_iter().map(|t| (t, SkipReason::BagTagFile)));
    Ok((payload, Some(manifest)))
}

/// Stores the placed files (`total` bytes), then checks them against the
/// bag's payload manifest, if any; on a problem the new objects are
/// removed again.
fn store_checked(
    archive: &Archive,
    zip: Option<&Path>,
    placed: &[Placed],
    bag: Option<&bagit::PayloadManifest>,
    total: u64,
    progress: &dyn Meter,
) -> Result<Vec<Put>, ArchiveError> {
    progress.start("保存文件", total, Unit::Bytes);
    let (puts, problems) = store_all(archive, zip, placed, progress);
    progress.finish();
    if !problems.is_empty() {
        roll_back(archive, &puts);
        return Err(ArchiveError::Unreadable { problems });
    }
    let puts: Vec<Put> = puts.into_iter().flatten().collect();
    if let Some(expected) = bag {
        let problems = bagit::check_payload(expected, placed, &puts);
        if !problems.is_empty() {
            roll_back(archive, &puts.iter().copied().map(Some).collect::<Vec<_>>());
            return Err(ArchiveError::BagMismatch { problems });
        }
    }
    Ok(puts)
}

/// Ingests the folder or ZIP at `source` for a community. `on_wait` is
/// called if another writer holds the lock and `options.wait` is set.
pub fn ingest(
    archive: &Archive,
    catalog: &Catalog,
    source: &Path,
    options: &IngestOptions,
    progress: &dyn Meter,
    on_wait: impl FnOnce(&str),
) -> Result<IngestReport, ArchiveError> {
    archive.communities()?.get(&options.community)?;
    let Input { collected, zip } = collect_input(source, options.limits)?;
    let Collected {
        mut files,
        mut skipped,
        problems,
    } = collected;
    if !problems.is_empty() {
        return Err(ArchiveError::Unreadable { problems });
    }
    let problems = collect::unsafe_names(&files);
    if !problems.is_empty() {
        return Err(ArchiveError::UnsafeNames { problems });
    }
    for _ in 0..2 {
        if !strip_wrapper(catalog, &mut files) {
            break;
        }
    }
    let (files, bag) = open_bag(zip.as_deref(), files, &mut skipped)?;
    let placement = place::place(catalog, files);
    if !placement.problems.is_empty() {
        return Err(ArchiveError::Unplaceable {
            problems: placement.problems,
        });
    }
    if placement.placed.is_empty() {
        return Err(ArchiveError::Empty {
            source_path: source.to_path_buf(),
        });
    }
    let total: u64 = placement.placed.iter().map(|p| p.file.size).sum();
    check_space(archive.root(), total, options.reserve)?;
    let lock = archive.lock(options.wait, on_wait)?;
    let community = archive.communities()?.get(&options.community)?.clone();
    let version = archive
        .submissions(Some(&community.id))?
        .last()
        .map_or(1, |s| s.record.version + 1);

    let placed = &placement.placed;
    let puts = store_checked(
        archive,
        zip.as_deref(),
        placed,
        bag.as_ref(),
        total,
        progress,
    )?;
    let new = index::NewVersion {
        community,
        version,
        source,
        source_name: options.source_name.clone(),
        submitter: options.submitter.clone(),
        allow_identical: options.allow_identical,
        placed,
        puts: &puts,
        skipped,
    };
    let result = index::record(archive, &lock, new);
    if result.is_err() {
        roll_back(archive, &puts.iter().copied().map(Some).collect::<Vec<_>>());
    }
    result
}
