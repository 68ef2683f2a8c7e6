//! Lengths and numbers as OFD writes them: Typst's points become
//! millimetres (1 pt = 25.4/72 mm), printed with at most three decimals
//! (a micrometre) and no trailing zeros, so the same layout always gives
//! the same text.

use typst::layout::{Abs, Point, Transform};

/// Millimetres in a point.
const MM_PER_PT: f64 = 25.4 / 72.0;

/// `pt` points in millimetres.
pub fn mm(pt: f64) -> f64 {
    pt * MM_PER_PT
}

/// An [`Abs`] in millimetres.
pub fn abs_mm(length: Abs) -> f64 {
    mm(length.to_pt())
}

/// A number with at most three decimals, without trailing zeros.
pub fn num(value: f64) -> String {
    let rounded = (value * 1000.0).round() / 1000.0;
    // Avoid "-0".
    let rounded = if rounded == 0.0 { 0.0 } else { rounded };
    let text = format!("{rounded:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    text.to_string()
}

/// Numbers separated by spaces.
pub fn nums(values: &[f64]) -> String {
    values.iter().map(|v| num(*v)).collect::<Vec<_>>().join(" ")
}

/// A point transformed by `ts`, in millimetres on the page.
pub fn page_mm(ts: Transform, point: Point) -> (f64, f64) {
    let p = point.transform(ts);
    (abs_mm(p.x), abs_mm(p.y))
}

/// `ts` as an OFD `CTM` ("a b c d e f"), its translation in millimetres.
pub fn ctm(ts: Transform) -> String {
    nums(&[
        ts.sx.get(),
        ts.ky.get(),
        ts.kx.get(),
        ts.sy.get(),
        abs_mm(ts.tx),
        abs_mm(ts.ty),
    ])
}

/// A list of steps in the compact form OFD allows for `DeltaX`: a run of
/// equal steps is written `g COUNT STEP`.
pub fn deltas(steps: &[f64]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < steps.len() {
        let value = num(steps[i]);
        let mut run = 1;
        while i + run < steps.len() && num(steps[i + run]) == value {
            run += 1;
        }
        if run >= 3 {
            parts.push(format!("g {run} {value}"));
        } else {
            parts.extend(std::iter::repeat_n(value, run));
        }
        i += run;
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short_and_stable() {
        assert_eq!(num(72.0 / 25.4 * 10.0 * MM_PER_PT), "10");
        assert_eq!(num(-0.0001), "0");
        assert_eq!(num(1.23456), "1.235");
        assert_eq!(mm(72.0), 25.4);
    }

    #[test]
    fn runs_of_equal_steps_are_compressed() {
        assert_eq!(deltas(&[5.5, 5.5, 5.5, 2.0, 1.0, 1.0]), "g 3 5.5 2 1 1");
        assert_eq!(deltas(&[]), "");
    }
}
