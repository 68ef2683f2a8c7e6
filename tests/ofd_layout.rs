//! The places GB/T 9704 fixes, measured on the OFD and beside the PDF of
//! the same document (`tests/ofd/layout.py`): the red separator line on
//! easyofd's render of page 1 — 订口 28 mm, the text block's 156 mm
//! width, at the height poppler finds it in the PDF — red in the OFD's
//! XML; and every page number where the PDF has it, on odd pages one
//! character in from the right of the text block, on even pages one in
//! from the left, 7 mm and more below the text block.

use serde_json::Value;

use crate::ofd::{python_has, render, script, sealed};
use crate::util::require;

/// One character of 四号 (14 pt) in millimetres.
const CHAR_MM: f64 = 14.0 * 25.4 / 72.0;

fn mm(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

#[test]
fn the_red_line_and_page_numbers_sit_where_gbt_9704_puts_them() {
    if !python_has("easyofd", "easyofd") || !python_has("fitz", "PyMuPDF") {
        return;
    }
    if !require("pdftoppm", "poppler-utils") {
        return;
    }
    let pair = render(sealed);
    let work = pair.dir.path().join("layout");
    std::fs::create_dir(&work).unwrap();
    let out = script("layout.py", &[&pair.ofd, &pair.pdf, &work]);
    let line = out.lines().rev().find(|l| l.starts_with('{')).unwrap();
    let report: Value = serde_json::from_str(line).unwrap();

    let rule = &report["rule"];
    let (ofd, pdf) = (&rule["ofd"], &rule["pdf"]);
    assert!(ofd.is_array() && pdf.is_array(), "{report}");
    assert!((mm(&ofd[1]) - 28.0).abs() <= 1.0, "订口 {report}");
    assert!((mm(&ofd[2]) - 156.0).abs() <= 1.0, "版心宽 {report}");
    assert!((mm(&ofd[0]) - mm(&pdf[0])).abs() <= 0.5, "高度 {report}");
    assert_eq!(rule["ofd_color"], "230 0 18", "{report}");

    let numbers = report["numbers"].as_array().unwrap();
    assert!(numbers.len() >= 4, "{report}");
    for n in numbers {
        let page = n["page"].as_u64().unwrap();
        assert_eq!(n["text"], format!("— {page} —"), "{n}");
        // Where the PDF has it, to a tenth of a millimetre.
        assert!((mm(&n["left"]) - mm(&n["pdf_left"])).abs() <= 0.1, "{n}");
        assert!((mm(&n["right"]) - mm(&n["pdf_right"])).abs() <= 0.1, "{n}");
        if mm(&n["baseline"]) < 250.0 {
            continue; // a landscape table page: its own frame
        }
        // 版心 ends 37 + 225 = 262 mm from the top; the number is below.
        let baseline = mm(&n["baseline"]);
        assert!((269.0..=276.0).contains(&baseline), "{n}");
        if page % 2 == 1 {
            let want = 28.0 + 156.0 - CHAR_MM;
            assert!((mm(&n["right"]) - want).abs() <= 1.0, "单页页码 {n}");
        } else {
            let want = 28.0 + CHAR_MM;
            assert!((mm(&n["left"]) - want).abs() <= 1.0, "双页页码 {n}");
        }
    }
}
