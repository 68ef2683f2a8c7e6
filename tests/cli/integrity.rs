//! The same rule on every path (issue 25): who may vote at each level,
//! no final result over a returned level, the experts' words kept in the
//! final result, one open rectification item per problem, no no-op
//! override, and the survey's evidence in `coverage --methods`.

use std::fs;

use crate::util::{TestArchive, submit_levels};

/// An archive with WH-001 and PL-001 (盘龙区), expert `zj` assigned
/// WH-001, expert `zjpl` assigned PL-001, and a filled sheet `表.csv`.
fn setup() -> TestArchive {
    let t = TestArchive::new();
    t.community("WH-001");
    t.ok(&crate::util::community_add("PL-001", "拓东社区", "盘龙区"));
    for name in ["zj", "zjpl"] {
        t.cmd()
            .args(["user", "add", name, "--role", "expert", "--password-stdin"])
            .write_stdin("secret-pass-1\n")
            .assert()
            .success();
    }
    t.ok(&["expert", "assign", "zj", "--community", "WH-001"]);
    t.ok(&["expert", "assign", "zjpl", "--community", "PL-001"]);
    let rows = crate::workbooks::filled_rows(t.dir.path());
    fs::write(t.path("表.csv"), crate::workbooks::csv_text(&rows)).unwrap();
    t
}

fn import(sheet: &str, level: &[&str]) -> Vec<String> {
    let mut args = vec!["assess", "import", sheet, "--community", "WH-001"];
    if !level.is_empty() {
        args.push("--level");
        args.extend_from_slice(level);
    }
    args.into_iter().map(String::from).collect()
}

fn ok(t: &TestArchive, args: &[String]) -> String {
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    t.ok(&a)
}

fn fails(t: &TestArchive, args: &[String]) -> String {
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    t.fails(&a)
}

fn log_kinds(t: &TestArchive, kind: &str) -> Vec<serde_json::Value> {
    fs::read_to_string(t.archive().join("log.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|r| r["kind"] == kind)
        .collect()
}

fn state(t: &TestArchive) -> String {
    let v: serde_json::Value = serde_json::from_str(&t.ok(&["assess", "state", "--json"])).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .find(|s| s["community"] == "WH-001")
        .map(|s| s["state"].as_str().unwrap().to_string())
        .unwrap()
}

#[test]
fn expert_votes_come_only_from_assigned_expert_accounts() {
    let t = setup();
    ok(&t, &import("表.csv", &["自查"]));
    ok(&t, &import("表.csv", &["初评"]));
    let before = log_kinds(&t, "assessment").len();
    // No such account, another community's expert, a community account.
    for (who, says) in [
        ("nobody", "没有名为 nobody 的账号"),
        ("zjpl", "没有把社区 WH-001 分配给这位专家"),
    ] {
        let err = fails(&t, &import("表.csv", &["专家", "--expert", who]));
        assert!(err.contains(says), "{who}: {err}");
    }
    // The survey's verdicts at the expert level follow the same rule.
    let err = t.fails(&[
        "survey",
        "record",
        "--community",
        "WH-001",
        "--level",
        "专家",
        "--expert",
        "zjpl",
    ]);
    assert!(err.contains("没有把社区 WH-001 分配给这位专家"), "{err}");
    // --expert belongs to the expert level only.
    let err = fails(&t, &import("表.csv", &["最终", "--expert", "zj"]));
    assert!(err.contains("只有专家评估写专家账号"), "{err}");
    assert_eq!(
        log_kinds(&t, "assessment").len(),
        before,
        "nothing recorded"
    );
    ok(&t, &import("表.csv", &["专家", "--expert", "zj"]));
    let panel: serde_json::Value =
        serde_json::from_str(&t.ok(&["assess", "panel", "--community", "WH-001", "--json"]))
            .unwrap();
    assert_eq!(
        panel[0]["verdicts"].as_array().unwrap().len(),
        1,
        "one vote, from the assigned expert"
    );
    t.ok(&["verify"]);
}

#[test]
fn no_final_result_stands_over_a_returned_level() {
    let t = setup();
    // A final result needs every lower level.
    let err = fails(&t, &import("表.csv", &[]));
    assert!(
        err.contains("社区自查、县区初评、专家评估还没有提交"),
        "{err}"
    );
    ok(&t, &import("表.csv", &["自查"]));
    ok(&t, &import("表.csv", &["初评"]));
    let err = t.fails(&["assess", "finalize", "--community", "WH-001"]);
    assert!(err.contains("专家评估还没有提交"), "{err}");
    ok(&t, &import("表.csv", &["专家", "--expert", "zj"]));
    t.ok(&["assess", "finalize", "--community", "WH-001"]);
    assert_eq!(state(&t), "已评定");
    // Returning the 初评 reopens the final result, and says so.
    let out = t.ok(&[
        "assess",
        "return",
        "--community",
        "WH-001",
        "--level",
        "初评",
        "--reason",
        "证据不足",
    ]);
    assert!(out.contains("最终考评结果随之撤销"), "{out}");
    assert_eq!(state(&t), "自查已提交");
    let states = t.ok(&["assess", "state"]);
    assert!(states.contains("原最终结果已因退回撤销"), "{states}");
    // Every way to a final result is refused now.
    let before = log_kinds(&t, "assessment").len();
    let err = t.fails(&["assess", "finalize", "--community", "WH-001"]);
    assert!(err.contains("县区初评、专家评估还没有提交"), "{err}");
    let err = fails(&t, &import("表.csv", &[]));
    assert!(err.contains("县区初评"), "{err}");
    let err = t.fails(&[
        "assess",
        "override",
        "--community",
        "WH-001",
        "--indicator",
        "Ⅱ-1",
        "--standard",
        "1",
        "--method",
        "材料审核",
        "--verdict",
        "达标",
        "--reason",
        "复核",
    ]);
    assert!(err.contains("县区初评"), "{err}");
    let err = t.fails(&["survey", "record", "--community", "WH-001"]);
    assert!(err.contains("县区初评"), "{err}");
    assert_eq!(log_kinds(&t, "assessment").len(), before);
    // Documents and naming do not use the withdrawn result.
    let err = t.fails(&["report", "--community", "WH-001", "-o", "out"]);
    assert!(err.contains("已因退回县区初评而撤销"), "{err}");
    let show = t.ok(&["assess", "show", "--community", "WH-001", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&show).unwrap();
    assert_eq!(v["reopened"], true);
    assert_eq!(v["named"], false);
    t.ok(&["verify"]);
}

#[test]
fn the_final_result_keeps_each_experts_words_and_the_arithmetic() {
    let t = setup();
    let mut rows = crate::workbooks::filled_rows(t.dir.path());
    rows[1][9] = "居务公开栏三个月未更新".into();
    fs::write(t.path("专家.csv"), crate::workbooks::csv_text(&rows)).unwrap();
    ok(&t, &import("表.csv", &["自查"]));
    ok(&t, &import("表.csv", &["初评"]));
    ok(&t, &import("专家.csv", &["专家", "--expert", "zj"]));
    t.ok(&["assess", "finalize", "--community", "WH-001"]);
    let v: serde_json::Value =
        serde_json::from_str(&t.ok(&["assess", "show", "--community", "WH-001", "--json"]))
            .unwrap();
    let first = &v["results"][0];
    let remark = first["remark"].as_str().unwrap();
    assert!(
        remark.contains("专家 zj：居务公开栏三个月未更新") && remark.contains("多数"),
        "{remark}"
    );
    assert!(!first["assessor"].as_str().unwrap().contains('（'));
    // An override keeps the words, with the office's reason first.
    let ind = first["indicator"].as_str().unwrap().to_string();
    let std = first["standard"].to_string();
    let method = first["method"].as_str().unwrap().to_string();
    let over = |verdict: &str| {
        vec![
            "assess",
            "override",
            "--community",
            "WH-001",
            "--indicator",
            &ind,
            "--standard",
            &std,
            "--method",
            &method,
            "--verdict",
            verdict,
            "--reason",
            "现场复核已更新",
        ]
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>()
    };
    ok(&t, &over("达标"));
    // The same verdict again is no change: refused, the real one kept.
    let err = fails(&t, &over("达标"));
    assert!(err.contains("改定前后相同"), "{err}");
    let v: serde_json::Value =
        serde_json::from_str(&t.ok(&["assess", "show", "--community", "WH-001", "--json"]))
            .unwrap();
    let remark = v["results"][0]["remark"].as_str().unwrap();
    assert!(
        remark.contains("现场复核已更新") && remark.contains("居务公开栏三个月未更新"),
        "{remark}"
    );
    let overrides = v["overrides"].as_array().unwrap();
    assert_eq!(overrides.len(), 1, "{overrides:?}");
    assert_eq!(overrides[0]["from"], "基本达标");
    assert_eq!(overrides[0]["to"], "达标");
}

#[test]
fn a_second_notice_refers_to_the_open_items_instead_of_opening_new_ones() {
    let t = setup();
    let mut rows = crate::workbooks::filled_rows(t.dir.path());
    for r in rows.iter_mut().skip(1) {
        r[5] = "达标".into();
        r[9] = "现场核实".into();
    }
    rows[1][5] = "未达标".into();
    rows[1][9] = "没有议事协商记录".into();
    fs::write(t.path("表.csv"), crate::workbooks::csv_text(&rows)).unwrap();
    submit_levels(t.dir.path(), Some(&t.archive()), "WH-001", "表.csv");
    t.ok(&["assess", "import", "表.csv", "--community", "WH-001"]);
    let notice = |deadline: &str, dir: &str| {
        t.ok(&[
            "notice",
            "--community",
            "WH-001",
            "--deadline",
            deadline,
            "-o",
            dir,
        ])
    };
    notice("2027-01-31", "n1");
    assert_eq!(log_kinds(&t, "rectify-open").len(), 1);
    notice("2027-02-28", "n2");
    assert_eq!(
        log_kinds(&t, "rectify-open").len(),
        1,
        "the same problem keeps its one item"
    );
    let extend = log_kinds(&t, "rectify-extend");
    assert_eq!(extend.len(), 1);
    assert_eq!(extend[0]["data"]["items"][0], "ZG001");
    assert_eq!(extend[0]["data"]["deadline"], "2027-02-28");
    if let Some(pdf) = fs::read_dir(t.path("n2"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "pdf"))
        && let Some(text) = crate::util::pdf_text(&pdf)
    {
        assert!(text.contains("已列为整改事项ZG001"), "{text}");
        assert!(text.contains("没有议事协商记录"), "{text}");
    }
    t.ok(&["verify"]);
}

#[test]
fn coverage_counts_survey_answers_and_recorded_verdicts() {
    let t = setup();
    t.ok(&[
        "survey",
        "print",
        "--community",
        "WH-001",
        "--copies",
        "2",
        "-o",
        "a.pdf",
    ]);
    let lines = |t: &TestArchive| -> Vec<serde_json::Value> {
        let out = t.ok(&["coverage", "--community", "WH-001", "--methods", "--json"]);
        serde_json::from_str::<serde_json::Value>(&out)
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .filter(|l| l["method"] == "问卷调查")
            .cloned()
            .collect()
    };
    let before = lines(&t);
    assert_eq!(before.len(), 5, "{before:?}");
    assert!(before.iter().all(|l| l["answers"] == 0));
    let number = log_kinds(&t, "survey-copies")[0]["data"]["copies"][0]["number"]
        .as_str()
        .unwrap()
        .to_string();
    fs::write(
        t.path("p.csv"),
        format!("问卷编号,Q1,Q2,Q3,Q4,Q5,Q6,Q7,Q8,Q9,R1,O1\n{number},1,1,1,2,2,1,2,1,2,2,\n"),
    )
    .unwrap();
    t.ok(&["survey", "import", "p.csv"]);
    let after = lines(&t);
    assert!(after.iter().all(|l| l["answers"] == 1), "{after:?}");
    let text = t.ok(&["coverage", "--community", "WH-001", "--methods"]);
    let survey_lines: Vec<&str> = text.lines().filter(|l| l.contains("问卷调查")).collect();
    assert!(survey_lines.iter().all(|l| l.contains("有证据")), "{text}");
}
