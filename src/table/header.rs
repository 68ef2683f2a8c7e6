//! From raw cells to the rows an import validates: finding the header row
//! (below any title rows) by its column names, tolerating the ways people
//! and Excel change a header, choosing the one sheet that has it, and
//! turning each cell into the text the importer checks — refusing what
//! Excel silently changed (ids made numbers, formulas never calculated).

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;

use super::TableError;
use super::format::{self, Format};
use super::grid::{self, Grid, GridRow, Value};
use super::place::{Place, Problem};

/// How many rows from the top are searched for the header.
pub const HEADER_SEARCH_ROWS: usize = 10;

/// What a column holds, which decides how a cell becomes text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Free text; a number is written as it shows (3, 3.5).
    Text,
    /// A code or id that must stay as typed: a number or a date in the
    /// cell means Excel changed what was typed, and is refused.
    Code,
    /// A date: a date cell, an Excel serial number, or date text.
    Date,
    /// A number.
    Number,
}

/// One expected column.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// Its Chinese name, as the templates write it.
    pub name: &'static str,
    /// Other names accepted (English, older wording).
    pub aliases: &'static [&'static str],
    /// Whether a table without it is refused.
    pub required: bool,
    /// What it holds.
    pub kind: Kind,
}

impl Column {
    /// A column a table must have.
    pub const fn required(
        name: &'static str,
        aliases: &'static [&'static str],
        kind: Kind,
    ) -> Column {
        Column {
            name,
            aliases,
            required: true,
            kind,
        }
    }

    /// A column a table may leave out.
    pub const fn optional(
        name: &'static str,
        aliases: &'static [&'static str],
        kind: Kind,
    ) -> Column {
        let mut c = Column::required(name, aliases, kind);
        c.required = false;
        c
    }
}

/// The columns of one kind of table.
#[derive(Debug, Clone, Copy)]
pub struct Schema {
    /// The columns.
    pub columns: &'static [Column],
}

/// One cell as the importer sees it.
#[derive(Debug, Clone)]
pub struct Cell {
    /// The text (empty for an empty cell).
    pub text: String,
    /// Where it is.
    pub place: Place,
}

/// One data row.
#[derive(Debug, Clone)]
pub struct Row {
    /// The row (a CSV line, a workbook row, a TOML entry).
    pub place: Place,
    /// Cells by the column's Chinese name.
    pub cells: HashMap<&'static str, Cell>,
    /// Cells of this row that could not be taken as they are (a number
    /// where an id belongs, a formula never calculated…). The importer
    /// reports them instead of checking the row.
    pub problems: Vec<Problem>,
}

impl Row {
    /// The text of column `name` ("" when absent).
    pub fn text(&self, name: &str) -> &str {
        self.cells.get(name).map_or("", |c| c.text.as_str())
    }

    /// The place of column `name`'s cell, or the row's when absent.
    pub fn at(&self, name: &str) -> Place {
        self.cells
            .get(name)
            .map_or_else(|| self.place.clone(), |c| c.place.clone())
    }
}

/// A table read for import.
#[derive(Debug, Clone)]
pub struct Table {
    /// The format it was read from.
    pub format: Format,
    /// The sheet it came from (`None` for CSV).
    pub sheet: Option<String>,
    /// The header's columns that matched no expected column (ignored).
    pub ignored: Vec<String>,
    /// The data rows (blank rows left out).
    pub rows: Vec<Row>,
}

/// Reads the table in `bytes` (from `path`) against `schema`.
pub fn read(path: &Path, bytes: &[u8], schema: &'static Schema) -> Result<Table, TableError> {
    let format = format::detect(path, bytes)?;
    let grids = grid::grids(path, bytes, format)?;
    let file = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let found: Vec<(usize, Header)> = grids
        .iter()
        .enumerate()
        .filter_map(|(i, g)| find_header(g, schema).ok().map(|h| (i, h)))
        .collect();
    match found.as_slice() {
        [] => Err(no_header(path, &file, &grids, schema)),
        [(i, h)] => Ok(build(&grids[*i], h, format, &file)),
        many => Err(TableError::Ambiguous {
            path: path.to_path_buf(),
            sheets: many
                .iter()
                .map(|(i, _)| grids[*i].sheet.clone().unwrap_or_default())
                .collect(),
        }),
    }
}

/// A found header: its row index in the grid and the column of each
/// expected column.
#[derive(Debug)]
struct Header {
    index: usize,
    columns: Vec<(usize, &'static Column)>,
    ignored: Vec<String>,
}

/// Canonical form of a header cell: full-width forms folded, spaces and
/// `*` removed, ASCII lower-cased.
fn key(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .filter(|c| !c.is_whitespace() && *c != '*' && *c != '\u{feff}')
        .collect::<String>()
        .to_ascii_lowercase()
}

/// The key without one trailing bracketed note, as in “结论（必填）”.
fn without_note(k: &str) -> Option<&str> {
    let body = k.strip_suffix(')')?;
    let open = body.rfind('(')?;
    Some(&body[..open]).filter(|b| !b.is_empty())
}

fn matches(cell: &str, column: &Column) -> bool {
    let mut k = key(cell);
    loop {
        if k == key(column.name) || column.aliases.iter().any(|a| k == key(a)) {
            return true;
        }
        match without_note(&k) {
            Some(shorter) => k = shorter.to_string(),
            None => return false,
        }
    }
}

fn header_text(v: &Value) -> Option<String> {
    match v {
        Value::Text(s) => Some(s.clone()),
        _ => None,
    }
}

/// Matches one row as a header; `Err` gives the required columns missing.
fn match_row(row: &GridRow, schema: &'static Schema) -> Result<Header, Vec<&'static str>> {
    let mut columns = Vec::new();
    let mut ignored = Vec::new();
    for (i, cell) in row.cells.iter().enumerate() {
        let Some(t) = header_text(cell) else { continue };
        match schema.columns.iter().find(|c| matches(&t, c)) {
            Some(c)
                if !columns
                    .iter()
                    .any(|(_, k): &(usize, &Column)| k.name == c.name) =>
            {
                columns.push((i, c))
            }
            _ => ignored.push(t),
        }
    }
    let missing: Vec<&'static str> = schema
        .columns
        .iter()
        .filter(|c| c.required && !columns.iter().any(|(_, k)| k.name == c.name))
        .map(|c| c.name)
        .collect();
    if missing.is_empty() {
        Ok(Header {
            index: 0,
            columns,
            ignored,
        })
    } else {
        Err(missing)
    }
}

/// The header among the first rows of `grid`, or the required columns
/// missing from the row that came closest.
fn find_header(grid: &Grid, schema: &'static Schema) -> Result<Header, Vec<&'static str>> {
    let mut best: Option<Vec<&'static str>> = None;
    for (index, row) in grid
        .rows
        .iter()
        .enumerate()
        .filter(|(_, r)| !r.is_blank())
        .take(HEADER_SEARCH_ROWS)
    {
        match match_row(row, schema) {
            Ok(h) => return Ok(Header { index, ..h }),
            Err(missing) => {
                if best.as_ref().is_none_or(|b| missing.len() < b.len()) {
                    best = Some(missing);
                }
            }
        }
    }
    Err(best.unwrap_or_else(|| {
        schema
            .columns
            .iter()
            .filter(|c| c.required)
            .map(|c| c.name)
            .collect()
    }))
}

fn no_header(path: &Path, file: &str, grids: &[Grid], schema: &'static Schema) -> TableError {
    let mut missing: Option<Vec<&'static str>> = None;
    for g in grids {
        if let Err(m) = find_header(g, schema)
            && missing.as_ref().is_none_or(|b| m.len() < b.len())
        {
            missing = Some(m);
        }
    }
    let sheets = grids
        .iter()
        .map(|g| match &g.sheet {
            Some(s) => Place::Sheet {
                file: file.to_string(),
                sheet: s.clone(),
            },
            None => Place::Whole,
        })
        .collect();
    TableError::NoHeader {
        path: path.to_path_buf(),
        sheets,
        missing: missing.unwrap_or_default(),
    }
}

fn build(grid: &Grid, h: &Header, format: Format, file: &str) -> Table {
    let mut table = Table {
        format,
        sheet: grid.sheet.clone(),
        ignored: h.ignored.clone(),
        rows: Vec::new(),
    };
    for g in grid.rows.iter().skip(h.index + 1) {
        let place = match &grid.sheet {
            Some(sheet) => Place::Row {
                file: file.to_string(),
                sheet: sheet.clone(),
                row: g.number,
            },
            None => Place::Line {
                line: u64::from(g.number),
            },
        };
        let mut row = Row {
            place: place.clone(),
            cells: HashMap::new(),
            problems: Vec::new(),
        };
        for (col, column) in &h.columns {
            let at = place.cell(*col as u32);
            let value = g.cells.get(*col).unwrap_or(&Value::Empty);
            match cell_text(value, column) {
                Ok(text) => {
                    row.cells.insert(column.name, Cell { text, place: at });
                }
                Err(message) => {
                    row.problems.push(Problem::new(at.clone(), message));
                    row.cells.insert(
                        column.name,
                        Cell {
                            text: String::new(),
                            place: at,
                        },
                    );
                }
            }
        }
        if !row.problems.is_empty() || row.cells.values().any(|c| !c.text.is_empty()) {
            table.rows.push(row);
        }
    }
    table
}

/// Writes a number as a spreadsheet shows it: 3, 3.5, 0.25.
pub fn number_text(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// Excel's day 0 in the 1900 date system (serial 60 is the 1900-02-29
/// that never was; serials from 61 are one day ahead of a plain count).
fn from_serial(serial: f64) -> Option<NaiveDate> {
    let days = serial.floor() as i64;
    if !(1..=2_958_465).contains(&days) {
        return None;
    }
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    let days = if days < 61 { days + 1 } else { days };
    base.checked_add_days(chrono::Days::new(days as u64))
}

fn looks_scientific(s: &str) -> bool {
    let Some((mantissa, exp)) = s.split_once(['e', 'E']) else {
        return false;
    };
    let exp = exp.strip_prefix(['+', '-']).unwrap_or(exp);
    !mantissa.is_empty()
        && mantissa.chars().all(|c| c.is_ascii_digit() || c == '.')
        && mantissa.starts_with(|c: char| c.is_ascii_digit())
        && !exp.is_empty()
        && exp.chars().all(|c| c.is_ascii_digit())
}

const AS_TEXT: &str = "请把这一列的单元格格式设为“文本”（选中该列 → 右键“设置单元格格式” → “文本”），重新输入原来的内容后再导入";

/// The text of a cell for `column`, or why it cannot be taken.
fn cell_text(v: &Value, column: &Column) -> Result<String, String> {
    let name = column.name;
    match (v, column.kind) {
        (Value::Empty, _) => Ok(String::new()),
        (Value::Uncomputed, _) => Err(format!(
            "“{name}”是一个公式，但文件里没有保存它的计算结果。请在 Excel 或 WPS 中打开这个工作簿，按 F9 重新计算后保存，再导入；或把公式换成它的值"
        )),
        (Value::Error(e), _) => Err(format!("“{name}”显示错误值 {e}，请改正公式或直接填写内容")),
        (Value::Number(x), Kind::Code) => Err(format!(
            "“{name}”被 Excel 存成了数字 {}，像 001 这样的前导零或很长的编号（变成科学计数法）可能已经改变，为免导入错误的编号没有导入。{AS_TEXT}",
            number_text(*x)
        )),
        (Value::Date(d), Kind::Code) => Err(format!(
            "“{name}”被 Excel 当成了日期 {d}（例如 2-4 会变成 2月4日）。{AS_TEXT}"
        )),
        (Value::Text(s), Kind::Code) if looks_scientific(s) => Err(format!(
            "“{name}”的内容“{s}”是科学计数法，说明 Excel 已经改变了原来的长编号。{AS_TEXT}"
        )),
        (Value::Number(x), Kind::Date) => from_serial(*x).map(|d| d.to_string()).ok_or_else(|| {
            format!(
                "“{name}”的数字 {} 不是日期，请填写 2026-11-20 这样的日期",
                number_text(*x)
            )
        }),
        (Value::Date(d), _) => Ok(d.to_string()),
        (Value::Number(x), _) => Ok(number_text(*x)),
        (Value::Bool(b), _) => Ok(if *b { "TRUE" } else { "FALSE" }.to_string()),
        (Value::Text(s), _) => Ok(s.clone()),
    }
}

#[cfg(test)]
mod tests;
