//! 督查 and 调研 during 试点创建 through the real binary: a 专项督查 with
//! findings in two communities opens items for both, its 通报 lists them
//! (PDF text by poppler), the communities answer and the district closes,
//! and the 命名决定 refuses the community whose 督查 item is still open;
//! every refused record writes nothing.

use std::fs;
use std::path::Path;

use serde_json::Value;

use super::documents::{community_with_evidence, fill_sheet, import};
use crate::cli::util::{kaoping, pdf_text, stderr_of_failure, stdout_of};

/// `kaoping` with the clock fixed at `today`.
fn on(dir: &Path, today: &str) -> assert_cmd::Command {
    let mut c = kaoping(dir);
    c.env("KAOPING_TODAY", today);
    c
}

fn account(d: &Path, name: &str, role: &[&str]) {
    let mut add = kaoping(d);
    add.args(["user", "add", name, "--password-stdin"])
        .args(role)
        .write_stdin("secret-pass-1\n");
    stdout_of(&mut add);
}

/// Two assessed pilots with every standard met (so no assessment item),
/// in two districts, and an office account who inspects.
fn two_pilots(d: &Path) {
    community_with_evidence(d, "WH-001", "翠湖社区", "五华区", "城市社区", &[]);
    community_with_evidence(d, "PL-002", "金星社区", "盘龙区", "城市社区", &[]);
    for id in ["WH-001", "PL-002"] {
        let sheet = fill_sheet(d, id, |_, _, _| ("达标", ""));
        import(d, id, &sheet);
    }
    account(d, "dcy", &["--role", "office"]);
}

fn items(d: &Path) -> Vec<Value> {
    let v: Value = serde_json::from_str(&stdout_of(
        on(d, "2026-11-28").args(["rectify", "list", "--json"]),
    ))
    .unwrap();
    v["items"].as_array().unwrap().clone()
}

fn add_special(d: &Path) -> String {
    fs::write(d.join("现场.jpg"), b"\xff\xd8\xff\xe0 not really a photo").unwrap();
    stdout_of(on(d, "2026-11-28").args([
        "inspection",
        "add",
        "--kind",
        "专项督查",
        "--theme",
        "社区综合服务设施",
        "--date",
        "2026-03-15",
        "--by",
        "dcy",
        "--problem",
        "WH-001:Ⅱ-2-1:活动室被挪作他用",
        "--problem",
        "PL-002::服务设施台账缺失",
        "--note",
        "WH-001:Ⅱ-4:居民议事会运转良好",
        "--deadline",
        "2026-06-30",
        "--file",
        "现场.jpg",
    ]))
}

#[test]
fn a_special_inspection_opens_items_its_bulletin_lists_and_naming_waits_for() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    two_pilots(d);
    let out = add_special(d);
    assert!(
        out.contains("DC001") && out.contains("ZG001、ZG002"),
        "{out}"
    );
    let all = items(d);
    assert_eq!(all.len(), 2, "{all:?}");
    for (item, community) in all.iter().zip(["WH-001", "PL-002"]) {
        assert_eq!(item["community"], community);
        assert_eq!(item["detail"]["opened"]["source"], "督查");
        assert_eq!(item["notice"], "DC001");
    }
    let listed: Value = serde_json::from_str(&stdout_of(on(d, "2026-11-28").args([
        "inspection",
        "list",
        "--json",
    ])))
    .unwrap();
    assert_eq!(listed[0]["id"], "DC001");
    assert_eq!(listed[0]["problems"], 2);
    assert_eq!(listed[0]["open"], 2);
    assert_eq!(
        listed[0]["districts"],
        serde_json::json!(["五华区", "盘龙区"])
    );

    // The 通报, numbered and registered, names the problems and items.
    let docs = d.join("公文");
    let issued = stdout_of(
        on(d, "2026-11-28")
            .args([
                "inspection",
                "report",
                "--id",
                "DC001",
                "--date",
                "2026-03-20",
                "-o",
            ])
            .arg(&docs),
    );
    assert!(issued.contains("督查情况通报"), "{issued}");
    if let Some(text) = pdf_text(&docs.join("督查情况通报.pdf")) {
        for want in [
            "社区综合服务设施专项督查情况的通报",
            "活动室被挪作他用",
            "ZG001",
            "服务设施台账缺失",
            "居民议事会运转良好",
            "五华区",
            "盘龙区",
            "2026年6月30日前",
        ] {
            assert!(text.contains(want), "{want} missing in {text}");
        }
    }

    // WH-001 answers and its district closes; PL-002 stays open.
    stdout_of(on(d, "2026-11-28").args(["rectify", "answer", "ZG001", "--text", "活动室已恢复"]));
    stdout_of(on(d, "2026-11-28").args([
        "rectify",
        "close",
        "ZG001",
        "--by",
        "district",
        "--remark",
        "现场核实",
    ]));
    let named = on(d, "2026-11-28")
        .args([
            "naming",
            "decision",
            "--phase",
            "1",
            "--date",
            "2026-11-28",
            "-o",
        ])
        .arg(&docs)
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&named.stdout),
        String::from_utf8_lossy(&named.stderr)
    );
    assert!(named.status.success(), "{said}");
    assert!(said.contains("1 份命名证书"), "{said}");
    assert!(
        said.contains("未命名 PL-002") && said.contains("ZG002") && said.contains("督查"),
        "{said}"
    );
}

#[test]
fn a_refused_inspection_writes_nothing_and_says_what_to_fix() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    community_with_evidence(d, "WH-001", "翠湖社区", "五华区", "城市社区", &[]);
    account(d, "dcy", &["--role", "office"]);
    let log = || fs::read(d.join("archive/log.jsonl")).unwrap();
    let before = log();
    let base = [
        "inspection",
        "add",
        "--kind",
        "专项督查",
        "--theme",
        "设施",
        "--date",
        "2026-03-15",
    ];
    for (extra, want) in [
        (
            vec![
                "--by",
                "nobody",
                "--problem",
                "WH-001::x",
                "--deadline",
                "2026-06-30",
            ],
            "“nobody”不存在",
        ),
        (
            vec!["--by", "dcy", "--problem", "WH-001::x"],
            "整改期限没有填写",
        ),
        (
            vec![
                "--by",
                "dcy",
                "--problem",
                "WH-001::x",
                "--deadline",
                "2026-03-01",
            ],
            "应晚于专项督查的日期",
        ),
        (vec!["--by", "dcy", "--problem", "WH-001:x"], "格式不对"),
        (
            vec![
                "--by",
                "dcy",
                "--problem",
                "XX-404::x",
                "--deadline",
                "2026-06-30",
            ],
            "XX-404",
        ),
        (
            vec![
                "--by",
                "dcy",
                "--problem",
                "WH-001:Ⅱ-2-99:x",
                "--deadline",
                "2026-06-30",
            ],
            "第 1 条发现情况",
        ),
        (
            vec![
                "--by",
                "dcy",
                "--community",
                "WH-001",
                "--file",
                "无此文件.jpg",
            ],
            "无此文件.jpg",
        ),
    ] {
        let err = stderr_of_failure(on(d, "2026-11-28").args(base).args(&extra), 1);
        assert!(err.contains(want), "{extra:?}: {err}");
        assert_eq!(log(), before, "{extra:?} wrote to the log");
    }
    // A date after today, and a 专项督查 without its theme.
    let err = stderr_of_failure(
        on(d, "2026-03-01")
            .args(base)
            .args(["--by", "dcy", "--community", "WH-001"]),
        1,
    );
    assert!(err.contains("晚于今天"), "{err}");
    let err = stderr_of_failure(
        on(d, "2026-11-28").args([
            "inspection",
            "add",
            "--kind",
            "专项督查",
            "--date",
            "2026-03-15",
            "--by",
            "dcy",
            "--community",
            "WH-001",
        ]),
        1,
    );
    assert!(err.contains("督查主题没有填写"), "{err}");
    assert_eq!(log(), before);
    // A 调研 learned by phone, without a visit and without problems.
    let out = stdout_of(on(d, "2026-11-28").args([
        "inspection",
        "add",
        "--kind",
        "不定期调研",
        "--date",
        "2026-04-01",
        "--by",
        "dcy",
        "--remote",
        "--note",
        "WH-001::电话了解，进展顺利",
    ]));
    assert!(out.contains("DY001"), "{out}");
    assert!(items(d).is_empty());
}
