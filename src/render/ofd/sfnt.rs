//! The OpenType container around a subset font. `subsetter` (the subsetter
//! Typst's PDF export uses) makes fonts for PDF, where the text-to-glyph
//! map lives outside the font, so it drops `cmap` and `OS/2`. An OFD reader
//! finds glyphs through the font's own `cmap`, so this module adds one
//! (formats 4 and 12, built from the characters the document draws) and
//! copies the original `OS/2`, then writes the table directory and
//! checksums again. No crate in the tree rewrites an sfnt's tables, hence
//! this small hand-written writer.

use std::collections::BTreeMap;

/// The tables of the font at `index` in `data` (a font or a collection),
/// by tag, or `None` when the directory is malformed.
pub fn tables(data: &[u8], index: u32) -> Option<Vec<([u8; 4], &[u8])>> {
    let mut start = 0usize;
    if data.get(0..4)? == b"ttcf" {
        let at = 12 + 4 * usize::try_from(index).ok()?;
        start = usize::try_from(u32_at(data, at)?).ok()?;
    }
    let count = usize::from(u16_at(data, start + 4)?);
    let mut out = Vec::with_capacity(count);
    for i in 0..count {
        let rec = start + 12 + 16 * i;
        let tag: [u8; 4] = data.get(rec..rec + 4)?.try_into().ok()?;
        let offset = usize::try_from(u32_at(data, rec + 8)?).ok()?;
        let length = usize::try_from(u32_at(data, rec + 12)?).ok()?;
        out.push((tag, data.get(offset..offset.checked_add(length)?)?));
    }
    Some(out)
}

/// `subset` with a `cmap` for `chars` (character → glyph of the subset)
/// and the `OS/2` table of `original`; `None` when a directory is
/// malformed.
pub fn with_cmap(
    subset: &[u8],
    original: &[u8],
    index: u32,
    chars: &BTreeMap<char, u16>,
) -> Option<Vec<u8>> {
    let version: [u8; 4] = subset.get(0..4)?.try_into().ok()?;
    let mut tables: Vec<([u8; 4], Vec<u8>)> = tables(subset, 0)?
        .into_iter()
        .filter(|(tag, _)| tag != b"cmap" && tag != b"OS/2")
        .map(|(tag, data)| (tag, data.to_vec()))
        .collect();
    tables.push((*b"cmap", cmap(chars)));
    // Only `OS/2` is copied: the original's other tables (a CJK font's
    // outlines are megabytes) are not touched.
    if let Some((_, os2)) = self::tables(original, index)?
        .into_iter()
        .find(|(t, _)| t == b"OS/2")
    {
        tables.push((*b"OS/2", os2.to_vec()));
    }
    tables.sort_by_key(|(tag, _)| *tag);
    Some(assemble(version, &tables))
}

/// Writes the directory, the padded tables and the checksums.
fn assemble(version: [u8; 4], tables: &[([u8; 4], Vec<u8>)]) -> Vec<u8> {
    let count = u16::try_from(tables.len()).unwrap_or(u16::MAX);
    let selector = 15 - count.max(1).leading_zeros() as u16;
    let range = (1u16 << selector) * 16;
    let mut out = Vec::new();
    out.extend(version);
    for v in [count, range, selector, count * 16 - range] {
        out.extend(v.to_be_bytes());
    }
    let mut offset = 12 + 16 * tables.len();
    let mut head_at = None;
    for (tag, data) in tables {
        let mut sum = checksum(data);
        if tag == b"head" && data.len() >= 12 {
            // The checksum of `head` counts checkSumAdjustment as zero.
            sum = sum.wrapping_sub(checksum(&data[8..12]));
            head_at = Some(offset + 8);
        }
        out.extend(tag);
        out.extend(sum.to_be_bytes());
        out.extend(u32::try_from(offset).unwrap_or(0).to_be_bytes());
        out.extend(u32::try_from(data.len()).unwrap_or(0).to_be_bytes());
        offset += data.len().div_ceil(4) * 4;
    }
    for (tag, data) in tables {
        let start = out.len();
        out.extend(data);
        if tag == b"head" && data.len() >= 12 {
            out[start + 8..start + 12].fill(0);
        }
        out.resize(out.len().div_ceil(4) * 4, 0);
    }
    if let Some(at) = head_at {
        let adjust = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
        out[at..at + 4].copy_from_slice(&adjust.to_be_bytes());
    }
    out
}

/// The OpenType table checksum: the sum of big-endian u32 words.
fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, chunk| {
        let mut word = [0u8; 4];
        word[..chunk.len()].copy_from_slice(chunk);
        sum.wrapping_add(u32::from_be_bytes(word))
    })
}

/// A `cmap` with a format 4 subtable (Windows BMP, what older readers
/// need) and a format 12 subtable (all of Unicode).
fn cmap(chars: &BTreeMap<char, u16>) -> Vec<u8> {
    let bmp: Vec<(u16, u16)> = chars
        .iter()
        .filter_map(|(c, g)| u16::try_from(u32::from(*c)).ok().map(|c| (c, *g)))
        .filter(|(c, _)| *c != 0xFFFF)
        .collect();
    let f4 = format4(&bmp);
    let f12 = format12(chars);
    let mut out = Vec::new();
    for v in [0u16, 2] {
        out.extend(v.to_be_bytes());
    }
    let first = 4 + 8 * 2u32;
    let second = first + u32::try_from(f4.len()).unwrap_or(0);
    for (platform, encoding, offset) in [(3u16, 1u16, first), (3, 10, second)] {
        out.extend(platform.to_be_bytes());
        out.extend(encoding.to_be_bytes());
        out.extend(offset.to_be_bytes());
    }
    out.extend(f4);
    out.extend(f12);
    out
}

/// Format 4: one segment per character, then the closing 0xFFFF segment.
fn format4(chars: &[(u16, u16)]) -> Vec<u8> {
    let segs = chars.len() + 1;
    let seg_x2 = u16::try_from(segs * 2).unwrap_or(u16::MAX);
    let selector = 15 - (segs as u16).leading_zeros() as u16;
    let range = 2 * (1u16 << selector);
    let length = u16::try_from(16 + 8 * segs).unwrap_or(u16::MAX);
    let mut out = Vec::new();
    for v in [
        4u16,
        length,
        0,
        seg_x2,
        range,
        selector,
        seg_x2.wrapping_sub(range),
    ] {
        out.extend(v.to_be_bytes());
    }
    let ends = chars.iter().map(|(c, _)| *c).chain([0xFFFF]);
    ends.clone().for_each(|c| out.extend(c.to_be_bytes()));
    out.extend(0u16.to_be_bytes());
    ends.for_each(|c| out.extend(c.to_be_bytes()));
    let deltas = chars.iter().map(|(c, g)| g.wrapping_sub(*c)).chain([1]);
    deltas.for_each(|d| out.extend(d.to_be_bytes()));
    (0..segs).for_each(|_| out.extend(0u16.to_be_bytes()));
    out
}

/// Format 12: one group per character.
fn format12(chars: &BTreeMap<char, u16>) -> Vec<u8> {
    let groups = u32::try_from(chars.len()).unwrap_or(0);
    let mut out = Vec::new();
    out.extend(12u16.to_be_bytes());
    out.extend(0u16.to_be_bytes());
    for v in [16 + 12 * groups, 0, groups] {
        out.extend(v.to_be_bytes());
    }
    for (c, g) in chars {
        let c = u32::from(*c);
        for v in [c, c, u32::from(*g)] {
            out.extend(v.to_be_bytes());
        }
    }
    out
}

fn u16_at(data: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(data.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?))
}
