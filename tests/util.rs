//! Helpers every area of the tests shares: whether an external tool is
//! there (a test that needs one skips with the reason locally and fails
//! under `CI=true`, where `.ci/run` installs it) and the text of a PDF.

use std::path::Path;
use std::process::Command;

/// Whether the tests run in CI, where every external tool is required.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// Whether `tool` can be run (`tool --version` or `-v`). Missing: panics
/// in CI; elsewhere prints why the check is skipped and returns false.
pub fn require(tool: &str, package: &str) -> bool {
    let ok = ["--version", "-v"]
        .iter()
        .any(|flag| Command::new(tool).arg(flag).output().is_ok());
    if !ok {
        assert!(!in_ci(), "{package} ({tool}) is required in CI");
        eprintln!("skipping a check: {tool} is not installed ({package})");
    }
    ok
}

/// The text of a PDF by poppler's `pdftotext`, white space removed; `None`
/// when poppler is missing outside CI.
pub fn pdf_text(pdf: &Path) -> Option<String> {
    if !require("pdftotext", "poppler-utils") {
        return None;
    }
    let out = Command::new("pdftotext").arg(pdf).arg("-").output().ok()?;
    assert!(
        out.status.success(),
        "pdftotext failed on {}",
        pdf.display()
    );
    let text = String::from_utf8_lossy(&out.stdout);
    Some(text.chars().filter(|c| !c.is_whitespace()).collect())
}

/// The arguments of `kaoping community add` for an urban 第一阶段 pilot.
pub fn community_add<'a>(id: &'a str, name: &'a str, district: &'a str) -> [&'a str; 12] {
    [
        "community",
        "add",
        "--id",
        id,
        "--name",
        name,
        "--district",
        district,
        "--type",
        "城市社区",
        "--batch",
        "第一阶段",
    ]
}
