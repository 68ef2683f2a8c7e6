//! Writing tables: one description of a sheet ([`Sheet`]: columns and
//! rows of typed values) written either as an `.xlsx` workbook with
//! rust_xlsxwriter or as CSV. Workbooks get a bold frozen header, column
//! widths that fit Chinese text, numbers as numbers and dates as dates;
//! a sheet to fill also gets drop-down lists, locked fixed cells and a
//! 填表说明 sheet. The same data always gives the same bytes.

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{
    DataValidation, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder,
    ProtectionOptions, Workbook, Worksheet, XlsxError,
};
use unicode_width::UnicodeWidthStr;

/// One value to write.
#[derive(Debug, Clone, PartialEq)]
pub enum Out {
    /// Nothing.
    Empty,
    /// Text; never read as a formula.
    Text(String),
    /// A number.
    Number(f64),
    /// A date.
    Date(NaiveDate),
}

impl From<&str> for Out {
    fn from(s: &str) -> Out {
        Out::Text(s.to_string())
    }
}

impl From<String> for Out {
    fn from(s: String) -> Out {
        Out::Text(s)
    }
}

impl From<u64> for Out {
    fn from(n: u64) -> Out {
        Out::Number(n as f64)
    }
}

impl From<u32> for Out {
    fn from(n: u32) -> Out {
        Out::Number(f64::from(n))
    }
}

impl From<usize> for Out {
    fn from(n: usize) -> Out {
        Out::Number(n as f64)
    }
}

impl From<f64> for Out {
    fn from(x: f64) -> Out {
        Out::Number(x)
    }
}

impl<T: Into<Out>> From<Option<T>> for Out {
    fn from(v: Option<T>) -> Out {
        v.map_or(Out::Empty, Into::into)
    }
}

/// What a user may type in a column of a sheet to fill.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// Nothing: the column is filled in and locked.
    Fixed,
    /// Free text.
    Free,
    /// Text that must stay as typed (ids): the cells are formatted as 文本.
    Code,
    /// A date.
    Date,
    /// One of these values, from a drop-down list.
    List(Vec<String>),
}

/// One column.
#[derive(Debug, Clone)]
pub struct Col {
    /// Its header.
    pub header: String,
    /// What a user may type (for sheets to fill).
    pub input: Input,
    /// What to write in it (the 填表说明 line; empty: not explained).
    pub note: String,
    /// Widest it may grow, in character widths; longer text wraps.
    pub max_width: f64,
}

impl Col {
    /// A column to read (nothing is typed into it).
    pub fn new(header: &str) -> Col {
        Col {
            header: header.to_string(),
            input: Input::Fixed,
            note: String::new(),
            max_width: 40.0,
        }
    }

    /// The same column, to be typed into as `input`, explained by `note`.
    pub fn fill(mut self, input: Input, note: &str) -> Col {
        self.input = input;
        self.note = note.to_string();
        self
    }

    /// The same column with a different widest width.
    pub fn width(mut self, max_width: f64) -> Col {
        self.max_width = max_width;
        self
    }
}

/// One sheet.
#[derive(Debug, Clone)]
pub struct Sheet {
    /// Its name (the tab).
    pub name: String,
    /// Its columns.
    pub columns: Vec<Col>,
    /// Its rows.
    pub rows: Vec<Vec<Out>>,
    /// Empty rows offered below the data for a sheet to fill.
    pub blank_rows: u32,
}

impl Sheet {
    /// A sheet named `name` with these columns and no rows.
    pub fn new(name: &str, columns: Vec<Col>) -> Sheet {
        Sheet {
            name: name.to_string(),
            columns,
            rows: Vec::new(),
            blank_rows: 0,
        }
    }

    fn fillable(&self) -> bool {
        self.columns.iter().any(|c| c.input != Input::Fixed)
    }
}

/// Why a workbook could not be written (a bug, never the user's input).
#[derive(Debug, thiserror::Error)]
#[error("无法生成 Excel 工作簿：{0}")]
pub struct WriteError(#[from] XlsxError);

/// The fixed creation time written into every workbook, so that the same
/// data gives the same bytes.
fn properties() -> Result<DocProperties, XlsxError> {
    Ok(DocProperties::new()
        .set_author("kaoping")
        .set_creation_datetime(&ExcelDateTime::from_ymd(2018, 1, 1)?))
}

/// Writes the sheets (and, for sheets to fill, a 填表说明 sheet) as an
/// `.xlsx` workbook.
pub fn xlsx(sheets: &[Sheet]) -> Result<Vec<u8>, WriteError> {
    let mut book = Workbook::new();
    book.set_properties(&properties()?);
    let mut notes = Vec::new();
    for sheet in sheets {
        let ws = book.add_worksheet();
        write_sheet(ws, sheet)?;
        if sheet.fillable() {
            notes.push(sheet);
        }
    }
    if !notes.is_empty() {
        let ws = book.add_worksheet();
        write_guide(ws, &notes)?;
    }
    Ok(book.save_to_buffer()?)
}

fn header_format() -> Format {
    Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_background_color("#D9E1F2")
        .set_border(FormatBorder::Thin)
}

fn display_width(s: &str) -> f64 {
    s.lines().map(UnicodeWidthStr::width).max().unwrap_or(0) as f64
}

fn cell_width(v: &Out) -> f64 {
    match v {
        Out::Empty => 0.0,
        Out::Text(s) => display_width(s),
        Out::Number(x) => crate::table::header::number_text(*x).len() as f64,
        Out::Date(_) => 10.0,
    }
}

/// Widths that fit the header and the content, within each column's cap.
fn widths(sheet: &Sheet) -> Vec<f64> {
    sheet
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let content = sheet
                .rows
                .iter()
                .filter_map(|r| r.get(i))
                .map(cell_width)
                .fold(display_width(&c.header), f64::max);
            let list = match &c.input {
                Input::List(v) => v.iter().map(|s| display_width(s)).fold(0.0, f64::max),
                Input::Date => 10.0,
                _ => 0.0,
            };
            (content.max(list) + 2.0).clamp(6.0, c.max_width)
        })
        .collect()
}

struct Formats {
    text: Format,
    wrap: Format,
    number: Format,
    date: Format,
}

impl Formats {
    fn new(unlocked: bool) -> Formats {
        let base = if unlocked {
            Format::new().set_unlocked().set_background_color("#FFF2CC")
        } else {
            Format::new()
        };
        let base = base
            .set_align(FormatAlign::VerticalCenter)
            .set_border(FormatBorder::Thin);
        Formats {
            text: base.clone().set_num_format("@"),
            wrap: base.clone().set_num_format("@").set_text_wrap(),
            number: base.clone(),
            date: base.set_num_format("yyyy-mm-dd"),
        }
    }
}

fn write_sheet(ws: &mut Worksheet, sheet: &Sheet) -> Result<(), XlsxError> {
    ws.set_name(&sheet.name)?;
    let widths = widths(sheet);
    let head = header_format();
    for (c, col) in sheet.columns.iter().enumerate() {
        let c16 = c as u16;
        ws.set_column_width(c16, widths[c])?;
        ws.write_string_with_format(0, c16, &col.header, &head)?;
    }
    ws.set_freeze_panes(1, 0)?;
    let fixed = Formats::new(false);
    let open = Formats::new(true);
    let total = sheet.rows.len() as u32 + sheet.blank_rows;
    for r in 0..total {
        let row = sheet.rows.get(r as usize);
        for (c, col) in sheet.columns.iter().enumerate() {
            let f = if col.input == Input::Fixed {
                &fixed
            } else {
                &open
            };
            let v = row.and_then(|row| row.get(c)).unwrap_or(&Out::Empty);
            let long = widths[c] >= col.max_width;
            write_cell(ws, r + 1, c as u16, v, &col.input, f, long)?;
        }
    }
    if sheet.fillable() {
        add_lists(ws, sheet, total)?;
        if sheet.columns.iter().any(|c| c.input == Input::Fixed) {
            ws.protect_with_options(&ProtectionOptions {
                format_columns: true,
                format_rows: true,
                ..ProtectionOptions::new()
            });
        }
    }
    Ok(())
}

fn write_cell(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    v: &Out,
    input: &Input,
    f: &Formats,
    long: bool,
) -> Result<(), XlsxError> {
    let text_format = if long { &f.wrap } else { &f.text };
    match v {
        Out::Text(s) => {
            ws.write_string_with_format(row, col, s, text_format)?;
        }
        Out::Number(x) => {
            ws.write_number_with_format(row, col, *x, &f.number)?;
        }
        Out::Date(d) => {
            let day = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
            ws.write_datetime_with_format(row, col, &day, &f.date)?;
        }
        Out::Empty => {
            let empty = match input {
                Input::Date => &f.date,
                Input::Fixed if !long => &f.number,
                _ => text_format,
            };
            ws.write_blank(row, col, empty)?;
        }
    }
    Ok(())
}

/// Drop-down lists that refuse any other value, with a Chinese message.
fn add_lists(ws: &mut Worksheet, sheet: &Sheet, total: u32) -> Result<(), XlsxError> {
    let last = total.max(1);
    for (c, col) in sheet.columns.iter().enumerate() {
        let Input::List(values) = &col.input else {
            continue;
        };
        let joined = values.join("、");
        let dv = DataValidation::new()
            .allow_list_strings(values)?
            .set_error_title("填写有误")?
            .set_error_message(format!("“{}”只能从下拉列表中选择：{joined}", col.header))?
            .set_input_title(col.header.clone())?
            .set_input_message(format!("请从下拉列表中选择：{joined}"))?;
        ws.add_data_validation(1, c as u16, last, c as u16, &dv)?;
    }
    Ok(())
}

fn write_guide(ws: &mut Worksheet, sheets: &[&Sheet]) -> Result<(), XlsxError> {
    ws.set_name("填表说明")?;
    let head = header_format();
    let wrap = Format::new()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_border(FormatBorder::Thin);
    ws.set_column_width(0, 18)?;
    ws.set_column_width(1, 80)?;
    ws.write_string_with_format(0, 0, "列", &head)?;
    ws.write_string_with_format(0, 1, "怎么填", &head)?;
    let mut r = 1;
    for sheet in sheets {
        for col in &sheet.columns {
            let note = if col.note.is_empty() {
                "已填好，不用改（单元格已锁定）".to_string()
            } else {
                col.note.clone()
            };
            let name = if sheets.len() > 1 {
                format!("{}：{}", sheet.name, col.header)
            } else {
                col.header.clone()
            };
            ws.write_string_with_format(r, 0, &name, &wrap)?;
            ws.write_string_with_format(r, 1, &note, &wrap)?;
            r += 1;
        }
    }
    ws.write_string_with_format(
        r + 1,
        0,
        "黄色格子是要填写的，其余格子已锁定（工作表保护没有密码，确需修改时点“审阅 → 撤销工作表保护”）。填好后直接保存为 .xlsx，不必另存为 CSV。",
        &Format::new().set_text_wrap(),
    )?;
    ws.merge_range(r + 1, 0, r + 1, 1, "", &Format::new().set_text_wrap())
        .map(drop)
        .or(Ok(()))
}

/// Writes one sheet as CSV: UTF-8 with a BOM (so Excel and WPS read it),
/// a cell that a spreadsheet would take as a formula prefixed with `'`.
pub fn csv(sheet: &Sheet) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new().from_writer(b"\xEF\xBB\xBF".to_vec());
    // Writing into a Vec cannot fail.
    let _ = w.write_record(sheet.columns.iter().map(|c| c.header.as_str()));
    for row in &sheet.rows {
        let _ = w.write_record(row.iter().map(csv_cell));
    }
    w.into_inner().unwrap_or_default()
}

fn csv_cell(v: &Out) -> String {
    match v {
        Out::Empty => String::new(),
        Out::Text(s) => csv_safe(s),
        Out::Number(x) => crate::table::header::number_text(*x),
        Out::Date(d) => d.to_string(),
    }
}

/// Escapes a cell that a spreadsheet would read as a formula (`=`, `+`,
/// `-`, `@`, tab, CR) by prefixing an apostrophe.
pub fn csv_safe(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

impl From<&String> for Out {
    fn from(s: &String) -> Out {
        Out::Text(s.clone())
    }
}

/// Plain columns with the given headings.
pub fn columns(names: &[&str]) -> Vec<Col> {
    names.iter().map(|n| Col::new(n)).collect()
}

/// A log time as people read it in Beijing time (the column heading says
/// so).
pub fn beijing(rfc3339: &str) -> String {
    crate::config::TimeSettings::default().show(rfc3339)
}
