//! The workbooks kaoping writes: templates with drop-down lists, locked
//! fixed cells, a frozen header and a 填表说明 sheet; tables with numbers
//! as numbers and text that never runs as a formula; the same bytes for
//! the same data; every one opened by LibreOffice.

use std::fs;
use std::io::Read;
use std::path::Path;

use calamine::{Data, Reader};

use super::*;

/// The XML of one entry of a workbook.
fn entry(book: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(book)).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

fn sheet(path: &Path, index: usize) -> (String, calamine::Range<Data>) {
    let mut book = calamine::open_workbook_auto(path).unwrap();
    let name = book.sheet_names()[index].clone();
    let range = book.worksheet_range(&name).unwrap();
    (name, range)
}

#[test]
fn the_sheet_template_has_lists_locks_a_frozen_header_and_a_guide() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    archive_with(d, &["A1"]);
    stdout_of(kaoping(d).args([
        "assess",
        "template",
        "--community",
        "A1",
        "-o",
        "考评表.xlsx",
    ]));
    let book = fs::read(d.join("考评表.xlsx")).unwrap();
    let xml = entry(&book, "xl/worksheets/sheet1.xml");
    assert!(xml.contains(r#"type="list""#), "no drop-down list");
    assert!(
        xml.contains("<formula1>\"达标,基本达标,未达标\"</formula1>"),
        "{xml}"
    );
    assert!(
        xml.contains("<sheetProtection") && !xml.contains("password"),
        "not protected"
    );
    assert!(xml.contains(r#"ySplit="1""#) && xml.contains(r#"state="frozen""#));
    assert!(
        xml.contains("showErrorMessage=\"1\""),
        "other input is not refused"
    );
    let styles = entry(&book, "xl/styles.xml");
    assert!(
        styles.contains(r#"locked="0""#),
        "no cell left open to fill"
    );
    assert!(styles.contains("yyyy-mm-dd"));
    let (name, range) = sheet(&d.join("考评表.xlsx"), 0);
    assert_eq!(name, "考评表");
    assert_eq!(range.get((0, 5)), Some(&Data::String("结论".into())));
    assert_eq!(
        range.get((1, 2)),
        Some(&Data::Float(1.0)),
        "标准序号 is a number"
    );
    assert_eq!(range.height(), 59, "header + 58 standard×method rows");
    let (guide, g) = sheet(&d.join("考评表.xlsx"), 1);
    assert_eq!(guide, "填表说明");
    assert!(g.rows().any(|r| r[0] == Data::String("结论".into())));
    // CSV when -o says so; anything else is refused with both choices.
    stdout_of(kaoping(d).args(["assess", "template", "--community", "A1", "-o", "t.csv"]));
    assert!(
        fs::read(d.join("t.csv"))
            .unwrap()
            .starts_with(b"\xEF\xBB\xBF")
    );
    let err = stderr_of_failure(
        kaoping(d).args(["assess", "template", "--community", "A1", "-o", "t.xls"]),
        1,
    );
    assert!(err.contains(".xlsx") && err.contains(".csv"), "{err}");
}

#[test]
fn the_community_template_lists_the_districts_and_imports_back() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    archive_with(d, &[]);
    stdout_of(kaoping(d).args(["community", "template", "-o", "社区名单.xlsx"]));
    let book = fs::read(d.join("社区名单.xlsx")).unwrap();
    let xml = entry(&book, "xl/worksheets/sheet1.xml");
    assert!(
        xml.contains("五华区") && xml.contains("阳宗海风景区"),
        "{xml}"
    );
    assert!(xml.contains("第一阶段,第二阶段,第三阶段"));
    // The 编号 cells are text, so 001 stays 001.
    let styles = entry(&book, "xl/styles.xml");
    assert!(styles.contains(r#"formatCode="@""#), "{styles}");
    if !require_python("openpyxl", "openpyxl") {
        return;
    }
    python(
        d,
        r#"
import openpyxl
wb = openpyxl.load_workbook("社区名单.xlsx")
ws = wb["社区名单"]
ws.append(["001", "翠湖社区", "五华区", "城市社区", "第一阶段"])
for c, v in enumerate(["002", "金牛社区", "盘龙区", "“村改居”社区", "第二阶段"], 1):
    ws.cell(3, c).value = v
wb.save("填好.xlsx")
"#,
    );
    stdout_of(kaoping(d).args(["community", "import", "填好.xlsx"]));
    let list = stdout_of(kaoping(d).args(["community", "list", "--json"]));
    assert!(
        list.contains("\"001\"") && list.contains("\"002\""),
        "{list}"
    );
}

#[test]
fn tables_keep_numbers_as_numbers_text_as_text_and_formulas_inert() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    archive_with(d, &["A1"]);
    let ev = d.join("材料/Ⅱ-1 党组织领导核心作用/标准1");
    fs::create_dir_all(&ev).unwrap();
    fs::write(ev.join("=HYPERLINK(\"http:x\").txt"), "公式样的文件名").unwrap();
    fs::write(ev.join("会议记录.txt"), "十二月会议").unwrap();
    stdout_of(kaoping(d).args(["ingest", "材料", "--community", "A1"]));
    stdout_of(kaoping(d).args(["show", "--community", "A1", "--xlsx", "清单.xlsx"]));
    let book = fs::read(d.join("清单.xlsx")).unwrap();
    assert!(
        !entry(&book, "xl/worksheets/sheet1.xml").contains("<f>"),
        "a formula was written"
    );
    let (_, r) = sheet(&d.join("清单.xlsx"), 0);
    let row = r
        .rows()
        .find(|row| row[2].to_string().starts_with("=HYPERLINK"))
        .expect("the file is listed");
    assert!(
        matches!(row[5], Data::Float(_) | Data::Int(_)),
        "字节数 is a number: {:?}",
        row[5]
    );
    assert!(
        matches!(row[6], Data::String(ref s) if s.len() == 64),
        "SHA-256 is text"
    );
    assert!(matches!(row[1], Data::Float(_)), "标准 is a number");
    // The CSV path keeps its apostrophe.
    let csv = stdout_of(kaoping(d).args(["show", "--community", "A1", "--csv"]));
    assert!(csv.contains("'=HYPERLINK"), "{csv}");
}

#[test]
fn the_same_data_gives_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    archive_with(d, &["A1", "A2"]);
    for n in ["1", "2"] {
        stdout_of(kaoping(d).args([
            "assess",
            "template",
            "--community",
            "A1",
            "-o",
            &format!("t{n}.xlsx"),
        ]));
        stdout_of(kaoping(d).args(["community", "list", "--xlsx", &format!("c{n}.xlsx")]));
        stdout_of(kaoping(d).args(["progress", "--xlsx", &format!("p{n}.xlsx")]));
        std::thread::sleep(std::time::Duration::from_millis(1100));
    }
    for f in ["t", "c", "p"] {
        let a = fs::read(d.join(format!("{f}1.xlsx"))).unwrap();
        let b = fs::read(d.join(format!("{f}2.xlsx"))).unwrap();
        assert!(a == b, "{f}: two runs differ");
    }
    // Redirected stdout gets the same workbook.
    let out = kaoping(d)
        .args(["community", "list", "--xlsx"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(out.stdout, fs::read(d.join("c1.xlsx")).unwrap());
}

#[test]
fn libreoffice_opens_every_workbook_kaoping_writes() {
    if !require_soffice() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    stdout_of(kaoping(d).args(["demo", "示例"]));
    let a = d.join("示例");
    let k = |args: &[&str]| {
        stdout_of(kaoping(&a).args(args));
    };
    let list = stdout_of(kaoping(&a).args(["community", "list", "--json"]));
    let v: serde_json::Value = serde_json::from_str(&list).unwrap();
    let id = v[0]["id"].as_str().unwrap().to_string();
    k(&[
        "assess",
        "template",
        "--community",
        &id,
        "-o",
        "考评表.xlsx",
    ]);
    k(&["community", "template", "-o", "社区名单模板.xlsx"]);
    k(&["community", "list", "--xlsx", "社区名单.xlsx"]);
    k(&["show", "--community", &id, "--xlsx", "文件清单.xlsx"]);
    k(&["coverage", "--community", &id, "--xlsx", "材料覆盖.xlsx"]);
    k(&["progress", "--xlsx", "进度汇总表.xlsx"]);
    k(&["register", "--xlsx", "登记簿.xlsx"]);
    for f in [
        "考评表",
        "社区名单模板",
        "社区名单",
        "文件清单",
        "材料覆盖",
        "进度汇总表",
        "登记簿",
    ] {
        let pdf = soffice(&a, &format!("{f}.xlsx"), "pdf", None);
        assert!(fs::metadata(&pdf).unwrap().len() > 1000, "{f}: empty PDF");
    }
    // The register lists the demo's documents, numbers as numbers.
    let (_, r) = sheet(&a.join("登记簿.xlsx"), 0);
    assert!(r.height() > 2, "the demo issued documents");
    assert!(
        matches!(r.get((1, 8)), Some(Data::Float(_))),
        "字节数: {:?}",
        r.get((1, 8))
    );
    assert!(
        matches!(r.get((1, 5)), Some(Data::DateTime(_))),
        "成文日期: {:?}",
        r.get((1, 5))
    );
}

#[test]
fn the_output_file_names_the_format() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    archive_with(d, &["A1", "A2"]);
    stdout_of(kaoping(d).args(["community", "list", "-o", "名单.xlsx"]));
    stdout_of(kaoping(d).args(["community", "list", "-o", "名单.csv"]));
    stdout_of(kaoping(d).args(["community", "list", "--xlsx", "-o", "另一份.xlsx"]));
    let (_, r) = sheet(&d.join("名单.xlsx"), 0);
    assert_eq!(r.height(), 3);
    assert_eq!(
        fs::read(d.join("名单.xlsx")).unwrap(),
        fs::read(d.join("另一份.xlsx")).unwrap()
    );
    let csv = fs::read_to_string(d.join("名单.csv")).unwrap();
    assert!(
        csv.starts_with("\u{feff}编号,名称,所属区县,类型,批次") && csv.contains("A2"),
        "{csv}"
    );
    let err = stderr_of_failure(kaoping(d).args(["register", "-o", "登记簿.txt"]), 1);
    assert!(err.contains(".xlsx") && err.contains(".csv"), "{err}");
    assert!(!d.join("登记簿.txt").exists());
    fs::create_dir(d.join("公文")).unwrap();
    stdout_of(kaoping(d).args(["progress", "--xlsx", "-o", "公文"]));
    let (_, p) = sheet(&d.join("公文/进度汇总表.xlsx"), 0);
    assert_eq!(p.height(), 20, "header, 18 districts and 总计");
}
