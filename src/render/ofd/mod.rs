//! OFD output (GB/T 33190-2016), written from the same laid-out Typst
//! pages the PDF is made from, so both show the same page. This module
//! owns the whole OFD writer: `page` walks a page's frames, `text`,
//! `shape` and `paint` turn items into `TextObject`, `PathObject` and
//! `ImageObject`, `font` and `sfnt` embed subset fonts, `image` the
//! image resources, `xml` the parts' types, `package` the ZIP, and
//! `units` points → millimetres. Output is deterministic: dates come
//! from the document's date and `DocID` from the content. An issued
//! document's OFD is signed by its organs ([`write_signed`]; the
//! signature parts come from [`crate::sign::ofd`]).
//!
//! Not written yet: outlines, annotations, group clips, gradients, seal
//! annotations (`StampAnnot`).

mod font;
mod image;
mod package;
mod page;
mod paint;
mod sfnt;
mod shape;
mod text;
mod units;
mod xml;

use sha2::{Digest, Sha256};
use typst_layout::PagedDocument;

use super::{DocMeta, RenderError};
use crate::sign::OrganKey;

/// Files of the package: path (under `Res/` or in the package) and bytes.
type Files = Vec<(String, Vec<u8>)>;

/// Unique object IDs within a document (pages, layers, resources and
/// graphic units share one sequence, as the standard requires).
#[derive(Debug, Default)]
struct Ids(u32);

impl Ids {
    /// The next unused ID.
    fn next(&mut self) -> u32 {
        self.0 += 1;
        self.0
    }
}

/// What a walk over the pages collects.
#[derive(Default)]
struct Walk {
    ids: Ids,
    fonts: font::FontSet,
    images: image::ImageSet,
    /// The current page's size in mm.
    page_box: (f64, f64),
}

/// The OFD package of `document`, unsigned.
pub fn write(document: &PagedDocument, meta: &DocMeta) -> Result<Vec<u8>, RenderError> {
    write_signed(document, meta, &[])
}

/// The OFD package of `document`, signed by each of `keys` in turn (one
/// GB/T 33190 signature each, covering every other file of the package);
/// unsigned when `keys` is empty.
pub fn write_signed(
    document: &PagedDocument,
    meta: &DocMeta,
    keys: &[OrganKey],
) -> Result<Vec<u8>, RenderError> {
    let mut walk = Walk::default();
    let page_ids: Vec<u32> = document.pages().iter().map(|_| walk.ids.next()).collect();
    let mut parts = Vec::new();
    let mut page_area = None;
    for (i, page) in document.pages().iter().enumerate() {
        let content = page::content(&page.frame, &mut walk)?;
        page_area.get_or_insert(walk.page_box);
        parts.push((
            format!("Doc_0/Pages/Page_{i}/Content.xml"),
            xml::to_xml("ofd:Page", &content)?,
        ));
    }
    let (fonts, font_files) = walk.fonts.finish()?;
    let (media, image_files) = walk.images.finish();
    for (name, data) in font_files.into_iter().chain(image_files) {
        parts.push((format!("Doc_0/Res/{name}"), data));
    }
    let public = xml::Res {
        ns: xml::NS,
        base_loc: "Res",
        fonts: (!fonts.is_empty()).then_some(xml::Fonts { fonts }),
        media: None,
    };
    let resources = xml::Res {
        ns: xml::NS,
        base_loc: "Res",
        fonts: None,
        media: (!media.is_empty()).then_some(xml::MultiMedias { media }),
    };
    parts.push((
        "Doc_0/PublicRes.xml".into(),
        xml::to_xml("ofd:Res", &public)?,
    ));
    parts.push((
        "Doc_0/DocumentRes.xml".into(),
        xml::to_xml("ofd:Res", &resources)?,
    ));
    let doc = document_xml(&page_ids, walk.ids.0, page_area.unwrap_or((210.0, 297.0)));
    parts.push((
        "Doc_0/Document.xml".into(),
        xml::to_xml("ofd:Document", &doc)?,
    ));
    let signed = !keys.is_empty();
    let entry = ofd_xml(meta, doc_id(&parts), signed);
    parts.push(("OFD.xml".into(), xml::to_xml("ofd:OFD", &entry)?));
    if signed {
        let signs = crate::sign::ofd::signature_files(&parts, keys, meta.date)?;
        parts.extend(signs);
    }
    package::zip(parts, meta.date)
}

fn document_xml(page_ids: &[u32], max_id: u32, area: (f64, f64)) -> xml::Document {
    xml::Document {
        ns: xml::NS,
        common: xml::CommonData {
            max_unit_id: max_id,
            page_area: page::page_area(area),
            public_res: "PublicRes.xml",
            document_res: "DocumentRes.xml",
        },
        pages: xml::Pages {
            pages: page_ids
                .iter()
                .enumerate()
                .map(|(i, id)| xml::PageRef {
                    id: *id,
                    base_loc: format!("Pages/Page_{i}/Content.xml"),
                })
                .collect(),
        },
    }
}

fn ofd_xml(meta: &DocMeta, id: String, signed: bool) -> xml::Ofd {
    xml::Ofd {
        ns: xml::NS,
        version: "1.0",
        doc_type: "OFD",
        body: xml::DocBody {
            info: xml::DocInfo {
                id,
                title: meta.title.clone(),
                author: meta.author.clone(),
                creation_date: meta.date.format("%Y-%m-%d").to_string(),
                creator: "kaoping",
            },
            root: "Doc_0/Document.xml".into(),
            signatures: signed.then(|| crate::sign::ofd::SIGNATURES.to_string()),
        },
    }
}

/// A 32-hex-digit `DocID` from the package's parts, so the same document
/// keeps the same ID.
fn doc_id(parts: &[(String, Vec<u8>)]) -> String {
    let mut hash = Sha256::new();
    for (name, data) in parts {
        hash.update(name.as_bytes());
        hash.update(data);
    }
    hex::encode(&hash.finalize()[..16])
}
