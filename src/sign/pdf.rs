//! A PAdES signature added to a PDF as an incremental update (ISO 32000-1
//! §7.5.6, §12.8): the rendered bytes stay as they are, and after them
//! come a signature dictionary (`/SubFilter /ETSI.CAdES.detached`), an
//! invisible signature field on the first page (zero `/Rect`, print flag,
//! as PDF/A allows), the catalogue's `/AcroForm` and a new cross-reference
//! section. lopdf parses the file and writes the update; what no crate
//! does is the two-pass placeholder dance of `/ByteRange` and `/Contents`,
//! done here: write zeros, measure, patch the numbers in place, hash the
//! bytes around `/Contents`, and write the CMS into its hex string.

use lopdf::{Dictionary, Document, IncrementalDocument, Object, ObjectId, StringFormat};
use sha2::{Digest, Sha256};

use super::SignError;
use super::keys::OrganKey;

/// Room kept for the CMS (bytes): the chain of a government CA is a few
/// kilobytes; a signature that does not fit is an error, never cut.
const CONTENTS_BYTES: usize = 12 * 1024;
/// The placeholder numbers of `/ByteRange`, wide enough for any file we
/// write (10 digits: up to 9.9 GB).
const PLACEHOLDER: i64 = 9_999_999_999;

/// What the signature dictionary says besides the signature.
#[derive(Debug, Clone)]
pub struct SignInfo {
    /// `/M`: the signing time as a PDF date (`D:20261206093000+08'00'`).
    pub time: String,
    /// `/Reason`: the document's number and title.
    pub reason: String,
    /// `/Name`: the organ.
    pub name: String,
}

/// The PDF `bytes` with one more signature, by `key`.
pub fn sign(bytes: Vec<u8>, key: &OrganKey, info: &SignInfo) -> Result<Vec<u8>, SignError> {
    let field = hex_text(&format!("签名{}", 1));
    if let Some((out, from)) = super::fast::update(&bytes, &signature_text(info), &field) {
        return fill(out, from, key);
    }
    let doc = Document::load_mem(&bytes).map_err(SignError::pdf)?;
    let page = *doc
        .get_pages()
        .values()
        .next()
        .ok_or_else(|| SignError::Pdf("PDF 没有页面".into()))?;
    let catalog_id = doc
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .map_err(SignError::pdf)?;
    let fields = existing_fields(&doc, catalog_id);
    let mut inc = IncrementalDocument::create_from(bytes, doc);
    let sig_id = inc.new_document.add_object(signature_dict(info));
    let field_name = format!("签名{}", fields.len() + 1);
    let widget_id = inc
        .new_document
        .add_object(widget(sig_id, page, &field_name));
    add_annot(&mut inc, page, widget_id)?;
    add_field(&mut inc, catalog_id, fields, widget_id)?;
    let mut out = Vec::new();
    inc.save_to(&mut out).map_err(SignError::pdf)?;
    let prev_len = inc.get_prev_documents_bytes().len();
    fill(out, prev_len, key)
}

fn signature_dict(info: &SignInfo) -> Dictionary {
    let mut d = Dictionary::new();
    d.set("Type", Object::Name(b"Sig".to_vec()));
    d.set("Filter", Object::Name(b"Adobe.PPKLite".to_vec()));
    d.set("SubFilter", Object::Name(b"ETSI.CAdES.detached".to_vec()));
    d.set(
        "ByteRange",
        Object::Array(vec![
            Object::Integer(0),
            PLACEHOLDER.into(),
            PLACEHOLDER.into(),
            PLACEHOLDER.into(),
        ]),
    );
    d.set(
        "Contents",
        Object::String(vec![0u8; CONTENTS_BYTES], StringFormat::Hexadecimal),
    );
    d.set("M", Object::string_literal(info.time.as_bytes()));
    d.set("Name", text_string(&info.name));
    d.set("Reason", text_string(&info.reason));
    d
}

/// The signature dictionary as text, with the same placeholders as
/// [`signature_dict`] writes through lopdf.
fn signature_text(info: &SignInfo) -> String {
    format!(
        "<</Type/Sig/Filter/Adobe.PPKLite/SubFilter/ETSI.CAdES.detached/ByteRange[0 {PLACEHOLDER} {PLACEHOLDER} {PLACEHOLDER}]/Contents<{}>/M({})/Name{}/Reason{}>>",
        "0".repeat(CONTENTS_BYTES * 2),
        info.time,
        hex_text(&info.name),
        hex_text(&info.reason)
    )
}

/// A PDF text string (UTF-16BE with its byte-order mark) written in hex.
fn hex_text(s: &str) -> String {
    let mut out = String::from("<FEFF");
    for unit in s.encode_utf16() {
        out.push_str(&format!("{unit:04X}"));
    }
    out.push('>');
    out
}

/// A PDF text string in UTF-16BE with its byte-order mark.
fn text_string(s: &str) -> Object {
    let mut bytes = vec![0xFE, 0xFF];
    for unit in s.encode_utf16() {
        bytes.extend_from_slice(&unit.to_be_bytes());
    }
    Object::String(bytes, StringFormat::Hexadecimal)
}

fn widget(sig: ObjectId, page: ObjectId, name: &str) -> Dictionary {
    let mut d = Dictionary::new();
    d.set("Type", Object::Name(b"Annot".to_vec()));
    d.set("Subtype", Object::Name(b"Widget".to_vec()));
    d.set("FT", Object::Name(b"Sig".to_vec()));
    d.set("T", text_string(name));
    d.set("V", Object::Reference(sig));
    d.set("P", Object::Reference(page));
    d.set(
        "Rect",
        Object::Array(vec![0.into(), 0.into(), 0.into(), 0.into()]),
    );
    // Print (4) + Locked (128): PDF/A wants printable annotations.
    d.set("F", Object::Integer(132));
    d
}

fn existing_fields(doc: &Document, catalog: ObjectId) -> Vec<Object> {
    let form = doc
        .get_dictionary(catalog)
        .ok()
        .and_then(|c| c.get(b"AcroForm").ok())
        .and_then(|f| match f {
            Object::Reference(id) => doc.get_dictionary(*id).ok(),
            Object::Dictionary(d) => Some(d),
            _ => None,
        });
    form.and_then(|f| f.get(b"Fields").ok())
        .and_then(|f| f.as_array().ok())
        .cloned()
        .unwrap_or_default()
}

fn add_annot(
    inc: &mut IncrementalDocument,
    page: ObjectId,
    widget: ObjectId,
) -> Result<(), SignError> {
    inc.opt_clone_object_to_new_document(page)
        .map_err(SignError::pdf)?;
    let prev_annots = inc
        .get_prev_documents()
        .get_dictionary(page)
        .ok()
        .and_then(|p| p.get(b"Annots").ok())
        .and_then(|a| match a {
            Object::Array(a) => Some(a.clone()),
            Object::Reference(id) => inc
                .get_prev_documents()
                .get_object(*id)
                .ok()
                .and_then(|o| o.as_array().ok().cloned()),
            _ => None,
        })
        .unwrap_or_default();
    let mut annots = prev_annots;
    annots.push(Object::Reference(widget));
    let dict = inc
        .new_document
        .get_object_mut(page)
        .and_then(Object::as_dict_mut)
        .map_err(SignError::pdf)?;
    dict.set("Annots", Object::Array(annots));
    Ok(())
}

fn add_field(
    inc: &mut IncrementalDocument,
    catalog: ObjectId,
    mut fields: Vec<Object>,
    widget: ObjectId,
) -> Result<(), SignError> {
    inc.opt_clone_object_to_new_document(catalog)
        .map_err(SignError::pdf)?;
    fields.push(Object::Reference(widget));
    let mut form = Dictionary::new();
    form.set("Fields", Object::Array(fields));
    // SignaturesExist (1) + AppendOnly (2).
    form.set("SigFlags", Object::Integer(3));
    let dict = inc
        .new_document
        .get_object_mut(catalog)
        .and_then(Object::as_dict_mut)
        .map_err(SignError::pdf)?;
    dict.set("AcroForm", Object::Dictionary(form));
    Ok(())
}

/// Patches `/ByteRange`, hashes what it covers and writes the CMS into
/// `/Contents` of the update that starts at `from`.
fn fill(mut out: Vec<u8>, from: usize, key: &OrganKey) -> Result<Vec<u8>, SignError> {
    let hex_len = CONTENTS_BYTES * 2;
    let contents = find(&out[from..], b"/Contents<")
        .map(|i| from + i + b"/Contents".len())
        .ok_or_else(|| SignError::Pdf("找不到签名占位".into()))?;
    let end = contents + 1 + hex_len;
    if out.get(end) != Some(&b'>') {
        return Err(SignError::Pdf("签名占位长度不符".into()));
    }
    let range = [0, contents, end + 1, out.len() - end - 1];
    patch_range(&mut out, from, range)?;
    let mut hasher = Sha256::new();
    hasher.update(&out[..contents]);
    hasher.update(&out[end + 1..]);
    let cms = super::cms::sign_digest(key, &hasher.finalize())?;
    if cms.len() > CONTENTS_BYTES {
        return Err(SignError::Pdf(format!(
            "签名数据 {} 字节，超过预留的 {CONTENTS_BYTES} 字节（证书链过长）",
            cms.len()
        )));
    }
    let hex = hex::encode_upper(&cms);
    out[contents + 1..contents + 1 + hex.len()].copy_from_slice(hex.as_bytes());
    Ok(out)
}

fn patch_range(out: &mut [u8], from: usize, range: [usize; 4]) -> Result<(), SignError> {
    let start = find(&out[from..], b"/ByteRange[")
        .map(|i| from + i + b"/ByteRange[".len())
        .ok_or_else(|| SignError::Pdf("找不到 ByteRange 占位".into()))?;
    let close = find(&out[start..], b"]")
        .map(|i| start + i)
        .ok_or_else(|| SignError::Pdf("ByteRange 占位不完整".into()))?;
    let text = format!("{} {} {} {}", range[0], range[1], range[2], range[3]);
    let room = close - start;
    if text.len() > room {
        return Err(SignError::Pdf("文件过大，无法签名".into()));
    }
    let padded = format!("{text:<room$}");
    out[start..close].copy_from_slice(padded.as_bytes());
    Ok(())
}

/// The first position of `needle` in `hay`.
pub fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}
