//! Regression tests for the bugs and rough edges a new office user hit
//! (issue 19), each named after what it pins.

use std::fs;
use std::path::Path;

use serde_json::Value;

use crate::cli::util::{kaoping, stderr_of_failure, stdout_of};

/// An archive in `d/archive` with 翠湖社区 (WH-001).
fn archive(d: &Path) {
    stdout_of(kaoping(d).arg("init"));
    add(d, "WH-001", "翠湖社区", "五华区");
}

fn add(d: &Path, id: &str, name: &str, district: &str) {
    stdout_of(kaoping(d).args(crate::util::community_add(id, name, district)));
}

/// WH-001's assessment sheet with every row 未达标 and assessed on `date`
/// (empty: no date).
fn failed_sheet(d: &Path, date: &str) -> Vec<u8> {
    let blank = d.join("t.csv");
    stdout_of(
        kaoping(d)
            .args([
                "assess",
                "template",
                "--force",
                "--community",
                "WH-001",
                "-o",
            ])
            .arg(&blank),
    );
    let text = fs::read_to_string(&blank).unwrap();
    let mut r = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let mut w = csv::Writer::from_writer(vec![]);
    w.write_record(r.headers().unwrap()).unwrap();
    for rec in r.records() {
        let mut cells: Vec<String> = rec.unwrap().iter().map(String::from).collect();
        cells[5] = "未达标".into();
        cells[8] = date.into();
        w.write_record(&cells).unwrap();
    }
    w.into_inner().unwrap()
}

fn register_len(d: &Path) -> usize {
    let v: Value =
        serde_json::from_str(&stdout_of(kaoping(d).args(["register", "--json"]))).unwrap();
    v.as_array().unwrap().len()
}

#[test]
fn crlf_csv_errors_name_the_right_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    stdout_of(kaoping(d).arg("init"));
    for (name, text) in [
        (
            "lf.csv",
            "编号,名称,所属区县,类型,批次\nQ1,a,x,城市社区,第一阶段\n",
        ),
        (
            "crlf.csv",
            "编号,名称,所属区县,类型,批次\r\nQ1,a,x,城市社区,第一阶段\r\n",
        ),
    ] {
        fs::write(d.join(name), text).unwrap();
        let err = stderr_of_failure(kaoping(d).args(["community", "import", name]), 1);
        assert!(err.contains("第 2 行：所属区县“x”无效"), "{name}: {err}");
    }
    let dup = "编号,名称,所属区县,类型,批次\r\nQ1,a,五华区,城市社区,第一阶段\r\nQ2,b,五华区,城市社区,第一阶段\r\nQ1,c,五华区,城市社区,第一阶段\r\n";
    fs::write(d.join("dup.csv"), dup).unwrap();
    let err = stderr_of_failure(kaoping(d).args(["community", "import", "dup.csv"]), 1);
    assert!(err.contains("第 4 行：编号 Q1 与第 2 行重复"), "{err}");
}

#[test]
fn an_unclosed_quote_is_named_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    stdout_of(kaoping(d).arg("init"));
    let text = "编号,名称,所属区县,类型,批次\nQ1,a,五华区,城市社区,第一阶段\nQ2,\"b,五华区,城市社区,第一阶段\nQ3,c,五华区,城市社区,第一阶段\n";
    fs::write(d.join("c.csv"), text).unwrap();
    let err = stderr_of_failure(kaoping(d).args(["community", "import", "c.csv"]), 1);
    assert!(err.contains("第 3 行") && err.contains("引号"), "{err}");
    assert!(!err.contains("所属区县“”"), "{err}");
    // All or nothing: not even the good first row was imported.
    assert!(!stdout_of(kaoping(d).args(["community", "list"])).contains("Q1"));
}

#[test]
fn a_failed_write_consumes_no_document_number() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    archive(d);
    let data = include_str!("../data/tongzhi-54.json");
    let mut v: Value = serde_json::from_str(data).unwrap();
    v.as_object_mut().unwrap().remove("number");
    fs::write(d.join("ok.json"), v.to_string()).unwrap();
    let err = stderr_of_failure(
        kaoping(d).args([
            "render",
            "tongzhi",
            "--data",
            "ok.json",
            "-o",
            "/nonexistent/dir/b.pdf",
        ]),
        1,
    );
    assert!(err.contains("没有占用文号"), "{err}");
    assert_eq!(register_len(d), 0);
    stdout_of(kaoping(d).args(["render", "tongzhi", "--data", "ok.json", "-o", "b.pdf"]));
    let v: Value =
        serde_json::from_str(&stdout_of(kaoping(d).args(["register", "--json"]))).unwrap();
    assert_eq!(v[0]["serial"], 1);
    // Rendering again to the same file is refused, nothing overwritten.
    let before = fs::read(d.join("b.pdf")).unwrap();
    let err = stderr_of_failure(
        kaoping(d).args(["render", "tongzhi", "--data", "ok.json", "-o", "b.pdf"]),
        1,
    );
    assert!(err.contains("已经存在") && err.contains("--force"), "{err}");
    assert_eq!(fs::read(d.join("b.pdf")).unwrap(), before);
    assert_eq!(register_len(d), 1);
}

#[test]
fn rerunning_a_document_never_overwrites_an_earlier_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    archive(d);
    fs::create_dir_all(d.join("m/Ⅱ-1/标准1")).unwrap();
    fs::write(d.join("m/Ⅱ-1/标准1/a.txt"), "1").unwrap();
    stdout_of(kaoping(d).args(["ingest", "m", "--community", "WH-001"]));
    fs::write(d.join("m/Ⅱ-1/标准1/b.txt"), "2").unwrap();
    stdout_of(kaoping(d).args(["ingest", "m", "--community", "WH-001"]));
    // The receipts of two versions have two file names.
    stdout_of(kaoping(d).args(["receipt", "--community", "WH-001", "-o", "out"]));
    stdout_of(kaoping(d).args([
        "receipt",
        "--community",
        "WH-001",
        "--version",
        "1",
        "-o",
        "out",
    ]));
    assert_eq!(fs::read_dir(d.join("out")).unwrap().count(), 2);
    assert_eq!(register_len(d), 2);
    // The progress table twice into one folder: refused the second time.
    stdout_of(kaoping(d).args(["progress", "-o", "out"]));
    let err = stderr_of_failure(kaoping(d).args(["progress", "-o", "out"]), 1);
    assert!(
        err.contains("已有同名文件") && err.contains("没有占用文号"),
        "{err}"
    );
    assert_eq!(register_len(d), 3);
    stdout_of(kaoping(d).args(["progress", "-o", "out", "--force"]));
    assert_eq!(register_len(d), 4);
}

#[test]
fn a_folder_that_is_not_an_archive_is_refused_and_never_made_one() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for args in [
        vec!["--archive", "typo", "verify"],
        vec!["--archive", "typo", "register"],
        [
            vec!["--archive", "typo"],
            crate::util::community_add("WH-001", "翠湖社区", "五华区").to_vec(),
        ]
        .concat(),
    ] {
        let err = stderr_of_failure(kaoping(d).args(&args), 1);
        assert!(
            err.contains("不是档案库") && err.contains("kaoping init"),
            "{args:?}: {err}"
        );
    }
    assert!(!d.join("typo").exists(), "a mistyped folder was created");
    // Commands that need no archive still work.
    stdout_of(kaoping(d).args(["--archive", "typo", "catalog", "Ⅱ-1"]));
    stdout_of(kaoping(d).args(["--archive", "typo", "districts"]));
}

#[test]
fn usage_mistakes_get_a_chinese_hint_and_the_commands_help() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    archive(d);
    fs::create_dir_all(d.join("翠湖社区材料/Ⅱ-1/标准1")).unwrap();
    let err = stderr_of_failure(kaoping(d).args(["ingest", "翠湖社区材料", "WH-001"]), 2);
    assert!(err.contains("--community WH-001"), "{err}");
    assert!(err.contains("kaoping ingest --help"), "{err}");
    let err = stderr_of_failure(
        kaoping(d).args(["show", "--community", "WH-001", "--version", "第1版"]),
        2,
    );
    assert!(
        err.contains("阿拉伯数字") && !err.contains("invalid digit"),
        "{err}"
    );
    let help = stdout_of(kaoping(d).args(["help", "assess"]));
    assert!(
        help.contains("kaoping assess") && help.contains("命令"),
        "{help}"
    );
    assert!(
        !help.contains("Commands:") && !help.contains("<COMMAND>"),
        "{help}"
    );
    let help = stdout_of(kaoping(d).args(["assess", "--help"]));
    assert!(
        !help.contains("Commands:") && !help.contains("<COMMAND>"),
        "{help}"
    );
    stdout_of(kaoping(d).arg("help"));
}

#[test]
fn a_short_or_odd_hash_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    archive(d);
    let err = stderr_of_failure(kaoping(d).args(["cat", "1f48"]), 1);
    assert!(err.contains("太短") && err.contains("8 位"), "{err}");
    let err = stderr_of_failure(kaoping(d).args(["cat", "翠湖"]), 1);
    assert!(err.contains("不是哈希"), "{err}");
}

#[test]
fn the_sheet_template_refuses_a_name_it_cannot_write() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    archive(d);
    for name in ["考评表.xls", "t.json"] {
        let err = stderr_of_failure(
            kaoping(d).args(["assess", "template", "--community", "WH-001", "-o", name]),
            1,
        );
        assert!(err.contains(".csv") && err.contains(".xlsx"), "{err}");
        assert!(!d.join(name).exists());
    }
}

#[test]
fn ids_that_differ_only_in_case_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    archive(d);
    let err = stderr_of_failure(
        kaoping(d).args(crate::util::community_add("wh-001", "另一个社区", "五华区")),
        1,
    );
    assert!(err.contains("大小写"), "{err}");
    // The same name again in the same district gets a warning.
    let out = kaoping(d)
        .args(crate::util::community_add("WH-002", "翠湖社区", "五华区"))
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("同名社区"));
    let csv = "编号,名称,所属区县,类型,批次\nAB-1,a,五华区,城市社区,第一阶段\nab-1,b,五华区,城市社区,第一阶段\n";
    fs::write(d.join("c.csv"), csv).unwrap();
    let err = stderr_of_failure(kaoping(d).args(["community", "import", "c.csv"]), 1);
    assert!(err.contains("第 3 行") && err.contains("重复"), "{err}");
}

#[test]
fn progress_json_keeps_the_total_apart() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    archive(d);
    let v: Value =
        serde_json::from_str(&stdout_of(kaoping(d).args(["progress", "--json"]))).unwrap();
    let districts = v["districts"].as_array().unwrap();
    assert_eq!(districts.len(), 18);
    assert!(districts.iter().all(|r| r["district"] != "总计"));
    assert_eq!(v["total"]["district"], "总计");
    assert_eq!(v["total"]["quota"], 100);
}

#[test]
fn a_sheet_for_a_community_without_submissions_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    archive(d);
    fs::write(d.join("f.csv"), failed_sheet(d, "")).unwrap();
    crate::util::submit_levels(d, None, "WH-001", "f.csv");
    let out = stdout_of(kaoping(d).args(["assess", "import", "f.csv", "--community", "WH-001"]));
    assert!(out.contains("还没有提交任何证据材料"), "{out}");
    assert!(!out.contains("第 0 版"), "{out}");
}

#[test]
fn times_people_read_are_beijing_time() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    archive(d);
    fs::create_dir_all(d.join("m/Ⅱ-1/标准1")).unwrap();
    fs::write(d.join("m/Ⅱ-1/标准1/a.txt"), "1").unwrap();
    stdout_of(kaoping(d).args(["ingest", "m", "--community", "WH-001"]));
    let log = fs::read_to_string(d.join("archive/log.jsonl")).unwrap();
    let rec: Value = serde_json::from_str(log.lines().last().unwrap()).unwrap();
    let utc = rec["time"].as_str().unwrap();
    assert!(utc.ends_with('Z'), "the log keeps UTC: {utc}");
    let beijing = chrono::DateTime::parse_from_rfc3339(utc)
        .unwrap()
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
        .format("%Y-%m-%d %H:%M:%S")
        .to_string();
    let history = stdout_of(kaoping(d).args(["history", "--community", "WH-001"]));
    assert!(history.contains(&beijing), "{history} vs {beijing}");
    stdout_of(kaoping(d).args(["receipt", "--community", "WH-001", "-o", "out"]));
    let pdf = fs::read_dir(d.join("out"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    if let Some(text) = crate::cli::util::pdf_text(&pdf) {
        let squeezed: String = beijing.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(text.contains(&squeezed), "receipt: {text}");
    }
    // Another zone can be configured.
    let config = d.join("archive/kaoping.toml");
    let text = fs::read_to_string(&config).unwrap();
    fs::write(
        &config,
        text.replace("zone = \"Asia/Shanghai\"", "zone = \"UTC\""),
    )
    .unwrap();
    let history = stdout_of(kaoping(d).args(["history", "--community", "WH-001"]));
    assert!(
        history.contains(&utc.replace('T', " ").replace('Z', "")),
        "{history}"
    );
    fs::write(
        &config,
        text.replace("zone = \"Asia/Shanghai\"", "zone = \"火星\""),
    )
    .unwrap();
    let err = stderr_of_failure(kaoping(d).args(["history", "--community", "WH-001"]), 1);
    assert!(err.contains("[time] zone"), "{err}");
}

#[test]
fn document_dates_must_follow_the_assessment_and_not_lie_years_ahead() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    archive(d);
    let fill = |date: &str| failed_sheet(d, date);
    fs::write(d.join("future.csv"), fill("2099-01-01")).unwrap();
    let err = stderr_of_failure(
        kaoping(d).args(["assess", "import", "future.csv", "--community", "WH-001"]),
        1,
    );
    assert!(err.contains("将来"), "{err}");
    // Sheets take the same date forms as --date.
    fs::write(d.join("ok.csv"), fill("2026年11月20日")).unwrap();
    crate::util::submit_levels(d, None, "WH-001", "ok.csv");
    stdout_of(kaoping(d).args(["assess", "import", "ok.csv", "--community", "WH-001"]));
    let err = stderr_of_failure(
        kaoping(d).args([
            "report",
            "--community",
            "WH-001",
            "--date",
            "2018-01-01",
            "-o",
            "o",
        ]),
        1,
    );
    assert!(
        err.contains("不能早于") && err.contains("2026-11-20"),
        "{err}"
    );
    let err = stderr_of_failure(
        kaoping(d).args([
            "report",
            "--community",
            "WH-001",
            "--date",
            "2099-01-01",
            "-o",
            "o",
        ]),
        1,
    );
    assert!(err.contains("将来"), "{err}");
    assert_eq!(register_len(d), 0);
    stdout_of(kaoping(d).args([
        "report",
        "--community",
        "WH-001",
        "--date",
        "2026/11/25",
        "-o",
        "o",
    ]));
    assert_eq!(register_len(d), 1);
}

#[test]
fn hand_written_toml_and_json_get_chinese_messages_and_any_encoding() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    archive(d);
    // An unknown section in kaoping.toml.
    let config = d.join("archive/kaoping.toml");
    let good = fs::read_to_string(&config).unwrap();
    fs::write(&config, format!("{good}\n[foo]\nbar = 1\n")).unwrap();
    let err = stderr_of_failure(kaoping(d).args(["progress", "-o", "p1"]), 1);
    assert!(
        err.contains("不认识的项“foo”") && err.contains("行"),
        "{err}"
    );
    assert!(!err.contains("unknown field"), "{err}");
    // Saved as GBK ("ANSI" in Notepad) or with a BOM: read as it is.
    let (gbk, _, _) = encoding_rs::GBK.encode(&good);
    fs::write(&config, &gbk).unwrap();
    stdout_of(kaoping(d).args(["progress", "-o", "p2"]));
    fs::write(
        &config,
        [b"\xEF\xBB\xBF".as_slice(), good.as_bytes()].concat(),
    )
    .unwrap();
    stdout_of(kaoping(d).args(["progress", "-o", "p3"]));
    // Community facts typed the way people type them.
    stdout_of(kaoping(d).args(["assess", "template", "--community", "WH-001", "-o", "t.csv"]));
    for (facts, want) in [
        ("居民户数 = 2400\n", "加英文引号"),
        (
            "\"居民户数\" = 2400\n\"综合服务设施面积\" = \"960平方米\"\n",
            "只写数字",
        ),
    ] {
        fs::write(d.join("f.toml"), facts).unwrap();
        let err = stderr_of_failure(
            kaoping(d).args([
                "assess",
                "import",
                "t.csv",
                "--community",
                "WH-001",
                "--facts",
                "f.toml",
            ]),
            1,
        );
        assert!(err.contains(want) && err.contains("行"), "{facts}: {err}");
    }
    // JSON data with a BOM renders.
    let data = include_str!("../data/tongzhi-54.json");
    let mut v: Value = serde_json::from_str(data).unwrap();
    v.as_object_mut().unwrap().remove("number");
    fs::write(d.join("bom.json"), format!("\u{feff}{v}")).unwrap();
    stdout_of(kaoping(d).args([
        "render", "tongzhi", "--data", "bom.json", "--draft", "-o", "x.pdf",
    ]));
}

#[test]
fn a_workbook_given_as_csv_is_named_as_one() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    archive(d);
    // What Excel saves: a ZIP container.
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    w.start_file(
        "[Content_Types].xml",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    std::io::Write::write_all(&mut w, b"<Types/>").unwrap();
    fs::write(d.join("社区.xlsx"), w.finish().unwrap().into_inner()).unwrap();
    let err = stderr_of_failure(kaoping(d).args(["community", "import", "社区.xlsx"]), 1);
    assert!(err.contains("工作簿") && err.contains("另存为"), "{err}");
    assert!(!err.contains("表头应为"), "{err}");
    fs::copy(d.join("社区.xlsx"), d.join("考评表.csv")).unwrap();
    let err = stderr_of_failure(
        kaoping(d).args(["assess", "import", "考评表.csv", "--community", "WH-001"]),
        1,
    );
    assert!(err.contains("工作簿"), "{err}");
}

#[test]
fn render_takes_the_default_recipients_and_typst_needs_no_number() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    archive(d);
    let mut v: Value = serde_json::from_str(include_str!("../data/tongzhi-54.json")).unwrap();
    let obj = v.as_object_mut().unwrap();
    obj.remove("number");
    obj.remove("recipients");
    fs::write(d.join("d.json"), v.to_string()).unwrap();
    stdout_of(kaoping(d).args([
        "render", "tongzhi", "--data", "d.json", "--typst", "-o", "x.typ",
    ]));
    let source = fs::read_to_string(d.join("x.typ")).unwrap();
    assert!(source.contains("草稿"), "{source}");
    stdout_of(kaoping(d).args(["render", "tongzhi", "--data", "d.json", "-o", "x.pdf"]));
    let reg: Value =
        serde_json::from_str(&stdout_of(kaoping(d).args(["register", "--json"]))).unwrap();
    let recipient = reg[0]["recipient"].as_str().unwrap();
    assert!(recipient.contains("各县（市）区"), "{recipient}");
}

#[test]
fn official_full_names_and_unknown_folders_get_a_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    archive(d);
    for (i, (full, short)) in [
        ("禄劝彝族苗族自治县", "禄劝县"),
        ("寻甸回族彝族自治县", "寻甸县"),
        ("昆明市五华区", "五华区"),
        ("昆明高新技术产业开发区", "高新区"),
    ]
    .into_iter()
    .enumerate()
    {
        let id = format!("T-{i}");
        let out = stdout_of(kaoping(d).args(crate::util::community_add(
            &id,
            &format!("{short}试点社区"),
            full,
        )));
        assert!(out.contains(short), "{full}: {out}");
    }
    fs::create_dir_all(d.join("m/Ⅱ-1/标准1")).unwrap();
    fs::write(d.join("m/Ⅱ-1/标准1/a.txt"), "a").unwrap();
    fs::create_dir_all(d.join("m/Ⅱ-18 不存在")).unwrap();
    fs::write(d.join("m/Ⅱ-18 不存在/b.txt"), "b").unwrap();
    let err = stderr_of_failure(kaoping(d).args(["ingest", "m", "--community", "WH-001"]), 1);
    assert!(err.contains("最接近的指标：Ⅱ-17"), "{err}");
}
