//! A submission's receipt on demand: the one already registered, or one
//! issued now.

use chrono::NaiveDate;

use super::super::receipt;
use super::{BatchError, Kind, Scope, draft};
use crate::archive::Archive;
use crate::archive::lock::WriterLock;
use crate::config::Config;
use crate::issuance;
use crate::meter::Silent;
use crate::render::Engine;

/// A submission's receipt: the one already registered, or a new one.
#[derive(Debug)]
pub struct Receipt {
    /// Its register entry.
    pub entry: issuance::Entry,
    /// Whether it was issued just now.
    pub new: bool,
}

/// The receipt of `community`'s submission `version` (latest if `None`):
/// the registered one if it exists, else issued now. The caller holds the
/// writer lock, so two requests for the same version get one receipt.
pub fn obtain_receipt(
    archive: &Archive,
    lock: &WriterLock,
    engine: &Engine,
    config: &Config,
    community: &str,
    version: Option<u32>,
    date: NaiveDate,
) -> Result<Receipt, BatchError> {
    let sub = archive.submission(community, version)?;
    let entries = issuance::entries(archive)?;
    if let Some(e) = receipt::existing(&entries, community, sub.record.version) {
        return Ok(Receipt {
            entry: e.clone(),
            new: false,
        });
    }
    let kind = Kind::Receipt {
        version: Some(sub.record.version),
    };
    let drafted = draft(
        archive,
        config,
        &kind,
        &Scope::Community(community.into()),
        date,
    )?;
    let issued = issuance::issue(
        archive,
        lock,
        engine,
        drafted.drafts,
        &Silent,
        &crate::rectify::follow_batch,
    )?;
    let entry = issuance::entries(archive)?
        .into_iter()
        .rev()
        .find(|e| issued.iter().any(|d| d.record.number == e.record.number))
        .ok_or(BatchError::Nothing(Vec::new()))?;
    Ok(Receipt { entry, new: true })
}
