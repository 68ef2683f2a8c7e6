//! OFD output (GB/T 33190-2016, issue 30), checked by readers that are not
//! ours: ofdkit extracts the text, easyofd renders the pages (compared
//! with poppler's render of the PDF of the same layout), fontTools opens
//! the embedded fonts, and xmllint validates every XML part against the
//! standard's schemas (`tests/data/ofd-xsd`). Every document is made by
//! the real `kaoping render … --format both`.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::cli::util::stdout_of;
use crate::util::{in_ci, kaoping, require, tool_stdout};

const FIXTURE: &str = include_str!("data/tongzhi-54.json");

/// The PDF and OFD of one draft, in their own folder.
pub(crate) struct Pair {
    pub dir: tempfile::TempDir,
    pub pdf: PathBuf,
    pub ofd: PathBuf,
}

/// Renders the 54号 通知 (with `data` changed by `edit`) as PDF and OFD.
pub(crate) fn render(edit: impl FnOnce(&mut Value)) -> Pair {
    let dir = tempfile::tempdir().unwrap();
    let mut data: Value = serde_json::from_str(FIXTURE).unwrap();
    edit(&mut data);
    let json = dir.path().join("data.json");
    std::fs::write(&json, serde_json::to_string(&data).unwrap()).unwrap();
    kaoping(dir.path())
        .args(["render", "tongzhi", "--draft", "--format", "both", "--data"])
        .arg(&json)
        .args(["-o", "54.pdf"])
        .assert()
        .success();
    let (pdf, ofd) = (dir.path().join("54.pdf"), dir.path().join("54.ofd"));
    assert!(pdf.is_file() && ofd.is_file());
    Pair { dir, pdf, ofd }
}

/// The fixture with the demo's seal over each issuing organ.
pub(crate) fn sealed(data: &mut Value) {
    let png = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/demo-seal.png"));
    let seal = serde_json::json!({ "format": "png", "data": png.unwrap() });
    let organs = data["issuers"].as_array().map_or(1, Vec::len);
    data["seals"] = Value::Array(vec![seal; organs]);
}

/// Whether Python has `module` (from PyPI `package`); skips outside CI.
pub(crate) fn python_has(module: &str, package: &str) -> bool {
    if !require("python3", "python3") {
        return false;
    }
    let ok = Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(!in_ci(), "{package} (Python) is required in CI");
        eprintln!("skipping a check: Python {package} is not installed");
    }
    ok
}

/// Runs a Python script of `tests/ofd/` and returns its standard output.
pub(crate) fn script(name: &str, args: &[&Path]) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/ofd")
        .join(name);
    tool_stdout(Command::new("python3").arg(path).args(args))
}

/// Unpacks `ofd` into `into`; the entry names in package order.
pub(crate) fn unpack(ofd: &Path, into: &Path) -> Vec<String> {
    let file = std::fs::File::open(ofd).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let names: Vec<String> = (0..zip.len())
        .map(|i| zip.by_index(i).unwrap().name().unwrap().to_string())
        .collect();
    zip.extract(into).unwrap();
    names
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Asserts that `needles` occur in `hay` in this order.
fn assert_in_order(hay: &str, needles: &[String]) {
    let mut from = 0;
    for n in needles {
        let n = squeeze(n);
        match hay[from..].find(&n) {
            Some(i) => from += i + n.len(),
            None => panic!("“{n}” not found (in order) in:\n{hay}"),
        }
    }
}

#[test]
fn ofdkit_reads_the_text_in_reading_order() {
    if !python_has("ofdkit", "ofdkit") {
        return;
    }
    let pair = render(|_| {});
    let text = tool_stdout(
        Command::new("python3")
            .args(["-m", "ofdkit", "text"])
            .arg(&pair.ofd),
    );
    let text = squeeze(&text);
    let data: Value = serde_json::from_str(FIXTURE).unwrap();
    let field = |k: &str| data[k].as_str().unwrap().to_string();
    let mut needles = vec![field("number"), field("title"), field("recipients")];
    needles.extend(
        data["body"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap().to_string()),
    );
    needles.extend(["2018年9月18日".to_string(), field("note")]);
    needles.push(data["enclosure"]["title"].as_str().unwrap().to_string());
    needles.extend([
        format!("抄送：{}", field("cc")),
        field("printer"),
        "印发".to_string(),
    ]);
    assert_in_order(&text, &needles);
    // The page numbers as GB/T 9704 prints them, every page but blank ones.
    assert!(text.contains("—1—") && text.contains("—8—"), "{text}");
}

#[test]
fn every_part_validates_against_the_gbt_33190_schemas() {
    if !require("xmllint", "libxml2-utils") {
        return;
    }
    let pair = render(sealed);
    let root = pair.dir.path().join("unpacked");
    let names = unpack(&pair.ofd, &root);
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "entries in name order");
    let xsd = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/ofd-xsd");
    let schema = |name: &str| match name {
        "OFD.xml" => "OFD.xsd",
        "Doc_0/Document.xml" => "Document.xsd",
        n if n.ends_with("Res.xml") => "Res.xsd",
        n if n.ends_with("/Content.xml") => "Page.xsd",
        n => panic!("unexpected XML part {n}"),
    };
    let xml: Vec<&String> = names.iter().filter(|n| n.ends_with(".xml")).collect();
    assert!(xml.len() >= 6, "{names:?}");
    for name in xml {
        tool_stdout(
            Command::new("xmllint")
                .args(["--noout", "--schema"])
                .arg(xsd.join(schema(name)))
                .arg(root.join(name)),
        );
    }
    assert!(
        names
            .iter()
            .any(|n| n.starts_with("Doc_0/Res/image_") && n.ends_with(".png"))
    );
    assert!(names.iter().any(|n| n.starts_with("Doc_0/Res/font_")));
}

#[test]
fn the_same_document_gives_the_same_ofd() {
    let a = render(|_| {});
    let b = render(|_| {});
    assert_eq!(
        std::fs::read(&a.ofd).unwrap(),
        std::fs::read(&b.ofd).unwrap()
    );
    let c = render(|d| d["title"] = Value::from("关于另一件事的通知"));
    assert_ne!(
        std::fs::read(&a.ofd).unwrap(),
        std::fs::read(&c.ofd).unwrap()
    );
}

#[test]
fn fonts_are_subset_and_map_every_character() {
    if !python_has("fontTools", "fonttools") {
        return;
    }
    let pair = render(|_| {});
    let root = pair.dir.path().join("unpacked");
    let names = unpack(&pair.ofd, &root);
    let report = script("fonts.py", &[&root]);
    let checked: usize = report
        .trim()
        .strip_prefix("ok ")
        .unwrap_or_else(|| panic!("{report}"))
        .parse()
        .unwrap();
    assert!(checked > 1000, "{report}");
    // Subsets, not whole fonts: the shipped fonts are 5 to 16 MB each.
    for font in names.iter().filter(|n| n.starts_with("Doc_0/Res/font_")) {
        let size = std::fs::metadata(root.join(font)).unwrap().len();
        assert!(size < 1_000_000, "{font}: {size} bytes");
    }
}

/// easyofd's render of each page against poppler's render of the PDF at
/// 100 dpi. easyofd draws text only in a system 宋体 and ignores embedded
/// fonts (on a machine without that font it draws none), so the pages are
/// compared without text (see `tests/ofd/compare.py`); ofdkit checks the
/// text. Threshold: at most 2 % of either render's ink more than 2 px
/// (0.5 mm) from the other's. Two renderers anti-alias and round edges
/// differently by about a pixel; moving the seal by 1 mm already leaves
/// 8.6 % of the page's ink unmatched, so 2 % catches a misplaced rule or
/// seal while tolerating rasterisation.
#[test]
fn easyofd_renders_the_pages_as_the_pdf_shows_them() {
    if !python_has("easyofd", "easyofd") || !python_has("fitz", "PyMuPDF") {
        return;
    }
    if !require("pdftoppm", "poppler-utils") {
        return;
    }
    let pair = render(sealed);
    let work = pair.dir.path().join("compare");
    std::fs::create_dir(&work).unwrap();
    let report = script("compare.py", &[&pair.ofd, &pair.pdf, &work]);
    let pages: Vec<Value> = report
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let expected = pdf_pages(&pair.pdf);
    assert_eq!(pages.len(), expected, "{report}");
    let mut ink = 0;
    for page in &pages {
        assert_eq!(page["size"], page["pdf_size"], "{page}");
        assert!(page["missing"].as_f64().unwrap() <= 0.02, "{page}");
        assert!(page["extra"].as_f64().unwrap() <= 0.02, "{page}");
        ink += page["ink"].as_u64().unwrap();
    }
    // Rules, the seal and the tables' lines were compared, not blank pages.
    assert!(ink > 20_000, "{report}");
}

/// The page count poppler reads from `pdf`.
fn pdf_pages(pdf: &Path) -> usize {
    let out = Command::new("pdfinfo").arg(pdf).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap()
}

#[test]
fn a_registered_document_cannot_be_ofd_alone() {
    let archive = crate::util::TestArchive::new();
    let data = registered_data(&archive);
    let out = archive
        .cmd()
        .args(["render", "tongzhi", "--format", "ofd", "--data"])
        .arg(&data)
        .args(["-o", "54.ofd"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--format both"));
    assert!(!archive.path("54.ofd").exists());
}

/// `data` for a registered 通知 of the archive's default organ: the
/// fixture without its number and issuers, dated within the archive's
/// past.
pub(crate) fn registered_data(archive: &crate::util::TestArchive) -> PathBuf {
    let mut data: Value = serde_json::from_str(FIXTURE).unwrap();
    let map = data.as_object_mut().unwrap();
    map.remove("number");
    map.remove("issuers");
    map.insert("date".into(), Value::from("2026-11-20"));
    let path = archive.path("data.json");
    std::fs::write(&path, serde_json::to_string(&data).unwrap()).unwrap();
    path
}

/// Issues the 54号 通知 (registered, signed) as `NAME.pdf` and `NAME.ofd`
/// in the archive's folder.
pub(crate) fn issue_both(archive: &crate::util::TestArchive, name: &str) {
    let data = registered_data(archive);
    stdout_of(
        archive
            .cmd()
            .args(["render", "tongzhi", "--format", "both", "--data"])
            .arg(&data)
            .args(["-o", &format!("{name}.pdf")]),
    );
}

/// `ofd` with one byte of page 1's `Content.xml` changed (a digit of the
/// first `Boundary`, so the XML stays well-formed), packed again.
pub(crate) fn tamper(ofd: &Path, out: &Path) {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(ofd).unwrap()).unwrap();
    let mut writer = zip::ZipWriter::new(std::fs::File::create(out).unwrap());
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut bytes).unwrap();
        if name == "Doc_0/Pages/Page_0/Content.xml" {
            let at = bytes.windows(10).position(|w| w == b"Boundary=\"").unwrap() + 10;
            bytes[at] = if bytes[at] == b'1' { b'2' } else { b'1' };
        }
        writer
            .start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut writer, &bytes).unwrap();
    }
    writer.finish().unwrap();
}

#[test]
fn a_registered_ofd_verifies_and_a_tampered_one_does_not() {
    let archive = crate::util::TestArchive::new();
    issue_both(&archive, "通知");
    let (pdf, ofd) = (archive.path("通知.pdf"), archive.path("通知.ofd"));
    assert!(pdf.is_file() && ofd.is_file());
    // One number, two files: the register names both.
    for file in [&pdf, &ofd] {
        let text = stdout_of(archive.cmd().arg("verify-doc").arg(file));
        assert!(text.contains("〔2026〕1号"), "{text}");
    }
    let bad = archive.path("改过.ofd");
    tamper(&ofd, &bad);
    assert_ne!(std::fs::read(&ofd).unwrap(), std::fs::read(&bad).unwrap());
    let out = archive.cmd().arg("verify-doc").arg(&bad).output().unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("不是本档案库登记过的公文"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn the_formats_setting_makes_issuing_write_both() {
    let archive = crate::util::TestArchive::new();
    let config = archive.archive().join("kaoping.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    let text = text.replacen(
        "[documents]\n",
        "[documents]\nformats = [\"pdf\", \"ofd\"]\n",
        1,
    );
    std::fs::write(&config, text).unwrap();
    let data = registered_data(&archive);
    archive
        .cmd()
        .args(["render", "tongzhi", "--data"])
        .arg(&data)
        .args(["-o", "通知.pdf"])
        .assert()
        .success();
    assert!(archive.path("通知.pdf").is_file());
    assert!(archive.path("通知.ofd").is_file());
    // The archive keeps the OFD: a full verify finds every object intact.
    archive.cmd().arg("verify").assert().success();
    // A batch command writes each document's OFD beside its PDF.
    archive
        .cmd()
        .args([
            "progress",
            "--phase",
            "1",
            "--date",
            "2026-11-28",
            "-o",
            "表",
        ])
        .assert()
        .success();
    let pdf = std::fs::read(archive.path("表/进度汇总表.pdf")).unwrap();
    let ofd = std::fs::read(archive.path("表/进度汇总表.ofd")).unwrap();
    assert!(pdf.starts_with(b"%PDF") && ofd.starts_with(b"PK\x03\x04"));
    // An OFD-only setting is refused: registered documents are signed PDFs.
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, text.replace("[\"pdf\", \"ofd\"]", "[\"ofd\"]")).unwrap();
    let out = archive
        .cmd()
        .args(["render", "tongzhi", "--data"])
        .arg(&data)
        .args(["-o", "二.pdf"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("formats"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
