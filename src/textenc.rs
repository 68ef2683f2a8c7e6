//! Decoding text files that office staff produce: UTF-8 with or without a
//! byte-order mark, or GBK/GB 18030 as saved by Excel and WPS on Chinese
//! Windows.

use std::borrow::Cow;

/// The encodings we recognise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 (a BOM, if any, is removed).
    Utf8,
    /// GBK / GB 18030.
    Gbk,
}

/// Decodes `bytes` as UTF-8 (BOM stripped) or, failing that, as GB 18030
/// (a superset of GBK). Returns `None` when neither decodes cleanly.
pub fn decode(bytes: &[u8]) -> Option<(Cow<'_, str>, Encoding)> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(s) = std::str::from_utf8(body) {
        return Some((Cow::Borrowed(s), Encoding::Utf8));
    }
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(body);
    if had_errors {
        None
    } else {
        Some((text, Encoding::Gbk))
    }
}

/// The line (from 1) that byte `offset` of `text` is on. CSV readers are
/// given positions as byte offsets and the line is counted here, the same
/// for `\n` and `\r\n` files (Excel writes the latter).
pub fn line_at(text: &str, offset: u64) -> u64 {
    let bytes = text.as_bytes();
    let mut end = (offset as usize).min(bytes.len());
    // With `\r\n` the reader's record offset can point at the `\n` that
    // ends the line before: the record starts after the line break.
    while end < bytes.len() && matches!(bytes[end], b'\r' | b'\n') {
        end += 1;
    }
    bytes[..end].iter().filter(|&&b| b == b'\n').count() as u64 + 1
}

/// Lines of records read in order: [`line_at`] without counting from the
/// start for every record (which made a 10,000-row import quadratic).
pub struct LineCursor<'a> {
    bytes: &'a [u8],
    end: usize,
    newlines: u64,
}

impl<'a> LineCursor<'a> {
    /// A cursor at the start of `text`.
    pub fn new(text: &'a str) -> LineCursor<'a> {
        LineCursor {
            bytes: text.as_bytes(),
            end: 0,
            newlines: 0,
        }
    }

    /// The line of the record at `pos` (0 when unknown), as [`csv_line`].
    pub fn line(&mut self, pos: Option<&csv::Position>) -> u64 {
        let Some(pos) = pos else { return 0 };
        let bytes = self.bytes;
        let mut end = (pos.byte() as usize).min(bytes.len());
        while end < bytes.len() && matches!(bytes[end], b'\r' | b'\n') {
            end += 1;
        }
        if end < self.end {
            (self.end, self.newlines) = (0, 0);
        }
        self.newlines += bytes[self.end..end].iter().filter(|&&b| b == b'\n').count() as u64;
        self.end = end;
        self.newlines + 1
    }
}

/// The line of a CSV text's record at `pos` (0 when unknown).
pub fn csv_line(text: &str, pos: Option<&csv::Position>) -> u64 {
    pos.map_or(0, |p| line_at(text, p.byte()))
}

/// The line of a `"` that opens a quoted CSV field and is never closed
/// (the rest of the file then reads as one field), if there is one.
pub fn unclosed_quote(text: &str) -> Option<u64> {
    let mut line = 1u64;
    let mut opened = None;
    let mut at_field_start = true;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (opened.is_some(), c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
            }
            (true, '"') => opened = None,
            (false, '"') if at_field_start => opened = Some(line),
            _ => {}
        }
        if c == '\n' {
            line += 1;
        }
        at_field_start = opened.is_none() && matches!(c, ',' | '\n' | '\r');
    }
    opened
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_counted_alike_for_lf_and_crlf() {
        let lf = "a,b\nc,d\ne,f\n";
        let crlf = "a,b\r\nc,d\r\ne,f\r\n";
        for text in [lf, crlf] {
            let mut r = csv::Reader::from_reader(text.as_bytes());
            let lines: Vec<u64> = r
                .records()
                .map(|rec| csv_line(text, rec.unwrap().position()))
                .collect();
            assert_eq!(lines, [2, 3], "{text:?}");
        }
    }

    #[test]
    fn the_cursor_counts_as_line_at_does() {
        let text = "h\r\na,\"x\ny\"\r\n\r\nb,c\nd\n";
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut cursor = LineCursor::new(text);
        for rec in r.records() {
            let rec = rec.unwrap();
            assert_eq!(cursor.line(rec.position()), csv_line(text, rec.position()));
        }
    }

    #[test]
    fn an_unclosed_quote_is_found_on_its_line() {
        assert_eq!(unclosed_quote("a,b\n\"x,y\nz\n"), Some(2));
        assert_eq!(unclosed_quote("a,\"b\"\"c\",d\n\"e\nf\",g\n"), None);
        assert_eq!(unclosed_quote("a,b\"c\n"), None);
    }

    #[test]
    fn utf8_bom_and_gbk_are_recognised() {
        assert_eq!(
            decode("社区".as_bytes()).unwrap(),
            (Cow::Borrowed("社区"), Encoding::Utf8)
        );
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice("社区".as_bytes());
        assert_eq!(decode(&bom).unwrap().0, "社区");
        let (gbk, _, _) = encoding_rs::GBK.encode("五华区,城市社区");
        assert_eq!(
            decode(&gbk).unwrap(),
            (Cow::Owned::<str>("五华区,城市社区".into()), Encoding::Gbk)
        );
        assert!(decode(b"\xFF\xFF\xFF").is_none());
    }
}
