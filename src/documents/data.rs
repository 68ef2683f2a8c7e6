//! The data the Typst templates read, as serde structs: the 通知 schema
//! that `tongzhi`, `baogao`, `zhenggai`, `huizhi` and `jindu` share
//! ([`Official`]) and the 命名证书 of `zhengshu` ([`Certificate`]).
//! `templates/README.md` documents the same fields for people who write
//! templates; a field renamed here fails to compile in the builders, not
//! to render.

use chrono::NaiveDate;
use serde::{Serialize, Serializer};
use serde_json::Value;

/// An official document in the 通知 format (the header, body, attachments
/// and 版记 fields; `number` is added by the register).
#[derive(Debug, Clone, Serialize)]
pub struct Official {
    /// Issuing organs in the banner.
    pub issuers: Vec<String>,
    /// Banner suffix, e.g. 文件.
    pub mark_suffix: String,
    /// Signing organs.
    pub signatures: Vec<String>,
    /// Title (`\n` breaks it).
    pub title: String,
    /// 主送机关.
    pub recipients: String,
    /// 成文日期.
    pub date: NaiveDate,
    /// 印发机关.
    pub printer: String,
    /// The body paragraphs.
    pub body: Vec<Para>,
    /// Attachments.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<Attachment>,
    /// 抄送机关.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cc: Option<String>,
    /// 整改期限 (整改通知书).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline: Option<NaiveDate>,
}

/// An 上行文: an official document with its 签发人 beside the 发文字号.
#[derive(Debug, Clone, Serialize)]
pub struct Upward {
    /// The document.
    #[serde(flatten)]
    pub official: Official,
    /// 签发人.
    pub signer: String,
}

/// A body paragraph: text, or a heading (level 1 or 2).
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Para {
    /// A paragraph of text.
    Text(String),
    /// A heading paragraph.
    Heading {
        /// 1 for 一、, 2 for （一）.
        level: u8,
        /// The heading's text.
        heading: String,
    },
}

impl Para {
    /// A level-1 heading.
    pub fn h1(heading: &str) -> Para {
        Para::Heading {
            level: 1,
            heading: heading.to_string(),
        }
    }

    /// A level-2 heading.
    pub fn h2(heading: &str) -> Para {
        Para::Heading {
            level: 2,
            heading: heading.to_string(),
        }
    }
}

impl<T: Into<String>> From<T> for Para {
    fn from(text: T) -> Para {
        Para::Text(text.into())
    }
}

/// An attachment: a name in the 附件说明, on its own page with an optional
/// title, text and table.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Attachment {
    /// Name in the 附件说明.
    pub name: String,
    /// Page title (default: the name).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Landscape page.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub landscape: bool,
    /// Paragraphs before the table.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub body: Vec<String>,
    /// The table.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table: Option<Table>,
    /// A bar chart after the table.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chart: Option<Chart>,
    /// Photos set in a grid, each with its caption.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub photos: Vec<Photo>,
}

/// A horizontal bar chart: per row one bar for each series.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Chart {
    /// The series' names (the legend).
    pub series: Vec<String>,
    /// The rows.
    pub rows: Vec<ChartRow>,
}

/// One row of a bar chart.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ChartRow {
    /// Its label.
    pub label: String,
    /// One value per series.
    pub values: Vec<u32>,
}

/// A photo of a photo page: JPEG bytes (a thumbnail made for the page;
/// the original stays in the archive) and its caption.
#[derive(Debug, Clone, Serialize)]
pub struct Photo {
    /// The JPEG bytes.
    pub jpeg: Vec<u8>,
    /// Point, standard, time and short hash.
    pub caption: String,
}

/// An attachment's table; the header row repeats on every page.
#[derive(Debug, Clone, Serialize)]
pub struct Table {
    /// Column headers.
    pub columns: Vec<String>,
    /// Relative column widths (whole numbers are written as integers).
    #[serde(serialize_with = "widths")]
    pub widths: Vec<f64>,
    /// Smaller type and leading, for long lists.
    pub compact: bool,
    /// The rows.
    pub rows: Vec<Row>,
}

impl Table {
    /// A compact table.
    pub fn compact(columns: &[&str], widths: &[f64], rows: Vec<Row>) -> Table {
        Table {
            columns: columns.iter().map(|c| c.to_string()).collect(),
            widths: widths.to_vec(),
            compact: true,
            rows,
        }
    }
}

/// A table row: plain cells, or a subtotal/total row in 黑体.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Row {
    /// Ordinary cells.
    Plain(Vec<Cell>),
    /// A subtotal or total row.
    Strong {
        /// Always true.
        strong: bool,
        /// Its cells.
        cells: Vec<Cell>,
    },
}

impl Row {
    /// A subtotal or total row.
    pub fn strong(cells: Vec<Cell>) -> Row {
        Row::Strong {
            strong: true,
            cells,
        }
    }
}

/// A table cell: text, or text with spans and alignment.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Cell {
    /// Plain centred text.
    Text(String),
    /// Text with layout.
    Styled(Styled),
}

/// A cell's text with its spans and alignment.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Styled {
    /// The text.
    pub text: String,
    /// Rows spanned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rowspan: Option<usize>,
    /// Columns spanned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub colspan: Option<usize>,
    /// `left` for left-aligned text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub align: Option<&'static str>,
    /// Whether a spanning cell's rows may break across pages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub breakable: Option<bool>,
}

impl Cell {
    /// Left-aligned text.
    pub fn left(text: impl Into<String>) -> Cell {
        Cell::Styled(Styled {
            text: text.into(),
            align: Some("left"),
            ..Styled::default()
        })
    }
}

impl<T: Into<String>> From<T> for Cell {
    fn from(text: T) -> Cell {
        Cell::Text(text.into())
    }
}

/// The 命名证书 (`zhengshu`).
#[derive(Debug, Clone, Serialize)]
pub struct Certificate {
    /// Certificate name in large red type.
    pub title: String,
    /// The community named.
    pub community: String,
    /// The honour, centred and enlarged.
    pub honour: String,
    /// The text before the honour.
    pub text: String,
    /// Closing words.
    pub closing: String,
    /// Signing organs.
    pub signatures: Vec<String>,
    /// Date.
    pub date: NaiveDate,
}

/// Writes widths as the templates always had them: `4`, not `4.0`.
fn widths<S: Serializer>(widths: &[f64], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(widths.iter().map(|w| {
        if w.fract() == 0.0 && (0.0..=1e15).contains(w) {
            Value::from(*w as u64)
        } else {
            Value::from(*w)
        }
    }))
}

/// The template data of `doc`. Serialising these structs cannot fail:
/// they hold only strings, numbers, dates and lists.
pub fn to_value<T: Serialize>(doc: &T) -> Value {
    serde_json::to_value(doc).unwrap_or(Value::Null)
}
