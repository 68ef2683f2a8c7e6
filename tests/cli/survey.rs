//! `kaoping survey`: the questionnaire, numbered copies (never a number
//! twice), paper answers from a table with row/column errors, and the
//! tally with its verdicts.

use std::collections::BTreeSet;
use std::fs;

use crate::util::{TestArchive, kaoping, pdf_text};

fn log(t: &TestArchive) -> Vec<serde_json::Value> {
    fs::read_to_string(t.archive().join("log.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn numbers(t: &TestArchive) -> Vec<String> {
    log(t)
        .iter()
        .filter(|r| r["kind"] == "survey-copies")
        .flat_map(|r| r["data"]["copies"].as_array().unwrap().clone())
        .map(|c| c["number"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn show_lists_every_question_with_its_standard_without_an_archive() {
    let dir = tempfile::tempdir().unwrap();
    let out = kaoping(dir.path())
        .args(["survey", "show"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for s in [
        "Ⅱ-1 标准3",
        "Ⅱ-12 标准2",
        "Ⅱ-14 标准4",
        "Ⅱ-17 标准1",
        "Ⅱ-17 标准3",
        "非常满意",
        "知晓",
        "O1",
    ] {
        assert!(text.contains(s), "{s} missing:\n{text}");
    }
    for personal in ["姓名：", "电话：", "身份证号："] {
        assert!(!text.contains(personal));
    }
}

#[test]
fn an_office_questionnaire_with_a_wrong_standard_is_refused() {
    let t = TestArchive::new();
    let text = kaoping::survey::questionnaire::BUILTIN.replacen("Ⅱ-17/1", "Ⅱ-17/7", 1);
    fs::write(t.archive().join("questionnaire.toml"), text).unwrap();
    let err = t.fails(&["survey", "show"]);
    assert!(
        err.contains("questionnaire.toml") && err.contains("Q7"),
        "{err}"
    );
}

#[test]
fn printing_twice_never_reuses_a_number_and_lists_them_per_point() {
    let t = TestArchive::new();
    t.community("WH-001");
    let out = t.ok(&[
        "survey",
        "print",
        "--community",
        "WH-001",
        "--copies",
        "5",
        "--point",
        "文化中心",
        "小区甲",
        "-o",
        "a.pdf",
    ]);
    assert!(
        out.contains("文化中心：3 份") && out.contains("小区甲：2 份"),
        "{out}"
    );
    assert!(out.contains("base_url"), "hint without a base_url: {out}");
    t.ok(&[
        "survey",
        "print",
        "--community",
        "WH-001",
        "--copies",
        "4",
        "-o",
        "b.pdf",
    ]);
    let all = numbers(&t);
    assert_eq!(all.len(), 9);
    assert_eq!(all.iter().collect::<BTreeSet<_>>().len(), 9, "{all:?}");
    // Tokens are kept only as hashes.
    let raw = fs::read_to_string(t.archive().join("log.jsonl")).unwrap();
    assert!(raw.contains("token_sha256") && !raw.contains("\"token\""));
    if let Some(text) = pdf_text(&t.path("a.pdf")) {
        for n in &all[..5] {
            assert!(text.contains(n.as_str()), "{n} not in the copies");
        }
        assert!(text.contains("问卷发放登记表") && text.contains("文化中心"));
        assert!(text.contains("随机发放要求"));
    }
    let err = t.fails(&["survey", "print", "--community", "NO-1"]);
    assert!(err.contains("NO-1"), "{err}");
    let err = t.fails(&["survey", "print", "--community", "WH-001", "--copies", "0"]);
    assert!(err.contains("份数"), "{err}");
}

#[test]
fn with_a_base_url_each_copy_carries_its_own_link() {
    let t = TestArchive::new();
    t.community("WH-001");
    let cfg = t.archive().join("kaoping.toml");
    let text = fs::read_to_string(&cfg).unwrap().replace(
        "# base_url = \"https://kaoping.example.cn\"",
        "base_url = \"https://kp.example.cn\"",
    );
    fs::write(&cfg, text).unwrap();
    let out = t.ok(&[
        "survey",
        "print",
        "--community",
        "WH-001",
        "--copies",
        "2",
        "-o",
        "c.pdf",
        "--links",
        "l.csv",
    ]);
    assert!(!out.contains("没有印二维码"), "{out}");
    let links = fs::read_to_string(t.path("l.csv")).unwrap();
    let urls: Vec<&str> = links
        .lines()
        .skip(1)
        .map(|l| l.rsplit(',').next().unwrap())
        .collect();
    assert_eq!(urls.len(), 2);
    for u in &urls {
        let token = u.strip_prefix("https://kp.example.cn/q/").unwrap();
        assert_eq!(token.len(), 32, "128 bits as hex");
    }
    assert_ne!(urls[0], urls[1]);
    if let Some(text) = pdf_text(&t.path("c.pdf")) {
        assert!(text.contains("扫码在手机上填写"));
    }
}

fn paper_row(number: &str, values: &[&str]) -> String {
    format!("{number},{}", values.join(","))
}

const HEADER: &str = "问卷编号,Q1,Q2,Q3,Q4,Q5,Q6,Q7,Q8,Q9,R1,O1";

#[test]
fn paper_answers_import_all_or_nothing_with_row_and_column() {
    let t = TestArchive::new();
    t.community("WH-001");
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
    let n = numbers(&t);
    let good = [
        "1",
        "1",
        "2",
        "2",
        "满意",
        "1",
        "3",
        "2",
        "1",
        "2",
        "楼道灯坏了 =1+1",
    ];
    let bad = format!(
        "{HEADER}\n{}\n{}\n{}\n",
        paper_row(&n[0], &good),
        paper_row(&kaoping::survey::number::format("WH-001", 1, 99), &good),
        paper_row(&n[1], &["7", "", "", "", "", "", "", "", "", "", ""]),
    );
    fs::write(t.path("bad.csv"), bad).unwrap();
    let before = t.snapshot();
    let err = t.fails(&["survey", "import", "bad.csv"]);
    assert!(err.contains("第 3 行：问卷编号 WH-001-01-0099-"), "{err}");
    assert!(err.contains("没有发放过"), "{err}");
    assert!(err.contains("第 4 行：Q1：“7”不在选项中"), "{err}");
    assert_eq!(before, t.snapshot(), "nothing written");
    fs::write(
        t.path("good.csv"),
        format!("{HEADER}\n{}\n", paper_row(&n[0], &good)),
    )
    .unwrap();
    let out = t.ok(&["survey", "import", "good.csv"]);
    assert!(out.contains("1 份"), "{out}");
    let err = t.fails(&["survey", "import", "good.csv"]);
    assert!(err.contains("已经有答卷"), "{err}");
    let rec = log(&t)
        .into_iter()
        .rev()
        .find(|r| r["kind"] == "survey-answer")
        .unwrap();
    assert_eq!(rec["data"]["answers"]["Q5"], "满意");
    assert_eq!(rec["data"]["answers"]["Q1"], "非常满意");
    assert_eq!(rec["data"]["open"], "楼道灯坏了 =1+1");
    assert_eq!(rec["data"]["channel"], "纸质");
    let tally = t.ok(&["survey", "tally", "--community", "WH-001"]);
    assert!(tally.contains("发放 3 份，回收 1 份"), "{tally}");
    assert!(tally.contains("少于 30 份，不作结论"), "{tally}");
    assert!(tally.contains("楼道灯坏了 =1+1"), "{tally}");
}

#[test]
fn the_verdicts_are_recorded_as_the_final_questionnaire_rows_with_the_arithmetic() {
    let t = TestArchive::new();
    t.community("WH-001");
    t.ok(&[
        "survey",
        "print",
        "--community",
        "WH-001",
        "--copies",
        "40",
        "-o",
        "a.pdf",
    ]);
    let n = numbers(&t);
    // 32 paper answers: Q5 (Ⅱ-14/4) 28 satisfied of 32 = 87.5% → 达标;
    // Q1 (Ⅱ-1/3) 20 of 32 = 62.5% → 未达标.
    let mut csv = format!("{HEADER}\n");
    for (i, number) in n.iter().take(32).enumerate() {
        let q5 = if i < 28 { "2" } else { "4" };
        let q1 = if i < 20 { "3" } else { "5" };
        csv.push_str(&paper_row(
            number,
            &[q1, "1", "1", "2", q5, "1", "2", "1", "2", "", ""],
        ));
        csv.push('\n');
    }
    fs::write(t.path("p.csv"), csv).unwrap();
    t.ok(&["survey", "import", "p.csv"]);
    let rows = crate::workbooks::filled_rows(t.dir.path());
    fs::write(t.path("表.csv"), crate::workbooks::csv_text(&rows)).unwrap();
    crate::util::submit_levels(t.dir.path(), Some(&t.archive()), "WH-001", "表.csv");
    let err = t.fails(&["survey", "record", "--community", "WH-001"]);
    assert!(err.contains("还没有最终的考评结果"), "{err}");
    t.ok(&["assess", "import", "表.csv", "--community", "WH-001"]);
    let out = t.ok(&["survey", "record", "--community", "WH-001"]);
    assert!(out.contains("第 5 版"), "{out}");
    // Recording closes the survey: a later paper answer is refused.
    let late = format!(
        "{HEADER}\n{}\n",
        paper_row(
            &n[35],
            &["1", "1", "1", "2", "2", "1", "2", "1", "2", "", ""]
        )
    );
    fs::write(t.path("late.csv"), late).unwrap();
    let err = t.fails(&["survey", "import", "late.csv"]);
    assert!(err.contains("不再接收答卷"), "{err}");
    let shown: serde_json::Value =
        serde_json::from_str(&t.ok(&["assess", "show", "--community", "WH-001", "--json"]))
            .unwrap();
    let text = shown.to_string();
    let row = |ind: &str, std: u64| {
        shown["results"]
            .as_array()
            .or_else(|| shown["assessment"]["results"].as_array())
            .unwrap_or_else(|| panic!("{text}"))
            .iter()
            .find(|r| r["indicator"] == ind && r["standard"] == std && r["method"] == "问卷调查")
            .cloned()
            .unwrap()
    };
    let r = row("Ⅱ-14", 4);
    assert_eq!(r["verdict"], "达标");
    assert!(
        r["remark"].as_str().unwrap().contains("28÷32 = 87.5%"),
        "{r}"
    );
    assert_eq!(row("Ⅱ-1", 3)["verdict"], "未达标");
    assert!(
        row("Ⅱ-1", 3)["remark"]
            .as_str()
            .unwrap()
            .contains("20÷32 = 62.5%")
    );
}

#[test]
fn the_demo_prints_fills_and_tallies_a_survey_for_every_sample_community() {
    let dir = tempfile::tempdir().unwrap();
    let out = kaoping(dir.path()).args(["demo", "d"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        text.lines()
            .filter(|l| l.ends_with("问卷调查统计表.pdf"))
            .count(),
        3,
        "{text}"
    );
    assert!(text.contains("纸质 32、网页 6"), "{text}");
    assert!(text.contains("不作结论"), "{text}");
    let d = dir.path().join("d");
    assert!(d.join("问卷/WH-001-翠湖社区-问卷40份.pdf").is_file());
    let log = fs::read_to_string(d.join("archive/log.jsonl")).unwrap();
    assert!(log.contains("\"channel\":\"网页\"") && log.contains("\"channel\":\"纸质\""));
    assert!(log.contains("疑似无效") && log.contains("考评题全部未答"));
    let Some(report) = pdf_text(&d.join("output/五华区-翠湖社区-考评报告.pdf")) else {
        return;
    };
    assert!(report.contains("按居民问卷调查统计判定的标准"), "{report}");
    assert!(report.contains("Ⅱ-14标准4：Q5题有效回答35个"), "{report}");
    let table = pdf_text(&d.join("output/呈贡区-斗南社区-问卷调查统计表.pdf")).unwrap();
    assert!(table.contains("少于30份，不作结论"), "{table}");
    // The city's table lists the communities.
    let out = kaoping(dir.path())
        .args([
            "--archive",
            "d/archive",
            "survey",
            "report",
            "--all",
            "--date",
            "2019-12-01",
            "-o",
        ])
        .arg(dir.path().join("city"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let city = pdf_text(&dir.path().join("city/昆明市-问卷调查统计表.pdf")).unwrap();
    assert!(
        city.contains("昆明市试点社区问卷调查统计表") && city.contains("发放问卷120份"),
        "{city}"
    );
    assert!(
        city.contains("斗南社区") && city.contains("金星社区"),
        "{city}"
    );
    let copies = pdf_text(&d.join("问卷/WH-001-翠湖社区-问卷40份.pdf")).unwrap();
    assert!(
        copies.contains("http://127.0.0.1:8080/q/"),
        "links printed under the QR codes"
    );
}
