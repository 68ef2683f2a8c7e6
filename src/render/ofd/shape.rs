//! Typst shapes (rules, boxes, curves) as OFD `PathObject`s and images
//! (the seal) as `ImageObject`s. Path points are transformed to the page
//! here, so a path needs no `CTM`; its `Boundary` is the box around its
//! points and stroke, and `AbbreviatedData` is relative to that box.

use typst::layout::{Abs, Point, Size, Transform};
use typst::visualize::{CurveItem, FillRule, Geometry, Image, Shape};

use super::units::{abs_mm, nums, page_mm};
use super::{Walk, paint, xml};
use crate::render::RenderError;

/// One drawing command with its points on the page (mm).
enum Cmd {
    Move((f64, f64)),
    Line((f64, f64)),
    Cubic([(f64, f64); 3]),
    Close,
}

/// The shape drawn with transform `ts`.
pub fn path(shape: &Shape, ts: Transform, walk: &mut Walk) -> Option<xml::Object> {
    let cmds = commands(&shape.geometry, ts);
    let stroke = shape.stroke.as_ref();
    let scale = (ts.sx.get() * ts.sy.get() - ts.kx.get() * ts.ky.get())
        .abs()
        .sqrt();
    let width = stroke.map(|s| abs_mm(s.thickness) * scale);
    let points: Vec<(f64, f64)> = cmds
        .iter()
        .flat_map(|c| match c {
            Cmd::Move(p) | Cmd::Line(p) => vec![*p],
            Cmd::Cubic(ps) => ps.to_vec(),
            Cmd::Close => vec![],
        })
        .collect();
    let pad = width.unwrap_or(0.0) / 2.0;
    let min_x = points.iter().map(|p| p.0).fold(f64::INFINITY, f64::min) - pad;
    let min_y = points.iter().map(|p| p.1).fold(f64::INFINITY, f64::min) - pad;
    let max_x = points.iter().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max) + pad;
    let max_y = points.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max) + pad;
    if !min_x.is_finite() || !min_y.is_finite() {
        return None;
    }
    Some(xml::Object::Path(xml::PathObject {
        id: walk.ids.next(),
        boundary: nums(&[min_x, min_y, max_x - min_x, max_y - min_y]),
        line_width: width.map(super::units::num),
        stroke: stroke.is_some(),
        fill: shape.fill.is_some(),
        rule: (shape.fill.is_some() && shape.fill_rule == FillRule::EvenOdd).then_some("Even-Odd"),
        stroke_color: stroke.map(|s| paint::color(&s.paint)),
        fill_color: shape.fill.as_ref().map(paint::color),
        data: abbreviated(&cmds, (min_x, min_y)),
    }))
}

/// The geometry as commands with page points.
fn commands(geometry: &Geometry, ts: Transform) -> Vec<Cmd> {
    let at = |x: Abs, y: Abs| page_mm(ts, Point::new(x, y));
    match geometry {
        Geometry::Line(to) => vec![
            Cmd::Move(at(Abs::zero(), Abs::zero())),
            Cmd::Line(at(to.x, to.y)),
        ],
        Geometry::Rect(size) => vec![
            Cmd::Move(at(Abs::zero(), Abs::zero())),
            Cmd::Line(at(size.x, Abs::zero())),
            Cmd::Line(at(size.x, size.y)),
            Cmd::Line(at(Abs::zero(), size.y)),
            Cmd::Close,
        ],
        Geometry::Curve(curve) => curve
            .0
            .iter()
            .map(|item| match item {
                CurveItem::Move(p) => Cmd::Move(at(p.x, p.y)),
                CurveItem::Line(p) => Cmd::Line(at(p.x, p.y)),
                CurveItem::Cubic(a, b, c) => Cmd::Cubic([at(a.x, a.y), at(b.x, b.y), at(c.x, c.y)]),
                CurveItem::Close => Cmd::Close,
            })
            .collect(),
    }
}

/// `AbbreviatedData` relative to `origin`.
fn abbreviated(cmds: &[Cmd], origin: (f64, f64)) -> String {
    let rel = |p: &(f64, f64)| [p.0 - origin.0, p.1 - origin.1];
    cmds.iter()
        .map(|c| match c {
            Cmd::Move(p) => format!("M {}", nums(&rel(p))),
            Cmd::Line(p) => format!("L {}", nums(&rel(p))),
            Cmd::Cubic([a, b, c]) => format!("B {}", nums(&[rel(a), rel(b), rel(c)].concat())),
            Cmd::Close => "C".to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The image of `size` drawn with transform `ts`: a unit square scaled by
/// `CTM` to the image's box, as OFD draws images.
pub fn image(
    image: &Image,
    size: Size,
    ts: Transform,
    walk: &mut Walk,
) -> Result<Option<xml::Object>, RenderError> {
    let resource = walk.images.add(image, &mut walk.ids)?;
    let corners = [
        page_mm(ts, Point::zero()),
        page_mm(ts, Point::new(size.x, Abs::zero())),
        page_mm(ts, Point::new(Abs::zero(), size.y)),
    ];
    let (o, right, down) = (corners[0], corners[1], corners[2]);
    let (ax, ay) = (right.0 - o.0, right.1 - o.1);
    let (bx, by) = (down.0 - o.0, down.1 - o.1);
    let min_x = o.0.min(right.0).min(down.0).min(right.0 + bx);
    let min_y = o.1.min(right.1).min(down.1).min(right.1 + by);
    let max_x = o.0.max(right.0).max(down.0).max(right.0 + bx);
    let max_y = o.1.max(right.1).max(down.1).max(right.1 + by);
    Ok(Some(xml::Object::Image(xml::ImageObject {
        id: walk.ids.next(),
        boundary: nums(&[min_x, min_y, max_x - min_x, max_y - min_y]),
        ctm: nums(&[ax, ay, bx, by, o.0 - min_x, o.1 - min_y]),
        resource,
    })))
}
