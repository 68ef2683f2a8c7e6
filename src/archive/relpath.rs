//! Relative paths inside a submission, kept as the exact bytes of each
//! component so that names which are not valid UTF-8 survive unchanged;
//! shown to people with the invalid bytes escaped as `\xNN`.

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_only_invalid_bytes() {
        let p = RelPath(vec!["材料".as_bytes().to_vec(), b"a\xB0b.txt".to_vec()]);
        assert_eq!(p.to_string(), "材料/a\\xB0b.txt");
        assert!(!p.is_utf8());
        assert_eq!(escape_percent(b"a\xB0"), "a%B0");
    }
}
