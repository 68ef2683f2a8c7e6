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

#[cfg(test)]
mod tests {
    use super::*;

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
