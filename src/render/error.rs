//! Errors of the rendering engine, each saying in Chinese what is wrong and
//! where (template, field, line) and how to fix it.

use std::path::PathBuf;

/// Why a document could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// No built-in or office template of that name.
    #[error("没有名为“{name}”的公文模板。可用的模板：{available}")]
    UnknownTemplate {
        /// The requested name.
        name: String,
        /// The names that exist, joined for display.
        available: String,
    },

    /// A template name that could escape the templates folder.
    #[error("模板名“{0}”无效：只能是 templates 目录中的文件名，不能含路径")]
    BadTemplateName(String),

    /// An office override file could not be read.
    #[error("无法读取模板文件 {path}")]
    ReadTemplate {
        /// The override file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },

    /// The data lacks a field the template uses.
    #[error(
        "数据中缺少字段“{field}”（模板 {template} 第 {line} 行要用到）。请在数据文件中补上该字段"
    )]
    MissingField {
        /// The template's file name.
        template: String,
        /// The template line that needs it.
        line: usize,
        /// The missing field, as written in the template (e.g. `title`).
        field: String,
    },

    /// Any other template error (syntax error in an override, bad value).
    #[error("模板 {template} 出错（第 {line} 行）：{message}")]
    Template {
        /// The template's file name.
        template: String,
        /// The line, 0 when unknown.
        line: usize,
        /// The template engine's description.
        message: String,
    },

    /// A date in none of the accepted forms.
    #[error("日期“{0}”无效，应写成 {forms} 这样的日期", forms = crate::dates::FORMS)]
    BadDate(String),

    /// A character no shipped font can draw.
    #[error(
        "字段“{field}”中的字符“{ch}”（U+{code:04X}）没有任何内置字体能显示。请改用常用写法，或换用其他字"
    )]
    MissingGlyph {
        /// The character.
        ch: char,
        /// Its code point.
        code: u32,
        /// Where it came from: the data field path (e.g. `body[3]`), or the
        /// template when it is part of the template text.
        field: String,
    },

    /// A template asks for a font family that is not shipped.
    #[error(
        "模板 {template} 使用了未内置的字体“{family}”。可用字体：FandolFang R（仿宋）、FandolHei（黑体）、FandolKai（楷体）、Noto Serif CJK SC（宋体/小标宋）"
    )]
    UnknownFont {
        /// The template's file name.
        template: String,
        /// The family as written.
        family: String,
    },

    /// Typst rejected the generated source.
    #[error("排版失败：{0}")]
    Typst(String),

    /// PDF export failed (e.g. PDF/A validation).
    #[error("生成 PDF 失败：{0}")]
    Pdf(String),

    /// OFD export failed.
    #[error("生成 OFD 失败：{0}")]
    Ofd(String),

    /// The OFD could not be signed.
    #[error("OFD 签名失败：{0}")]
    OfdSign(#[from] crate::sign::SignError),
}
