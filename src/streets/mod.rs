//! 街道（乡镇） evidence: a 街道 hands in its evidence for the standards
//! addressed to it (`data/street.toml`) once, as a folder or ZIP laid out
//! like a community's; it is stored once and counts for each of the
//! 街道's pilot communities, shown there as shared (街道共享).

mod error;

use std::fs::File;
use std::io::Read;
use std::path::Path;

pub use error::StreetError;

use crate::archive::collect::Source;
use crate::archive::coverage::Coverage;
use crate::archive::ingest::{collect_input, strip_wrapper};
use crate::archive::lock::WriterLock;
use crate::archive::manifest::Manifest;
use crate::archive::place::{self, Placed};
use crate::archive::store::Put;
use crate::archive::zipin::{self, ZipLimits};
use crate::archive::{Archive, ArchiveError};
use crate::catalog::Catalog;
use crate::community::Community;
use crate::community::street::Street;
use crate::event::archive::ObjectRef;
use crate::event::street::{StreetEvidence, StreetFile};
use crate::event::{Event, Record};

/// Most files one 街道 hand-in may hold.
pub const MAX_FILES: usize = 2_000;

/// The latest evidence of `street` among log `records`.
pub fn latest(records: &[Record], street: &Street) -> Option<StreetEvidence> {
    records.iter().rev().find_map(|r| match &r.event {
        Event::Street(s) if s.district == street.district && s.street == street.name => {
            Some(s.clone())
        }
        _ => None,
    })
}

/// The shared evidence that counts for `community`: its 街道's latest,
/// when it has a 街道 and that 街道 has handed any in.
pub fn shared_for(records: &[Record], community: &Community) -> Option<StreetEvidence> {
    latest(records, &community.street_of()?)
}

/// [`shared_for`] read from the archive; the log is read only for a
/// community that has a 街道.
pub fn shared_of(
    archive: &Archive,
    community: &Community,
) -> Result<Option<StreetEvidence>, ArchiveError> {
    match community.street_of() {
        Some(street) => Ok(latest(&archive.records()?, &street)),
        None => Ok(None),
    }
}

/// The coverage of submission manifest `m` with its community's 街道
/// evidence counted (the community as registered now).
pub fn coverage(archive: &Archive, m: &Manifest) -> Result<Coverage, ArchiveError> {
    let cov = crate::archive::coverage::coverage(Catalog::builtin(), m);
    let roster = archive.communities()?;
    let shared = match roster.get(&m.community.id) {
        Ok(c) => shared_of(archive, c)?,
        Err(_) => None,
    };
    Ok(crate::archive::coverage::with_shared(cov, shared.as_ref()))
}

/// Folder of a 街道's shared evidence inside a community's bag.
pub const BAG_FOLDER: &str = "街道共享材料";

/// The 街道 evidence a community's BagIt export carries, under
/// `街道共享材料/`.
pub fn bag_files(shared: Option<&StreetEvidence>) -> Vec<crate::archive::bagit::BagFile> {
    let Some(shared) = shared else {
        return Vec::new();
    };
    shared
        .files
        .iter()
        .zip(&shared.objects)
        .map(|(f, o)| {
            crate::archive::bagit::BagFile::Object(
                format!("{BAG_FOLDER}/{}", f.placed),
                o.sha256.clone(),
                o.size,
            )
        })
        .collect()
}

/// The standards addressed to the 街道, as people read them
/// (`Ⅱ-1 标准1、Ⅱ-2 标准1…`).
pub fn standards_text() -> String {
    Catalog::builtin()
        .street_standards()
        .iter()
        .map(|s| format!("{} 标准{}", s.indicator, s.standard))
        .collect::<Vec<_>>()
        .join("、")
}

/// What a 街道 hands in.
pub struct HandIn<'a> {
    /// The 街道.
    pub street: &'a Street,
    /// The folder or ZIP.
    pub source: &'a Path,
    /// The account handing it in (none from the console).
    pub by: Option<&'a str>,
    /// Limits for a ZIP.
    pub limits: ZipLimits,
}

/// Hands in a 街道's evidence under `lock`: every file must sit in the
/// folder of a standard addressed to the 街道; they are stored, then
/// recorded as the 街道's next version. Nothing is recorded when a file
/// is refused, and objects stored for a refused hand-in are removed.
pub fn hand_in(
    archive: &Archive,
    lock: &WriterLock,
    h: HandIn,
) -> Result<StreetEvidence, StreetError> {
    let catalog = Catalog::builtin();
    let placed = collect_and_place(catalog, h.source, h.limits)?;
    let puts = store_all(archive, h.source, &placed)?;
    let records = archive.records()?;
    let version = 1 + records
        .iter()
        .filter(|r| matches!(&r.event, Event::Street(s) if s.district == h.street.district && s.street == h.street.name))
        .count() as u32;
    let evidence = StreetEvidence {
        district: h.street.district.clone(),
        street: h.street.name.clone(),
        version,
        source: h
            .source
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        by: h.by.map(str::to_string),
        files: placed
            .iter()
            .map(|p| StreetFile {
                indicator: p.indicator.clone(),
                standard: p.standard.unwrap_or(0),
                placed: p.placed.clone(),
            })
            .collect(),
        objects: puts
            .iter()
            .map(|p| ObjectRef {
                sha256: p.digest.hex(),
                size: p.size,
                sm3: None,
            })
            .collect(),
    };
    if let Err(e) = archive.log().append(lock, Event::Street(evidence.clone())) {
        roll_back(archive, &puts);
        return Err(ArchiveError::from(e).into());
    }
    Ok(evidence)
}

/// Lists and places the files of `source`; refuses any file outside the
/// folders of the standards addressed to the 街道.
fn collect_and_place(
    catalog: &Catalog,
    source: &Path,
    limits: ZipLimits,
) -> Result<Vec<Placed>, StreetError> {
    let input = collect_input(source, limits)?;
    let mut collected = input.collected;
    if !collected.problems.is_empty() {
        return Err(ArchiveError::Unreadable {
            problems: collected.problems,
        }
        .into());
    }
    if collected.files.len() > MAX_FILES {
        return Err(StreetError::TooMany {
            count: collected.files.len(),
            max: MAX_FILES,
        });
    }
    for _ in 0..2 {
        if !strip_wrapper(catalog, &mut collected.files) {
            break;
        }
    }
    let placement = place::place(catalog, collected.files);
    if !placement.problems.is_empty() {
        return Err(ArchiveError::Unplaceable {
            problems: placement.problems,
        }
        .into());
    }
    let outside: Vec<String> = placement
        .placed
        .iter()
        .filter(|p| {
            p.standard
                .is_none_or(|n| !catalog.is_street_standard(&p.indicator, n))
        })
        .map(|p| p.file.rel.to_string())
        .collect();
    if !outside.is_empty() {
        return Err(StreetError::NotStreetStandard { files: outside });
    }
    if placement.placed.is_empty() {
        return Err(StreetError::Empty {
            source_path: source.to_path_buf(),
        });
    }
    Ok(placement.placed)
}

/// Stores every placed file; on any failure removes what it created.
fn store_all(archive: &Archive, source: &Path, placed: &[Placed]) -> Result<Vec<Put>, StreetError> {
    let store = archive.store();
    let mut zip = None;
    let mut puts = Vec::with_capacity(placed.len());
    for p in placed {
        let put = match &p.file.source {
            Source::File(path) => File::open(path).and_then(|f| store.put_reader(f)),
            Source::Zip(i) => {
                if zip.is_none() {
                    zip = Some(zipin::open(source).map_err(std::io::Error::other));
                }
                match zip.as_mut() {
                    Some(Ok(z)) => zipin::entry_reader(z, *i)
                        .and_then(|r| store.put_reader(r.take(p.file.size.saturating_add(1)))),
                    _ => Err(std::io::Error::other("ZIP")),
                }
            }
        };
        match put {
            Ok(put) => puts.push(put),
            Err(e) => {
                roll_back(archive, &puts);
                return Err(StreetError::Read {
                    file: p.file.rel.to_string(),
                    cause: crate::archive::collect::describe_io(&e),
                });
            }
        }
    }
    if let Err(source) = store.flush() {
        roll_back(archive, &puts);
        return Err(ArchiveError::Io {
            path: archive.root().to_path_buf(),
            source,
        }
        .into());
    }
    Ok(puts)
}

/// Removes objects a refused hand-in created.
fn roll_back(archive: &Archive, puts: &[Put]) {
    for p in puts.iter().filter(|p| p.created) {
        // Best effort: an object left behind is unreferenced and harmless.
        let _ = archive.store().remove_unreferenced(&p.digest);
    }
}
