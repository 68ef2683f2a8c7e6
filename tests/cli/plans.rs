//! Districts' 工作方案 through the real binary: filed as versions with
//! their file in the archive, refused for a wrong type or a future date
//! (nothing written), listed with the districts that have not filed, and
//! counted in the 进度汇总表's 工作方案 column.

use std::fs;

use serde_json::Value;

use crate::cli::util::{kaoping, stderr_of_failure, stdout_of};

#[test]
fn districts_file_their_plans_and_the_progress_table_shows_who_has_not() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    stdout_of(kaoping(d).arg("init"));
    fs::write(d.join("五华区工作方案.pdf"), b"%PDF-1.4 plan v1").unwrap();
    fs::write(d.join("方案.exe"), b"MZ").unwrap();
    let log = || fs::read(d.join("archive/log.jsonl")).unwrap_or_default();
    let before = log();
    let err = stderr_of_failure(
        kaoping(d).args([
            "plan",
            "file",
            "方案.exe",
            "--district",
            "五华区",
            "--date",
            "2018-10-10",
        ]),
        1,
    );
    assert!(err.contains("方案.exe") && err.contains("PDF"), "{err}");
    let err = stderr_of_failure(
        kaoping(d).env("KAOPING_TODAY", "2018-10-01").args([
            "plan",
            "file",
            "五华区工作方案.pdf",
            "--district",
            "五华区",
            "--date",
            "2018-10-10",
        ]),
        1,
    );
    assert!(err.contains("晚于今天"), "{err}");
    assert_eq!(log(), before);

    for _ in 0..2 {
        stdout_of(kaoping(d).args([
            "plan",
            "file",
            "五华区工作方案.pdf",
            "--district",
            "五华区",
            "--date",
            "2018-10-10",
        ]));
    }
    let list = stdout_of(kaoping(d).args(["plan", "list"]));
    assert!(list.contains("五华区  工作方案：第 2 版"), "{list}");
    assert!(list.contains("盘龙区  工作方案：未报送"), "{list}");
    assert!(list.contains("已报送工作方案 1 个"), "{list}");

    let progress: Value =
        serde_json::from_str(&stdout_of(kaoping(d).args(["progress", "--json"]))).unwrap();
    let text = progress.to_string();
    assert!(text.contains("\"plans_filed\":1"), "{text}");
    let csv = stdout_of(kaoping(d).args(["progress", "--csv"]));
    assert!(csv.lines().next().unwrap().ends_with("工作方案"), "{csv}");
    assert!(
        csv.contains("五华区") && csv.contains("已报") && csv.contains("未报"),
        "{csv}"
    );
    let verify = stdout_of(kaoping(d).args(["verify"]));
    assert!(verify.contains("校验通过"), "{verify}");
}
