//! Checking the signatures in a PDF without the archive: each signature
//! field's `/ByteRange` and CMS, who signed (the certificate), when
//! (`/M`), whether the signature covers the whole file or bytes were
//! appended after the last signature, and the document's number and
//! title as the signed bytes state them.

use lopdf::{Document, Object};
use sha2::{Digest, Sha256};

use super::SignError;

/// One signature as checked.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SignatureCheck {
    /// The organ as the signature dictionary names it.
    pub organ: String,
    /// The certificate's subject.
    pub subject: String,
    /// The certificate's serial number (hex).
    pub serial: String,
    /// The certificate's validity (dates).
    pub valid_from: String,
    /// Last day of validity.
    pub valid_until: String,
    /// `/M`, the claimed signing time.
    pub signed_at: String,
    /// The digest matches and the signature verifies with the certificate.
    pub intact: bool,
    /// The signed range reaches the end of the file.
    pub covers_whole: bool,
    /// A test certificate (测试 in its subject).
    pub test: bool,
}

/// All that a PDF's signatures say.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PdfCheck {
    /// The signatures in file order.
    pub signatures: Vec<SignatureCheck>,
    /// Bytes follow the last signature's range.
    pub appended: bool,
    /// The document's number (from the signature's `/Reason`).
    pub number: Option<String>,
    /// The document's title.
    pub title: Option<String>,
}

impl PdfCheck {
    /// Every signature intact and the last one covering the whole file.
    pub fn valid(&self) -> bool {
        !self.signatures.is_empty() && self.signatures.iter().all(|s| s.intact) && !self.appended
    }
}

/// A day as `YYYY-MM-DD` from seconds since the Unix epoch.
pub fn day(secs: u64) -> String {
    i64::try_from(secs)
        .ok()
        .and_then(|s| chrono::DateTime::from_timestamp(s, 0))
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// Checks every signature of the PDF `bytes`.
pub fn check_pdf(bytes: &[u8]) -> Result<PdfCheck, SignError> {
    let doc = Document::load_mem(bytes).map_err(SignError::pdf)?;
    let mut signatures = Vec::new();
    let mut reason = None;
    let mut last_end = 0usize;
    for sig in signature_dicts(&doc) {
        let Some((check, end, why)) = one(bytes, sig)? else {
            continue;
        };
        if end > last_end {
            last_end = end;
            reason = why;
        }
        signatures.push(check);
    }
    let (number, title) = split_reason(reason.as_deref());
    Ok(PdfCheck {
        appended: !signatures.is_empty() && last_end < bytes.len(),
        signatures,
        number,
        title,
    })
}

fn deref<'a>(doc: &'a Document, o: &'a Object) -> Option<&'a lopdf::Dictionary> {
    match o {
        Object::Reference(id) => doc.get_dictionary(*id).ok(),
        Object::Dictionary(d) => Some(d),
        _ => None,
    }
}

fn signature_dicts(doc: &Document) -> Vec<&lopdf::Dictionary> {
    let Ok(catalog) = doc.catalog() else {
        return Vec::new();
    };
    let Some(form) = catalog.get(b"AcroForm").ok().and_then(|o| deref(doc, o)) else {
        return Vec::new();
    };
    let Some(fields) = form.get(b"Fields").ok().and_then(|f| f.as_array().ok()) else {
        return Vec::new();
    };
    let is_sig = |f: &&lopdf::Dictionary| {
        f.get(b"FT").ok().and_then(|t| t.as_name().ok()) == Some(b"Sig".as_slice())
    };
    fields
        .iter()
        .filter_map(|f| deref(doc, f))
        .filter(is_sig)
        .filter_map(|f| f.get(b"V").ok().and_then(|v| deref(doc, v)))
        .collect()
}

type One = (SignatureCheck, usize, Option<String>);

fn one(bytes: &[u8], sig: &lopdf::Dictionary) -> Result<Option<One>, SignError> {
    let range: Vec<usize> = sig
        .get(b"ByteRange")
        .and_then(Object::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|o| o.as_i64().ok())
                .filter_map(|n| usize::try_from(n).ok())
                .collect()
        })
        .unwrap_or_default();
    let Ok(Object::String(contents, _)) = sig.get(b"Contents") else {
        return Ok(None);
    };
    let [a, b, c, d] = range[..] else {
        return Ok(None);
    };
    let end = c.saturating_add(d);
    if a != 0 || b > c || end > bytes.len() {
        return Err(SignError::Pdf("签名的 ByteRange 超出了文件".into()));
    }
    let mut h = Sha256::new();
    h.update(&bytes[..b]);
    h.update(&bytes[c..end]);
    let checked = super::cms::check(contents, &h.finalize())?;
    let tbs = checked.certificate.tbs_certificate();
    let subject = tbs.subject().to_string();
    let text = |key: &[u8]| sig.get(key).ok().and_then(text_of).unwrap_or_default();
    let check = SignatureCheck {
        organ: text(b"Name"),
        serial: hex::encode_upper(tbs.serial_number().as_bytes()),
        valid_from: day(tbs.validity().not_before.to_unix_duration().as_secs()),
        valid_until: day(tbs.validity().not_after.to_unix_duration().as_secs()),
        signed_at: pdf_date(&text(b"M")),
        intact: checked.intact && bytes.get(b) == Some(&b'<') && bytes.get(c - 1) == Some(&b'>'),
        covers_whole: end == bytes.len(),
        test: subject.contains("测试"),
        subject,
    };
    Ok(Some((
        check,
        end,
        sig.get(b"Reason").ok().and_then(text_of),
    )))
}

/// A PDF text string (UTF-16BE with BOM, or PDFDocEncoding read as
/// Latin-1, which our ASCII dates are).
fn text_of(o: &Object) -> Option<String> {
    let Object::String(b, _) = o else { return None };
    if let Some(rest) = b.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        return String::from_utf16(&units).ok();
    }
    Some(b.iter().map(|&c| char::from(c)).collect())
}

/// `D:20261206093000+08'00'` as `2026-12-06 09:30:00 +08:00`.
fn pdf_date(s: &str) -> String {
    let d = s.trim_start_matches("D:");
    if d.len() < 14 || !d.is_char_boundary(14) {
        return s.to_string();
    }
    let zone = d[14..].replace('\'', "");
    let zone = if zone.len() == 5 {
        format!(" {}:{}", &zone[..3], &zone[3..])
    } else {
        String::new()
    };
    format!(
        "{}-{}-{} {}:{}:{}{zone}",
        &d[0..4],
        &d[4..6],
        &d[6..8],
        &d[8..10],
        &d[10..12],
        &d[12..14]
    )
}

/// `/Reason` is written as `number《title》`.
fn split_reason(reason: Option<&str>) -> (Option<String>, Option<String>) {
    let Some(r) = reason else { return (None, None) };
    match (r.find('《'), r.rfind('》')) {
        (Some(i), Some(j)) if j > i => (
            Some(r[..i].trim().to_string()).filter(|s| !s.is_empty()),
            Some(r[i + '《'.len_utf8()..j].to_string()),
        ),
        _ => (Some(r.to_string()), None),
    }
}
