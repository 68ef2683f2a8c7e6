//! Hostile workbooks: a sparse xlsx (A1 and XFD1048576), a far cell under
//! a small declared range, an unpacking bomb, a cell longer than Excel
//! allows, an .ods row repeated a million times and an .xls declaring
//! four billion rows. Every command that imports a table and every upload
//! route that takes one refuses each with the file, the sheet and the
//! limit; the process ends normally and the server answers the next
//! request.

use std::fs;

use reqwest::blocking::multipart::{Form, Part};

use super::*;
use crate::cli::util::{kaoping, stderr_of_failure};
use crate::web::util::{
    CUIHU, OFFICE, Server, WUHUA, archive, log, scoped_accounts, sign_in, verify_clean,
};

/// The probes: file name, bytes, and what the refusal must say.
fn probes() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let long = xlsx_by_hand("A1", &[("A1", text_cell(&"长".repeat(40_000)))]);
    vec![
        ("稀疏.xlsx", sparse_xlsx(), "声明用到第 1048576 行"),
        ("远.xlsx", far_cell_xlsx(), "用到了第 100000 行"),
        ("炸弹.xlsx", bomb_xlsx(80), "压缩炸弹"),
        ("长.xlsx", long, "格子 A1 有 40000 个字，超过上限 32767 个"),
        ("重复.ods", repeated_ods(), "用到了第 1000000 行"),
        ("宽.xls", wide_xls(), "声明用到第 4294967295 行"),
    ]
}

fn assert_refused(out: &str, file: &str, says: &str) {
    assert!(
        out.contains(file) && out.contains(says) && out.contains("无法导入"),
        "{file}: expected “{says}”:\n{out}"
    );
    if !file.ends_with("炸弹.xlsx") {
        assert!(
            out.contains("工作表“考评表”"),
            "{file}: sheet named:\n{out}"
        );
    }
}

#[test]
fn every_import_command_refuses_hostile_workbooks_and_exits_normally() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    crate::workbooks::archive_with(d, &["A1"]);
    let before = crate::workbooks::snapshot(d);
    for (file, bytes, says) in probes() {
        fs::write(d.join(file), &bytes).unwrap();
        for args in [
            vec!["community", "import", file],
            vec!["assess", "import", file, "--community", "A1"],
            vec!["apply", "import", file, "--district", "五华区"],
            vec!["point", "import", file, "--community", "A1"],
        ] {
            // Exit code 1 with the message: not an abort (134) or a kill.
            let err = stderr_of_failure(kaoping(d).args(&args), 1);
            assert_refused(&err, file, says);
        }
        fs::remove_file(d.join(file)).unwrap();
    }
    assert_eq!(crate::workbooks::snapshot(d), before, "nothing was written");
}

fn form(csrf: &str, field: &str, file: &str, bytes: &[u8], texts: &[(&str, &str)]) -> Form {
    let mut f = Form::new().text("csrf", csrf.to_string());
    for (k, v) in texts {
        f = f.text(k.to_string(), v.to_string());
    }
    f.part(
        field.to_string(),
        Part::bytes(bytes.to_vec()).file_name(file.to_string()),
    )
}

#[test]
fn every_workbook_upload_route_refuses_hostile_workbooks_and_the_server_goes_on() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    archive(dir);
    scoped_accounts(dir);
    let server = Server::start(dir, &[]);
    let (cuihu, cuihu_csrf) = sign_in(&server, CUIHU);
    let (wuhua, wuhua_csrf) = sign_in(&server, WUHUA);
    let (office, office_csrf) = sign_in(&server, OFFICE);
    let records = log(dir).len();
    type Route<'a> = (
        &'a reqwest::blocking::Client,
        &'a str,
        &'a str,
        &'a str,
        Vec<(&'a str, &'a str)>,
    );
    let routes: Vec<Route<'_>> = vec![
        (&cuihu, &cuihu_csrf, "/c/WH-001/assess", "sheet", vec![]),
        (&wuhua, &wuhua_csrf, "/district/upload", "list", vec![]),
        (
            &office,
            &office_csrf,
            "/office/assess",
            "sheet",
            vec![("community", "WH-001")],
        ),
        (
            &office,
            &office_csrf,
            "/c/WH-001/points/upload",
            "table",
            vec![],
        ),
        (
            &office,
            &office_csrf,
            "/c/WH-001/grid/upload",
            "table",
            vec![("standards", "Ⅱ-6/1")],
        ),
    ];
    for (file, bytes, says) in probes() {
        for (c, csrf, path, field, texts) in &routes {
            let res = c
                .post(server.at(path))
                .multipart(form(csrf, field, file, &bytes, texts))
                .send()
                .unwrap_or_else(|e| panic!("{path} {file}: the server went away: {e}"));
            let status = res.status();
            let body = res.text().unwrap();
            assert!(status.is_client_error(), "{path} {file}: {status}\n{body}");
            assert_refused(&body, file, says);
            assert!(!body.contains("uploads.tmp"), "{path}: {body}");
            // The next request is answered.
            let next = c.get(server.at("/")).send().unwrap();
            assert!(next.status().is_success() || next.status().is_redirection());
        }
    }
    assert_eq!(log(dir).len(), records, "nothing was recorded");
    if let Some(mb) = server.peak_rss_mb() {
        eprintln!("peak RSS of the server after the workbook probes: {mb} MB");
    }
    drop(server);
    verify_clean(dir);
}

#[test]
fn a_workbook_file_over_the_size_limit_is_refused_before_it_is_opened() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    crate::workbooks::archive_with(d, &["A1"]);
    // 65 MB of CSV text.
    let row = "A9,社区,五华区\n".repeat(1 << 16);
    let mut body = String::from("社区编号,社区名称,所属区县\n");
    while body.len() <= 65 << 20 {
        body.push_str(&row);
    }
    fs::write(d.join("大.csv"), body).unwrap();
    let err = stderr_of_failure(kaoping(d).args(["community", "import", "大.csv"]), 1);
    assert!(err.contains("大.csv") && err.contains("超过上限"), "{err}");
}
