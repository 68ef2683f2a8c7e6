//! `kaoping survey` double entry and open links on the command line: with
//! `double_entry = true` a copy counts only when two clerks agree,
//! mismatches are listed and resolved by choosing one entry; `open-link`
//! enables and ends a point's link.

use std::fs;

use crate::util::TestArchive;

const HEADER: &str = "问卷编号,Q1,Q2,Q3,Q4,Q5,Q6,Q7,Q8,Q9,R1,O1";

fn log(t: &TestArchive) -> Vec<serde_json::Value> {
    fs::read_to_string(t.archive().join("log.jsonl"))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn count(t: &TestArchive, kind: &str) -> usize {
    log(t).iter().filter(|r| r["kind"] == kind).count()
}

fn setup(double: bool) -> (TestArchive, Vec<String>) {
    let t = TestArchive::new();
    t.community("WH-001");
    if double {
        let cfg = t.archive().join("kaoping.toml");
        let text = fs::read_to_string(&cfg)
            .unwrap()
            .replace("double_entry = false", "double_entry = true");
        fs::write(&cfg, text).unwrap();
    }
    t.ok(&[
        "survey",
        "print",
        "--community",
        "WH-001",
        "--copies",
        "3",
        "-o",
        "a.pdf",
    ]);
    let numbers = log(&t)
        .iter()
        .filter(|r| r["kind"] == "survey-copies")
        .flat_map(|r| r["data"]["copies"].as_array().unwrap().clone())
        .map(|c| c["number"].as_str().unwrap().to_string())
        .collect();
    (t, numbers)
}

fn row(number: &str, q1: &str, open: &str) -> String {
    format!("{number},{q1},1,2,2,满意,1,3,2,1,2,{open}")
}

#[test]
fn double_entry_counts_agreeing_copies_and_lists_mismatches_to_resolve() {
    let (t, n) = setup(true);
    let first = format!(
        "{HEADER}\n{}\n{}\n{}\n",
        row(&n[0], "1", "路灯"),
        row(&n[1], "1", "路灯"),
        row(&n[2], "2", "")
    );
    fs::write(t.path("a.csv"), first).unwrap();
    let err = t.fails(&["survey", "import", "a.csv"]);
    assert!(err.contains("--clerk"), "{err}");
    let out = t.ok(&["survey", "import", "a.csv", "--clerk", "张录入"]);
    assert!(out.contains("等待第二遍录入 3 份"), "{out}");
    assert_eq!(count(&t, "survey-answer"), 0, "one entry counts nothing");
    let err = t.fails(&["survey", "import", "a.csv", "--clerk", "张录入"]);
    assert!(err.contains("已由 张录入 录入过"), "{err}");
    // The second clerk agrees on n[0], differs on Q1 of n[1] and the open
    // answer of n[2].
    let second = format!(
        "{HEADER}\n{}\n{}\n{}\n",
        row(&n[0], "1", "路灯"),
        row(&n[1], "4", "路灯"),
        row(&n[2], "2", "没有意见")
    );
    fs::write(t.path("b.csv"), second).unwrap();
    let out = t.ok(&["survey", "import", "b.csv", "--clerk", "李录入"]);
    assert!(out.contains("已计入 1 份"), "{out}");
    assert!(out.contains("不一致待核对 2 份"), "{out}");
    assert_eq!(count(&t, "survey-answer"), 1);
    let list = t.ok(&["survey", "mismatches", "--community", "WH-001"]);
    assert!(
        list.contains(&format!("问卷 {}：不一致的题 Q1", n[1])),
        "{list}"
    );
    assert!(list.contains("张录入：Q1=非常满意"), "{list}");
    assert!(list.contains("李录入：Q1=不满意"), "{list}");
    assert!(
        list.contains(&format!("问卷 {}：不一致的题 意见建议", n[2])),
        "{list}"
    );
    assert!(!list.contains(&n[0]), "{list}");
    let err = t.fails(&["survey", "resolve", "--number", &n[1], "--clerk", "王某"]);
    assert!(err.contains("可选：张录入、李录入"), "{err}");
    t.ok(&["survey", "resolve", "--number", &n[1], "--clerk", "李录入"]);
    let err = t.fails(&["survey", "resolve", "--number", &n[1], "--clerk", "张录入"]);
    assert!(err.contains("已经有答卷"), "{err}");
    let answers: Vec<_> = log(&t)
        .into_iter()
        .filter(|r| r["kind"] == "survey-answer")
        .collect();
    assert_eq!(answers.len(), 2);
    assert_eq!(answers[1]["data"]["answers"]["Q1"], "不满意");
    let list = t.ok(&["survey", "mismatches", "--community", "WH-001", "--json"]);
    let list: serde_json::Value = serde_json::from_str(&list).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["number"], n[2].as_str());
    let tally = t.ok(&["survey", "tally", "--community", "WH-001", "--json"]);
    let tally: serde_json::Value = serde_json::from_str(&tally).unwrap();
    assert_eq!(tally["returned"], 2);
}

#[test]
fn without_double_entry_one_import_counts_at_once() {
    let (t, n) = setup(false);
    fs::write(
        t.path("a.csv"),
        format!("{HEADER}\n{}\n", row(&n[0], "1", "")),
    )
    .unwrap();
    t.ok(&["survey", "import", "a.csv"]);
    assert_eq!(count(&t, "survey-answer"), 1);
    assert_eq!(count(&t, "survey-entry"), 0);
}

#[test]
fn open_link_is_enabled_per_point_replaced_and_ended() {
    let (t, _) = setup(false);
    let out = t.ok(&[
        "survey",
        "open-link",
        "--community",
        "WH-001",
        "--point",
        "居民小区",
    ]);
    assert!(out.contains("/q/open/"), "{out}");
    assert!(out.contains("24 小时内限答一次"), "{out}");
    let token = out.split("/q/open/").nth(1).unwrap();
    let token: String = token.chars().take_while(char::is_ascii_hexdigit).collect();
    assert_eq!(token.len(), 32, "{out}");
    assert!(
        !fs::read_to_string(t.archive().join("log.jsonl"))
            .unwrap()
            .contains(&token)
    );
    let err = t.fails(&[
        "survey",
        "open-link",
        "--community",
        "XX-999",
        "--point",
        "小区",
    ]);
    assert!(err.contains("XX-999"), "{err}");
    let err = t.fails(&[
        "survey",
        "open-link",
        "--community",
        "WH-001",
        "--point",
        " ",
    ]);
    assert!(err.contains("考评点名称"), "{err}");
    t.ok(&[
        "survey",
        "open-link",
        "--community",
        "WH-001",
        "--point",
        "居民小区",
        "--off",
    ]);
    let links: Vec<_> = log(&t)
        .into_iter()
        .filter(|r| r["kind"] == "survey-open-link")
        .collect();
    assert_eq!(links.len(), 2);
    assert_eq!(links[1]["data"]["enabled"], false);
}

#[test]
fn open_link_prints_the_full_link_and_its_qr_code_with_a_base_url() {
    let (t, _) = setup(false);
    let cfg = t.archive().join("kaoping.toml");
    let text = fs::read_to_string(&cfg).unwrap().replace(
        "# base_url = \"https://kaoping.example.cn\"",
        "base_url = \"https://kp.example.cn/\"",
    );
    fs::write(&cfg, text).unwrap();
    let out = t.ok(&[
        "survey",
        "open-link",
        "--community",
        "WH-001",
        "--point",
        "文化中心",
        "--qr",
        "q.svg",
    ]);
    assert!(out.contains("链接：https://kp.example.cn/q/open/"), "{out}");
    let svg = fs::read_to_string(t.path("q.svg")).unwrap();
    assert!(svg.contains("<svg"), "{svg}");
}

#[test]
fn the_office_puts_its_own_questionnaire_in_use_before_printing_only() {
    let t = TestArchive::new();
    t.community("WH-001");
    let builtin = fs::read_to_string("data/questionnaire.toml").unwrap();
    // A question on a standard that is not checked by questionnaire:
    // refused at the question, nothing kept.
    let bad = builtin.replacen("standard = \"Ⅱ-1/3\"", "standard = \"Ⅱ-1/1\"", 1);
    fs::write(t.path("bad.toml"), &bad).unwrap();
    let err = t.fails(&["survey", "use", "bad.toml"]);
    assert!(err.contains("Q1"), "{err}");
    assert!(!t.archive().join("questionnaire.toml").exists());
    assert_eq!(count(&t, "questionnaire"), 0);
    // The office's own, with its own title: in use from now on, logged.
    let own = builtin.replacen(
        "社区治理居民满意度问卷",
        "城乡社区治理居民测评问卷（试行）",
        1,
    );
    fs::write(t.path("own.toml"), &own).unwrap();
    let said = t.ok(&["survey", "use", "own.toml"]);
    assert!(said.contains("城乡社区治理居民测评问卷（试行）"), "{said}");
    assert!(
        t.ok(&["survey", "show"])
            .contains("城乡社区治理居民测评问卷（试行）")
    );
    assert_eq!(count(&t, "questionnaire"), 1);
    // Once copies are out, the questionnaire stays as it is.
    t.ok(&[
        "survey",
        "print",
        "--community",
        "WH-001",
        "--copies",
        "2",
        "-o",
        "q.pdf",
    ]);
    let err = t.fails(&["survey", "use", "bad.toml"]);
    assert!(err.contains("Q1"), "checked before anything else: {err}");
    let err = t.fails(&["survey", "use", "own.toml"]);
    assert!(err.contains("已经印出 2 份"), "{err}");
    assert_eq!(count(&t, "questionnaire"), 1);
}
