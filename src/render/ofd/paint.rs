//! Typst paints as OFD colours: solid colours in sRGB with their alpha.
//! Gradients and tilings have no OFD counterpart here yet; they are drawn
//! in black, which no built-in template uses.

use typst::visualize::Paint;

use super::units::nums;
use super::xml;

/// The OFD colour for `paint`.
pub fn color(paint: &Paint) -> xml::Color {
    let Paint::Solid(color) = paint else {
        return xml::Color {
            value: "0 0 0".to_string(),
            alpha: None,
        };
    };
    let rgb = color.to_rgb();
    let byte = |v: f32| f64::from((v.clamp(0.0, 1.0) * 255.0).round());
    let alpha = (rgb.alpha.clamp(0.0, 1.0) * 255.0).round();
    xml::Color {
        value: nums(&[byte(rgb.red), byte(rgb.green), byte(rgb.blue)]),
        // Truncation is exact: alpha is rounded within 0..=255.
        alpha: (alpha < 255.0).then_some(alpha as u8),
    }
}
