//! Typst text runs as OFD `TextObject`s: the run's characters in one
//! `TextCode` (so readers extract real text), each character placed by
//! `DeltaX` where Typst placed its glyph, and a `CGTransform` wherever the
//! glyph is not the one the embedded font's `cmap` gives the character
//! (ligatures, locale forms of punctuation).

use typst::layout::{Point, Transform};
use typst::text::{Glyph, TextItem};

use super::font::Entry;
use super::units::{abs_mm, ctm, deltas, num, nums, page_mm};
use super::{Walk, paint, xml};

/// A cluster: consecutive glyphs for the same characters.
struct Cluster {
    chars: Vec<char>,
    glyphs: Vec<u16>,
    /// Where its first glyph is drawn, in mm from the run's origin
    /// (y down).
    x: f64,
    y: f64,
}

/// The run `text` drawn with transform `ts`; `None` for a run with no
/// characters.
pub fn object(text: &TextItem, ts: Transform, walk: &mut Walk) -> Option<xml::Object> {
    let entry = walk.fonts.entry(text.font.font(), &mut walk.ids);
    let clusters = clusters(text, entry);
    clusters.first()?;
    let mut code = String::new();
    let mut xs = Vec::new();
    let mut ys = Vec::new();
    let mut transforms = Vec::new();
    for cluster in &clusters {
        let position = xs.len();
        let cmap_ok = match (cluster.chars.as_slice(), cluster.glyphs.as_slice()) {
            ([c], [g]) => entry.map_char(*c, *g),
            _ => false,
        };
        if !cmap_ok {
            transforms.push(xml::CgTransform {
                position,
                code_count: cluster.chars.len(),
                glyph_count: cluster.glyphs.len(),
                glyphs: cluster
                    .glyphs
                    .iter()
                    .map(u16::to_string)
                    .collect::<Vec<_>>()
                    .join(" "),
            });
        }
        for c in &cluster.chars {
            code.push(*c);
            xs.push(cluster.x);
            ys.push(cluster.y);
        }
    }
    let font = entry.id;
    let at = place(ts, abs_mm(text.size), &xs, walk.page_box);
    let xs: Vec<f64> = xs.iter().map(|x| x * at.scale.0).collect();
    let ys: Vec<f64> = ys.iter().map(|y| y * at.scale.1).collect();
    let step = |v: &[f64]| v.windows(2).map(|w| w[1] - w[0]).collect::<Vec<_>>();
    let dx = step(&xs);
    let dy = step(&ys);
    Some(xml::Object::Text(xml::TextObject {
        id: walk.ids.next(),
        boundary: at.boundary,
        ctm: at.ctm,
        font,
        size: num(at.size),
        hscale: at.hscale.map(num),
        fill: paint::color(&text.fill),
        transforms,
        code: xml::TextCode {
            x: num(at.origin.0 + xs[0]),
            y: num(at.origin.1 + ys[0]),
            delta_x: (!dx.is_empty()).then(|| deltas(&dx)),
            delta_y: dy.iter().any(|d| d.abs() > 1e-6).then(|| deltas(&dy)),
            text: code,
        },
    }))
}

/// The run's glyphs grouped by the characters they draw, with their
/// positions; glyphs are entered in the font's subset as they come.
fn clusters(text: &TextItem, entry: &mut Entry) -> Vec<Cluster> {
    let mut out: Vec<Cluster> = Vec::new();
    let mut last_range = None;
    let mut pen = 0.0;
    for glyph in &text.glyphs {
        let new = entry.glyph(glyph.id);
        let x = pen + abs_mm(glyph.x_offset.at(text.size));
        let y = -abs_mm(glyph.y_offset.at(text.size));
        pen += abs_mm(glyph.x_advance.at(text.size));
        if last_range == Some(glyph.range.clone())
            && let Some(cluster) = out.last_mut()
        {
            cluster.glyphs.push(new);
            continue;
        }
        last_range = Some(glyph.range.clone());
        let chars = cluster_text(text, glyph);
        if chars.is_empty() {
            continue;
        }
        out.push(Cluster {
            chars,
            glyphs: vec![new],
            x,
            y,
        });
    }
    out
}

fn cluster_text(text: &TextItem, glyph: &Glyph) -> Vec<char> {
    text.text
        .get(glyph.range())
        .map(|s| s.chars().collect())
        .unwrap_or_default()
}

/// Where a run goes in its object.
struct Placement {
    boundary: String,
    ctm: Option<String>,
    /// The font size in mm and the horizontal scale (`HScale`).
    size: f64,
    hscale: Option<f64>,
    /// How run positions scale (x, y) and where the run's origin lies in
    /// the boundary's space.
    scale: (f64, f64),
    origin: (f64, f64),
}

/// A moved or stretched run (Typst stretches the red header's letters)
/// gets a tight boundary around its line, the stretch as size and
/// `HScale`; a rotated or skewed one the page as boundary and its
/// transform as `CTM`.
fn place(ts: Transform, size: f64, xs: &[f64], page: (f64, f64)) -> Placement {
    let (sx, sy) = (ts.sx.get(), ts.sy.get());
    if !is_axis_aligned(ts) {
        return Placement {
            boundary: nums(&[0.0, 0.0, page.0, page.1]),
            ctm: Some(ctm(ts)),
            size,
            hscale: None,
            scale: (1.0, 1.0),
            origin: (0.0, 0.0),
        };
    }
    let (ox, oy) = page_mm(ts, Point::zero());
    let size = size * sy;
    let left = xs.iter().copied().fold(0.0_f64, f64::min) * sx;
    let right = xs.iter().copied().fold(0.0_f64, f64::max) * sx + size * 1.5;
    let (top, bottom) = (-1.25 * size, 0.5 * size);
    let hscale = sx / sy;
    Placement {
        boundary: nums(&[ox + left, oy + top, right - left, bottom - top]),
        ctm: None,
        size,
        hscale: ((hscale - 1.0).abs() > 1e-6).then_some(hscale),
        scale: (sx, sy),
        origin: (-left, -top),
    }
}

/// Whether `ts` only moves and stretches along the axes (positive
/// scales, no rotation or skew).
fn is_axis_aligned(ts: Transform) -> bool {
    ts.kx.get().abs() < 1e-9 && ts.ky.get().abs() < 1e-9 && ts.sx.get() > 0.0 && ts.sy.get() > 0.0
}
