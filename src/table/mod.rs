//! Tables people fill in or open: reading a CSV file or an Excel/WPS/
//! LibreOffice workbook (`.xlsx`, `.xls`, `.ods`, chosen by content) into
//! rows of text cells with the place of each cell, and writing workbooks
//! (`.xlsx`) for tables to fill and tables to read. Every import of a
//! table goes through [`read`], so CSV and workbooks give the same rows and
//! the same messages.

pub mod format;
pub mod grid;
pub mod header;
pub mod limits;
pub mod place;
pub mod survey;
pub mod write;

pub use header::{Column, Kind, Row, Schema, Table, read};
pub use place::{Place, Problem};

use std::path::PathBuf;

/// Why a table could not be read at all (problems in single cells are
/// [`Problem`]s in the [`Table`] instead).
#[derive(Debug, thiserror::Error)]
pub enum TableError {
    /// Text that is neither UTF-8 nor GBK.
    #[error(
        "{path}：文件编码无法识别（既不是 UTF-8 也不是 GBK）。请在 Excel 或 WPS 中打开后另存为 .xlsx 工作簿再导入"
    )]
    Encoding {
        /// The file.
        path: PathBuf,
    },
    /// A quoted CSV field that never closes.
    #[error(
        "{path}：第 {line} 行有一个引号“\"”没有配对，后面的内容都被当成了一个格子。请删掉这个引号，或在格子末尾补上引号"
    )]
    UnclosedQuote {
        /// The file.
        path: PathBuf,
        /// The line of the opening quote.
        line: u64,
    },
    /// A CSV that the reader could not parse.
    #[error("{path}：第 {line} 行无法读取（{detail}）")]
    Csv {
        /// The file.
        path: PathBuf,
        /// The line.
        line: u64,
        /// The parser's words.
        detail: String,
    },
    /// A workbook protected by a password to open.
    #[error(
        "{path}：这个工作簿设置了打开密码，无法读取。请在 Excel 或 WPS 中打开它，点“文件 → 信息 → 保护工作簿 → 用密码进行加密”，清空密码并保存后再导入"
    )]
    Encrypted {
        /// The file.
        path: PathBuf,
    },
    /// A workbook that cannot be opened.
    #[error(
        "{path}：{kind}已损坏或不完整，无法打开（{detail}）。请在 Excel 或 WPS 中打开它，确认内容无误后另存为 .xlsx 工作簿再导入"
    )]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What it looks like: “Excel 工作簿（.xlsx）” and so on.
        kind: &'static str,
        /// The reader's words.
        detail: String,
    },
    /// A file named like a workbook whose content is something else.
    #[error(
        "{path}：这个文件看名字是{claimed}，内容其实是{real}，无法导入。请在 Excel 或 WPS 中打开它，另存为“Excel 工作簿（*.xlsx）”再导入"
    )]
    Disguised {
        /// The file.
        path: PathBuf,
        /// What the name promises.
        claimed: &'static str,
        /// What the content is.
        real: &'static str,
    },
    /// No sheet has the expected header.
    #[error("{path}：{}", no_header(sheets, missing))]
    NoHeader {
        /// The file.
        path: PathBuf,
        /// The places looked at (a CSV's first line, or each sheet).
        sheets: Vec<Place>,
        /// The required columns not found in the best candidate row.
        missing: Vec<&'static str>,
    },
    /// Several sheets have the expected header.
    #[error("{path}：有 {} 个工作表都像是要导入的表格（{}），无法确定导入哪一个。请删掉多余的工作表，或把它们合并成一个", sheets.len(), sheets.join("、"))]
    Ambiguous {
        /// The file.
        path: PathBuf,
        /// The names of the matching sheets.
        sheets: Vec<String>,
    },
    /// A file, or a sheet in it, over one of the [`limits`].
    #[error(
        "{path}：{}{what}，无法导入。请删掉多余的行、列和空白格子的格式（或把要导入的内容复制到一个新工作簿），另存为 .xlsx 后再导入",
        sheet.as_ref().map_or_else(String::new, |s| format!("工作表“{s}”"))
    )]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The sheet, when one sheet is too large.
        sheet: Option<String>,
        /// What is too large, with the limit.
        what: String,
    },
    /// Reading the file failed.
    #[error("无法读取 {path}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

fn no_header(sheets: &[Place], missing: &[&str]) -> String {
    let looked: Vec<String> = sheets.iter().map(Place::to_string).collect();
    format!(
        "没有找到表头，缺少列：{}（已查看：{}的前 {} 行）。表头中应有这些列的名称，列的顺序不限",
        missing.join("、"),
        looked.join("、"),
        header::HEADER_SEARCH_ROWS
    )
}

impl TableError {
    /// Passes the file the error names through `f` (the web shows the
    /// user's own file name, not the staged one); places inside it follow.
    pub fn map_paths(&mut self, f: &dyn Fn(&std::path::Path) -> PathBuf) {
        let path = self.path_mut();
        *path = f(path);
        let shown = path.clone();
        if let TableError::NoHeader { sheets, .. } = self {
            for p in sheets {
                p.rename_file(&shown);
            }
        }
    }

    fn path_mut(&mut self) -> &mut PathBuf {
        match self {
            TableError::Encoding { path }
            | TableError::UnclosedQuote { path, .. }
            | TableError::Csv { path, .. }
            | TableError::Encrypted { path }
            | TableError::Corrupt { path, .. }
            | TableError::Disguised { path, .. }
            | TableError::NoHeader { path, .. }
            | TableError::Ambiguous { path, .. }
            | TableError::TooLarge { path, .. }
            | TableError::Io { path, .. } => path,
        }
    }
}
