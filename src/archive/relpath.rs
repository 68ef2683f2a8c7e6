//! Relative paths inside a submission, kept as the exact bytes of each
//! component so that names which are not valid UTF-8 survive unchanged;
//! shown to people with the invalid bytes escaped as `\xNN`. Also the
//! rule for names that may not be carried into a submission at all
//! ([`name_problem`], [`case_key`]): names that hide their real extension
//! or cannot be unpacked on Windows.

use std::fmt;

/// A relative path as a list of raw name components.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RelPath(pub Vec<Vec<u8>>);

impl RelPath {
    /// The components.
    pub fn components(&self) -> &[Vec<u8>] {
        &self.0
    }

    /// Number of components.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the path has no component.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The last component (the file name), if any.
    pub fn file_name(&self) -> Option<&[u8]> {
        self.0.last().map(Vec::as_slice)
    }

    /// The path without its first `n` components.
    pub fn strip(&self, n: usize) -> RelPath {
        RelPath(self.0[n.min(self.0.len())..].to_vec())
    }

    /// The raw bytes joined with `/`.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.0.join(&b'/')
    }

    /// Whether every component is valid UTF-8.
    pub fn is_utf8(&self) -> bool {
        self.0.iter().all(|c| std::str::from_utf8(c).is_ok())
    }

    /// The `i`th component shown for people (`\xNN` for invalid bytes).
    pub fn component_display(&self, i: usize) -> String {
        self.0.get(i).map(|c| escape(c)).unwrap_or_default()
    }
}

impl fmt::Display for RelPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&escape(&self.to_bytes()))
    }
}

impl fmt::Debug for RelPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RelPath({self})")
    }
}

/// Shows bytes as text: valid UTF-8 as is, every other byte as `\xNN`.
pub fn escape(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02X}"));
        }
    }
    out
}

/// Like [`escape`] but with `%NN` for invalid bytes, for names written into
/// exported ZIP files (which must be UTF-8 and must not hold `\`).
pub fn escape_percent(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Characters that reorder the text around them: an `exe` can be shown
/// as `fdp.exe` read backwards (`invoice\u{202e}fdp.exe` shows as
/// `invoiceexe.pdf`).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Names Windows keeps for devices, with or without an extension
/// (`CON`, `nul.txt`, `COM1.pdf`).
fn is_reserved_on_windows(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name).trim_end();
    let upper = stem.to_uppercase();
    match upper.as_str() {
        "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$" => true,
        _ => ["COM", "LPT"].iter().any(|p| {
            upper.strip_prefix(p).is_some_and(|n| {
                matches!(
                    n,
                    "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9" | "¹" | "²" | "³"
                )
            })
        }),
    }
}

/// Why one file or folder name may not be carried into a submission (or
/// its BagIt export): it hides its real extension, holds control
/// characters, or cannot be unpacked on Windows. `None` for a good name.
pub fn name_problem(name: &[u8]) -> Option<&'static str> {
    let name = String::from_utf8_lossy(name);
    if name.chars().any(is_bidi_control) {
        Some("名称含有改变文字方向的控制字符，显示出的扩展名可能是伪装的")
    } else if name.chars().any(|c| c.is_control() || c == '\u{FEFF}') {
        Some("名称含有控制字符")
    } else if name.ends_with(['.', ' ']) {
        Some("名称以点或空格结尾，在 Windows 上无法解压")
    } else if is_reserved_on_windows(&name) {
        Some(
            "名称是 Windows 的保留名称（CON、PRN、AUX、NUL、COM1、LPT1 等，带不带扩展名都一样），在 Windows 上无法解压",
        )
    } else {
        None
    }
}

/// The first unsafe component of `rel` and why.
pub fn path_problem(rel: &RelPath) -> Option<&'static str> {
    rel.components().iter().find_map(|c| name_problem(c))
}

/// The key under which two paths that differ only in letter case
/// (`A.pdf`, `a.PDF`) collide: on Windows and macOS one would overwrite
/// the other.
pub fn case_key(rel: &RelPath) -> String {
    String::from_utf8_lossy(&rel.to_bytes()).to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_spoof_or_break_on_windows_are_refused() {
        for bad in [
            "invoice\u{202e}fdp.exe",
            "a\u{2066}b.pdf",
            "CON",
            "nul.txt",
            "Com1.pdf",
            "lpt9",
            "aux.tar.gz",
            "报告.",
            "报告.pdf ",
            "a\tb",
        ] {
            assert!(name_problem(bad.as_bytes()).is_some(), "{bad:?}");
        }
        for good in [
            "会议记录.pdf",
            "console.txt",
            "COM10.pdf",
            "nul1.txt",
            ".hidden",
            "a b.pdf",
        ] {
            assert_eq!(name_problem(good.as_bytes()), None, "{good:?}");
        }
        let a = RelPath(vec![b"X".to_vec(), b"A.pdf".to_vec()]);
        let b = RelPath(vec![b"x".to_vec(), b"a.PDF".to_vec()]);
        assert_eq!(case_key(&a), case_key(&b));
    }

    #[test]
    fn escapes_only_invalid_bytes() {
        let p = RelPath(vec!["材料".as_bytes().to_vec(), b"a\xB0b.txt".to_vec()]);
        assert_eq!(p.to_string(), "材料/a\\xB0b.txt");
        assert!(!p.is_utf8());
        assert_eq!(escape_percent(b"a\xB0"), "a%B0");
    }
}
