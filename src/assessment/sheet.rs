//! Assessment sheets (考评表): the blank CSV template pre-filled with every
//! standard and method, and reading a filled sheet (CSV in UTF-8 or GBK,
//! TOML or JSON) into validated results. Every problem is collected with
//! its row so the assessor can fix the whole sheet at once; a sheet with any
//! problem yields no results at all.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::computed::{self, CommunityKind};
use super::{Assessment, Facts, ResultRow, Verdict};
use crate::catalog::{Catalog, Method};
use crate::textenc;

/// Column headers of the CSV sheet, with the English aliases accepted.
const COLUMNS: [(&str, &str); 10] = [
    ("指标编号", "indicator"),
    ("指标名称", "indicator_name"),
    ("标准序号", "standard"),
    ("标准内容", "standard_text"),
    ("考评方法", "method"),
    ("结论", "verdict"),
    ("得分", "score"),
    ("考评人", "assessor"),
    ("考评日期", "date"),
    ("备注", "remark"),
];

/// Columns a sheet must have.
const REQUIRED: [&str; 4] = ["指标编号", "标准序号", "考评方法", "结论"];

/// One problem on a sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Where: "第 5 行" for CSV, "第 3 条结果" for TOML/JSON, empty for the
    /// sheet as a whole.
    pub place: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

/// Why a sheet was rejected.
#[derive(Debug, thiserror::Error)]
pub enum SheetError {
    /// The file's format is not one we read.
    #[error("{path}：不支持的考评表格式，请使用 .csv、.toml 或 .json 文件")]
    Format {
        /// The sheet.
        path: PathBuf,
    },
    /// The bytes are neither UTF-8 nor GBK.
    #[error("{path}：文件编码无法识别，请用 Excel/WPS“另存为 CSV（UTF-8）”后重试")]
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
    /// The sheet parsed but has problems; nothing was imported.
    #[error("{path} 有 {} 处问题，未导入任何结果，请改正后重新导入：\n{}", problems.len(), list(problems))]
    Invalid {
        /// The sheet.
        path: PathBuf,
        /// Every problem found.
        problems: Vec<Problem>,
    },
}

fn list(problems: &[Problem]) -> String {
    let mut s = String::new();
    for p in problems {
        if p.place.is_empty() {
            let _ = writeln!(s, "  - {}", p.message);
        } else {
            let _ = writeln!(s, "  - {}：{}", p.place, p.message);
        }
    }
    s.trim_end().to_string()
}

/// A row as read, before validation: column name → cell text.
#[derive(Debug, Clone)]
pub struct RawRow {
    /// "第 N 行" or "第 N 条结果".
    pub place: String,
    /// Cells by canonical (Chinese) column name.
    pub cells: HashMap<&'static str, String>,
}

/// A sheet as read, before validation.
#[derive(Debug, Clone, Default)]
pub struct RawSheet {
    /// The rows.
    pub rows: Vec<RawRow>,
    /// Facts given in a TOML/JSON sheet's `[facts]`.
    pub facts: Facts,
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

/// Writes the blank sheet: one row per standard and method, with the
/// indicator, standard text and method filled in. UTF-8 with a BOM so that
/// Excel and WPS open it correctly.
pub fn template(catalog: &Catalog) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new().from_writer(b"\xEF\xBB\xBF".to_vec());
    // Writing into a Vec cannot fail; errors would only come from I/O.
    let _ = w.write_record(COLUMNS.iter().map(|(zh, _)| *zh));
    for (_, ind, s) in catalog.standards() {
        for m in &s.methods {
            let number = s.number.to_string();
            let _ = w.write_record([
                ind.code.as_str(),
                ind.name.as_str(),
                number.as_str(),
                &csv_safe(&s.text),
                m.name(),
                "",
                "",
                "",
                "",
                "",
            ]);
        }
    }
    w.into_inner().unwrap_or_default()
}

/// Reads a sheet's rows by its file extension.
pub fn read(path: &Path, bytes: &[u8]) -> Result<RawSheet, SheetError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if let Some(kind) = textenc::workbook_kind(bytes) {
        return Err(SheetError::Syntax {
            path: path.to_path_buf(),
            message: textenc::workbook_message(kind),
        });
    }
    let text = match textenc::decode(bytes) {
        Some((t, _)) => t,
        None => {
            return Err(SheetError::Encoding {
                path: path.to_path_buf(),
            });
        }
    };
    match ext.as_str() {
        "csv" => read_csv(path, &text),
        "toml" => {
            let v: toml::Value = toml::from_str(&text).map_err(|e| SheetError::Syntax {
                path: path.to_path_buf(),
                message: crate::handtext::explain_toml(&e, &text),
            })?;
            let json = serde_json::to_value(v).map_err(|e| SheetError::Syntax {
                path: path.to_path_buf(),
                message: e.to_string(),
            })?;
            read_structured(path, json)
        }
        "json" => {
            let json: serde_json::Value =
                serde_json::from_str(&text).map_err(|e| SheetError::Syntax {
                    path: path.to_path_buf(),
                    message: e.to_string(),
                })?;
            read_structured(path, json)
        }
        _ => Err(SheetError::Format {
            path: path.to_path_buf(),
        }),
    }
}

fn canonical_column(header: &str) -> Option<&'static str> {
    let h = header.trim().trim_start_matches('\u{feff}');
    COLUMNS
        .iter()
        .find(|(zh, en)| h == *zh || h.eq_ignore_ascii_case(en))
        .map(|(zh, _)| *zh)
}

fn read_csv(path: &Path, text: &str) -> Result<RawSheet, SheetError> {
    let syntax = |e: csv::Error| SheetError::Syntax {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    if let Some(line) = crate::textenc::unclosed_quote(text) {
        return Err(SheetError::Syntax {
            path: path.to_path_buf(),
            message: format!(
                "第 {line} 行有一个引号“\"”没有配对，后面的内容都被当成了一个格子。请删掉这个引号，或在格子末尾补上引号"
            ),
        });
    }
    let mut r = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = r.headers().map_err(syntax)?.clone();
    let columns: Vec<Option<&'static str>> = headers.iter().map(canonical_column).collect();
    let missing: Vec<_> = REQUIRED
        .iter()
        .filter(|c| !columns.contains(&Some(**c)))
        .collect();
    if !missing.is_empty() {
        return Err(SheetError::Invalid {
            path: path.to_path_buf(),
            problems: vec![Problem {
                place: "第 1 行（表头）".into(),
                message: format!(
                    "缺少列：{}。请用 kaoping assess template 生成的表格填写",
                    missing.iter().map(|c| **c).collect::<Vec<_>>().join("、")
                ),
            }],
        });
    }
    let mut sheet = RawSheet::default();
    for rec in r.records() {
        let rec = rec.map_err(syntax)?;
        let line = crate::textenc::csv_line(text, rec.position());
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let cells = columns
            .iter()
            .zip(rec.iter())
            .filter_map(|(c, v)| c.map(|c| (c, v.trim().to_string())))
            .collect();
        sheet.rows.push(RawRow {
            place: format!("第 {line} 行"),
            cells,
        });
    }
    Ok(sheet)
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
            cells.insert(col, text);
        }
        sheet.rows.push(RawRow {
            place: format!("第 {} 条结果", i + 1),
            cells,
        });
    }
    Ok(sheet)
}

/// Parses a date as assessors write it: 2026-11-27, 2026/11/27,
/// 2026.11.27 or 2026年11月27日.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    crate::dates::parse(s)
}

/// The latest assessment date accepted: a few days ahead of today, for
/// clocks and time zones, not years (2099-01-01 is a typing mistake).
fn latest_plausible() -> NaiveDate {
    chrono::Local::now().date_naive() + chrono::Days::new(crate::dates::FUTURE_MARGIN_DAYS)
}

/// What validation needs to know about the community.
pub struct Subject<'a> {
    /// Urban or “村改居” (for Ⅱ-4 standard 1).
    pub kind: CommunityKind,
    /// How many evidence files back (indicator code, standard) in the
    /// latest submission.
    pub evidence: &'a dyn Fn(&str, u32) -> usize,
}

/// Validates a read sheet against the catalog, fills computed verdicts
/// from the facts, and returns the assessment in catalog order.
pub fn validate(
    path: &Path,
    raw: RawSheet,
    extra_facts: Option<Facts>,
    catalog: &Catalog,
    subject: &Subject<'_>,
) -> Result<Assessment, SheetError> {
    let mut facts = raw.facts;
    if let Some(extra) = extra_facts {
        merge_facts(&mut facts, extra);
    }
    let computed = computed::compute(&facts, subject.kind);
    let mut problems = Vec::new();
    for year in facts.certified_social_workers.keys() {
        if !year
            .trim()
            .parse::<i32>()
            .is_ok_and(|y| (1949..=2100).contains(&y))
        {
            problems.push(Problem {
                place: "社区数据".into(),
                message: format!(
                    "持证社工人数的年份“{year}”无效，应写成 \"2019\" = 22 这样的四位年份"
                ),
            });
        }
    }
    let mut seen: HashMap<(String, u32, Method), String> = HashMap::new();
    let mut rows = Vec::new();
    for raw_row in raw.rows {
        let place = raw_row.place.clone();
        let cell = |c: &str| raw_row.cells.get(c).map(String::as_str).unwrap_or("");
        let mut problem = |message: String| {
            problems.push(Problem {
                place: place.clone(),
                message,
            })
        };
        let ind = match catalog.indicator(cell("指标编号")) {
            Ok((_, ind)) => ind,
            Err(e) => {
                problem(format!("指标编号“{}”无效。{e}", cell("指标编号")));
                continue;
            }
        };
        let number_text = cell("标准序号").trim_start_matches("标准");
        let Ok(number) = number_text.trim().parse::<u32>() else {
            problem(format!(
                "标准序号“{}”应为数字（1—{}）",
                cell("标准序号"),
                ind.standards.len()
            ));
            continue;
        };
        let Some(standard) = ind.standard(number) else {
            problem(format!(
                "{} {} 没有标准 {number}，该指标共有 {} 条标准",
                ind.code,
                ind.name,
                ind.standards.len()
            ));
            continue;
        };
        let Some(method) = Method::parse(cell("考评方法")) else {
            problem(format!(
                "考评方法“{}”无效，只能是 材料审核、实地考评、问卷调查、网络（媒体）调查",
                cell("考评方法")
            ));
            continue;
        };
        if !standard.methods.contains(&method) {
            let allowed: Vec<_> = standard.methods.iter().map(|m| m.name()).collect();
            problem(format!(
                "{} 标准{number} 不用“{method}”考评；该标准的考评方法是：{}",
                ind.code,
                allowed.join("、")
            ));
            continue;
        }
        let key = (ind.code.clone(), number, method);
        if let Some(first) = seen.get(&key) {
            problem(format!(
                "{} 标准{number}（{method}）重复填写，{first}已经填过；每条标准每种方法只填一行",
                ind.code
            ));
            continue;
        }
        seen.insert(key, place.clone());
        let calc = computed
            .iter()
            .find(|c| c.indicator == ind.code && c.standard == number);
        let written = cell("结论");
        let verdict = match (Verdict::parse(written), written.is_empty(), calc) {
            (Some(v), _, Some(c)) if v != c.verdict => {
                problem(format!(
                    "{} 标准{number} 填写的结论“{v}”与按社区数据计算的结论“{}”不一致（{}）。请改正结论或数据",
                    ind.code, c.verdict, c.arithmetic
                ));
                continue;
            }
            (Some(v), _, _) => v,
            (None, true, Some(c)) => c.verdict,
            (None, true, None) => {
                problem(format!(
                    "{} 标准{number}（{method}）没有填写结论，请填 达标、基本达标 或 未达标",
                    ind.code
                ));
                continue;
            }
            (None, false, _) => {
                problem(format!(
                    "结论“{written}”无效，只能填 达标、基本达标 或 未达标"
                ));
                continue;
            }
        };
        let score = match cell("得分") {
            "" => None,
            s => match s.parse::<f64>() {
                Ok(x) if (0.0..=100.0).contains(&x) => Some(x),
                _ => {
                    problem(format!("得分“{s}”无效，应为 0—100 之间的数，或留空"));
                    continue;
                }
            },
        };
        let date = match cell("考评日期") {
            "" => None,
            s => match parse_date(s) {
                Some(d) if d > latest_plausible() => {
                    problem(format!(
                        "考评日期“{s}”在将来（今天是 {}），请检查年份",
                        chrono::Local::now().date_naive()
                    ));
                    continue;
                }
                Some(d) => Some(d),
                None => {
                    problem(format!(
                        "考评日期“{s}”无效，请写成 {} 这样的日期",
                        crate::dates::FORMS
                    ));
                    continue;
                }
            },
        };
        let remark = cell("备注").to_string();
        if method == Method::MaterialReview
            && verdict == Verdict::Pass
            && (subject.evidence)(&ind.code, number) == 0
            && remark.is_empty()
        {
            problem(format!(
                "{} 标准{number} 在档案库中没有任何证据材料，不能判为“达标”；如确认达标，请在备注中写明理由",
                ind.code
            ));
            continue;
        }
        rows.push(ResultRow {
            indicator: ind.code.clone(),
            standard: number,
            method,
            verdict,
            score,
            assessor: cell("考评人").to_string(),
            date,
            remark,
        });
    }
    // Every standard must be assessed by every method that applies to it.
    for (_, ind, s) in catalog.standards() {
        for m in &s.methods {
            if !seen.contains_key(&(ind.code.clone(), s.number, *m)) {
                problems.push(Problem {
                    place: String::new(),
                    message: format!("缺少 {} 标准{}（{m}）的结论", ind.code, s.number),
                });
            }
        }
    }
    if !problems.is_empty() {
        return Err(SheetError::Invalid {
            path: path.to_path_buf(),
            problems,
        });
    }
    // Catalog order, whatever the sheet's order.
    let order = |r: &ResultRow| {
        (
            crate::catalog::code::number_of(&r.indicator),
            r.standard,
            r.method,
        )
    };
    rows.sort_by_key(order);
    Ok(Assessment {
        results: rows,
        facts,
    })
}

fn merge_facts(into: &mut Facts, extra: Facts) {
    if extra.households.is_some() {
        into.households = extra.households;
    }
    if extra.facility_area.is_some() {
        into.facility_area = extra.facility_area;
    }
    if extra.social_organisations.is_some() {
        into.social_organisations = extra.social_organisations;
    }
    into.certified_social_workers
        .extend(extra.certified_social_workers);
}

#[cfg(test)]
mod tests;
