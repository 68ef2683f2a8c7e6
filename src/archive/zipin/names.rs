//! Names inside a ZIP: decoded as UTF-8, GBK or CP437 and split into
//! safe relative paths.

use crate::archive::relpath::RelPath;

/// How the names of a ZIP that are not valid UTF-8 are read.
///
/// The ZIP specification says a name without the UTF-8 flag is CP437 (the
/// original IBM PC code page), but archivers really write the system's
/// legacy code page: on Chinese Windows (the built-in "compressed folder",
/// WinRAR, 360 压缩) that is GBK. Both decode most byte strings without
/// error, so the choice is made once per ZIP:
///
/// * GBK if every name that is not UTF-8 is valid GBK (GB18030) and at
///   least one of them holds a character from the common GB2312 area
///   (lead byte A1–F7, trail byte A1–FE): Chinese names always do, while
///   Western CP437 names (an accented letter followed by an ASCII letter)
///   only reach the rare GBK extension area, if they are valid GBK at all;
/// * CP437 otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Legacy {
    /// GBK / GB18030, as written by Chinese Windows tools.
    Gbk,
    /// IBM code page 437, the ZIP specification's default.
    Cp437,
}

/// The upper half (0x80–0xFF) of code page 437; the lower half is ASCII.
const CP437_HIGH: &str = "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u{a0}";

/// Decodes CP437 bytes (never fails: every byte is a character).
pub fn decode_cp437(raw: &[u8]) -> String {
    let high: Vec<char> = CP437_HIGH.chars().collect();
    raw.iter()
        .map(|&b| match b {
            0..=0x7F => b as char,
            _ => high
                .get(usize::from(b - 0x80))
                .copied()
                .unwrap_or('\u{FFFD}'),
        })
        .collect()
}

/// Whether `raw` (valid GB18030) holds a two-byte character of the GB2312
/// area.
fn has_gb2312_char(raw: &[u8]) -> bool {
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        if b < 0x80 {
            i += 1;
            continue;
        }
        let Some(&t) = raw.get(i + 1) else {
            return false;
        };
        if t.is_ascii_digit() {
            // A four-byte GB18030 sequence.
            i += 4;
            continue;
        }
        if (0xA1..=0xF7).contains(&b) && (0xA1..=0xFE).contains(&t) {
            return true;
        }
        i += 2;
    }
    false
}

/// Chooses how to read the names of one ZIP that are not UTF-8 (see
/// [`Legacy`]).
pub fn legacy_encoding<'a>(names: impl IntoIterator<Item = &'a [u8]>) -> Legacy {
    let mut common = false;
    for raw in names {
        if std::str::from_utf8(raw).is_ok() {
            continue;
        }
        if encoding_rs::GB18030
            .decode_without_bom_handling_and_without_replacement(raw)
            .is_none()
        {
            return Legacy::Cp437;
        }
        common |= has_gb2312_char(raw);
    }
    if common { Legacy::Gbk } else { Legacy::Cp437 }
}

/// Decodes a raw ZIP name: UTF-8 if valid (many tools write UTF-8 without
/// setting the flag), else in the ZIP's legacy code page; `None` if that
/// fails (the bytes are then kept as they are).
pub fn decode_name(raw: &[u8], legacy: Legacy) -> Option<String> {
    if let Ok(s) = std::str::from_utf8(raw) {
        return Some(s.to_string());
    }
    match legacy {
        Legacy::Gbk => encoding_rs::GB18030
            .decode_without_bom_handling_and_without_replacement(raw)
            .map(|s| s.into_owned()),
        Legacy::Cp437 => Some(decode_cp437(raw)),
    }
}

/// Splits a ZIP name into components, or says why it is unsafe.
pub(super) fn split_name(raw: &[u8], legacy: Legacy) -> Result<RelPath, &'static str> {
    let comps: Vec<Vec<u8>> = match decode_name(raw, legacy) {
        Some(s) => {
            if s.contains('\0') {
                return Err("名称含有空字符");
            }
            if s.starts_with(['/', '\\']) || s.as_bytes().get(1) == Some(&b':') {
                return Err("绝对路径");
            }
            s.split(['/', '\\'])
                .map(|c| c.as_bytes().to_vec())
                .collect()
        }
        None => {
            if raw.starts_with(b"/") || raw.contains(&0) {
                return Err("绝对路径");
            }
            raw.split(|&b| b == b'/').map(<[u8]>::to_vec).collect()
        }
    };
    if comps.iter().any(|c| c.as_slice() == b"..") {
        return Err("路径含有“..”，会写到目标文件夹之外");
    }
    Ok(RelPath(
        comps
            .into_iter()
            .filter(|c| !c.is_empty() && c.as_slice() != b".")
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_gbk_and_rejects_escapes() {
        let (gbk, _, _) = encoding_rs::GBK.encode("Ⅱ-1/标准1/会议记录.pdf");
        assert_eq!(legacy_encoding([&gbk[..]]), Legacy::Gbk);
        let rel = split_name(&gbk, Legacy::Gbk).unwrap();
        assert_eq!(rel.to_string(), "Ⅱ-1/标准1/会议记录.pdf");
        for legacy in [Legacy::Gbk, Legacy::Cp437] {
            assert!(split_name(b"../etc/passwd", legacy).is_err());
            assert!(split_name(b"a/../../b", legacy).is_err());
            assert!(split_name(b"/etc/passwd", legacy).is_err());
            assert!(split_name(b"C:\\x", legacy).is_err());
            assert!(split_name(b"..\\x", legacy).is_err());
            assert_eq!(split_name(b"a\\b.txt", legacy).unwrap().len(), 2);
        }
    }

    #[test]
    fn western_names_are_cp437() {
        // "Müller Café.txt" as a Western DOS/Windows tool writes it: valid
        // GBK, but only in the extension area.
        let raw = b"M\x81ller Caf\x82 Stra\xE1e.txt";
        assert_eq!(legacy_encoding([&raw[..], b"plain.txt"]), Legacy::Cp437);
        assert_eq!(
            decode_name(raw, Legacy::Cp437).as_deref(),
            Some("Müller Café Straße.txt")
        );
        // Valid GBK (an extension-area character), still read as CP437.
        let umlaut = b"II-1/M\x81ller.txt";
        assert!(
            encoding_rs::GB18030
                .decode_without_bom_handling_and_without_replacement(umlaut)
                .is_some()
        );
        assert_eq!(legacy_encoding([&umlaut[..]]), Legacy::Cp437);
        assert_eq!(decode_cp437(&[0x80, 0xB0, 0xFF]), "Ç░\u{a0}");
        assert_eq!(CP437_HIGH.chars().count(), 128);
    }
}
