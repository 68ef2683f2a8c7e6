//! The document register (发文登记): allocating 发文字号 (per organ prefix
//! and year) and certificate numbers (their own sequence), rendering the
//! numbered documents, storing each PDF in the object store and recording
//! it in the archive's hash-chained log; listing the register and telling
//! whether a PDF is exactly an issued document.
//!
//! Numbers are allocated under the archive's writer lock from the log
//! itself, so two processes can never issue the same number, and a batch
//! that fails to render consumes no number at all (nothing is logged).
//! Every PDF is rendered and stored before the numbers are logged, and an
//! interrupt after that waits until the caller has written the files
//! ([`crate::interrupt`]). No document is dated after today.

mod book;
mod make;
mod number;
mod register;
mod reserve;
pub mod sheet;
mod signing;

use book::Book;
pub use make::Made;
use number::number_all;
pub use number::{certificate_number, document_number};
pub use register::{
    PdfCheck, VoidEntry, check_pdf, earlier, entries, entries_of, find_sha256, voided, voided_of,
};
pub use reserve::{Reserved, commit, give_back, make_reserved, reserve};
use signing::check_keys;

use std::path::PathBuf;

use chrono::NaiveDate;
use serde::Serialize;

use crate::archive::lock::WriterLock;
use crate::archive::log::Record;
use crate::archive::{Archive, ArchiveError};
use crate::config::Organ;
use crate::event::Event;
pub use crate::event::archive::ObjectRef;
pub use crate::event::issuance::{DocKind, IssuedRecord, Sequence};
use crate::event::rectify::FollowUp;
use crate::meter::Meter;
use crate::render::templates::{Origin, TemplateUse};
use crate::render::{DocMeta, Engine, RenderError};

impl DocKind {
    /// The printed name.
    pub fn name(&self) -> &str {
        match self {
            DocKind::Report => "考评报告",
            DocKind::Notice => "整改通知书",
            DocKind::Certificate => "命名证书",
            DocKind::Receipt => "材料提交回执",
            DocKind::Progress => "进度汇总表",
            DocKind::Applications => "申报汇总表",
            DocKind::Preliminary => "初评情况报告",
            DocKind::Other(s) => s,
        }
    }

    /// The kind named `s`: one of the known kinds, or another.
    pub fn named(s: &str) -> DocKind {
        [
            DocKind::Report,
            DocKind::Notice,
            DocKind::Certificate,
            DocKind::Receipt,
            DocKind::Progress,
            DocKind::Applications,
            DocKind::Preliminary,
        ]
        .into_iter()
        .find(|k| k.name() == s)
        .unwrap_or_else(|| DocKind::Other(s.to_string()))
    }
}

impl std::fmt::Display for DocKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// How a document gets its number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Numbering {
    /// Next 发文字号 of this prefix in the document's year:
    /// `昆社治办〔2026〕7号` (no 第, no zero padding, GB/T 9704).
    Document {
        /// Organ prefix.
        prefix: String,
    },
    /// Next certificate number of this prefix in the document's year:
    /// `昆社治试证〔2026〕第001号`.
    Certificate {
        /// Certificate prefix.
        prefix: String,
    },
    /// A number given by the caller (e.g. reproducing an old document);
    /// refused if already registered.
    Given(String),
}

impl IssuedRecord {
    /// The archive override templates this document was rendered from.
    pub fn overrides(&self) -> impl Iterator<Item = &TemplateUse> {
        self.templates
            .iter()
            .filter(|t| t.origin == Origin::Override)
    }
}

impl IssuedRecord {
    /// SHA-256 of the PDF.
    pub fn sha256(&self) -> &str {
        self.objects
            .first()
            .map(|o| o.sha256.as_str())
            .unwrap_or("")
    }

    /// SM3 of the PDF (hex), when recorded.
    pub fn sm3(&self) -> Option<&str> {
        self.objects.first().and_then(|o| o.sm3.as_deref())
    }

    /// Size of the PDF in bytes.
    pub fn size(&self) -> u64 {
        self.objects.first().map(|o| o.size).unwrap_or(0)
    }

    /// The file name of the OFD beside the PDF (`….ofd`), when one was
    /// issued.
    pub fn ofd_file_name(&self) -> Option<String> {
        self.ofd.as_ref()?;
        let stem = self
            .file_name
            .strip_suffix(".pdf")
            .unwrap_or(&self.file_name);
        Some(format!("{stem}.ofd"))
    }

    /// The download name and media type of the object `sha` of this
    /// record: the OFD's or the PDF's.
    pub fn download_as(&self, sha: &str) -> (String, &'static str) {
        match (self.ofd.as_deref() == Some(sha), self.ofd_file_name()) {
            (true, Some(name)) => (name, OFD_MEDIA_TYPE),
            _ => (self.file_name.clone(), "application/pdf"),
        }
    }
}

/// The media type OFD files are served as (GB/T 33190 names none; this is
/// the one 电子公文 systems use).
pub const OFD_MEDIA_TYPE: &str = "application/ofd";

/// A document to issue.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    /// Kind for the register (考评报告 …).
    pub kind: DocKind,
    /// Template name.
    pub template: String,
    /// Template data; the allocated number is set as `number`.
    pub data: serde_json::Value,
    /// PDF metadata and 成文日期.
    pub meta: DocMeta,
    /// Main recipient or named community.
    pub recipient: String,
    /// Community id, if any.
    pub community: Option<String>,
    /// The district that sends it (a district's own document), if any.
    pub district: Option<String>,
    /// How to number it.
    pub numbering: Numbering,
    /// Over-quota reason for a certificate beyond the quota.
    pub over_quota: Option<String>,
    /// The submission version the document acknowledges (receipts).
    pub submission: Option<u32>,
    /// Suggested file name.
    pub file_name: String,
    /// Issuing organ names.
    pub organs: Vec<String>,
    /// Rectification events the document writes with it (items a notice
    /// opens, deadlines a 督办通知 moves).
    pub follow: Option<crate::event::rectify::FollowUp>,
    /// The index, in the same batch, of the document this one is issued
    /// under: its number is set as `decision` in the data and kept as the
    /// record's `basis`.
    pub cites: Option<usize>,
}

/// An issued document: its register entry and PDF bytes.
#[derive(Debug, Clone)]
pub struct Issued {
    /// The register entry.
    pub record: IssuedRecord,
    /// The PDF.
    pub pdf: Vec<u8>,
    /// Detached SM2 signatures of the PDF (`.sig`), one per organ with an
    /// SM2 key; stored and registered after the PDF.
    pub sm2: Vec<Vec<u8>>,
    /// The OFD of the same layout (`[documents] formats` with "ofd"),
    /// stored and registered last.
    pub ofd: Option<Vec<u8>>,
}

/// A register line with its time.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// When it was registered (RFC 3339, UTC).
    pub time: String,
    /// The entry.
    #[serde(flatten)]
    pub record: IssuedRecord,
}

/// Why documents could not be issued.
#[derive(Debug, thiserror::Error)]
pub enum IssueError {
    /// The archive could not be read or written.
    #[error(transparent)]
    Archive(#[from] ArchiveError),
    /// A document failed to render; nothing was issued.
    #[error("生成《{title}》失败，本批公文都没有登记、没有占用文号")]
    Render {
        /// The document's title.
        title: String,
        /// The cause.
        #[source]
        source: RenderError,
    },
    /// A given number is already registered.
    #[error(
        "文号“{number}”已经登记过（{time} 的《{title}》），不能重复使用；请去掉数据中的 number 让 kaoping 自动编号"
    )]
    DuplicateNumber {
        /// The number.
        number: String,
        /// When it was registered.
        time: String,
        /// The document that has it.
        title: String,
    },
    /// A document dated after today (Beijing time).
    #[error(
        "《{title}》的成文日期 {date} 是将来的日期（今天是 {today}，北京时间），公文不能预先签发；请用今天或更早的日期（--date），这次没有发文、没有占用文号"
    )]
    FutureDate {
        /// The document's title.
        title: String,
        /// Its date.
        date: NaiveDate,
        /// Today in Beijing time.
        today: NaiveDate,
    },
    /// A document could not be signed (its organ's key is missing,
    /// unreadable or expired); nothing was issued.
    #[error(transparent)]
    Sign(#[from] crate::sign::SignError),
    /// The batch took longer than its numbers were reserved for, and
    /// another issuer voided them; nothing was registered.
    #[error(
        "生成这批公文用的时间超过了预留文号的时限（kaoping.toml 中 [documents] reserve_seconds），文号 {numbers} 已被作废、不会再用；这批公文没有登记，请重新签发"
    )]
    Lapsed {
        /// The voided numbers.
        numbers: String,
    },
    /// A batch that should have given one document gave none (a fault in
    /// kaoping, not in the data).
    #[error("本批没有生成公文，没有占用文号；请把这个情况告诉系统管理员")]
    Nothing,
    /// The file to check could not be read.
    #[error("无法读取 {path}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

/// The organ mark of a banner: the organs' headers without a common
/// trailing 文件, and that suffix (empty if the headers have none).
pub fn banner(organs: &[&Organ]) -> (Vec<String>, String) {
    let all_wenjian = !organs.is_empty() && organs.iter().all(|o| o.header.ends_with("文件"));
    let names = organs
        .iter()
        .map(|o| {
            if all_wenjian {
                o.header.trim_end_matches("文件").to_string()
            } else {
                o.header.clone()
            }
        })
        .collect();
    (
        names,
        if all_wenjian {
            "文件".into()
        } else {
            String::new()
        },
    )
}

/// How the register marks a certificate sequence.
const CERTIFICATE_SEQUENCE: &str = "证书:";

impl From<String> for Sequence {
    fn from(s: String) -> Sequence {
        if s.is_empty() {
            Sequence::Given
        } else if let Some(prefix) = s.strip_prefix(CERTIFICATE_SEQUENCE) {
            Sequence::Certificate(prefix.to_string())
        } else {
            Sequence::Document(s)
        }
    }
}

impl From<Sequence> for String {
    fn from(s: Sequence) -> String {
        match s {
            Sequence::Given => String::new(),
            Sequence::Document(prefix) => prefix,
            Sequence::Certificate(prefix) => format!("{CERTIFICATE_SEQUENCE}{prefix}"),
        }
    }
}

impl Numbering {
    /// The sequence this numbering draws from.
    fn sequence(&self) -> Sequence {
        match self {
            Numbering::Document { prefix } => Sequence::Document(prefix.clone()),
            Numbering::Certificate { prefix } => Sequence::Certificate(prefix.clone()),
            Numbering::Given(_) => Sequence::Given,
        }
    }
}

/// Makes the events a registered batch sets going in other areas (the
/// rectify area's `follow_batch`): issuance knows only that they are
/// written in the same log write as the register lines.
pub type FollowEvents = dyn Fn(&[Record], &[(&IssuedRecord, &FollowUp)]) -> Vec<Event>;

/// Numbers, renders (in parallel), stores and registers `drafts`, in
/// order, all under the writer lock the caller holds (numbers reserved by
/// others are skipped, lapsed reservations voided in the same write).
/// Either every draft is issued or none is.
pub fn issue(
    archive: &Archive,
    lock: &WriterLock,
    engine: &Engine,
    drafts: Vec<Draft>,
    progress: &dyn Meter,
    follow: &FollowEvents,
) -> Result<Vec<Issued>, IssueError> {
    refuse_future(&drafts)?;
    check_keys(engine, &drafts)?;
    let records = archive.records()?;
    let book = Book::of(&records);
    let mut events = book.expired(crate::clock::now());
    let numbered = number_all(&book.taken, drafts)?;
    let made = make::make(archive, archive.store(), engine, &numbered, progress)?;
    let (issued, registered) = make::register(&records, numbered, made, follow);
    events.extend(registered);
    // From the moment the numbers are committed the caller must deliver
    // the PDFs: an interrupt now waits until it has.
    crate::interrupt::hold();
    archive
        .log()
        .append_all(lock, events)
        .map_err(ArchiveError::from)?;
    Ok(issued)
}

/// Issues one document: [`issue`] for a batch of one.
pub fn issue_one(
    archive: &Archive,
    lock: &WriterLock,
    engine: &Engine,
    draft: Draft,
    progress: &dyn Meter,
    follow: &FollowEvents,
) -> Result<Issued, IssueError> {
    let mut issued = issue(archive, lock, engine, vec![draft], progress, follow)?;
    issued.pop().ok_or(IssueError::Nothing)
}

/// Refuses a document dated after today: a number's year follows its
/// document's date, and a date to come would draw from a sequence (and
/// state a day) that has not begun.
fn refuse_future(drafts: &[Draft]) -> Result<(), IssueError> {
    let today = crate::dates::today();
    match drafts.iter().find(|d| d.meta.date > today) {
        Some(d) => Err(IssueError::FutureDate {
            title: d.meta.title.clone(),
            date: d.meta.date,
            today,
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests;
