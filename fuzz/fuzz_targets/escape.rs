//! The template value escaper (`kaoping::render::escape`): checked against
//! Typst's own parser (typst-syntax) rather than by compiling a document,
//! which would be far too slow for fuzzing.
//! - `str_literal(s)` parses as Typst code to exactly one string literal,
//!   without errors, whose value is `s`.
//! - `markup(s)` parses as Typst markup without errors into nothing but
//!   text, escapes, spaces and forced line breaks, which read back as `s`
//!   (line breaks, U+2028 and U+2029 as `\n`, tabs as spaces, other
//!   control characters gone).

#![no_main]

use kaoping::render::escape;
use libfuzzer_sys::fuzz_target;
use typst_syntax::{SyntaxKind, SyntaxNode, ast};

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    check_str_literal(s);
    check_markup(s);
});

fn check_str_literal(s: &str) {
    let lit = escape::str_literal(s);
    let root = typst_syntax::parse_code(&lit);
    assert!(
        root.errors_and_warnings().0.is_empty(),
        "{lit:?} does not parse"
    );
    let nodes: Vec<&SyntaxNode> = root.children().collect();
    assert_eq!(nodes.len(), 1, "{lit:?} is not one node: {nodes:?}");
    let value = nodes[0]
        .cast::<ast::Str>()
        .unwrap_or_else(|| panic!("{lit:?} is not a string: {nodes:?}"))
        .get();
    assert_eq!(value.as_str(), s, "{lit:?} reads back differently");
}

fn check_markup(s: &str) {
    let escaped = escape::markup(s);
    let root = typst_syntax::parse(&escaped);
    assert!(
        root.errors_and_warnings().0.is_empty(),
        "{escaped:?} does not parse"
    );
    let mut read_back = String::new();
    // `\ ` is a forced line break: the space after it is part of the escape.
    let mut after_break = false;
    for node in root.children() {
        let text = node.leaf_text().as_str();
        match node.kind() {
            SyntaxKind::Space if after_break => {
                read_back.push_str(text.strip_prefix(' ').unwrap_or(text));
            }
            SyntaxKind::Text | SyntaxKind::Space => read_back.push_str(text),
            SyntaxKind::Escape => {
                let c = node.cast::<ast::Escape>().map(|e| e.get());
                read_back.push(c.unwrap_or('\u{FFFD}'));
            }
            SyntaxKind::Linebreak => read_back.push('\n'),
            other => panic!("{s:?} became {other:?} in {escaped:?}"),
        }
        after_break = node.kind() == SyntaxKind::Linebreak;
    }
    let expected: String = s
        .replace("\r\n", "\n")
        .chars()
        .filter_map(|c| match c {
            '\r' | '\n' | '\u{2028}' | '\u{2029}' => Some('\n'),
            '\t' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect();
    assert_eq!(
        read_back, expected,
        "{s:?} reads back differently from {escaped:?}"
    );
}
