//! The little of an OFD package a signature check reads: the ZIP's files
//! (within limits) and XML parts as flat lists of elements by local name,
//! so that any namespace prefix a writer chose reads the same.

use std::io::Read;

use quick_xml::Reader;
use quick_xml::events::Event;

use crate::sign::SignError;

/// The most a package's files may hold together once unpacked (bytes).
const MAX_TOTAL: u64 = 512 << 20;

/// The most files a package may have.
const MAX_FILES: usize = 100_000;

/// One XML element: its local name, attributes (local names) and the
/// text directly inside it.
#[derive(Debug, Default)]
pub struct Element {
    pub name: String,
    pub attributes: Vec<(String, String)>,
    pub text: String,
}

impl Element {
    /// The attribute `name`, if present.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

fn bad(what: &str, e: impl std::fmt::Display) -> SignError {
    SignError::Ofd(format!("{what}：{e}"))
}

/// Every file of the ZIP `bytes` (name, bytes) in the package's order;
/// directories are left out.
pub fn files(bytes: &[u8]) -> Result<Vec<(String, Vec<u8>)>, SignError> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| bad("不是有效的 OFD 文件（ZIP 无法打开）", e))?;
    if zip.len() > MAX_FILES {
        return Err(bad("OFD 文件中的文件太多", zip.len()));
    }
    let mut out = Vec::with_capacity(zip.len());
    let mut total = 0u64;
    for i in 0..zip.len() {
        let entry = zip
            .by_index(i)
            .map_err(|e| bad("OFD 文件中的条目无法读取", e))?;
        if entry.is_dir() {
            continue;
        }
        let name = entry
            .name()
            .map_err(|e| bad("OFD 文件中的条目名无法读取", e))?
            .to_string();
        let room = MAX_TOTAL.saturating_sub(total);
        let mut data = Vec::new();
        entry
            .take(room + 1)
            .read_to_end(&mut data)
            .map_err(|e| bad(&format!("OFD 文件中的 {name} 无法解压"), e))?;
        total += data.len() as u64;
        if total > MAX_TOTAL {
            return Err(bad("OFD 文件解压后太大", format!("超过 {MAX_TOTAL} 字节")));
        }
        out.push((name, data));
    }
    Ok(out)
}

/// The elements of the XML document `bytes` (named `part` in messages),
/// in document order.
pub fn elements(part: &str, bytes: &[u8]) -> Result<Vec<Element>, SignError> {
    let text = std::str::from_utf8(bytes).map_err(|e| bad(&format!("{part} 不是 UTF-8"), e))?;
    let fail = |e: &dyn std::fmt::Display| bad(&format!("{part} 不是有效的 XML"), e);
    let mut reader = Reader::from_str(text);
    let mut out: Vec<Element> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    loop {
        match reader.read_event().map_err(|e| fail(&e))? {
            Event::Start(e) => {
                out.push(element(&e).map_err(|e| fail(&e))?);
                open.push(out.len() - 1);
            }
            Event::Empty(e) => out.push(element(&e).map_err(|e| fail(&e))?),
            Event::End(_) => {
                open.pop();
            }
            Event::Text(t) => {
                if let Some(&i) = open.last() {
                    out[i].text.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) => {
                if let Some(&i) = open.last() {
                    out[i].text.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref().map_err(|e| fail(&e))? {
                    Some(c) => c.to_string(),
                    None => quick_xml::escape::resolve_predefined_entity(&r)
                        .ok_or_else(|| fail(&format!("未知的实体 &{};", &*r)))?
                        .to_string(),
                };
                if let Some(&i) = open.last() {
                    out[i].text.push_str(&resolved);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

fn element(e: &quick_xml::events::BytesStart<'_>) -> Result<Element, quick_xml::Error> {
    let mut attributes = Vec::new();
    for a in e.attributes() {
        let a = a.map_err(quick_xml::Error::from)?;
        let value = a
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)?
            .into_owned();
        attributes.push((a.key.local_name().as_ref().to_string(), value));
    }
    Ok(Element {
        name: e.local_name().as_ref().to_string(),
        attributes,
        text: String::new(),
    })
}

/// The text of the first element called `name`, trimmed.
pub fn text_of<'a>(elements: &'a [Element], name: &str) -> Option<&'a str> {
    elements
        .iter()
        .find(|e| e.name == name)
        .map(|e| e.text.trim())
}

/// The package path `loc` (an `ST_Loc`) points to, read in the part at
/// `base` (a package path): absolute from the package root when it starts
/// with `/`, otherwise relative to `base`'s folder; `.` and `..` resolved.
pub fn resolve(base: &str, loc: &str) -> String {
    let loc = loc.trim();
    let mut parts: Vec<&str> = match loc.strip_prefix('/') {
        Some(_) => Vec::new(),
        None => {
            let mut p: Vec<&str> = base.split('/').collect();
            p.pop();
            p
        }
    };
    for seg in loc.trim_start_matches('/').split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.retain(|s| !s.is_empty());
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_resolve_from_their_part() {
        assert_eq!(
            resolve("Doc_0/Signs/Signatures.xml", "Sign_0/Signature.xml"),
            "Doc_0/Signs/Sign_0/Signature.xml"
        );
        assert_eq!(
            resolve(
                "Doc_0/Signs/Signatures.xml",
                "/Doc_0/Pages/Page_0/Content.xml"
            ),
            "Doc_0/Pages/Page_0/Content.xml"
        );
        assert_eq!(
            resolve("OFD.xml", "Doc_0/Signs/Signatures.xml"),
            "Doc_0/Signs/Signatures.xml"
        );
        assert_eq!(
            resolve("Doc_0/Signs/x.xml", "../Document.xml"),
            "Doc_0/Document.xml"
        );
    }

    #[test]
    fn elements_read_by_local_name_with_entities() {
        let xml = br#"<?xml version="1.0"?><a:Root xmlns:a="x"><a:Item FileRef="/a&amp;b">v&lt;1</a:Item><Empty ID="s001"/></a:Root>"#;
        let e = elements("t.xml", xml).unwrap();
        assert_eq!(e[1].name, "Item");
        assert_eq!(e[1].attribute("FileRef"), Some("/a&b"));
        assert_eq!(e[1].text, "v<1");
        assert_eq!(e[2].attribute("ID"), Some("s001"));
        assert!(elements("t.xml", b"<a><b></a>").is_err());
    }
}
