//! Turns Typst diagnostics into one readable Chinese message naming the
//! file (generated source of a template, or the layout library), the line
//! and its text.

use typst::World;
use typst::WorldExt;
use typst::diag::{Severity, SourceDiagnostic};

use super::world::DocWorld;

/// Formats the errors among `diags` (warnings are left out).
pub fn describe(world: &DocWorld, template: &str, diags: &[SourceDiagnostic]) -> String {
    let mut parts = Vec::new();
    for diag in diags.iter().filter(|d| d.severity == Severity::Error) {
        let mut text = String::new();
        if let Some(id) = diag.span.id()
            && let Ok(source) = world.source(id)
            && let Some(range) = world.range(diag.span)
        {
            let line = source.lines().byte_to_line(range.start).unwrap_or(0);
            let file = if id == world.main_source().id() {
                format!("模板 {template} 生成的 Typst 源码")
            } else {
                "排版库 gongwen.typ".to_string()
            };
            let code = source.text().lines().nth(line).unwrap_or("").trim();
            text.push_str(&format!(
                "{file} 第 {} 行：{}\n    {code}",
                line + 1,
                diag.message
            ));
        } else {
            text.push_str(&diag.message);
        }
        if diag.message.contains("access denied") {
            text.push_str("\n    提示：公文模板只能使用内置的排版库和字体，不能读取其他文件或图片");
        }
        for hint in &diag.hints {
            text.push_str(&format!("\n    提示：{}", hint.v));
        }
        parts.push(text);
    }
    if parts.is_empty() {
        "未知错误".to_string()
    } else {
        parts.join("\n")
    }
}

/// The font family named by an "unknown font family" warning, if any.
pub fn unknown_family(diags: &[SourceDiagnostic]) -> Option<String> {
    diags.iter().find_map(|d| {
        d.message
            .strip_prefix("unknown font family: ")
            .map(str::to_string)
    })
}
