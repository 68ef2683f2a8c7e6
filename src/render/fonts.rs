//! The shipped fonts (`fonts/` in the repository), compiled into the binary
//! and parsed once per process. Nothing else is ever offered to Typst, so a
//! render cannot change with a machine's system fonts.
//!
//! Embedding (rather than looking for a `fonts/` folder next to the binary)
//! keeps `kaoping` a single file that works wherever it is copied, and makes
//! it impossible to render with a different set of fonts by accident.

use std::sync::OnceLock;

use typst::foundations::Bytes;
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;

/// FandolHei, the sans-serif face; the web pages also offer it to
/// browsers that have no Chinese font of their own.
pub const HEI: &[u8] = include_bytes!("../../fonts/FandolHei-Regular.otf");

/// The font files, in the order they are offered to Typst.
const FILES: [&[u8]; 5] = [
    include_bytes!("../../fonts/FandolFang-Regular.otf"),
    HEI,
    include_bytes!("../../fonts/FandolKai-Regular.otf"),
    include_bytes!("../../fonts/NotoSerifCJKsc-Bold.otf"),
    include_bytes!("../../fonts/NotoSerifCJKsc-Regular.otf"),
];

/// The parsed fonts and their book, shared by every document.
pub struct Fonts {
    /// Metadata Typst selects fonts by.
    pub book: LazyHash<FontBook>,
    /// The fonts, indexed like the book.
    pub fonts: Vec<Font>,
    /// One bit per Unicode code point: does some font cover it.
    covered: Vec<u64>,
}

impl Fonts {
    /// The process-wide font set, parsed on first use.
    pub fn get() -> &'static Fonts {
        static FONTS: OnceLock<Fonts> = OnceLock::new();
        FONTS.get_or_init(|| {
            let fonts: Vec<Font> = FILES
                .iter()
                .flat_map(|data| Font::iter(Bytes::new(*data)))
                .collect();
            let book = FontBook::from_fonts(&fonts);
            let mut covered = vec![0u64; (char::MAX as usize + 1).div_ceil(64)];
            for font in &fonts {
                for c in font.info().coverage.iter() {
                    if let Some(word) = covered.get_mut(c as usize / 64) {
                        *word |= 1 << (c % 64);
                    }
                }
            }
            Fonts {
                book: LazyHash::new(book),
                fonts,
                covered,
            }
        })
    }

    /// Whether some shipped font has a glyph for `c`.
    pub fn covers(&self, c: char) -> bool {
        let c = c as usize;
        self.covered
            .get(c / 64)
            .is_some_and(|w| w & (1 << (c % 64)) != 0)
    }

    /// Whether a family of this name is shipped (case-insensitive, as Typst
    /// compares).
    pub fn has_family(&self, family: &str) -> bool {
        self.book.contains_family(&family.to_lowercase())
    }
}

/// Characters that need no glyph: whitespace, controls and invisible
/// formatting characters (joiners, variation selectors, BOM).
pub fn needs_glyph(c: char) -> bool {
    !(c.is_whitespace()
        || c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{E0100}'..='\u{E01EF}'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_style_family_is_shipped() {
        let fonts = Fonts::get();
        for family in [
            "FandolFang R",
            "FandolHei",
            "FandolKai",
            "Noto Serif CJK SC",
        ] {
            assert!(fonts.has_family(family), "{family} missing");
        }
        assert!(!fonts.has_family("SimSun"));
    }

    #[test]
    fn fallback_covers_rare_name_characters() {
        let fonts = Fonts::get();
        for c in ['堃', '犇', '𬌗', '昆', '〔', '—'] {
            assert!(fonts.covers(c), "{c} not covered");
        }
        assert!(!fonts.covers('\u{E000}'));
    }
}
