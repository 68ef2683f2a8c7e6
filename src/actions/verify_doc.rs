//! 核对公文 actions: whether a PDF is a document kaoping issued — by its
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

impl Signatures {
    /// The check when there are signatures, and why they could not be
    /// read when not (both `None`: no signature).
    pub fn split(self) -> (Option<SignedCheck>, Option<String>) {
        match self {
            Signatures::Checked(c) => (Some(c), None),
            // The web takes PDFs only; an OFD's signatures are shown by
            // `kaoping verify-doc`.
            Signatures::Ofd(_) => (
                None,
                Some("这是 OFD 文件，请用 kaoping verify-doc 核验其签名".into()),
            ),
            Signatures::None => (None, None),
            Signatures::Unreadable(why) => (None, Some(why)),
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
