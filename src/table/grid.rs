//! The raw cells of a table: every row of a CSV file or of each sheet of a
//! workbook, with the row's number as the user sees it (a CSV line, an
//! Excel row) and each cell's value as the file holds it (text, number,
//! date, error, or a formula that was never calculated). Workbooks are
//! read with calamine, only after the [`limits`](super::limits) are
//! checked: `.xlsx` sheets as a stream of cells, each checked before it
//! is kept; `.ods` and `.xls` after [`survey`](super::survey) has seen
//! that no sheet reaches too far (their reader expands whole sheets).

use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::Path;

use calamine::{Data, DataRef, Range, Reader, Sheets, Xlsx, XlsxError};
use chrono::NaiveDate;

use super::TableError;
use super::format::Format;
use super::limits::{self, Extent};
use crate::textenc;

/// One cell's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Nothing, or only spaces.
    Empty,
    /// Text (trimmed).
    Text(String),
    /// A number.
    Number(f64),
    /// A date (a workbook date cell; the time of day is dropped).
    Date(NaiveDate),
    /// TRUE or FALSE.
    Bool(bool),
    /// An error value such as `#DIV/0!`.
    Error(String),
    /// A formula whose result was never calculated and saved.
    Uncomputed,
}

/// One row.
#[derive(Debug, Clone)]
pub struct GridRow {
    /// Its number as the user sees it: the CSV line or the Excel row (1 up).
    pub number: u32,
    /// Its cells, from column A (CSV: the first field).
    pub cells: Vec<Value>,
}

impl GridRow {
    /// Whether every cell is empty.
    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(|c| *c == Value::Empty)
    }
}

/// All rows of one sheet, or of a CSV file.
#[derive(Debug, Clone)]
pub struct Grid {
    /// The sheet's name (`None` for CSV).
    pub sheet: Option<String>,
    /// Its rows, blank ones included.
    pub rows: Vec<GridRow>,
}

/// Reads every sheet of `bytes` in `format`.
pub fn grids(path: &Path, bytes: &[u8], format: Format) -> Result<Vec<Grid>, TableError> {
    limits::check_file_size(path, bytes.len() as u64)?;
    match format {
        Format::Csv => Ok(vec![csv_grid(path, bytes)?]),
        _ => workbook_grids(path, bytes, format),
    }
}

fn text(s: &str) -> Value {
    let t = s.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    if t.is_empty() {
        Value::Empty
    } else {
        Value::Text(t.to_string())
    }
}

fn csv_grid(path: &Path, bytes: &[u8]) -> Result<Grid, TableError> {
    let (body, _) = textenc::decode(bytes).ok_or_else(|| TableError::Encoding {
        path: path.to_path_buf(),
    })?;
    if let Some(line) = textenc::unclosed_quote(&body) {
        return Err(TableError::UnclosedQuote {
            path: path.to_path_buf(),
            line,
        });
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(body.as_bytes());
    let mut rows = Vec::new();
    let mut lines = textenc::LineCursor::new(&body);
    for record in reader.records() {
        let record = record.map_err(|e| TableError::Csv {
            path: path.to_path_buf(),
            line: textenc::csv_line(&body, e.position()),
            detail: e.to_string(),
        })?;
        let line = lines.line(record.position());
        rows.push(GridRow {
            number: u32::try_from(line).unwrap_or(u32::MAX),
            cells: record.iter().map(text).collect(),
        });
    }
    Ok(Grid { sheet: None, rows })
}

fn open<'a>(
    path: &Path,
    bytes: &'a [u8],
    format: Format,
) -> Result<Sheets<Cursor<&'a [u8]>>, TableError> {
    let cursor = Cursor::new(bytes);
    let opened = match format {
        Format::Xlsx => calamine::Xlsx::new(cursor)
            .map(Sheets::Xlsx)
            .map_err(calamine::Error::Xlsx),
        Format::Ods => calamine::Ods::new(cursor)
            .map(Sheets::Ods)
            .map_err(calamine::Error::Ods),
        _ => calamine::Xls::new(cursor)
            .map(Sheets::Xls)
            .map_err(calamine::Error::Xls),
    };
    opened.map_err(|e| opening_error(path, format, e))
}

fn opening_error(path: &Path, format: Format, e: calamine::Error) -> TableError {
    match e {
        calamine::Error::Xls(calamine::XlsError::Password)
        | calamine::Error::Ods(calamine::OdsError::Password) => TableError::Encrypted {
            path: path.to_path_buf(),
        },
        other => TableError::Corrupt {
            path: path.to_path_buf(),
            kind: format.name(),
            detail: other.to_string(),
        },
    }
}

fn workbook_grids(path: &Path, bytes: &[u8], format: Format) -> Result<Vec<Grid>, TableError> {
    if matches!(format, Format::Xlsx | Format::Ods) {
        limits::check_zip(path, bytes)?;
    }
    if format == Format::Xlsx {
        return xlsx_grids(path, bytes);
    }
    super::survey::check(path, bytes, format)?;
    let mut book = open(path, bytes, format)?;
    let names = book.sheet_names();
    let mut out = Vec::new();
    for name in names {
        let values = book
            .worksheet_range(&name)
            .map_err(|e| opening_error(path, format, e))?;
        check_texts(path, &name, &values)?;
        // Not every format keeps formulas; without them a missing cached
        // value simply reads as an empty cell.
        let formulas = book.worksheet_formula(&name).ok();
        out.push(Grid {
            rows: sheet_rows(&values, formulas.as_ref()),
            sheet: Some(name),
        });
    }
    Ok(out)
}

fn check_texts(path: &Path, sheet: &str, values: &Range<Data>) -> Result<(), TableError> {
    for (r, c, v) in values.used_cells() {
        if let Data::String(s) = v {
            let (top, left) = values.start().unwrap_or((0, 0));
            limits::check_text(path, sheet, (top + r as u32, left + c as u32), s)?;
        }
    }
    Ok(())
}

fn xlsx_grids(path: &Path, bytes: &[u8]) -> Result<Vec<Grid>, TableError> {
    let err = |e: XlsxError| opening_error(path, Format::Xlsx, calamine::Error::Xlsx(e));
    let mut book = Xlsx::new(Cursor::new(bytes)).map_err(err)?;
    let mut out = Vec::new();
    for name in book.sheet_names() {
        out.push(Grid {
            rows: xlsx_rows(path, &mut book, &name)?,
            sheet: Some(name),
        });
    }
    Ok(out)
}

/// Reads one sheet cell by cell, refusing it as soon as it reaches past
/// the limits. A formula without a cached value is [`Value::Uncomputed`].
fn xlsx_rows(
    path: &Path,
    book: &mut Xlsx<Cursor<&[u8]>>,
    sheet: &str,
) -> Result<Vec<GridRow>, TableError> {
    let err = |e: XlsxError| opening_error(path, Format::Xlsx, calamine::Error::Xlsx(e));
    let mut cells = match book.worksheet_cells_reader(sheet) {
        Ok(reader) => reader,
        // A chart sheet: no cells.
        Err(XlsxError::NotAWorksheet(_)) => return Ok(Vec::new()),
        Err(e) => return Err(err(e)),
    };
    let declared = cells.dimensions();
    limits::check_declared(
        path,
        sheet,
        Extent {
            start: declared.start,
            end: declared.end,
        },
    )?;
    let mut rows: BTreeMap<u32, Vec<Value>> = BTreeMap::new();
    let mut used = None;
    while let Some(cell) = cells.next_cell_with_formula_metadata().map_err(err)? {
        let v = match &cell.value {
            DataRef::Empty if cell.formula.as_ref().is_some_and(has_formula) => Value::Uncomputed,
            DataRef::Empty => continue,
            DataRef::String(s) => {
                limits::check_text(path, sheet, cell.pos, s)?;
                text(s)
            }
            DataRef::SharedString(s) => {
                limits::check_text(path, sheet, cell.pos, s)?;
                text(s)
            }
            other => value(&Data::from(other.clone())),
        };
        Extent::grow(&mut used, cell.pos);
        limits::check_used(path, sheet, used)?;
        let row = rows.entry(cell.pos.0).or_default();
        let col = cell.pos.1 as usize;
        if row.len() <= col {
            row.resize(col + 1, Value::Empty);
        }
        row[col] = v;
    }
    let Some(used) = used else {
        return Ok(Vec::new());
    };
    let width = used.end.1 as usize + 1;
    Ok((used.start.0..=used.end.0)
        .map(|r| {
            let mut cells = rows.remove(&r).unwrap_or_default();
            cells.resize(width, Value::Empty);
            GridRow {
                number: r + 1,
                cells,
            }
        })
        .collect())
}

fn has_formula(f: &calamine::XlsxFormulaMetadata) -> bool {
    match f {
        calamine::XlsxFormulaMetadata::Normal { formula }
        | calamine::XlsxFormulaMetadata::Shared { formula, .. } => !formula.trim().is_empty(),
        _ => true,
    }
}

fn sheet_rows(values: &Range<Data>, formulas: Option<&Range<String>>) -> Vec<GridRow> {
    let (top, left) = values.start().unwrap_or((0, 0));
    let mut rows: Vec<GridRow> = values
        .rows()
        .enumerate()
        .map(|(i, row)| {
            let mut cells = vec![Value::Empty; left as usize];
            cells.extend(row.iter().map(value));
            GridRow {
                number: top + i as u32 + 1,
                cells,
            }
        })
        .collect();
    if let Some(f) = formulas {
        mark_uncomputed(&mut rows, top, f);
    }
    rows
}

/// A formula cell without a cached value has no cell in the value range
/// (or an empty one): mark it so it is reported, not taken as blank.
fn mark_uncomputed(rows: &mut Vec<GridRow>, top: u32, formulas: &Range<String>) {
    for (r, c, formula) in formulas.used_cells() {
        if formula.trim().is_empty() {
            continue;
        }
        let (fr, fc) = formulas.start().unwrap_or((0, 0));
        let (row, col) = (fr + r as u32, (fc as usize) + c);
        while rows.last().is_none_or(|l| l.number <= row) {
            let number = rows.last().map_or(top + 1, |l| l.number + 1);
            rows.push(GridRow {
                number,
                cells: Vec::new(),
            });
        }
        let Some(target) = rows.iter_mut().find(|g| g.number == row + 1) else {
            continue;
        };
        if target.cells.len() <= col {
            target.cells.resize(col + 1, Value::Empty);
        }
        if target.cells[col] == Value::Empty {
            target.cells[col] = Value::Uncomputed;
        }
    }
}

fn value(d: &Data) -> Value {
    match d {
        Data::Empty => Value::Empty,
        Data::String(s) => text(s),
        Data::Int(i) => Value::Number(*i as f64),
        Data::Float(f) => Value::Number(*f),
        Data::Bool(b) => Value::Bool(*b),
        Data::DateTime(dt) => dt
            .as_datetime()
            .map_or(Value::Number(dt.as_f64()), |t| Value::Date(t.date())),
        Data::DateTimeIso(s) => s
            .get(..10)
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .map_or_else(|| text(s), Value::Date),
        Data::DurationIso(s) => text(s),
        Data::Error(e) => Value::Error(e.to_string()),
    }
}
