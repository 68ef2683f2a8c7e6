//! Parsing the codes people type for items and indicators.
//!
//! The source prints codes as `Ⅰ—1` and `Ⅱ—17` (Roman numeral, em dash,
//! number). Staff type them in many ways: `Ⅱ-1`, `Ⅱ—1`, `Ⅱ－1`, `II-1`,
//! `ii-1`, `2-1`, `Ⅱ-01`, full-width digits, and often followed by the name
//! (`Ⅱ—1党组织领导核心作用`, `Ⅱ-01 党组织领导核心作用`). This module turns
//! all of them into a level and a number.

/// Which level of the evaluation system a code names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// 考评项目 (Ⅰ-n).
    Item,
    /// 考评指标 (Ⅱ-n).
    Indicator,
}

/// A parsed code: level and number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeRef {
    /// Item or indicator.
    pub level: Level,
    /// The number after the dash.
    pub number: u32,
}

/// Maps full-width ASCII forms (`２`, `Ｉ`, `－`) to their ASCII twins.
fn half_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        c => c,
    }
}

fn is_dash(c: char) -> bool {
    matches!(
        c,
        '-' | '—' | '–' | '‐' | '‑' | '‒' | '―' | '−' | '_' | '.' | '、' | '·' | '－'
    )
}

/// Parses the code at the start of `input` and returns it with the rest of
/// the input (the name that may follow, trimmed). Returns `None` when the
/// input does not start with a code.
pub fn parse_prefix(input: &str) -> Option<(CodeRef, &str)> {
    let trimmed = input.trim_start();
    let mut chars = trimmed.char_indices().peekable();
    // Level: Ⅰ / Ⅱ, I / II (any case), 1 / 2.
    let level = match chars.next().map(|(_, c)| half_width(c))? {
        'Ⅰ' => Level::Item,
        'Ⅱ' => Level::Indicator,
        '1' => Level::Item,
        '2' => Level::Indicator,
        'I' | 'i' => {
            if matches!(chars.peek().map(|&(_, c)| half_width(c)), Some('I' | 'i')) {
                chars.next();
                Level::Indicator
            } else {
                Level::Item
            }
        }
        _ => return None,
    };
    // Separator: a dash of any kind and/or spaces; required for Arabic
    // levels so that "21" is not read as "2-1".
    let arabic_level = trimmed.starts_with(['1', '2', '１', '２']);
    let mut saw_separator = false;
    while let Some(&(_, c)) = chars.peek() {
        let c = half_width(c);
        if is_dash(c) || c.is_whitespace() {
            saw_separator = true;
            chars.next();
        } else {
            break;
        }
    }
    if arabic_level && !saw_separator {
        return None;
    }
    // Number.
    let mut number: u32 = 0;
    let mut digits = 0;
    let mut end = trimmed.len();
    while let Some(&(i, c)) = chars.peek() {
        match half_width(c).to_digit(10) {
            Some(d) => {
                number = number.checked_mul(10)?.checked_add(d)?;
                digits += 1;
                chars.next();
            }
            None => {
                end = i;
                break;
            }
        }
    }
    if digits == 0 || number == 0 {
        return None;
    }
    let rest = &trimmed[end..];
    // A code followed directly by more digits-like junk ("2-1.5") is not a code.
    if rest.starts_with(|c: char| half_width(c).is_ascii_digit()) {
        return None;
    }
    let rest = rest.trim_start_matches(|c: char| c.is_whitespace() || is_dash(half_width(c)));
    Some((CodeRef { level, number }, rest.trim_end()))
}

/// Parses an input that is only a code (optionally followed by a name).
pub fn parse(input: &str) -> Option<CodeRef> {
    parse_prefix(input).map(|(r, _)| r)
}

/// The number of a canonical code such as `Ⅱ-17` (0 if malformed; the
/// built-in data is checked by tests).
pub fn number_of(code: &str) -> u32 {
    parse(code).map(|r| r.number).unwrap_or(0)
}

/// Normalises a name for comparison: drops white space and quotes, maps
/// half-width parentheses to full-width.
pub fn normalize_name(name: &str) -> String {
    name.chars()
        .map(half_width)
        .filter(|c| !c.is_whitespace() && !matches!(c, '“' | '”' | '"' | '\'' | '‘' | '’'))
        .map(|c| match c {
            '(' => '（',
            ')' => '）',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ind(n: u32) -> Option<CodeRef> {
        Some(CodeRef {
            level: Level::Indicator,
            number: n,
        })
    }

    #[test]
    fn accepts_the_forms_people_type() {
        for s in [
            "Ⅱ-1",
            "Ⅱ—1",
            "Ⅱ－1",
            "Ⅱ–1",
            "II-1",
            "ii-1",
            "2-1",
            "Ⅱ-01",
            "２－１",
            " Ⅱ 1 ",
            "Ⅱ1",
        ] {
            assert_eq!(parse(s), ind(1), "{s}");
        }
        assert_eq!(parse("Ⅱ—17"), ind(17));
        assert_eq!(
            parse("I-3"),
            Some(CodeRef {
                level: Level::Item,
                number: 3
            })
        );
        assert_eq!(
            parse("1-4"),
            Some(CodeRef {
                level: Level::Item,
                number: 4
            })
        );
    }

    #[test]
    fn splits_the_name_after_a_code() {
        assert_eq!(
            parse_prefix("Ⅱ—1党组织领导核心作用"),
            Some((ind(1).unwrap(), "党组织领导核心作用"))
        );
        assert_eq!(
            parse_prefix("Ⅱ-01 党组织领导核心作用"),
            Some((ind(1).unwrap(), "党组织领导核心作用"))
        );
    }

    #[test]
    fn rejects_what_is_not_a_code() {
        for s in [
            "",
            "21",
            "Ⅱ-",
            "Ⅱ-0",
            "党组织领导核心作用",
            "3-1",
            "Ⅲ-1",
            "标准1",
        ] {
            assert_eq!(parse(s), None, "{s}");
        }
    }

    proptest::proptest! {
        #[test]
        fn never_panics_and_rest_is_a_suffix(s in "\\PC{0,24}") {
            if let Some((_, rest)) = parse_prefix(&s) {
                proptest::prop_assert!(s.contains(rest));
            }
        }

        #[test]
        fn every_typed_form_of_a_code_parses_back(
            n in 1u32..=99,
            roman in proptest::sample::select(vec!["Ⅱ", "II", "ii", "2"]),
            dash in proptest::sample::select(vec!["-", "—", "－", "–", " ", "_"]),
            name in "[\\p{Han}]{0,8}",
        ) {
            let typed = format!("{roman}{dash}{n:02} {name}");
            let (r, rest) = parse_prefix(&typed).expect("parses");
            proptest::prop_assert_eq!(r, CodeRef { level: Level::Indicator, number: n });
            proptest::prop_assert_eq!(rest, name.as_str());
        }
    }
}
