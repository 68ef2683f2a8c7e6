//! Where something is in a table: a CSV line, a workbook cell or row, an
//! entry of a TOML/JSON sheet. Problems carry their place as data and the
//! Chinese wording is written only in `Display`.

use std::fmt;

/// A place in a table.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Place {
    /// The table as a whole.
    Whole,
    /// A line of a CSV file (from 1).
    Line {
        /// The line.
        line: u64,
    },
    /// The header line of a CSV file.
    HeaderLine {
        /// The line.
        line: u64,
    },
    /// A whole sheet of a workbook.
    Sheet {
        /// The workbook's file name.
        file: String,
        /// The sheet's name.
        sheet: String,
    },
    /// A row of a workbook sheet (from 1, as Excel numbers it).
    Row {
        /// The workbook's file name.
        file: String,
        /// The sheet's name.
        sheet: String,
        /// The row.
        row: u32,
    },
    /// A cell of a workbook sheet.
    Cell {
        /// The workbook's file name.
        file: String,
        /// The sheet's name.
        sheet: String,
        /// The row (from 1).
        row: u32,
        /// The column (from 0: A).
        col: u32,
    },
    /// The n-th entry (from 1) of a TOML/JSON list.
    Entry {
        /// The entry.
        n: usize,
    },
    /// A sheet's community data (`[facts]`).
    Facts,
}

impl Place {
    /// The place of column `col` of the same row, when this is a row of a
    /// workbook; other places stay as they are.
    pub fn cell(&self, col: u32) -> Place {
        match self {
            Place::Row { file, sheet, row } => Place::Cell {
                file: file.clone(),
                sheet: sheet.clone(),
                row: *row,
                col,
            },
            other => other.clone(),
        }
    }
}

impl Place {
    /// Names the workbook of a sheet, row or cell place by `path`'s file
    /// name (other places have no file name).
    pub fn rename_file(&mut self, path: &std::path::Path) {
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        match self {
            Place::Sheet { file, .. } | Place::Row { file, .. } | Place::Cell { file, .. } => {
                *file = name
            }
            _ => {}
        }
    }
}

/// The column letters Excel shows: 0 → A, 25 → Z, 26 → AA.
pub fn column_letters(col: u32) -> String {
    let mut n = col as u64 + 1;
    let mut out = Vec::new();
    while n > 0 {
        let r = ((n - 1) % 26) as u8;
        out.push(b'A' + r);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::Whole => Ok(()),
            Place::Line { line } => write!(f, "第 {line} 行"),
            Place::HeaderLine { line } => write!(f, "第 {line} 行（表头）"),
            Place::Sheet { file, sheet } => write!(f, "{file} 的“{sheet}”工作表"),
            Place::Row { file, sheet, row } => write!(f, "{file} 的“{sheet}”工作表第 {row} 行"),
            Place::Cell {
                file,
                sheet,
                row,
                col,
            } => write!(
                f,
                "{file} 的“{sheet}”工作表 {}{row} 单元格",
                column_letters(*col)
            ),
            Place::Entry { n } => write!(f, "第 {n} 条结果"),
            Place::Facts => f.write_str("社区数据"),
        }
    }
}

/// One problem in a table.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Problem {
    /// Where.
    pub place: Place,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl Problem {
    /// A problem at `place`.
    pub fn new(place: Place, message: impl Into<String>) -> Problem {
        Problem {
            place,
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.place == Place::Whole {
            f.write_str(&self.message)
        } else {
            write!(f, "{}：{}", self.place, self.message)
        }
    }
}

/// The problems as an indented list, one per line.
pub fn list(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| format!("  - {p}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_follow_excel() {
        for (n, s) in [
            (0, "A"),
            (2, "C"),
            (25, "Z"),
            (26, "AA"),
            (27, "AB"),
            (701, "ZZ"),
            (702, "AAA"),
        ] {
            assert_eq!(column_letters(n), s);
        }
    }

    #[test]
    fn a_cell_is_named_as_the_issue_asks() {
        let row = Place::Row {
            file: "考评表.xlsx".into(),
            sheet: "Sheet1".into(),
            row: 7,
        };
        let p = Problem::new(row.cell(2), "结论无效");
        assert_eq!(
            p.to_string(),
            "考评表.xlsx 的“Sheet1”工作表 C7 单元格：结论无效"
        );
    }
}
