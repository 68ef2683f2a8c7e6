//! Walks a laid-out Typst page (its `Frame` tree, what `typst-pdf` reads
//! too) and turns each item into an OFD graphic unit in painting order:
//! text runs, shapes and images. Links and introspection tags draw
//! nothing. Group clips are not carried over (no built-in template clips
//! visible content).

use typst::layout::{Frame, FrameItem, Transform};

use super::units::{abs_mm, nums};
use super::{Walk, shape, text, xml};
use crate::render::RenderError;

/// The `Content.xml` of a page of size `frame.size()`.
pub fn content(frame: &Frame, walk: &mut Walk) -> Result<xml::Page, RenderError> {
    let size = frame.size();
    walk.page_box = (abs_mm(size.x), abs_mm(size.y));
    let layer = walk.ids.next();
    let mut objects = Vec::new();
    visit(frame, Transform::identity(), walk, &mut objects)?;
    Ok(xml::Page {
        ns: xml::NS,
        area: page_area(walk.page_box),
        content: xml::Content {
            layer: xml::Layer { id: layer, objects },
        },
    })
}

/// The `Area` of a page `(width, height)` in mm.
pub fn page_area(size: (f64, f64)) -> xml::Area {
    xml::Area {
        physical_box: nums(&[0.0, 0.0, size.0, size.1]),
    }
}

fn visit(
    frame: &Frame,
    ts: Transform,
    walk: &mut Walk,
    out: &mut Vec<xml::Object>,
) -> Result<(), RenderError> {
    for (pos, item) in frame.items() {
        let here = ts.pre_concat(Transform::translate(pos.x, pos.y));
        let object = match item {
            FrameItem::Group(group) => {
                visit(&group.frame, here.pre_concat(group.transform), walk, out)?;
                None
            }
            FrameItem::Text(run) => text::object(run, here, walk),
            FrameItem::Shape(form, _) => shape::path(form, here, walk),
            FrameItem::Image(image, size, _) => shape::image(image, *size, here, walk)?,
            FrameItem::Link(..) | FrameItem::Tag(_) => None,
        };
        out.extend(object);
    }
    Ok(())
}
