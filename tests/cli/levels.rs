//! 评估验收 in levels: 社区自查, then 县区初评, then 专家评估, then the
//! city's final result; locks, returns and the state per community.

use super::util::{kaoping, stderr_of_failure, stdout_of};

fn state(d: &std::path::Path) -> String {
    let out = stdout_of(kaoping(d).args(["assess", "state", "--json"]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    v[0]["state"].as_str().unwrap().to_string()
}

/// Expert accounts `names`, each assigned WH-001.
fn experts(d: &std::path::Path, names: &[&str]) {
    for name in names {
        kaoping(d)
            .args(["user", "add", name, "--role", "expert", "--password-stdin"])
            .write_stdin("secret-pass-1\n")
            .assert()
            .success();
        stdout_of(kaoping(d).args(["expert", "assign", name, "--community", "WH-001"]));
    }
}

#[test]
fn each_level_needs_the_one_below_and_a_return_reopens_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    stdout_of(kaoping(d).arg("init"));
    stdout_of(kaoping(d).args(crate::util::community_add("WH-001", "翠湖社区", "五华区")));
    let rows = crate::workbooks::filled_rows(d);
    std::fs::write(d.join("表.csv"), crate::workbooks::csv_text(&rows)).unwrap();
    let import = |level: &str, extra: &[&str]| {
        let mut cmd = kaoping(d);
        cmd.args([
            "assess",
            "import",
            "表.csv",
            "--community",
            "WH-001",
            "--level",
            level,
        ]);
        cmd.args(extra);
        cmd
    };
    experts(d, &["zj1", "zj2"]);
    assert_eq!(state(d), "未开始");
    let err = stderr_of_failure(&mut import("初评", &[]), 1);
    assert!(err.contains("还没有提交自查"), "{err}");
    stdout_of(&mut import("自查", &[]));
    assert_eq!(state(d), "自查已提交");
    let err = stderr_of_failure(&mut import("自查", &[]), 1);
    assert!(err.contains("已锁定"), "{err}");
    let err = stderr_of_failure(&mut import("专家", &["--expert", "zj1"]), 1);
    assert!(err.contains("初评之后"), "{err}");
    stdout_of(&mut import("初评", &[]));
    assert_eq!(state(d), "初评已提交");
    stdout_of(kaoping(d).args([
        "assess",
        "return",
        "--community",
        "WH-001",
        "--level",
        "初评",
        "--reason",
        "第3条证据不足",
    ]));
    assert_eq!(state(d), "自查已提交");
    stdout_of(&mut import("初评", &[]));
    let err = stderr_of_failure(&mut import("专家", &[]), 1);
    assert!(err.contains("--expert"), "{err}");
    stdout_of(&mut import("专家", &["--expert", "zj1"]));
    let mut failed = rows.clone();
    for r in failed.iter_mut().skip(1) {
        r[5] = "未达标".into();
    }
    std::fs::write(d.join("未达标.csv"), crate::workbooks::csv_text(&failed)).unwrap();
    stdout_of(kaoping(d).args([
        "assess",
        "import",
        "未达标.csv",
        "--community",
        "WH-001",
        "--level",
        "专家",
        "--expert",
        "zj2",
    ]));
    assert_eq!(state(d), "专家评估中");
    // The panel: both experts side by side, a tie going to the lower.
    let panel = stdout_of(kaoping(d).args(["assess", "panel", "--community", "WH-001", "--json"]));
    let p: serde_json::Value = serde_json::from_str(&panel).unwrap();
    assert_eq!(p.as_array().unwrap().len(), rows.len() - 1);
    assert_eq!(p[0]["verdicts"][0], serde_json::json!(["zj1", "基本达标"]));
    assert_eq!(p[0]["verdicts"][1], serde_json::json!(["zj2", "未达标"]));
    assert_eq!(p[0]["aggregate"]["verdict"], "未达标");
    assert_eq!(
        p[0]["aggregate"]["arithmetic"],
        "多数：基本达标 1 票，未达标 1 票 → 未达标"
    );
    let toml = d.join("archive/kaoping.toml");
    let text = std::fs::read_to_string(&toml)
        .unwrap()
        .replace("aggregate = \"majority\"", "aggregate = \"mean\"");
    std::fs::write(&toml, text).unwrap();
    let panel = stdout_of(kaoping(d).args(["assess", "panel", "--community", "WH-001"]));
    assert!(panel.contains("均值 (1+0)/2 = 0.50 → 未达标"), "{panel}");
    // Documents come from the city's final result only.
    let err = stderr_of_failure(
        kaoping(d).args(["assess", "show", "--community", "WH-001"]),
        1,
    );
    assert!(err.contains("还没有导入考评结果"), "{err}");
    stdout_of(kaoping(d).args(["assess", "import", "表.csv", "--community", "WH-001"]));
    assert_eq!(state(d), "已评定");
    let shown = stdout_of(kaoping(d).args(["assess", "show", "--community", "WH-001", "--json"]));
    let v: serde_json::Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(
        v["version"], 6,
        "every level's sheet is a version of its own"
    );
    let log = std::fs::read_to_string(d.join("archive/log.jsonl")).unwrap();
    assert!(log.contains("\"level\":\"专家评估\"") && log.contains("\"expert\":\"zj2\""));
    assert!(log.contains("第3条证据不足"));
    stdout_of(kaoping(d).arg("verify"));
    // The office may override one final verdict, only with a reason.
    let ov = |reason: &str| {
        let mut cmd = kaoping(d);
        cmd.args([
            "assess",
            "override",
            "--community",
            "WH-001",
            "--indicator",
            "II-1",
            "--standard",
            "1",
            "--method",
            "材料审核",
            "--verdict",
            "未达标",
            "--reason",
            reason,
        ]);
        cmd
    };
    let err = stderr_of_failure(&mut ov("  "), 1);
    assert!(err.contains("必须写明理由"), "{err}");
    let out = stdout_of(&mut ov("现场核查发现台账为补做"));
    assert!(out.contains("基本达标 → 未达标"), "{out}");
    let shown = stdout_of(kaoping(d).args(["assess", "show", "--community", "WH-001", "--json"]));
    let v: serde_json::Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(v["version"], 7);
    assert_eq!(v["overrides"][0]["reason"], "现场核查发现台账为补做");
    assert_eq!(v["overrides"][0]["from"], "基本达标");
    assert_eq!(v["results"][0]["verdict"], "未达标");
    stdout_of(kaoping(d).arg("verify"));
    // The 考评报告 shows the levels side by side and who assessed.
    std::fs::create_dir(d.join("公文")).unwrap();
    stdout_of(kaoping(d).args([
        "report",
        "--community",
        "WH-001",
        "-o",
        "公文",
        "--date",
        "2026-11-20",
    ]));
    if let Some(text) = crate::util::pdf_text(&d.join("公文/五华区-翠湖社区-考评报告.pdf"))
    {
        assert!(text.contains("各级考评结论对照"), "{text}");
        assert!(text.contains("专家评估：zj1、zj2"), "{text}");
        assert!(
            text.contains("相差两级") && text.contains("共0条"),
            "{text}"
        );
        assert!(text.contains("考评办公室改定了1条最终结论"), "{text}");
        assert!(text.contains("理由：现场核查发现台账为补做"), "{text}");
    }
    // The 进度汇总表 counts the pilots at each state.
    stdout_of(kaoping(d).args(["progress", "--date", "2026-11-20"]));
    if let Some(text) = crate::util::pdf_text(&d.join("进度汇总表.pdf")) {
        assert!(
            text.contains("已评定1个") && text.contains("未开始0个"),
            "{text}"
        );
    }
}

/// A district's 初评情况报告: an 上行文 with its 签发人 and own number
/// prefix, listing only the communities of that district, the 初评
/// withdrawn by a return no longer counted.
#[test]
fn a_district_reports_its_preliminary_results_upward() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    stdout_of(kaoping(d).arg("init"));
    stdout_of(kaoping(d).args(crate::util::community_add("WH-001", "翠湖社区", "五华区")));
    let rows = crate::workbooks::filled_rows(d);
    stdout_of(kaoping(d).args(crate::util::community_add("WH-002", "华山社区", "五华区")));
    stdout_of(kaoping(d).args(crate::util::community_add("PL-001", "金星社区", "盘龙区")));
    std::fs::write(d.join("表.csv"), crate::workbooks::csv_text(&rows)).unwrap();
    let report = |extra: &[&str]| {
        let mut cmd = kaoping(d);
        cmd.args([
            "preliminary",
            "--district",
            "五华区",
            "-o",
            "out",
            "--force",
        ]);
        cmd.args(extra);
        cmd
    };
    let err = stderr_of_failure(&mut report(&["--signer", "张三"]), 1);
    assert!(err.contains("还没有任何社区提交县区初评"), "{err}");
    for (id, level) in [("WH-001", "自查"), ("WH-001", "初评"), ("PL-001", "自查")] {
        stdout_of(kaoping(d).args([
            "assess",
            "import",
            "表.csv",
            "--community",
            id,
            "--level",
            level,
        ]));
    }
    let err = stderr_of_failure(&mut report(&[]), 1);
    assert!(
        err.contains("必须标注签发人") && err.contains("[districts.\"五华区\"]"),
        "{err}"
    );
    assert!(
        !d.join("out").exists(),
        "nothing is written without a signer"
    );
    // The signer and the office's own names come from kaoping.toml.
    let toml = d.join("archive/kaoping.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    let entry = |name: &str| {
        format!("{text}\n[districts.\"{name}\"]\nprefix = \"五民社\"\nsigner = \"王五\"\n")
    };
    std::fs::write(&toml, entry("五华")).unwrap();
    let err = stderr_of_failure(&mut report(&[]), 1);
    assert!(
        err.contains("[districts.\"五华\"]") && err.contains("五华区"),
        "{err}"
    );
    std::fs::write(&toml, entry("五华区")).unwrap();
    let out = stdout_of(&mut report(&[]));
    assert!(
        out.contains("五民社〔") && out.contains("初评情况报告"),
        "{out}"
    );
    let pdf = d.join("out/五华区-初评情况报告.pdf");
    if let Some(t) = crate::util::pdf_text(&pdf) {
        assert!(t.contains("签发人：王五"), "{t}");
        assert!(
            t.contains("五华区城乡社区治理工作领导小组办公室文件"),
            "{t}"
        );
        assert!(t.contains("昆明市城乡社区治理工作领导小组办公室："), "{t}");
        for cell in [
            "翠湖社区",
            "初评已提交",
            "2026-11-20",
            "60（不合格）",
            "华山社区",
            "未初评",
        ] {
            assert!(t.contains(cell), "{cell}: {t}");
        }
        assert!(t.contains("翠湖社区（基本达标58项、未达标0项）"), "{t}");
        assert!(!t.contains("金星社区"), "another district's community: {t}");
        assert!(t.contains("完成县区初评的1个"), "{t}");
    }
    // A return withdraws the 初评 from the next report; --signer wins.
    stdout_of(kaoping(d).args([
        "assess",
        "return",
        "--community",
        "WH-001",
        "--level",
        "初评",
        "--reason",
        "证据不足",
    ]));
    let err = stderr_of_failure(&mut report(&["--signer", "赵六"]), 1);
    assert!(err.contains("还没有任何社区提交县区初评"), "{err}");
    stdout_of(kaoping(d).args([
        "assess",
        "import",
        "表.csv",
        "--community",
        "WH-001",
        "--level",
        "初评",
    ]));
    let out = stdout_of(&mut report(&["--signer", "赵六"]));
    assert!(
        out.contains("五民社〔") && out.contains("2号"),
        "its own sequence: {out}"
    );
    if let Some(t) = crate::util::pdf_text(&pdf) {
        assert!(t.contains("签发人：赵六"), "{t}");
    }
    let reg = stdout_of(kaoping(d).args(["register", "--json"]));
    assert!(reg.contains("初评情况报告"), "{reg}");
    stdout_of(kaoping(d).arg("verify"));
}

/// `assess finalize` takes the final result from the 专家组: each row's
/// verdict is the aggregate of the experts' verdicts under the configured
/// rule, with the arithmetic as its remark.
#[test]
fn the_final_result_can_come_from_the_expert_panel() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    stdout_of(kaoping(d).arg("init"));
    stdout_of(kaoping(d).args(crate::util::community_add("WH-001", "翠湖社区", "五华区")));
    let rows = crate::workbooks::filled_rows(d);
    let with = |first: &str| {
        let mut r = rows.clone();
        r[1][5] = first.into();
        r[1][9] = "台账齐全，现场已核实".into();
        crate::workbooks::csv_text(&r)
    };
    let finalize = || {
        let mut cmd = kaoping(d);
        cmd.args(["assess", "finalize", "--community", "WH-001"]);
        cmd
    };
    experts(d, &["zj1", "zj2", "zj3"]);
    let err = stderr_of_failure(&mut finalize(), 1);
    assert!(err.contains("专家评估还没有提交"), "{err}");
    std::fs::write(d.join("表.csv"), with("基本达标")).unwrap();
    for level in ["自查", "初评"] {
        stdout_of(kaoping(d).args([
            "assess",
            "import",
            "表.csv",
            "--community",
            "WH-001",
            "--level",
            level,
        ]));
    }
    for (expert, first) in [("zj1", "达标"), ("zj2", "达标"), ("zj3", "未达标")] {
        std::fs::write(d.join("专家.csv"), with(first)).unwrap();
        stdout_of(kaoping(d).args([
            "assess",
            "import",
            "专家.csv",
            "--community",
            "WH-001",
            "--level",
            "专家",
            "--expert",
            expert,
        ]));
    }
    let out = stdout_of(&mut finalize());
    assert!(out.contains("多数") && out.contains("第 6 版"), "{out}");
    assert_eq!(state(d), "已评定");
    let shown = stdout_of(kaoping(d).args(["assess", "show", "--community", "WH-001", "--json"]));
    let v: serde_json::Value = serde_json::from_str(&shown).unwrap();
    let results = v["results"].as_array().expect("results");
    assert_eq!(results.len(), rows.len() - 1);
    assert_eq!(results[0]["verdict"], "达标", "two of three said 达标");
    assert_eq!(
        results[0]["remark"],
        "专家 zj1、zj2、zj3：台账齐全，现场已核实（专家组汇总：多数：达标 2 票，未达标 1 票 → 达标）"
    );
    assert_eq!(results[1]["verdict"], "基本达标", "all three agreed");
    assert!(results[0]["assessor"].as_str().unwrap().contains("3"));
    // Under the mean rule the same sheets give (2+2+0)/3.
    let toml = d.join("archive/kaoping.toml");
    let text = std::fs::read_to_string(&toml)
        .unwrap()
        .replace("aggregate = \"majority\"", "aggregate = \"mean\"");
    std::fs::write(&toml, text).unwrap();
    stdout_of(&mut finalize());
    let shown = stdout_of(kaoping(d).args(["assess", "show", "--community", "WH-001", "--json"]));
    let v: serde_json::Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(v["version"], 7);
    let remark = v["results"][0]["remark"].as_str().unwrap().to_string();
    assert!(remark.contains("(2+2+0)/3"), "{remark}");
    stdout_of(kaoping(d).arg("verify"));
}

/// A blank sheet names its community (and, when asked, its level): filled
/// for one community or level, it is refused for another, with the cell.
#[test]
fn a_sheet_made_for_another_community_or_level_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    stdout_of(kaoping(d).arg("init"));
    stdout_of(kaoping(d).args(crate::util::community_add("WH-001", "翠湖社区", "五华区")));
    stdout_of(kaoping(d).args(crate::util::community_add("PL-001", "金星社区", "盘龙区")));
    let filled = |community: &str, level: Option<&str>, name: &str| {
        let mut cmd = kaoping(d);
        cmd.args([
            "assess",
            "template",
            "--community",
            community,
            "-o",
            name,
            "--force",
        ]);
        if let Some(l) = level {
            cmd.args(["--level", l]);
        }
        stdout_of(&mut cmd);
        let text = std::fs::read_to_string(d.join(name)).unwrap();
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        let rows: Vec<Vec<String>> = r
            .records()
            .enumerate()
            .map(|(i, rec)| {
                let mut cells: Vec<String> = rec.unwrap().iter().map(String::from).collect();
                if i > 0 {
                    cells[5] = "基本达标".into();
                }
                cells
            })
            .collect();
        assert_eq!(rows[0][10], "社区编号");
        assert_eq!(rows[1][10], community);
        std::fs::write(d.join(name), crate::workbooks::csv_text(&rows)).unwrap();
    };
    let import = |name: &str, community: &str, level: &str| {
        let mut cmd = kaoping(d);
        cmd.args([
            "assess",
            "import",
            name,
            "--community",
            community,
            "--level",
            level,
        ]);
        cmd
    };
    filled("PL-001", None, "盘龙.csv");
    let err = stderr_of_failure(&mut import("盘龙.csv", "WH-001", "自查"), 1);
    assert!(
        err.contains("社区 PL-001 的（“社区编号”一栏），不能导入社区 WH-001"),
        "{err}"
    );
    assert!(
        err.contains("1 处问题") && err.contains("第 2 行"),
        "once, at its row: {err}"
    );
    stdout_of(&mut import("盘龙.csv", "PL-001", "自查"));
    filled("WH-001", Some("初评"), "初评.csv");
    let err = stderr_of_failure(&mut import("初评.csv", "WH-001", "自查"), 1);
    assert!(
        err.contains("县区初评用的（“考评层级”一栏），不能作为社区自查提交"),
        "{err}"
    );
    let log = std::fs::read_to_string(d.join("archive/log.jsonl")).unwrap();
    assert!(
        !log.contains("\"WH-001\",\"version\""),
        "nothing recorded for WH-001"
    );
    filled("WH-001", Some("自查"), "自查.csv");
    stdout_of(&mut import("自查.csv", "WH-001", "自查"));
    stdout_of(&mut import("初评.csv", "WH-001", "初评"));
}
