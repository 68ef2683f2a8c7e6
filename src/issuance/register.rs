//! Reading the register: every registered document and every voided
//! number from the log, an earlier document of the same kind, and whether
//! a PDF (or its SHA-256) is exactly an issued document.

use serde::Serialize;

use super::{Draft, Entry};
use crate::archive::{Archive, ArchiveError};
use crate::event::issuance::ReservedNumber;

/// Every registered document, in order.
pub fn entries(archive: &Archive) -> Result<Vec<Entry>, ArchiveError> {
    Ok(entries_of(&archive.records()?))
}

/// The registered documents among log `records`, in order.
pub fn entries_of(records: &[crate::archive::log::Record]) -> Vec<Entry> {
    records
        .iter()
        .filter_map(|rec| match &rec.event {
            crate::event::Event::Document(record) => Some(Entry {
                time: rec.time.clone(),
                record: record.clone(),
            }),
            _ => None,
        })
        .collect()
}

/// A voided (作废) number, as the register lists it.
#[derive(Debug, Clone, Serialize)]
pub struct VoidEntry {
    /// When it was voided (RFC 3339, UTC).
    pub time: String,
    /// The number and the document it was held for.
    #[serde(flatten)]
    pub number: ReservedNumber,
    /// Why.
    pub reason: String,
}

/// Every voided number, in order.
pub fn voided(archive: &Archive) -> Result<Vec<VoidEntry>, ArchiveError> {
    Ok(voided_of(&archive.records()?))
}

/// The voided numbers among log `records`, in order.
pub fn voided_of(records: &[crate::archive::log::Record]) -> Vec<VoidEntry> {
    records
        .iter()
        .filter_map(|rec| match &rec.event {
            crate::event::Event::NumbersVoided(v) => Some((rec, v)),
            _ => None,
        })
        .flat_map(|(rec, v)| {
            v.numbers.iter().map(|n| VoidEntry {
                time: rec.time.clone(),
                number: n.clone(),
                reason: v.reason.clone(),
            })
        })
        .collect()
}

/// An earlier registered document of the same kind for the same community
/// (and, for receipts, the same submission) as `draft`, if any.
pub fn earlier<'a>(entries: &'a [Entry], draft: &Draft) -> Option<&'a Entry> {
    let community = draft.community.as_deref()?;
    entries.iter().rev().find(|e| {
        e.record.kind == draft.kind
            && e.record.community.as_deref() == Some(community)
            && e.record.submission == draft.submission
    })
}

/// What checking a PDF against the register found.
#[derive(Debug, Clone)]
pub struct PdfCheck {
    /// SHA-256 (hex) of the PDF checked.
    pub sha256: String,
    /// The registered document with exactly these bytes, if any.
    pub entry: Option<Entry>,
    /// Whether the archive's own copy of it is still intact (when found).
    pub copy_intact: bool,
}

/// Whether the PDF read from `reader` is, byte for byte, a registered
/// document; hashed as it is read, never held in memory whole. Both
/// `verify-doc` and the web's check use this.
pub fn check_pdf(archive: &Archive, reader: impl std::io::Read) -> Result<PdfCheck, ArchiveError> {
    let (digest, _) =
        crate::archive::store::hash_reader(reader).map_err(|source| ArchiveError::Io {
            path: archive.root().to_path_buf(),
            source,
        })?;
    let sha256 = digest.hex();
    let entry = find_sha256(archive, &sha256)?;
    let copy_intact = entry.is_some()
        && matches!(
            archive.store().check(&digest),
            Ok(crate::archive::store::ObjectState::Intact)
        );
    Ok(PdfCheck {
        sha256,
        entry,
        copy_intact,
    })
}

/// The registered document whose PDF or OFD has this SHA-256 (hex), if
/// any.
pub fn find_sha256(archive: &Archive, hex: &str) -> Result<Option<Entry>, ArchiveError> {
    Ok(entries(archive)?
        .into_iter()
        .find(|e| e.record.sha256() == hex || e.record.ofd.as_deref() == Some(hex)))
}
