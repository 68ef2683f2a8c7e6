//! Who signs an issued document, and with what: the organs' keys checked
//! before any number is taken, their seals added to the data, the PDF
//! signed by each organ in turn and the OFD's signing keys (the same
//! organs').

use super::number::Numbered;
use super::{Draft, IssueError};
use crate::render::{Engine, Formats};

/// Refuses a batch one of whose organs cannot sign now (no key, or an
/// expired one), before any number is taken.
pub(super) fn check_keys(engine: &Engine, drafts: &[Draft]) -> Result<(), IssueError> {
    if let Some(keys) = engine.keys() {
        for d in drafts {
            keys.check(&d.organs)?;
        }
    }
    Ok(())
}

/// The draft's data with its organs' seals (`seals`, one per organ) when
/// any of them has a seal image.
pub(super) fn with_seals<'d>(
    engine: &Engine,
    d: &'d Draft,
) -> Result<std::borrow::Cow<'d, serde_json::Value>, IssueError> {
    let seals = match engine.keys() {
        Some(keys) => keys.seals(&d.organs)?,
        None => None,
    };
    let Some(seals) = seals else {
        return Ok(std::borrow::Cow::Borrowed(&d.data));
    };
    let mut data = d.data.clone();
    if let Some(map) = data.as_object_mut() {
        let value = serde_json::to_value(seals)
            .map_err(|e| crate::sign::SignError::Crypto(e.to_string()))?;
        map.insert("seals".into(), value);
    }
    Ok(std::borrow::Cow::Owned(data))
}

/// The rendered PDF signed by each of its organs, stating its number and
/// title (unsigned when the engine has no keys: a render-only engine).
pub(super) fn sign(engine: &Engine, pdf: Vec<u8>, n: &Numbered) -> Result<Vec<u8>, IssueError> {
    match engine.keys() {
        Some(keys) => Ok(keys.sign_pdf(pdf, &n.draft.organs, &n.number, &n.draft.meta.title)?),
        None => Ok(pdf),
    }
}

/// The keys the OFD is signed with: the organs that sign the PDF, when
/// an OFD is written by an engine with keys (none otherwise).
pub(super) fn ofd_keys(
    engine: &Engine,
    d: &Draft,
    formats: Formats,
) -> Result<Vec<crate::sign::OrganKey>, IssueError> {
    match (engine.keys(), formats.ofd) {
        (Some(keys), true) => Ok(d
            .organs
            .iter()
            .map(|o| keys.key(o))
            .collect::<Result<Vec<_>, _>>()?),
        _ => Ok(Vec::new()),
    }
}
