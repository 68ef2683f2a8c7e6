//! 核对公文 actions: whether a PDF or OFD is a document kaoping issued — by its
//! signatures, which anyone can check without the archive, and, with
//! the archive, byte for byte against the register (the check logged).
//! An OFD's GB/T 33190 signatures are checked the same way: every
//! file's SM3 `CheckValue` and the CMS over each signature description.

use std::path::Path;

use super::{ActionError, Ctx};
use crate::issuance::{self, PdfCheck as RegisterCheck};
use crate::sign::ofd::OfdCheck;
use crate::sign::{self, PdfCheck as SignedCheck};

/// The largest PDF checked (bytes): issued documents are far smaller.
pub const MAX_PDF: u64 = 200 << 20;

/// What the signatures say.
#[derive(Debug, Clone)]
pub enum Signatures {
    /// The file carries signatures, checked.
    Checked(SignedCheck),
    /// The OFD carries signatures, checked.
    Ofd(OfdCheck),
    /// The file carries no signature.
    None,
    /// The file is not a PDF whose signatures can be read.
    Unreadable(String),
}

/// What the signatures say, as a page shows it: a PDF's signatures, an
/// OFD's, or why they could not be read (all `None`: no signature).
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Shown {
    /// A PDF's signatures.
    pub signed: Option<SignedCheck>,
    /// An OFD's signatures.
    pub ofd: Option<OfdShown>,
    /// Why the signatures could not be read.
    pub unreadable: Option<String>,
}

/// An OFD's signatures with each one's verdict.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OfdShown {
    /// Each signature, with whether it holds.
    pub signatures: Vec<OfdLine>,
    /// Files that no signature covers.
    pub unsigned: Vec<String>,
    /// Every signature holds and covers every file.
    pub valid: bool,
}

/// One OFD signature and whether it holds.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OfdLine {
    /// The check.
    #[serde(flatten)]
    pub check: crate::sign::ofd::OfdSignatureCheck,
    /// Every file unchanged and the signature value valid.
    pub valid: bool,
}

impl Signatures {
    /// The signatures as a page shows them.
    pub fn shown(self) -> Shown {
        match self {
            Signatures::Checked(c) => Shown {
                signed: Some(c),
                ..Shown::default()
            },
            Signatures::Ofd(c) => Shown {
                ofd: Some(OfdShown {
                    valid: c.valid(),
                    signatures: c
                        .signatures
                        .into_iter()
                        .map(|s| OfdLine {
                            valid: s.valid(),
                            check: s,
                        })
                        .collect(),
                    unsigned: c.unsigned,
                }),
                ..Shown::default()
            },
            Signatures::None => Shown::default(),
            Signatures::Unreadable(why) => Shown {
                unreadable: Some(why),
                ..Shown::default()
            },
        }
    }
}

/// A PDF checked.
#[derive(Debug, Clone)]
pub struct Verdict {
    /// The signatures.
    pub signatures: Signatures,
    /// The register's word, when checked against an archive.
    pub register: Option<RegisterCheck>,
}

fn read(path: &Path) -> Result<Vec<u8>, ActionError> {
    let io = |source| crate::archive::ArchiveError::Io {
        path: path.to_path_buf(),
        source,
    };
    let len = std::fs::metadata(path).map_err(io)?.len();
    if len > MAX_PDF {
        return Err(ActionError::Invalid(format!(
            "{} 有 {}，超过可核对的 {}；公文 PDF 不会这么大，请确认文件",
            path.display(),
            crate::sizes::size_text(len),
            crate::sizes::size_text(MAX_PDF)
        )));
    }
    Ok(std::fs::read(path).map_err(io)?)
}

/// Whether `bytes` look like an OFD package (a ZIP).
pub fn is_ofd(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

fn signatures(bytes: &[u8]) -> Signatures {
    if is_ofd(bytes) {
        return match sign::ofd::check_ofd(bytes) {
            Ok(c) if c.signatures.is_empty() => Signatures::None,
            Ok(c) => Signatures::Ofd(c),
            Err(e) => Signatures::Unreadable(e.to_string()),
        };
    }
    match sign::check_pdf(bytes) {
        Ok(c) if c.signatures.is_empty() => Signatures::None,
        Ok(c) => Signatures::Checked(c),
        Err(e) => Signatures::Unreadable(e.to_string()),
    }
}

/// Checks the PDF's signatures, without an archive (anyone may).
pub fn signed(path: &Path) -> Result<Verdict, ActionError> {
    let bytes = read(path)?;
    Ok(Verdict {
        signatures: signatures(&bytes),
        register: None,
    })
}

/// Checks the PDF's signatures and looks it up in the register; the
/// check is logged.
pub fn against_register(c: &Ctx, path: &Path) -> Result<Verdict, ActionError> {
    c.office_only()?;
    let bytes = read(path)?;
    let check = issuance::check_pdf(c.archive, bytes.as_slice())?;
    let logged = crate::event::DocumentCheck {
        sha256: check.sha256.clone(),
        registered: check.entry.as_ref().map(|e| e.record.number.clone()),
    };
    super::session::log(c, crate::event::Event::VerifyDoc(logged))?;
    Ok(Verdict {
        signatures: signatures(&bytes),
        register: Some(check),
    })
}
