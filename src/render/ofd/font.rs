//! The fonts an OFD embeds: one `Font` resource per Typst font the pages
//! use, subset to the glyphs drawn (with `subsetter`, as Typst's PDF export
//! does) and given a `cmap` for the characters drawn (see [`super::sfnt`]),
//! so that a reader maps each `TextCode` character to the glyph Typst chose.

use std::collections::{BTreeMap, HashMap};

use subsetter::GlyphRemapper;
use typst::text::Font;

use super::{Files, Ids, xml};
use crate::render::RenderError;

/// The fonts used so far, in order of first use.
#[derive(Default)]
pub struct FontSet {
    entries: Vec<Entry>,
    index: HashMap<Font, usize>,
}

/// One embedded font.
pub struct Entry {
    /// The resource ID.
    pub id: u32,
    font: Font,
    glyphs: GlyphRemapper,
    chars: BTreeMap<char, u16>,
}

impl Entry {
    /// The subset's glyph for the original glyph `old`.
    pub fn glyph(&mut self, old: u16) -> u16 {
        self.glyphs.remap(old)
    }

    /// Notes that `c` alone is drawn with the subset's glyph `glyph`;
    /// false when the font's `cmap` gives `c` another glyph already (the
    /// first use decides).
    pub fn map_char(&mut self, c: char, glyph: u16) -> bool {
        *self.chars.entry(c).or_insert(glyph) == glyph
    }
}

impl FontSet {
    /// The entry of `font`, added (with a new ID) at its first use.
    pub fn entry(&mut self, font: &Font, ids: &mut Ids) -> &mut Entry {
        let at = *self.index.entry(font.clone()).or_insert_with(|| {
            self.entries.push(Entry {
                id: ids.next(),
                font: font.clone(),
                glyphs: GlyphRemapper::new(),
                chars: BTreeMap::new(),
            });
            self.entries.len() - 1
        });
        &mut self.entries[at]
    }

    /// The `Font` resources and their files (name under `Res/`, bytes).
    pub fn finish(self) -> Result<(Vec<xml::Font>, Files), RenderError> {
        let mut fonts = Vec::new();
        let mut files = Vec::new();
        for entry in self.entries {
            let family = entry.font.info().family.clone();
            let bad = |why: String| RenderError::Ofd(format!("无法嵌入字体 {family}：{why}"));
            let data = entry.font.data();
            let subset = subsetter::subset(data, entry.font.index(), &entry.glyphs)
                .map_err(|e| bad(format!("{e:?}")))?;
            let bytes = super::sfnt::with_cmap(&subset, data, entry.font.index(), &entry.chars)
                .ok_or_else(|| bad("字体文件结构无法识别".to_string()))?;
            let ext = if bytes.starts_with(b"OTTO") {
                "otf"
            } else {
                "ttf"
            };
            let file = format!("font_{}.{ext}", entry.id);
            fonts.push(xml::Font {
                id: entry.id,
                name: entry
                    .font
                    .post_script_name()
                    .unwrap_or_else(|| family.clone()),
                family,
                file: file.clone(),
            });
            files.push((file, bytes));
        }
        Ok((fonts, files))
    }
}
