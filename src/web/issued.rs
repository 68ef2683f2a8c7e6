//! The page that follows issuing documents from the web (the office's
//! batches, a district's 初评情况报告): what was issued with download
//! links, and who was left out and why.

use serde::Serialize;

use crate::documents::batch::Left;
use crate::issuance::Issued;

/// One document just issued.
#[derive(Serialize)]
struct IssuedLine {
    number: String,
    kind: crate::issuance::DocKind,
    title: String,
    recipient: String,
    file: String,
    sha: String,
    size: u64,
    /// The OFD beside the PDF: its hash and file name.
    ofd: Option<(String, String)>,
}

/// A community left out of a batch.
#[derive(Serialize)]
struct LeftLine {
    id: String,
    name: String,
    reason: String,
}

/// What issuing shows: the documents and who was left out, with the
/// register lines they take (for the batch ZIP), and where to go back to.
#[derive(Serialize)]
pub struct IssuedPage {
    docs: Vec<IssuedLine>,
    left: Vec<LeftLine>,
    first: usize,
    last: usize,
    back: &'static str,
}

/// The page for `issued` (registered after `before` earlier entries).
pub fn page(issued: &[Issued], left: &[Left], before: usize, back: &'static str) -> IssuedPage {
    IssuedPage {
        docs: issued
            .iter()
            .map(|d| IssuedLine {
                number: d.record.number.clone(),
                kind: d.record.kind.clone(),
                title: d.record.title.clone(),
                recipient: d.record.recipient.clone(),
                file: d.record.file_name.clone(),
                sha: d.record.sha256().to_string(),
                size: d.record.size(),
                ofd: d.record.ofd.clone().zip(d.record.ofd_file_name()),
            })
            .collect(),
        left: left
            .iter()
            .map(|l| LeftLine {
                id: l.id.clone(),
                name: l.name.clone(),
                reason: l.reason.clone(),
            })
            .collect(),
        first: before + 1,
        last: before + issued.len(),
        back,
    }
}
