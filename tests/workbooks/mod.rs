//! Workbooks (.xlsx, .xls, .ods) beside CSV: reading what offices hand in
//! (`read`) and the workbooks kaoping writes (`write`). Fixture workbooks
//! are made in the tests by rust_xlsxwriter, by Python's openpyxl (for
//! what it writes differently: formulas without values, the 1904 date
//! system, encryption through msoffcrypto-tool) and by LibreOffice.

mod read;
mod write;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

pub use crate::cli::util::{kaoping, stderr_of_failure, stdout_of};
use crate::util::{in_ci, require};

/// An initialised archive in `d` with these communities (五华区, urban).
pub fn archive_with(d: &Path, ids: &[&str]) {
    stdout_of(kaoping(d).arg("init"));
    for id in ids {
        stdout_of(kaoping(d).args(crate::util::community_add(
            id,
            &format!("{id}社区"),
            "五华区",
        )));
    }
    // Every lower level submitted, so that the tests may import the
    // city's final sheet in each form.
    if !ids.is_empty() {
        std::fs::write(d.join("各级.csv"), csv_text(&filled_rows(d))).unwrap();
        for id in ids {
            crate::util::submit_levels(d, None, id, "各级.csv");
        }
    }
}

/// Every file under the archive with its bytes, to show nothing changed.
pub fn snapshot(d: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(d.join("archive"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().to_path_buf(), std::fs::read(e.path()).unwrap()))
        .collect()
}

/// Whether Python 3 with `module` is there (CI: required).
pub fn require_python(module: &str, package: &str) -> bool {
    let ok = Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(!in_ci(), "the Python package {package} is required in CI");
        eprintln!("skipping a check: Python package {package} is not installed");
    }
    ok
}

/// Runs a Python script in `d`, asserting success.
pub fn python(d: &Path, script: &str) {
    let out = Command::new("python3")
        .current_dir(d)
        .args(["-c", script])
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "python failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Whether LibreOffice is there (CI: required).
pub fn require_soffice() -> bool {
    require("soffice", "libreoffice-calc")
}

/// Converts `file` in `d` with LibreOffice to `to` (e.g. `xlsx`, `pdf`),
/// with an input filter when given; returns the output's path.
pub fn soffice(d: &Path, file: &str, to: &str, infilter: Option<&str>) -> PathBuf {
    let profile = d.join(".lo-profile");
    let mut cmd = Command::new("soffice");
    cmd.current_dir(d)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--norestore"]);
    if let Some(f) = infilter {
        cmd.arg(format!("--infilter={f}"));
    }
    let outdir = d.join(format!("lo-{}", to.split(':').next().unwrap_or(to)));
    let out = cmd
        .args(["--convert-to", to, "--outdir"])
        .arg(&outdir)
        .arg(file)
        .output()
        .expect("soffice runs");
    let stem = Path::new(file)
        .file_stem()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let ext = to.split(':').next().unwrap_or(to);
    let made = outdir.join(format!("{stem}.{ext}"));
    assert!(
        out.status.success() && made.exists(),
        "LibreOffice could not convert {file} to {to}:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    made
}

/// The filled assessment sheet as CSV rows (header first): every standard
/// and method 基本达标, assessed by 李四 on 2026-11-20.
pub fn filled_rows(d: &Path) -> Vec<Vec<String>> {
    let blank = d.join("blank.csv");
    let _ = std::fs::remove_file(&blank);
    let list = stdout_of(kaoping(d).args(["community", "list", "--json"]));
    let id = serde_json::from_str::<serde_json::Value>(&list).unwrap()[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    stdout_of(kaoping(d).args(["assess", "template", "--community", &id, "-o", "blank.csv"]));
    let bytes = std::fs::read(&blank).unwrap();
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap());
    r.records()
        .enumerate()
        .map(|(i, rec)| {
            let mut cells: Vec<String> = rec.unwrap().iter().map(String::from).collect();
            if i > 0 {
                cells[5] = "基本达标".into();
                cells[7] = "李四".into();
                cells[8] = "2026-11-20".into();
                // Named for no community: the tests use one sheet for many.
                cells[10].clear();
            }
            cells
        })
        .collect()
}

/// Rows as UTF-8 CSV text.
pub fn csv_text(rows: &[Vec<String>]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.write_record(r).unwrap();
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

/// Rows as a workbook the way Excel keeps them: 标准序号 a number, the
/// date a date cell, the rest text.
pub fn xlsx_of(rows: &[Vec<String>], sheet: &str) -> Vec<u8> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(sheet).unwrap();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c16) = (r as u32, c as u16);
            if r > 0 && c == 2 {
                ws.write_number(r, c16, cell.parse::<f64>().unwrap())
                    .unwrap();
            } else if r > 0 && c == 8 && !cell.is_empty() {
                let d = ExcelDateTime::parse_from_str(cell).unwrap();
                ws.write_datetime_with_format(r, c16, &d, &date).unwrap();
            } else if !cell.is_empty() {
                ws.write_string(r, c16, cell).unwrap();
            }
        }
    }
    book.save_to_buffer().unwrap()
}

/// The results of a community's latest assessment, as JSON.
pub fn results(d: &Path, id: &str) -> serde_json::Value {
    let out = stdout_of(kaoping(d).args(["assess", "show", "--community", id, "--json"]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    v["results"].clone()
}

/// The problems of a failed import: (place, message) per listed line.
pub fn problems(stderr: &str) -> Vec<(String, String)> {
    stderr
        .lines()
        .filter_map(|l| l.strip_prefix("  - "))
        .map(|l| match l.split_once('：') {
            Some((p, m)) => (p.to_string(), m.to_string()),
            None => (String::new(), l.to_string()),
        })
        .collect()
}
