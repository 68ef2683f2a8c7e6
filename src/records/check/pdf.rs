//! What the 可用性 and 安全性 checks need to know about a PDF, read with
//! lopdf: its pages, its PDF/A identification (XMP `pdfaid`), fonts
//! without an embedded font program, encryption, and active content
//! (JavaScript, launch actions).

use lopdf::{Dictionary, Document, Object};

/// The facts of one PDF.
#[derive(Debug, Clone, Default)]
pub struct PdfFacts {
    /// Number of pages.
    pub pages: u32,
    /// PDF/A part and conformance (e.g. `2B`), when identified.
    pub pdfa: Option<String>,
    /// Fonts whose program is not embedded (their `/BaseFont`).
    pub unembedded: Vec<String>,
    /// The file is encrypted.
    pub encrypted: bool,
    /// Active content found (JavaScript, Launch …).
    pub active: Vec<String>,
}

/// Largest XMP packet read (PDF/A identification sits in the first KBs).
const XMP_LIMIT: usize = 4 << 20;

/// Reads the facts of the PDF `bytes`; the error says why it does not open.
pub fn inspect(bytes: &[u8]) -> Result<PdfFacts, String> {
    let doc = Document::load_mem(bytes).map_err(|e| format!("无法解析 PDF：{e}"))?;
    let mut facts = PdfFacts {
        pages: u32::try_from(doc.get_pages().len()).unwrap_or(u32::MAX),
        encrypted: doc.is_encrypted() || doc.trailer.has(b"Encrypt"),
        ..PdfFacts::default()
    };
    if facts.pages == 0 {
        return Err("PDF 没有页面".into());
    }
    facts.pdfa = pdfa_id(&doc);
    for object in doc.objects.values() {
        let dict = match object {
            Object::Dictionary(d) => d,
            Object::Stream(s) => &s.dict,
            _ => continue,
        };
        font_problem(&doc, dict, &mut facts.unembedded);
        active_content(dict, &mut facts.active);
    }
    facts.unembedded.sort();
    facts.unembedded.dedup();
    facts.active.sort();
    facts.active.dedup();
    Ok(facts)
}

fn name_of<'a>(dict: &'a Dictionary, key: &[u8]) -> Option<&'a [u8]> {
    dict.get(key).ok().and_then(|o| o.as_name().ok())
}

fn resolve<'a>(doc: &'a Document, o: &'a Object) -> Option<&'a Dictionary> {
    match o {
        Object::Reference(id) => doc.get_object(*id).ok().and_then(|o| o.as_dict().ok()),
        Object::Dictionary(d) => Some(d),
        _ => None,
    }
}

/// A simple or CID font (not Type0, whose descendants are checked, nor
/// Type3, which is drawn by content streams) must have a font program.
fn font_problem(doc: &Document, dict: &Dictionary, out: &mut Vec<String>) {
    if name_of(dict, b"Type") != Some(b"Font".as_slice()) {
        return;
    }
    let subtype = name_of(dict, b"Subtype").unwrap_or_default();
    if subtype == b"Type0" || subtype == b"Type3" {
        return;
    }
    let embedded = dict
        .get(b"FontDescriptor")
        .ok()
        .and_then(|d| resolve(doc, d))
        .is_some_and(|d| d.has(b"FontFile") || d.has(b"FontFile2") || d.has(b"FontFile3"));
    if !embedded {
        let base = name_of(dict, b"BaseFont").unwrap_or(b"?");
        out.push(String::from_utf8_lossy(base).into_owned());
    }
}

fn active_content(dict: &Dictionary, out: &mut Vec<String>) {
    if dict.has(b"JS") || dict.has(b"JavaScript") {
        out.push("JavaScript".into());
    }
    if let Some(s) = name_of(dict, b"S")
        && matches!(s, b"JavaScript" | b"Launch" | b"ImportData" | b"SubmitForm")
    {
        out.push(String::from_utf8_lossy(s).into_owned());
    }
}

/// `pdfaid:part` and `pdfaid:conformance` from the catalogue's XMP.
fn pdfa_id(doc: &Document) -> Option<String> {
    let catalog = doc.catalog().ok()?;
    let id = catalog.get(b"Metadata").ok()?.as_reference().ok()?;
    let stream = doc.get_object(id).ok()?.as_stream().ok()?;
    let xmp = stream
        .decompressed_content_with_limit(XMP_LIMIT)
        .unwrap_or_else(|_| stream.content.clone());
    let text = String::from_utf8_lossy(&xmp);
    let part = xmp_value(&text, "pdfaid:part")?;
    let conformance = xmp_value(&text, "pdfaid:conformance").unwrap_or_default();
    Some(format!("{part}{conformance}"))
}

/// The value of an XMP property written as an attribute or an element.
fn xmp_value(text: &str, name: &str) -> Option<String> {
    let at = text.find(name)?;
    let rest = &text[at + name.len()..];
    let value = if let Some(r) = rest.strip_prefix("=\"") {
        r.split('"').next()
    } else if let Some(r) = rest.strip_prefix('>') {
        r.split('<').next()
    } else {
        None
    }?;
    Some(value.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::xmp_value;

    #[test]
    fn xmp_values_as_attribute_or_element() {
        assert_eq!(
            xmp_value(r#"<x pdfaid:part="2" />"#, "pdfaid:part").as_deref(),
            Some("2")
        );
        assert_eq!(
            xmp_value(
                "<pdfaid:conformance>B</pdfaid:conformance>",
                "pdfaid:conformance"
            )
            .as_deref(),
            Some("B")
        );
        assert_eq!(xmp_value("<none/>", "pdfaid:part"), None);
    }
}
