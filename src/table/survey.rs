//! A look at a workbook's sheets before the workbook reader opens it: how
//! far each sheet's cells reach and what range it declares, read as a
//! stream with nothing kept but a few numbers, so a sheet over the
//! [`limits`](super::limits) is refused before the reader lays out (and
//! allocates) its grid. `.xlsx` sheets are read as a stream by
//! [`super::grid`] itself and checked cell by cell there; this module
//! covers the formats whose reader expands every sheet when it opens the
//! file: `.ods` (rows and cells repeated by count) and `.xls` (sized by
//! the `DIMENSIONS` record and by its farthest cell).

use std::io::{BufReader, Cursor, Read};
use std::path::Path;

use quick_xml::events::{BytesStart, Event};

use super::TableError;
use super::format::Format;
use super::limits::{self, Extent};

/// Refuses a `.ods` or `.xls` workbook with a sheet over the limits. A
/// file this look cannot make sense of is left to the reader, which says
/// it is damaged.
pub fn check(path: &Path, bytes: &[u8], format: Format) -> Result<(), TableError> {
    match format {
        Format::Ods => ods(path, bytes),
        Format::Xls => xls(path, bytes),
        Format::Xlsx | Format::Csv => Ok(()),
    }
}

/// The sheet being read in `content.xml` and how far its content reaches.
#[derive(Default)]
struct OdsSheet {
    name: String,
    used: Option<Extent>,
    /// The current row (0-based) and how often it repeats.
    row: u64,
    row_repeats: u64,
    /// The current column in the row.
    col: u64,
    /// An open cell: its repeat count and whether it holds anything.
    cell: Option<(u64, bool)>,
}

fn count(e: &BytesStart<'_>, attr: &str) -> u64 {
    e.try_get_attribute(attr)
        .ok()
        .flatten()
        .and_then(|a| a.value.trim().parse::<u64>().ok())
        .unwrap_or(1)
        .max(1)
}

fn clamp(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl OdsSheet {
    /// Cells `col .. col + repeats` of the current row(s) hold something.
    fn filled(&mut self, repeats: u64) {
        let last_row = self.row + self.row_repeats - 1;
        let last_col = self.col + repeats - 1;
        Extent::grow(&mut self.used, (clamp(self.row), clamp(self.col)));
        Extent::grow(&mut self.used, (clamp(last_row), clamp(last_col)));
    }

    fn check(&self, path: &Path) -> Result<(), TableError> {
        limits::check_used(path, &self.name, self.used)
    }
}

fn is_cell(e: &str) -> bool {
    e == "table:table-cell" || e == "table:covered-table-cell"
}

fn holds_value(e: &BytesStart<'_>) -> bool {
    ["office:value-type", "table:formula"]
        .iter()
        .any(|a| e.try_get_attribute(a).ok().flatten().is_some())
}

fn ods(path: &Path, bytes: &[u8]) -> Result<(), TableError> {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    let Ok(content) = zip.by_name("content.xml") else {
        return Ok(());
    };
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(content));
    let mut buf = Vec::new();
    let mut sheet = OdsSheet::default();
    loop {
        buf.clear();
        let Ok(event) = xml.read_event_into(&mut buf) else {
            return Ok(());
        };
        match event {
            Event::Eof => return Ok(()),
            Event::Start(e) => ods_start(&mut sheet, &e, false),
            Event::Empty(e) => ods_start(&mut sheet, &e, true),
            Event::End(e) => match e.name().as_ref() {
                "table:table" => sheet.check(path)?,
                "table:table-row" => {
                    sheet.row += sheet.row_repeats;
                    sheet.check(path)?;
                }
                n if is_cell(n) => {
                    if let Some((repeats, filled)) = sheet.cell.take() {
                        if filled {
                            sheet.filled(repeats);
                        }
                        sheet.col += repeats;
                    }
                }
                _ => {}
            },
            _ => {}
        }
    }
}

fn ods_start(sheet: &mut OdsSheet, e: &BytesStart<'_>, empty: bool) {
    match e.name().as_ref() {
        "table:table" => {
            *sheet = OdsSheet {
                name: e
                    .try_get_attribute("table:name")
                    .ok()
                    .flatten()
                    .map(|a| a.value.into_owned())
                    .unwrap_or_default(),
                ..OdsSheet::default()
            }
        }
        "table:table-row" => {
            sheet.row_repeats = count(e, "table:number-rows-repeated");
            sheet.col = 0;
            if empty {
                sheet.row += sheet.row_repeats;
            }
        }
        n if is_cell(n) => {
            let repeats = count(e, "table:number-columns-repeated");
            let filled = holds_value(e);
            if empty {
                if filled {
                    sheet.filled(repeats);
                }
                sheet.col += repeats;
            } else {
                sheet.cell = Some((repeats, filled));
            }
        }
        // Any element inside a cell (a paragraph of text) is content.
        _ => {
            if let Some((_, filled)) = sheet.cell.as_mut() {
                *filled = true;
            }
        }
    }
}

/// BIFF record types whose data starts with the cell's row and column.
const CELL_RECORDS: [u16; 7] = [0x0203, 0x0204, 0x00D6, 0x0205, 0x027E, 0x00FD, 0x0006];
const MULRK: u16 = 0x00BD;
const DIMENSIONS: u16 = 0x0200;
/// Beginning of a substream: BIFF5-8, and the older BIFF2-4 ones.
const BOFS: [u16; 4] = [0x0809, 0x0009, 0x0209, 0x0409];
const EOF: u16 = 0x000A;
const BOUNDSHEET: u16 = 0x0085;

/// A worksheet's substream as read so far.
struct XlsSheet {
    name: String,
    used: Option<Extent>,
}

fn u16_at(d: &[u8], i: usize) -> Option<u16> {
    Some(u16::from_le_bytes(d.get(i..i + 2)?.try_into().ok()?))
}

fn u32_at(d: &[u8], i: usize) -> Option<u32> {
    Some(u32::from_le_bytes(d.get(i..i + 4)?.try_into().ok()?))
}

fn xls(path: &Path, bytes: &[u8]) -> Result<(), TableError> {
    let Ok(mut cfb) = cfb::CompoundFile::open(Cursor::new(bytes)) else {
        return Ok(());
    };
    let Ok(stream) = cfb
        .open_stream("/Workbook")
        .or_else(|_| cfb.open_stream("/Book"))
    else {
        return Ok(());
    };
    let mut stream = BufReader::new(stream);
    let mut names: Vec<(u32, String)> = Vec::new();
    let mut sheet: Option<XlsSheet> = None;
    let mut depth = 0usize;
    let mut offset = 0u64;
    let mut data = Vec::new();
    loop {
        let mut head = [0u8; 4];
        if stream.read_exact(&mut head).is_err() {
            return Ok(());
        }
        let typ = u16::from_le_bytes([head[0], head[1]]);
        let len = u16::from_le_bytes([head[2], head[3]]);
        data.resize(usize::from(len), 0);
        if stream.read_exact(&mut data).is_err() {
            return Ok(());
        }
        let at = offset;
        offset += 4 + u64::from(len);
        match typ {
            _ if BOFS.contains(&typ) => {
                depth += 1;
                if depth == 1 && u16_at(&data, 2) == Some(0x0010) {
                    let name = names
                        .iter()
                        .find(|(pos, _)| u64::from(*pos) == at)
                        .map_or_else(|| format!("第 {} 个工作表", names.len()), |n| n.1.clone());
                    sheet = Some(XlsSheet { name, used: None });
                }
            }
            EOF => {
                depth = depth.saturating_sub(1);
                if depth == 0
                    && let Some(s) = sheet.take()
                {
                    limits::check_used(path, &s.name, s.used)?;
                }
            }
            BOUNDSHEET if depth == 1 && sheet.is_none() => {
                if let Some(entry) = boundsheet(&data) {
                    names.push(entry);
                }
            }
            _ => {
                if let Some(s) = sheet.as_mut() {
                    xls_cell(path, s, typ, &data)?;
                }
            }
        }
    }
}

/// A `BOUNDSHEET8` record: where the sheet's substream starts and its
/// name (BIFF8: 8-bit or UTF-16 characters).
fn boundsheet(d: &[u8]) -> Option<(u32, String)> {
    let pos = u32_at(d, 0)?;
    let cch = usize::from(*d.get(6)?);
    let flags = *d.get(7)?;
    let rest = d.get(8..)?;
    let name = if flags & 1 == 1 {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .take(cch)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        rest.iter().take(cch).map(|&b| char::from(b)).collect()
    };
    Some((pos, name))
}

/// Takes in one record of a worksheet substream.
fn xls_cell(path: &Path, s: &mut XlsSheet, typ: u16, d: &[u8]) -> Result<(), TableError> {
    if typ == DIMENSIONS {
        if let Some(declared) = dimensions(d) {
            limits::check_declared(path, &s.name, declared)?;
        } else if d.len() >= 10 {
            return Err(TableError::Corrupt {
                path: path.to_path_buf(),
                kind: Format::Xls.name(),
                detail: format!("工作表“{}”声明的范围无效", s.name),
            });
        }
        return Ok(());
    }
    let cells = if CELL_RECORDS.contains(&typ) {
        u16_at(d, 0)
            .zip(u16_at(d, 2))
            .map(|(r, c)| ((r, c), (r, c)))
    } else if typ == MULRK && d.len() >= 6 {
        let last = u16_at(d, d.len() - 2);
        u16_at(d, 0)
            .zip(u16_at(d, 2))
            .zip(last)
            .map(|((r, c), l)| ((r, c), (r, l.max(c))))
    } else {
        None
    };
    if let Some(((r, c), (r2, c2))) = cells {
        Extent::grow(&mut s.used, (u32::from(r), u32::from(c)));
        Extent::grow(&mut s.used, (u32::from(r2), u32::from(c2)));
        limits::check_used(path, &s.name, s.used)?;
    }
    Ok(())
}

/// The range a `DIMENSIONS` record declares, as the reader computes it;
/// `None` for an empty sheet, or a range that ends before it starts.
fn dimensions(d: &[u8]) -> Option<Extent> {
    let (rf, rl, cf, cl) = match d.len() {
        10 => (
            u32::from(u16_at(d, 0)?),
            u32::from(u16_at(d, 2)?),
            u32::from(u16_at(d, 4)?),
            u32::from(u16_at(d, 6)?),
        ),
        14 | 16 => (
            u32_at(d, 0)?,
            u32_at(d, 4)?,
            u32::from(u16_at(d, 8)?),
            u32::from(u16_at(d, 10)?),
        ),
        _ => return None,
    };
    let cf = if cf > 0xFF || cl < cf { 0 } else { cf };
    if rl == 0 || cl == 0 {
        return Some(Extent::at((rf, cf)));
    }
    (rf < rl && cf < cl).then_some(Extent {
        start: (rf, cf),
        end: (rl - 1, cl - 1),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_dimensions_follow_the_reader() {
        let mut d = Vec::new();
        for v in [0u32, 0xFFFF_FFFF] {
            d.extend_from_slice(&v.to_le_bytes());
        }
        d.extend_from_slice(&0u16.to_le_bytes());
        d.extend_from_slice(&256u16.to_le_bytes());
        d.extend_from_slice(&0u16.to_le_bytes());
        let e = dimensions(&d).unwrap();
        assert_eq!(e.end, (0xFFFF_FFFE, 255));
        assert!(e.excess(true).is_some());
    }
}
