//! Reading tables that offices hand in: the same table as CSV, GBK CSV and
//! workbook gives the same results and the same messages; what Excel
//! changes is refused with the sheet and cell; unreadable files import
//! nothing.

use std::fs;
use std::path::Path;

use super::*;

fn import_fails(d: &Path, file: &str, id: &str) -> String {
    stderr_of_failure(
        kaoping(d).args(["assess", "import", file, "--community", id]),
        1,
    )
}

#[test]
fn one_table_as_csv_gbk_csv_and_xlsx_gives_the_same_results_and_messages() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    archive_with(d, &["A1", "A2", "A3"]);
    let rows = filled_rows(d);
    let text = csv_text(&rows);
    fs::write(d.join("表.csv"), &text).unwrap();
    fs::write(d.join("表-gbk.csv"), encoding_rs::GBK.encode(&text).0).unwrap();
    fs::write(d.join("表.xlsx"), xlsx_of(&rows, "考评表")).unwrap();
    for (file, id) in [("表.csv", "A1"), ("表-gbk.csv", "A2"), ("表.xlsx", "A3")] {
        stdout_of(kaoping(d).args(["assess", "import", file, "--community", id]));
    }
    let csv = results(d, "A1");
    assert_eq!(csv.as_array().unwrap().len(), rows.len() - 1);
    assert_eq!(csv, results(d, "A2"));
    assert_eq!(csv, results(d, "A3"));
    assert_eq!(csv[0]["date"], "2026-11-20");

    // The same mistakes in each form: the same messages, each form naming
    // its own place (CSV line 5 is workbook row 5).
    let mut bad = rows.clone();
    bad[4][5] = "不合格".into();
    bad[6][6] = "很好".into();
    bad[8][8] = "2026-02-30".into();
    let text = csv_text(&bad);
    fs::write(d.join("错.csv"), &text).unwrap();
    fs::write(d.join("错-gbk.csv"), encoding_rs::GBK.encode(&text).0).unwrap();
    bad[8][8] = String::new();
    let mut book = xlsx_of(&bad, "考评表");
    fs::write(d.join("错.xlsx"), &book).unwrap();
    let before = snapshot(d);
    let csv = problems(&import_fails(d, "错.csv", "A1"));
    let gbk = problems(&import_fails(d, "错-gbk.csv", "A1"));
    assert_eq!(csv, gbk);
    assert_eq!(csv.len(), 3, "{csv:?}");
    assert_eq!(csv[0].0, "第 5 行");
    // The workbook: the date cell holds text an Excel user could type.
    bad[8][8] = "2026-02-30".into();
    book = {
        use rust_xlsxwriter::Workbook;
        let mut b = Workbook::new();
        let ws = b.add_worksheet();
        ws.set_name("考评表").unwrap();
        for (r, row) in bad.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                ws.write_string(r as u32, c as u16, cell).unwrap();
            }
        }
        b.save_to_buffer().unwrap()
    };
    fs::write(d.join("错.xlsx"), &book).unwrap();
    let xlsx = problems(&import_fails(d, "错.xlsx", "A1"));
    let messages = |p: &[(String, String)]| p.iter().map(|(_, m)| m.clone()).collect::<Vec<_>>();
    assert_eq!(messages(&csv), messages(&xlsx));
    assert_eq!(xlsx[0].0, "错.xlsx 的“考评表”工作表 F5 单元格");
    assert_eq!(xlsx[1].0, "错.xlsx 的“考评表”工作表 G7 单元格");
    assert_eq!(xlsx[2].0, "错.xlsx 的“考评表”工作表 I9 单元格");
    assert_eq!(snapshot(d), before, "a refused sheet changed the archive");
}

#[test]
fn title_rows_loose_headers_extra_columns_and_hidden_rows_are_read() {
    use rust_xlsxwriter::{Format, Workbook};
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    archive_with(d, &[]);
    let mut b = Workbook::new();
    let ws = b.add_worksheet();
    ws.merge_range(
        0,
        0,
        0,
        6,
        "2019年第一批试点社区名单",
        &Format::new().set_bold(),
    )
    .unwrap();
    let header = [
        "序号",
        " 名称 （必填）",
        "编号",
        "所属区县(必填)",
        "批次*",
        "类型",
        "联系人",
    ];
    for (c, h) in header.iter().enumerate() {
        ws.write_string(2, c as u16, *h).unwrap();
    }
    let rows = [
        [
            "1",
            "翠湖社区",
            "WH-001",
            "五华区",
            "第一阶段",
            "城市社区",
            "  ",
        ],
        [
            "2",
            "金牛社区",
            "WH-002",
            " 五华区 ",
            "1",
            "“村改居”社区",
            "张三",
        ],
        ["3", "大观社区", "WH-003", "五华区", "第一阶段", "城市", ""],
    ];
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 3;
        ws.write_number(r, 0, (r - 2) as f64).unwrap();
        for (c, cell) in row.iter().enumerate().skip(1) {
            ws.write_string(r, c as u16, *cell).unwrap();
        }
    }
    ws.set_row_hidden(5).unwrap();
    // Trailing rows that only look used: formatted, or spaces.
    for r in 6..20 {
        ws.write_string(r, 1, "   ").unwrap();
    }
    fs::write(d.join("名单.xlsx"), b.save_to_buffer().unwrap()).unwrap();
    let out = kaoping(d)
        .args(["community", "import", "名单.xlsx"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("导入 3 个社区"));
    assert!(
        stderr.contains("序号") && stderr.contains("联系人"),
        "{stderr}"
    );
    let list = stdout_of(kaoping(d).args(["community", "list", "--json"]));
    let v: serde_json::Value = serde_json::from_str(&list).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 3);
    assert_eq!(v[1]["type"], "“村改居”社区");
    assert_eq!(v[2]["id"], "WH-003");
}

#[test]
fn ids_excel_changed_are_refused_with_their_cell() {
    use rust_xlsxwriter::Workbook;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    archive_with(d, &[]);
    let mut b = Workbook::new();
    let ws = b.add_worksheet();
    for (c, h) in ["编号", "名称", "所属区县", "类型", "批次"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let names = ["翠湖社区", "金牛社区", "大观社区"];
    for (r, name) in names.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in [*name, "五华区", "城市社区", "第一阶段"].iter().enumerate() {
            ws.write_string(r, c as u16 + 1, *cell).unwrap();
        }
    }
    ws.write_string(1, 0, "WH-001").unwrap();
    ws.write_number(2, 0, 1.0).unwrap();
    ws.write_string(3, 0, "5.30102E+11").unwrap();
    ws.set_name("名单").unwrap();
    fs::write(d.join("名单.xlsx"), b.save_to_buffer().unwrap()).unwrap();
    let before = snapshot(d);
    let err = stderr_of_failure(kaoping(d).args(["community", "import", "名单.xlsx"]), 1);
    let p = problems(&err);
    assert_eq!(p.len(), 2, "{err}");
    assert_eq!(p[0].0, "名单.xlsx 的“名单”工作表 A3 单元格");
    assert!(p[0].1.contains("数字") && p[0].1.contains("文本"), "{err}");
    assert_eq!(p[1].0, "名单.xlsx 的“名单”工作表 A4 单元格");
    assert!(p[1].1.contains("科学计数法"), "{err}");
    assert_eq!(snapshot(d), before, "nothing may be registered");
}

#[test]
fn dates_in_both_systems_and_as_typed_text_are_read() {
    if !require_python("openpyxl", "openpyxl") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    archive_with(d, &["A1", "A2"]);
    stdout_of(kaoping(d).args(["assess", "template", "--community", "A1", "-o", "t.xlsx"]));
    stdout_of(kaoping(d).args(["assess", "template", "--community", "A2", "-o", "t2.xlsx"]));
    // Rows 2–5 get the four forms; the rest a date cell.
    let script = r#"
import datetime, openpyxl, sys
from openpyxl.utils.datetime import CALENDAR_MAC_1904
for name, epoch, blank in (("1900.xlsx", None, "t.xlsx"), ("1904.xlsx", CALENDAR_MAC_1904, "t2.xlsx")):
    wb = openpyxl.load_workbook(blank)
    if epoch:
        wb.epoch = epoch
    ws = wb["考评表"]
    for r in range(2, ws.max_row + 1):
        ws.cell(r, 6).value = "达标" if ws.cell(r, 5).value != "材料审核" else "未达标"
        ws.cell(r, 9).value = datetime.date(2019, 11, 20)
        ws.cell(r, 9).number_format = "yyyy-mm-dd"
    ws.cell(3, 9).value = "2019/11/21"
    ws.cell(4, 9).value = "2019年11月22日"
    ws.cell(5, 9).value = "2019.11.23"
    wb.save(name)
"#;
    python(d, script);
    for (file, id) in [("1900.xlsx", "A1"), ("1904.xlsx", "A2")] {
        stdout_of(kaoping(d).args(["assess", "import", file, "--community", id]));
        let r = results(d, id);
        let dates: Vec<&str> = r
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["date"].as_str().unwrap())
            .collect();
        assert_eq!(
            &dates[..4],
            ["2019-11-20", "2019-11-21", "2019-11-22", "2019-11-23"],
            "{file}"
        );
        assert!(
            dates[4..].iter().all(|x| *x == "2019-11-20"),
            "{file}: {dates:?}"
        );
    }
}

#[test]
fn formulas_give_their_saved_value_or_are_named_when_never_calculated() {
    use rust_xlsxwriter::{Formula, Workbook};
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    archive_with(d, &["A1"]);
    let rows = filled_rows(d);
    let mut b = Workbook::new();
    let ws = b.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if r > 0 && c == 5 {
                let f = Formula::new("=\"基本\"&\"达标\"").set_result("基本达标");
                ws.write_formula(r as u32, c as u16, f).unwrap();
            } else {
                ws.write_string(r as u32, c as u16, cell).unwrap();
            }
        }
    }
    ws.write_string(0, 10, "审核意见").unwrap();
    fs::write(d.join("公式.xlsx"), b.save_to_buffer().unwrap()).unwrap();
    let out = kaoping(d)
        .args(["assess", "import", "公式.xlsx", "--community", "A1"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("已忽略：审核意见"), "{stderr}");
    assert_eq!(results(d, "A1")[0]["verdict"], "基本达标");
    if !require_python("openpyxl", "openpyxl") {
        return;
    }
    // openpyxl saves formulas without a calculated value.
    python(
        d,
        r#"
import openpyxl
wb = openpyxl.load_workbook("公式.xlsx")
ws = wb.active
# openpyxl keeps no saved formula results: give the other cells values.
for r in range(2, ws.max_row + 1):
    ws.cell(r, 6).value = "基本达标"
ws["F4"] = '="达"&"标"'
wb.save("未计算.xlsx")
"#,
    );
    let before = snapshot(d);
    let err = import_fails(d, "未计算.xlsx", "A1");
    let p = problems(&err);
    assert_eq!(p.len(), 1, "{err}");
    assert!(p[0].0.ends_with("F4 单元格"), "{err}");
    assert!(p[0].1.contains("公式") && p[0].1.contains("计算"), "{err}");
    assert_eq!(snapshot(d), before);
}

#[test]
fn two_sheets_with_the_header_are_both_named() {
    use rust_xlsxwriter::Workbook;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    archive_with(d, &[]);
    let mut b = Workbook::new();
    for name in ["五华区", "盘龙区", "说明"] {
        let ws = b.add_worksheet();
        ws.set_name(name).unwrap();
        if name != "说明" {
            for (c, h) in ["编号", "名称", "所属区县", "类型", "批次"]
                .iter()
                .enumerate()
            {
                ws.write_string(0, c as u16, *h).unwrap();
            }
        } else {
            ws.write_string(0, 0, "填写说明").unwrap();
        }
    }
    fs::write(d.join("名单.xlsx"), b.save_to_buffer().unwrap()).unwrap();
    let before = snapshot(d);
    let err = stderr_of_failure(kaoping(d).args(["community", "import", "名单.xlsx"]), 1);
    assert!(
        err.contains("五华区、盘龙区") && err.contains("2 个工作表"),
        "{err}"
    );
    assert_eq!(snapshot(d), before);
}

#[test]
fn unreadable_workbooks_import_nothing_and_say_why() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    archive_with(d, &["A1"]);
    let rows = filled_rows(d);
    let good = xlsx_of(&rows, "考评表");
    fs::write(d.join("截断.xlsx"), &good[..good.len() / 2]).unwrap();
    fs::write(d.join("其实是CSV.xlsx"), csv_text(&rows)).unwrap();
    fs::write(
        d.join("网页.xls"),
        "<html><body><table><tr><td>指标编号</td></tr></table></body></html>",
    )
    .unwrap();
    let before = snapshot(d);
    for (file, words) in [
        ("截断.xlsx", "损坏"),
        ("其实是CSV.xlsx", "纯文本"),
        ("网页.xls", "网页"),
    ] {
        let err = import_fails(d, file, "A1");
        assert!(err.contains(file) && err.contains(words), "{file}: {err}");
        let err = stderr_of_failure(kaoping(d).args(["community", "import", file]), 1);
        assert!(err.contains(file) && err.contains(words), "{file}: {err}");
    }
    if require_python("msoffcrypto", "msoffcrypto-tool") {
        fs::write(d.join("好.xlsx"), &good).unwrap();
        python(
            d,
            r#"
import msoffcrypto.format.ooxml as o
with open("好.xlsx", "rb") as f, open("加密.xlsx", "wb") as out:
    o.OOXMLFile(f).encrypt("123456", out)
"#,
        );
        let err = import_fails(d, "加密.xlsx", "A1");
        assert!(err.contains("加密.xlsx") && err.contains("密码"), "{err}");
    }
    let after: BTreeMap<_, _> = snapshot(d);
    assert_eq!(after, before);
}

#[test]
fn workbooks_saved_by_libreoffice_read_like_the_csv() {
    if !require_soffice() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    archive_with(d, &["A0", "A1", "A2", "A3"]);
    let rows = filled_rows(d);
    fs::write(d.join("表.csv"), csv_text(&rows)).unwrap();
    stdout_of(kaoping(d).args(["assess", "import", "表.csv", "--community", "A0"]));
    let want = results(d, "A0");
    // 44,34,76: comma, double quote, UTF-8.
    let filter = Some("CSV:44,34,76,1");
    for (to, id) in [
        ("xlsx:Calc MS Excel 2007 XML", "A1"),
        ("ods", "A2"),
        ("xls:MS Excel 97", "A3"),
    ] {
        let made = soffice(d, "表.csv", to, filter);
        let name = made.file_name().unwrap().to_string_lossy().into_owned();
        fs::copy(&made, d.join(&name)).unwrap();
        stdout_of(kaoping(d).args(["assess", "import", &name, "--community", id]));
        assert_eq!(results(d, id), want, "{to}");
    }
}
