//! Escaping of untrusted values for Typst: as string/array/dictionary
//! literals in code (the templates' auto-escape) and as literal text in
//! markup (the `markup` filter). Nothing a value contains can become Typst
//! code, markup, a label, a reference or a comment.

use std::fmt::Write;

use minijinja::value::{Value, ValueKind};

/// Writes `s` as a Typst string literal (with the quotes). Typst strings
/// know only the escapes `\\`, `\"`, `\n`, `\r`, `\t` and `\u{…}`, so
/// escaping those characters and every other control character is enough.
pub fn str_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Escapes `s` for Typst markup: every ASCII punctuation character gets a
/// backslash (Typst treats `\` + any non-space character as that character
/// literally), line breaks become forced line breaks (also U+2028 and
/// U+2029, which Typst reads as newlines: two of them would make a
/// paragraph break), other control characters are dropped. No markup
/// syntax (`#`, `*`, `_`, `$`, `@`, `<`, `[`, `]`, `//`, `=`, `-`, `+`,
/// `~`, `'`, `"`, `` ` ``) survives.
pub fn markup(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 2);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' | '\u{2028}' | '\u{2029}' => out.push_str("\\ "),
            '\t' => out.push(' '),
            c if c.is_ascii_punctuation() => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Writes a template value as a Typst literal: strings as strings, numbers
/// and booleans as themselves, `none`/undefined as `none`, sequences as
/// arrays and maps as dictionaries (recursively).
pub fn value_literal(value: &Value, out: &mut String) {
    match value.kind() {
        ValueKind::Undefined | ValueKind::None => out.push_str("none"),
        ValueKind::Bool => out.push_str(if value.is_true() { "true" } else { "false" }),
        ValueKind::Number => {
            let text = value.to_string();
            if text.parse::<f64>().is_ok_and(f64::is_finite) {
                out.push_str(&text);
            } else {
                out.push_str("none");
            }
        }
        ValueKind::String => out.push_str(&str_literal(value.as_str().unwrap_or_default())),
        ValueKind::Seq | ValueKind::Iterable => {
            out.push('(');
            if let Ok(items) = value.try_iter() {
                for item in items {
                    value_literal(&item, out);
                    out.push_str(", ");
                }
            }
            out.push(')');
        }
        ValueKind::Map => {
            out.push('(');
            let mut empty = true;
            if let Ok(keys) = value.try_iter() {
                for key in keys {
                    let item = value.get_item(&key).unwrap_or_default();
                    out.push_str(&str_literal(&key.to_string()));
                    out.push_str(": ");
                    value_literal(&item, out);
                    out.push_str(", ");
                    empty = false;
                }
            }
            if empty {
                out.push(':');
            }
            out.push(')');
        }
        _ => out.push_str(&str_literal(&value.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_literal_escapes_quotes_backslashes_and_controls() {
        assert_eq!(str_literal(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(str_literal("x\ny\u{7}"), r#""x\ny\u{7}""#);
    }

    #[test]
    fn markup_escapes_every_syntax_character() {
        assert_eq!(markup("#read(\"/etc\")"), r#"\#read\(\"\/etc\"\)"#);
        assert_eq!(
            markup("*x* $y$ @r <l> // c"),
            r"\*x\* \$y\$ \@r \<l\> \/\/ c"
        );
        assert_eq!(markup("社区\n二行"), "社区\\ 二行");
    }

    #[test]
    fn unicode_line_separators_become_forced_line_breaks() {
        // Typst's lexer counts U+2028/U+2029 as newlines: unescaped, two of
        // them made a paragraph break (seen while writing the `escape` fuzz
        // target's check, fuzz/fuzz_targets/escape.rs).
        let escaped = markup("甲\u{2029}\u{2029}乙\u{2028}丙");
        assert_eq!(escaped, "甲\\ \\ 乙\\ 丙");
        let root = typst::syntax::parse(&escaped);
        assert!(
            root.children()
                .all(|n| n.kind() != typst::syntax::SyntaxKind::Parbreak)
        );
    }

    #[test]
    fn values_become_typst_literals() {
        let v = crate::render::templates::to_value(&serde_json::json!({
            "a": ["x", 1, true, null],
            "b": {},
        }));
        let mut out = String::new();
        value_literal(&v, &mut out);
        assert_eq!(out, r#"("a": ("x", 1, true, none, ), "b": (:), )"#);
    }
}
