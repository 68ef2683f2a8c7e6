//! Missing-glyph detection. Typst draws a character no font covers as a
//! blank box without complaint, so kaoping checks twice: every string in
//! the data against the shipped fonts' coverage (to name the field), and
//! the laid-out document for glyph 0 (for characters in the template text).

use typst::layout::{Frame, FrameItem};
use typst_layout::PagedDocument;

use super::error::RenderError;
use super::fonts::{Fonts, needs_glyph};

/// Checks every string in `data`; the error names the first uncovered
/// character and its field path (e.g. `body[3].text`).
pub fn check_data(data: &serde_json::Value) -> Result<(), RenderError> {
    let fonts = Fonts::get();
    walk(data, &mut String::new(), &mut |path, s| {
        for c in s.chars() {
            if !c.is_ascii() && needs_glyph(c) && !fonts.covers(c) {
                return Err(missing(c, path.to_string()));
            }
        }
        Ok(())
    })
}

fn walk(
    value: &serde_json::Value,
    path: &mut String,
    f: &mut dyn FnMut(&str, &str) -> Result<(), RenderError>,
) -> Result<(), RenderError> {
    match value {
        serde_json::Value::String(s) => f(path, s),
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                walk(item, path, f)?;
                path.truncate(len);
            }
            Ok(())
        }
        serde_json::Value::Object(map) => {
            for (key, item) in map {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                // Keys are printed by some templates too.
                f(path, key)?;
                walk(item, path, f)?;
                path.truncate(len);
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Finds a glyph 0 (`.notdef`) anywhere in the document.
pub fn check_document(doc: &PagedDocument, template: &str) -> Result<(), RenderError> {
    for page in doc.pages() {
        if let Some(c) = notdef_in(&page.frame) {
            return Err(missing(c, format!("模板 {template} 的文字")));
        }
    }
    Ok(())
}

fn notdef_in(frame: &Frame) -> Option<char> {
    for (_, item) in frame.items() {
        match item {
            FrameItem::Group(group) => {
                if let Some(c) = notdef_in(&group.frame) {
                    return Some(c);
                }
            }
            FrameItem::Text(text) => {
                for glyph in &text.glyphs {
                    if glyph.id == 0
                        && let Some(c) = text
                            .text
                            .get(glyph.range())
                            .and_then(|s| s.chars().find(|c| needs_glyph(*c)))
                    {
                        return Some(c);
                    }
                }
            }
            _ => {}
        }
    }
    None
}

fn missing(ch: char, field: String) -> RenderError {
    RenderError::MissingGlyph {
        ch,
        code: ch as u32,
        field,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_the_field_of_an_uncovered_character() {
        let data = json!({"title": "通知", "body": ["正文", "私用区\u{E000}字"]});
        match check_data(&data).unwrap_err() {
            RenderError::MissingGlyph { ch, field, .. } => {
                assert_eq!(ch, '\u{E000}');
                assert_eq!(field, "body[1]");
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn rare_name_characters_pass() {
        check_data(&json!({"name": "张堃 李犇 𬌗"})).unwrap();
    }
}
