//! Assessment sheets (考评表): the blank template pre-filled with every
//! standard and method (an `.xlsx` workbook with drop-down lists and
//! locked fixed cells, or CSV), and reading a filled sheet (a workbook,
//! CSV in UTF-8 or GBK, TOML or JSON) into rows for [`validate`]. Every
//! problem is collected with its place so the assessor can fix the whole
//! sheet at once; a sheet with any problem yields no results at all.

mod validate;

pub use validate::{Subject, validate};

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::{Facts, Verdict};
use crate::catalog::Catalog;
use crate::table::write::{Col, Input, Out, Sheet};
use crate::table::{self, Column, Kind, Place, Row, Schema, TableError};

pub use crate::table::Problem;
pub use crate::table::write::csv_safe;

const fn col(
    name: &'static str,
    alias: &'static [&'static str],
    required: bool,
    kind: Kind,
) -> Column {
    Column {
        name,
        aliases: alias,
        required,
        kind,
    }
}

/// The columns of a sheet, with the English names also accepted.
pub static SCHEMA: Schema = Schema {
    columns: &[
        col("指标编号", &["indicator"], true, Kind::Code),
        col("指标名称", &["indicator_name"], false, Kind::Text),
        col("标准序号", &["standard"], true, Kind::Number),
        col("标准内容", &["standard_text"], false, Kind::Text),
        col("考评方法", &["method"], true, Kind::Text),
        col("结论", &["verdict"], true, Kind::Text),
        col("得分", &["score"], false, Kind::Number),
        col("考评人", &["assessor"], false, Kind::Text),
        col("考评日期", &["date"], false, Kind::Date),
        col("备注", &["remark"], false, Kind::Text),
        col("社区编号", &["community"], false, Kind::Code),
        col("考评层级", &["level"], false, Kind::Text),
    ],
};

/// Whom a blank sheet is made for: written into its 社区编号 and 考评层级
/// columns, so that a sheet filled for one community or level is refused
/// for another.
#[derive(Debug, Clone, Copy, Default)]
pub struct Target<'a> {
    /// The community's id.
    pub community: Option<&'a str>,
    /// The level.
    pub level: Option<super::level::Level>,
}

/// Why a sheet was rejected.
#[derive(Debug, thiserror::Error)]
pub enum SheetError {
    /// The file's format is not one we read.
    #[error("{path}：不支持的考评表格式，请使用 .xlsx、.xls、.ods、.csv、.toml 或 .json 文件")]
    Format {
        /// The sheet.
        path: PathBuf,
    },
    /// The bytes are neither UTF-8 nor GBK.
    #[error("{path}：文件编码无法识别，请用 Excel/WPS 另存为 .xlsx 工作簿后重试")]
    Encoding {
        /// The sheet.
        path: PathBuf,
    },
    /// The file could not be parsed at all.
    #[error("{path}：无法读取表格内容：{message}")]
    Syntax {
        /// The sheet.
        path: PathBuf,
        /// The parser's message.
        message: String,
    },
    /// The table could not be read (workbook damaged, no header…).
    #[error(transparent)]
    Table(#[from] TableError),
    /// The sheet parsed but has problems; nothing was imported.
    #[error("{path} 有 {} 处问题，未导入任何结果，请改正后重新导入：\n{}", problems.len(), table::place::list(problems))]
    Invalid {
        /// The sheet.
        path: PathBuf,
        /// Every problem found.
        problems: Vec<Problem>,
    },
}

impl SheetError {
    /// Passes every path the error names through `f`, the workbook names
    /// in its places included.
    pub fn map_paths(&mut self, f: &dyn Fn(&Path) -> PathBuf) {
        match self {
            SheetError::Format { path }
            | SheetError::Encoding { path }
            | SheetError::Syntax { path, .. } => *path = f(path),
            SheetError::Table(e) => e.map_paths(f),
            SheetError::Invalid { path, problems } => {
                *path = f(path);
                for p in problems {
                    p.place.rename_file(path);
                }
            }
        }
    }
}

/// A sheet as read, before validation.
#[derive(Debug, Clone, Default)]
pub struct RawSheet {
    /// The rows.
    pub rows: Vec<Row>,
    /// Facts given in a TOML/JSON sheet's `[facts]`.
    pub facts: Facts,
    /// Header columns that were not recognised (ignored).
    pub ignored: Vec<String>,
}

/// One row of the blank sheet: a standard and one method that checks it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BlankRow {
    /// Indicator code.
    pub indicator: String,
    /// Indicator name.
    pub indicator_name: String,
    /// Standard number.
    pub standard: u32,
    /// Standard text.
    pub text: String,
    /// The method.
    pub method: &'static str,
}

/// The blank sheet's rows, in catalog order.
pub fn blank_rows(catalog: &Catalog) -> Vec<BlankRow> {
    let mut rows = Vec::new();
    for (_, ind, s) in catalog.standards() {
        for m in &s.methods {
            rows.push(BlankRow {
                indicator: ind.code.clone(),
                indicator_name: ind.name.clone(),
                standard: s.number,
                text: s.text.clone(),
                method: m.name(),
            });
        }
    }
    rows
}

/// The blank sheet: one row per standard and method, with the indicator,
/// standard text and method filled in.
pub fn template_sheet(catalog: &Catalog, target: Target<'_>) -> Sheet {
    let verdicts: Vec<String> = Verdict::ALL.iter().map(|v| v.to_string()).collect();
    let mut sheet = Sheet::new(
        "考评表",
        vec![
            Col::new("指标编号"),
            Col::new("指标名称").width(18.0),
            Col::new("标准序号"),
            Col::new("标准内容").width(50.0),
            Col::new("考评方法"),
            Col::new("结论").fill(
                Input::List(verdicts),
                "从下拉列表选 达标、基本达标 或 未达标；按社区数据计算的标准（Ⅱ-4 标准1、Ⅱ-11 标准1、Ⅱ-16 标准1）可留空，由社区数据算出",
            ),
            Col::new("得分").fill(Input::Free, "可不填；填写时为 0—100 之间的数"),
            Col::new("考评人").fill(Input::Free, "考评人姓名"),
            Col::new("考评日期").fill(Input::Date, "考评的日期，如 2026-11-20；不能是将来的日期"),
            Col::new("备注")
                .fill(Input::Free, "有问题的写在这里；材料审核判为“达标”而档案库中没有证据材料时，必须写明理由")
                .width(30.0),
            Col::new("社区编号"),
            Col::new("考评层级"),
        ],
    );
    let community = target.community.map_or(Out::Empty, Out::from);
    let level = target.level.map_or(Out::Empty, |l| Out::from(l.name()));
    for r in blank_rows(catalog) {
        sheet.rows.push(vec![
            Out::from(r.indicator.as_str()),
            Out::from(r.indicator_name.as_str()),
            Out::from(r.standard),
            Out::from(r.text.as_str()),
            Out::from(r.method),
            Out::Empty,
            Out::Empty,
            Out::Empty,
            Out::Empty,
            Out::Empty,
            community.clone(),
            level.clone(),
        ]);
    }
    sheet
}

/// What is typed on a page for one row of the blank sheet.
#[derive(Debug, Clone, Default)]
pub struct Typed {
    /// The verdict as chosen (empty when left blank).
    pub verdict: String,
    /// The remark.
    pub remark: String,
}

/// The blank sheet filled from a page as CSV: row `i` of the blank sheet
/// takes `typed[i]`; one assessor and date for every row given a verdict.
/// The result is read and validated like any uploaded sheet.
pub fn filled(
    catalog: &Catalog,
    target: Target<'_>,
    typed: &[Typed],
    assessor: &str,
    date: &str,
) -> Vec<u8> {
    let mut sheet = template_sheet(catalog, target);
    for (i, row) in sheet.rows.iter_mut().enumerate() {
        row.resize(sheet.columns.len(), Out::Empty);
        let Some(t) = typed.get(i) else { continue };
        let verdict = t.verdict.trim();
        if !verdict.is_empty() {
            row[5] = Out::from(verdict);
            row[7] = Out::from(assessor.trim());
            row[8] = Out::from(date.trim());
        }
        row[9] = Out::from(t.remark.trim());
    }
    table::write::csv(&sheet)
}

/// The blank sheet as CSV (UTF-8 with a BOM, so Excel and WPS open it).
pub fn template(catalog: &Catalog, target: Target<'_>) -> Vec<u8> {
    let mut sheet = template_sheet(catalog, target);
    for row in &mut sheet.rows {
        row.resize(sheet.columns.len(), Out::Empty);
    }
    table::write::csv(&sheet)
}

/// The blank sheet as an `.xlsx` workbook.
pub fn template_xlsx(
    catalog: &Catalog,
    target: Target<'_>,
) -> Result<Vec<u8>, table::write::WriteError> {
    table::write::xlsx(&[template_sheet(catalog, target)])
}

const WORKBOOK_EXTS: [&str; 6] = ["csv", "xlsx", "xlsm", "xls", "ods", "et"];

/// Reads a sheet's rows: TOML and JSON by their extension, a workbook or
/// CSV by its content.
pub fn read(path: &Path, bytes: &[u8]) -> Result<RawSheet, SheetError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let structured = ext == "toml" || ext == "json";
    if !structured && (WORKBOOK_EXTS.contains(&ext.as_str()) || table::format::is_workbook(bytes)) {
        let t = table::read(path, bytes, &SCHEMA).map_err(|e| header_problem(path, e))?;
        return Ok(RawSheet {
            rows: t.rows,
            facts: Facts::default(),
            ignored: t.ignored,
        });
    }
    if !structured {
        return Err(SheetError::Format {
            path: path.to_path_buf(),
        });
    }
    let text = match crate::textenc::decode(bytes) {
        Some((t, _)) => t,
        None => {
            return Err(SheetError::Encoding {
                path: path.to_path_buf(),
            });
        }
    };
    let json = if ext == "toml" {
        let v: toml::Value = toml::from_str(&text).map_err(|e| SheetError::Syntax {
            path: path.to_path_buf(),
            message: crate::handtext::explain_toml(&e, &text),
        })?;
        serde_json::to_value(v).map_err(|e| SheetError::Syntax {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?
    } else {
        serde_json::from_str(&text).map_err(|e| SheetError::Syntax {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?
    };
    read_structured(path, json)
}

/// A CSV without the header is reported as a problem on its header line,
/// with the fix, like any other problem of the sheet.
fn header_problem(path: &Path, e: TableError) -> SheetError {
    match e {
        TableError::NoHeader {
            sheets, missing, ..
        } if sheets == [Place::Whole] => SheetError::Invalid {
            path: path.to_path_buf(),
            problems: vec![Problem::new(
                Place::HeaderLine { line: 1 },
                format!(
                    "缺少列：{}。请用 kaoping assess template 生成的表格填写",
                    missing.join("、")
                ),
            )],
        },
        other => SheetError::Table(other),
    }
}

fn canonical_column(header: &str) -> Option<&'static str> {
    let h = header.trim();
    SCHEMA
        .columns
        .iter()
        .find(|c| h == c.name || c.aliases.iter().any(|a| h.eq_ignore_ascii_case(a)))
        .map(|c| c.name)
}

fn read_structured(path: &Path, v: serde_json::Value) -> Result<RawSheet, SheetError> {
    let syntax = |message: String| SheetError::Syntax {
        path: path.to_path_buf(),
        message,
    };
    let mut sheet = RawSheet::default();
    if let Some(f) = v.get("facts") {
        sheet.facts = serde_json::from_value(f.clone())
            .map_err(|e| syntax(format!("[facts] 部分有误：{e}")))?;
    }
    let rows = v
        .get("results")
        .and_then(|r| r.as_array())
        .ok_or_else(|| syntax("缺少结果列表 results（TOML 中写作 [[results]]）".into()))?;
    for (i, row) in rows.iter().enumerate() {
        let place = Place::Entry { n: i + 1 };
        let obj = row
            .as_object()
            .ok_or_else(|| syntax(format!("第 {} 条结果不是一个表", i + 1)))?;
        let mut cells = HashMap::new();
        for (k, val) in obj {
            let Some(col) = canonical_column(k) else {
                return Err(syntax(format!("第 {} 条结果有不认识的字段“{k}”", i + 1)));
            };
            let text = match val {
                serde_json::Value::String(s) => s.trim().to_string(),
                serde_json::Value::Null => String::new(),
                other => other.to_string(),
            };
            cells.insert(
                col,
                table::header::Cell {
                    text,
                    place: place.clone(),
                },
            );
        }
        sheet.rows.push(Row {
            place,
            cells,
            problems: Vec::new(),
        });
    }
    Ok(sheet)
}

#[cfg(test)]
mod tests;
