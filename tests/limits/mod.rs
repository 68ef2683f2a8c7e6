//! Resource limits on input (issue 26): hostile workbooks through every
//! command and upload route that reads a table, multipart bodies with
//! very many parts, photos too large in pixels, file names that spoof
//! their extension or cannot be unpacked on Windows, staging paths in
//! upload errors and duplicate `Host` headers. Each probe is refused with
//! a Chinese message, and the server answers the next request.

mod names;
mod uploads;
mod workbooks;

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;

/// A ZIP of `(name, bytes)` parts, deflated.
pub fn zip_of(parts: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in parts {
        w.start_file(*name, opts).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="考评表" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;

/// An xlsx written by hand whose one sheet (考评表) declares `dimension`
/// and holds `cells` (`r="…"` reference, inner XML of the `<c>`).
pub fn xlsx_by_hand(dimension: &str, cells: &[(&str, String)]) -> Vec<u8> {
    let mut rows = String::new();
    for (at, inner) in cells {
        let row: String = at.chars().filter(char::is_ascii_digit).collect();
        rows.push_str(&format!(r#"<row r="{row}"><c r="{at}"{inner}</c></row>"#));
    }
    let sheet = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>"#
    );
    zip_of(&[
        ("[Content_Types].xml", CONTENT_TYPES.into()),
        ("_rels/.rels", RELS.into()),
        ("xl/workbook.xml", WORKBOOK.into()),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.into()),
        ("xl/worksheets/sheet1.xml", sheet.into_bytes()),
    ])
}

/// An inline text cell.
pub fn text_cell(s: &str) -> String {
    format!(r#" t="inlineStr"><is><t>{s}</t></is>"#)
}

/// The issue's probe: two cells, `A1` and `XFD1048576`, and the declared
/// range between them (1.6 KB).
pub fn sparse_xlsx() -> Vec<u8> {
    xlsx_by_hand(
        "A1:XFD1048576",
        &[
            ("A1", text_cell("社区编号")),
            ("XFD1048576", "><v>1</v>".to_string()),
        ],
    )
}

/// A sheet that declares only `A1` but has a cell at `Z100000`.
pub fn far_cell_xlsx() -> Vec<u8> {
    xlsx_by_hand(
        "A1",
        &[
            ("A1", text_cell("社区编号")),
            ("Z100000", "><v>1</v>".to_string()),
        ],
    )
}

/// One inline string of `mb` megabytes: a few hundred KB packed.
pub fn bomb_xlsx(mb: usize) -> Vec<u8> {
    xlsx_by_hand("A1", &[("A1", text_cell(&"a".repeat(mb << 20)))])
}

/// An .ods whose one row, holding a value in 1,000 columns, repeats a
/// million times.
pub fn repeated_ods() -> Vec<u8> {
    let content = r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="考评表"><table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="1000" office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#;
    ods_with(content)
}

/// An .ods with `content.xml` as given.
pub fn ods_with(content: &str) -> Vec<u8> {
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
    zip_of(&[
        (
            "mimetype",
            b"application/vnd.oasis.opendocument.spreadsheet".to_vec(),
        ),
        ("META-INF/manifest.xml", manifest.into()),
        ("content.xml", content.into()),
    ])
}

/// A BIFF record.
fn record(typ: u16, data: &[u8]) -> Vec<u8> {
    let mut out = typ.to_le_bytes().to_vec();
    out.extend_from_slice(&(data.len() as u16).to_le_bytes());
    out.extend_from_slice(data);
    out
}

/// An .xls (BIFF8 in a compound file) whose sheet declares rows up to
/// 4,294,967,295 and holds a number at IV65536.
pub fn wide_xls() -> Vec<u8> {
    let bof = |dt: u16| {
        let mut d = vec![0x00, 0x06];
        d.extend_from_slice(&dt.to_le_bytes());
        d.extend_from_slice(&[0u8; 12]);
        record(0x0809, &d)
    };
    let eof = record(0x000A, &[]);
    let name = "考评表".encode_utf16().collect::<Vec<u16>>();
    let boundsheet_len = 4 + 8 + name.len() * 2;
    let globals_len = bof(5).len() + boundsheet_len + eof.len();
    let mut sheet_data = (globals_len as u32).to_le_bytes().to_vec();
    sheet_data.extend_from_slice(&[0, 0, name.len() as u8, 1]);
    for u in &name {
        sheet_data.extend_from_slice(&u.to_le_bytes());
    }
    let mut stream = bof(5);
    stream.extend(record(0x0085, &sheet_data));
    stream.extend(&eof);
    assert_eq!(stream.len(), globals_len);
    stream.extend(bof(0x10));
    let mut dims = 0u32.to_le_bytes().to_vec();
    dims.extend_from_slice(&u32::MAX.to_le_bytes());
    dims.extend_from_slice(&[0, 0, 0, 1, 0, 0]);
    stream.extend(record(0x0200, &dims));
    let mut number = 0xFFFFu16.to_le_bytes().to_vec();
    number.extend_from_slice(&0xFFu16.to_le_bytes());
    number.extend_from_slice(&[0, 0]);
    number.extend_from_slice(&1f64.to_le_bytes());
    stream.extend(record(0x0203, &number));
    stream.extend(&eof);
    let mut cfb = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
    cfb.create_stream("/Workbook")
        .unwrap()
        .write_all(&stream)
        .unwrap();
    cfb.flush().unwrap();
    cfb.into_inner().into_inner()
}

/// A PNG of `width` × `height` black pixels (compresses to little).
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    let enc = image::codecs::png::PngEncoder::new(&mut out);
    let row = vec![0u8; width as usize];
    let mut all = Vec::with_capacity(row.len() * height as usize);
    for _ in 0..height {
        all.extend_from_slice(&row);
    }
    image::ImageEncoder::write_image(enc, &all, width, height, image::ExtendedColorType::L8)
        .unwrap();
    out
}
