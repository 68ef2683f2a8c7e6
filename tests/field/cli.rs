//! The field evidence through the command line.

use super::util::{AT, events, future_photo, grid_csv, pdf, photo};
use crate::util::TestArchive;

/// An archive with WH-001 (五华区) and PL-001 (盘龙区), district account
/// wuhua, expert zj assigned WH-001, expert zj2 assigned nothing, and a
/// point P1 with coordinates and P2 checking two standards.
pub(super) fn setup() -> TestArchive {
    let t = TestArchive::new();
    t.community("WH-001");
    t.ok(&crate::util::community_add("PL-001", "拓东社区", "盘龙区"));
    for (name, role) in [
        (
            "wuhua",
            ["--role", "district", "--district", "五华区"].as_slice(),
        ),
        ("zj", &["--role", "expert"]),
        ("zj2", &["--role", "expert"]),
        ("cuihu", &["--role", "community", "--community", "WH-001"]),
    ] {
        let mut args = vec!["user", "add", name, "--password-stdin"];
        args.extend_from_slice(role);
        t.cmd()
            .args(&args)
            .write_stdin("secret-pass-1\n")
            .assert()
            .success();
    }
    t.ok(&["expert", "assign", "zj", "--community", "WH-001"]);
    t.ok(&[
        "point",
        "add",
        "--community",
        "WH-001",
        "--name",
        "翠湖社区综合服务中心",
        "--kind",
        "社区综合服务中心",
        "--address",
        "翠湖南路1号",
        "--lat",
        "25.0431",
        "--lon",
        "102.7062",
    ]);
    t.ok(&[
        "point",
        "add",
        "--community",
        "WH-001",
        "--name",
        "一号小区",
        "--kind",
        "小区",
        "--standards",
        "Ⅱ-1/2,Ⅱ-3 标准2",
    ]);
    t
}

pub(super) fn photo_args<'a>(
    who: &'a str,
    point: &'a str,
    standard: &'a str,
    file: &'a str,
) -> Vec<&'a str> {
    vec![
        "field",
        "photo",
        "--community",
        "WH-001",
        "--as",
        who,
        "--point",
        point,
        "--standard",
        standard,
        file,
    ]
}

#[test]
fn points_are_added_imported_and_listed_and_bad_rows_import_nothing() {
    let t = setup();
    let list = t.ok(&["point", "list", "--community", "WH-001"]);
    assert!(
        list.contains("P1  翠湖社区综合服务中心") && list.contains("全部实地考评标准"),
        "{list}"
    );
    assert!(list.contains("Ⅱ-1 标准2、Ⅱ-3 标准2"), "{list}");
    let err = t.fails(&[
        "point",
        "add",
        "--community",
        "WH-001",
        "--name",
        "x",
        "--kind",
        "学校",
    ]);
    assert!(
        err.contains("类型“学校”无效") && err.contains("楼院"),
        "{err}"
    );
    let err = t.fails(&[
        "point",
        "add",
        "--community",
        "WH-001",
        "--name",
        "x",
        "--kind",
        "小区",
        "--standards",
        "Ⅱ-2/1",
    ]);
    assert!(err.contains("Ⅱ-2 标准1 不用实地考评"), "{err}");
    let err = t.fails(&[
        "point",
        "add",
        "--community",
        "WH-001",
        "--name",
        "x",
        "--kind",
        "小区",
        "--lat",
        "95",
    ]);
    assert!(err.contains("纬度“95”"), "{err}");
    std::fs::write(t.path("点位.csv"), "名称,类型,地址,纬度,经度,考评标准\n三号楼院,楼院,翠湖北路3号,25.05,102.70,Ⅱ-6/1\n坏点位,学校,,,,\n").unwrap();
    let before = t.snapshot();
    let err = t.fails(&["point", "import", "--community", "WH-001", "点位.csv"]);
    assert!(err.contains("第 3 行") && err.contains("学校"), "{err}");
    assert_eq!(
        before,
        t.snapshot(),
        "a table with a bad row imports nothing"
    );
    std::fs::write(
        t.path("点位.csv"),
        "名称,类型,地址\n三号楼院,楼院,翠湖北路3号\n",
    )
    .unwrap();
    let out = t.ok(&["point", "import", "--community", "WH-001", "点位.csv"]);
    assert!(out.contains("1 个考评点"), "{out}");
    assert!(
        t.ok(&["point", "list", "--community", "WH-001"])
            .contains("P3  三号楼院")
    );
    std::fs::write(t.path("无表头.csv"), "甲,乙\n1,2\n").unwrap();
    let err = t.fails(&["point", "import", "--community", "WH-001", "无表头.csv"]);
    assert!(
        err.contains("名称") && err.contains("类型"),
        "lists the expected columns: {err}"
    );
}

#[test]
fn photos_are_stored_with_exif_flagged_and_recognised_again() {
    let t = setup();
    let d = t.dir.path();
    photo(d, "good.jpg", Some((0, Some(AT))), 1);
    let out = t.ok(&photo_args("wuhua", "P1", "Ⅱ-6/1", "good.jpg"));
    assert!(
        out.contains("已保存照片 good.jpg") && !out.contains("标记"),
        "{out}"
    );
    let rec = &events(&t.archive(), "field-photo")[0]["data"];
    let original = std::fs::read(t.path("good.jpg")).unwrap();
    let sha = rec["file"]["object"]["sha256"].as_str().unwrap();
    assert_eq!(rec["level"], "县区初评");
    assert!(rec["exif"]["taken"].as_str().unwrap().contains('T'));
    assert!(rec["received"].as_str().is_some());
    // The original bytes are kept exactly.
    let cat = t.cmd().args(["cat", sha]).output().unwrap();
    assert_eq!(cat.stdout, original);
    // The same photo again: recognised, not recorded twice.
    let out = t.ok(&photo_args("wuhua", "P1", "Ⅱ-6/1", "good.jpg"));
    assert!(out.contains("已有相同的照片"), "{out}");
    assert_eq!(events(&t.archive(), "field-photo").len(), 1);
    // Flagged, not refused.
    photo(d, "plain.jpg", None, 2);
    photo(d, "old.jpg", Some((30, Some(AT))), 3);
    photo(d, "far.jpg", Some((0, Some((25.10, 102.80)))), 4);
    future_photo(d, "future.jpg");
    for (file, flag) in [
        ("plain.jpg", "没有 EXIF"),
        ("old.jpg", "早于考评 7 天以上"),
        ("far.jpg", "距考评点约"),
        ("future.jpg", "晚于收到时间"),
    ] {
        let out = t.ok(&photo_args("zj", "P1", "Ⅱ-6/1", file));
        assert!(out.contains(flag), "{file}: {out}");
    }
    assert_eq!(events(&t.archive(), "field-photo").len(), 5);
    let verify = t.ok(&["verify"]);
    assert!(!verify.contains("损坏"), "{verify}");
}

#[test]
fn bad_photos_and_wrong_assessors_are_refused_and_nothing_is_stored() {
    let t = setup();
    let d = t.dir.path();
    photo(d, "good.jpg", Some((0, Some(AT))), 1);
    std::fs::write(
        t.path("fake.jpg"),
        b"this is a text file pretending to be a photo",
    )
    .unwrap();
    std::fs::write(
        t.archive().join("kaoping.toml"),
        std::fs::read_to_string(t.archive().join("kaoping.toml"))
            .unwrap()
            .replace("max_photo_mb = 20", "max_photo_mb = 1"),
    )
    .unwrap();
    let mut big = kaoping::field::exif::sample_jpeg(16, 16, 1);
    big.resize(1_200_000, 0);
    std::fs::write(t.path("big.jpg"), big).unwrap();
    let before = t.snapshot();
    for (args, want) in [
        (photo_args("wuhua", "P1", "Ⅱ-6/1", "fake.jpg"), "不是照片"),
        (photo_args("wuhua", "P1", "Ⅱ-6/1", "big.jpg"), "超过上限"),
        (
            photo_args("wuhua", "P1", "Ⅱ-2/1", "good.jpg"),
            "不用“实地考评”考评",
        ),
        (
            photo_args("wuhua", "P2", "Ⅱ-6/1", "good.jpg"),
            "不考评 Ⅱ-6 标准1",
        ),
        (
            photo_args("wuhua", "P9", "Ⅱ-6/1", "good.jpg"),
            "没有编号为“P9”的考评点",
        ),
        (
            photo_args("zj2", "P1", "Ⅱ-6/1", "good.jpg"),
            "没有把该社区分配给这位专家",
        ),
        (
            photo_args("cuihu", "P1", "Ⅱ-6/1", "good.jpg"),
            "不做实地考评",
        ),
    ] {
        let err = t.fails(&args);
        assert!(err.contains(want), "{args:?}: {err}");
        assert_eq!(before, t.snapshot(), "{args:?} stored something");
    }
    // A point of another community.
    t.ok(&[
        "point",
        "add",
        "--community",
        "PL-001",
        "--id",
        "PL-P1",
        "--name",
        "拓东小区",
        "--kind",
        "小区",
    ]);
    let before_pl = t.snapshot();
    let err = t.fails(&photo_args("wuhua", "PL-P1", "Ⅱ-6/1", "good.jpg"));
    assert!(err.contains("是社区 PL-001 的考评点"), "{err}");
    assert_eq!(before_pl, t.snapshot());
    assert!(events(&t.archive(), "field-photo").is_empty());
}

#[test]
fn visits_become_the_district_sheet_with_method_onsite() {
    let t = setup();
    let d = t.dir.path();
    let rows = crate::workbooks::filled_rows(d);
    std::fs::write(t.path("表.csv"), crate::workbooks::csv_text(&rows)).unwrap();
    t.ok(&[
        "assess",
        "import",
        "表.csv",
        "--community",
        "WH-001",
        "--level",
        "自查",
    ]);
    photo(d, "p.jpg", Some((0, Some(AT))), 5);
    t.ok(&photo_args("wuhua", "P2", "Ⅱ-1/2", "p.jpg"));
    let err = t.fails(&[
        "field",
        "record",
        "--community",
        "WH-001",
        "--as",
        "wuhua",
        "--point",
        "P2",
        "--verdict",
        "Ⅱ-6/1=达标",
    ]);
    assert!(err.contains("不考评 Ⅱ-6 标准1"), "{err}");
    let err = t.fails(&[
        "field",
        "record",
        "--community",
        "WH-001",
        "--as",
        "wuhua",
        "--point",
        "P2",
        "--verdict",
        "Ⅱ-1/2=很好",
    ]);
    assert!(err.contains("只能是 达标、基本达标 或 未达标"), "{err}");
    let out = t.ok(&[
        "field",
        "record",
        "--community",
        "WH-001",
        "--as",
        "wuhua",
        "--point",
        "P2",
        "--verdict",
        "Ⅱ-1/2=未达标",
        "--verdict",
        "Ⅱ-3/2=达标",
        "--remark",
        "Ⅱ-1/2=楼组党建未见活动记录",
    ]);
    assert!(out.contains("2 条标准，1 张照片"), "{out}");
    t.ok(&[
        "field",
        "record",
        "--community",
        "WH-001",
        "--as",
        "wuhua",
        "--point",
        "P1",
        "--verdict",
        "Ⅱ-1/2=基本达标",
    ]);
    // Without the other methods' rows the sheet is incomplete: refused.
    let err = t.fails(&["field", "submit", "--community", "WH-001", "--as", "wuhua"]);
    assert!(err.contains("缺少") && err.contains("材料审核"), "{err}");
    // The other rows from a sheet without the visited standards' 实地考评
    // rows (the visits give them; a row there would give way to them).
    let with_rest: Vec<Vec<String>> = rows
        .iter()
        .filter(|r| !(r[4] == "实地考评" && r[0] == "Ⅱ-3" && r[2] == "2"))
        .cloned()
        .collect();
    std::fs::write(t.path("其余.csv"), crate::workbooks::csv_text(&with_rest)).unwrap();
    let out = t.ok(&[
        "field",
        "submit",
        "--community",
        "WH-001",
        "--as",
        "wuhua",
        "--sheet",
        "其余.csv",
    ]);
    assert!(out.contains("县区初评"), "{out}");
    let rec = events(&t.archive(), "assessment").pop().unwrap();
    assert_eq!(rec["data"]["level"], "县区初评");
    let state = t.ok(&["assess", "state", "--json"]);
    assert!(state.contains("初评已提交"), "{state}");
    let results = rec["data"]["objects"][1]["sha256"].as_str().unwrap();
    let v: serde_json::Value =
        serde_json::from_slice(&t.cmd().args(["cat", results]).output().unwrap().stdout).unwrap();
    let row = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["indicator"] == "Ⅱ-1" && r["standard"] == 2 && r["method"] == "实地考评")
        .cloned()
        .unwrap();
    assert_eq!(
        row["verdict"], "未达标",
        "the least favourable of the points"
    );
    assert!(
        row["remark"]
            .as_str()
            .unwrap()
            .contains("一号小区：楼组党建未见活动记录"),
        "{row}"
    );
    assert_eq!(row["assessor"], "wuhua");
    // Locked now, as every 初评.
    let err = t.fails(&[
        "field",
        "submit",
        "--community",
        "WH-001",
        "--as",
        "wuhua",
        "--sheet",
        "其余.csv",
    ]);
    assert!(err.contains("已锁定"), "{err}");
    // A scanned paper form: a PDF is kept, a text file is refused.
    pdf(d, "扫描.pdf");
    let out = t.ok(&[
        "field",
        "scan",
        "--community",
        "WH-001",
        "--as",
        "wuhua",
        "--point",
        "P1",
        "扫描.pdf",
    ]);
    assert!(out.contains("扫描件"), "{out}");
    std::fs::write(t.path("扫描.txt"), "not a scan").unwrap();
    let err = t.fails(&[
        "field",
        "scan",
        "--community",
        "WH-001",
        "--as",
        "wuhua",
        "--point",
        "P1",
        "扫描.txt",
    ]);
    assert!(err.contains("既不是 PDF 也不是图片"), "{err}");
}

#[test]
fn media_records_keep_the_capture_and_never_fetch_the_url() {
    let t = setup();
    let d = t.dir.path();
    pdf(d, "存档.pdf");
    let add = |standard: &str, url: &str, capture: &str, who: &str| -> Vec<String> {
        [
            "media",
            "add",
            "--community",
            "WH-001",
            "--as",
            who,
            "--standard",
            standard,
            "--url",
            url,
            "--title",
            "翠湖社区开展议事协商",
            "--platform",
            "微信公众号",
            "--published",
            "2026-10-01",
            "--finding",
            "报道了社区议事会",
            "--capture",
            capture,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let run = |a: Vec<String>| t.ok(&a.iter().map(String::as_str).collect::<Vec<_>>());
    let fail = |a: Vec<String>| t.fails(&a.iter().map(String::as_str).collect::<Vec<_>>());
    // An address nobody serves: recorded as text, never requested.
    let out = run(add(
        "Ⅱ-9/2",
        "http://192.0.2.1/never-fetched",
        "存档.pdf",
        "zj",
    ));
    assert!(
        out.contains("Ⅱ-9 标准2") && out.contains("微信公众号"),
        "{out}"
    );
    let m = &events(&t.archive(), "media-capture")[0]["data"];
    assert_eq!(m["format"], "PDF");
    assert_eq!(m["url"], "http://192.0.2.1/never-fetched");
    std::fs::write(t.path("假.pdf"), "plain text").unwrap();
    let before = t.snapshot();
    assert!(
        fail(add("Ⅱ-9/2", "http://x.example/a", "假.pdf", "zj"))
            .contains("不是 PDF、PNG、MHTML 或 WARC")
    );
    assert!(fail(add("Ⅱ-9/2", "ftp://x.example/a", "存档.pdf", "zj")).contains("http://"));
    assert!(
        fail(add("Ⅱ-6/1", "http://x.example/a", "存档.pdf", "zj"))
            .contains("不用“网络（媒体）调查”考评")
    );
    assert!(
        fail(add("Ⅱ-9/2", "http://x.example/a", "存档.pdf", "zj2")).contains("没有把该社区分配")
    );
    assert_eq!(before, t.snapshot());
    let list = t.ok(&["media", "list", "--community", "WH-001"]);
    assert!(list.contains("http://192.0.2.1/never-fetched"), "{list}");
}

#[test]
fn grid_exports_are_stored_as_submitted_with_their_summary() {
    let t = setup();
    let file = grid_csv(t.dir.path());
    let out = t.ok(&[
        "grid",
        "import",
        "--community",
        "WH-001",
        "--standards",
        "Ⅱ-6/1",
        file.to_str().unwrap(),
    ]);
    assert!(
        out.contains("共 4 件，已办结 3 件（75.0%）") && out.contains("环境卫生 2"),
        "{out}"
    );
    let g = &events(&t.archive(), "grid-data")[0]["data"];
    let sha = g["file"]["object"]["sha256"].as_str().unwrap();
    assert_eq!(
        t.cmd().args(["cat", sha]).output().unwrap().stdout,
        std::fs::read(&file).unwrap()
    );
    std::fs::write(t.path("错表.csv"), "编号,地点\n1,甲\n").unwrap();
    let err = t.fails(&[
        "grid",
        "import",
        "--community",
        "WH-001",
        "--standards",
        "Ⅱ-6/1",
        "错表.csv",
    ]);
    assert!(
        err.contains("事件类别") && err.contains("处置状态") && err.contains("上报时间"),
        "{err}"
    );
    let err = t.fails(&[
        "grid",
        "import",
        "--community",
        "WH-001",
        "--standards",
        "Ⅱ-2/1",
        file.to_str().unwrap(),
    ]);
    assert!(err.contains("不用实地考评"), "{err}");
}

#[test]
fn the_field_form_lists_the_standards_and_carries_a_qr_code_when_the_address_is_set() {
    let t = setup();
    let out = t.ok(&[
        "field-form",
        "--community",
        "WH-001",
        "--point",
        "P2",
        "-o",
        "表.pdf",
    ]);
    assert!(
        out.contains("public_url"),
        "says how to set the address: {out}"
    );
    if let Some(text) = crate::util::pdf_text(&t.path("表.pdf")) {
        assert!(
            text.contains("实地考评表") && text.contains("一号小区"),
            "{text}"
        );
        assert!(
            text.contains("基本达标") && text.contains("考评人签字"),
            "{text}"
        );
        assert!(text.contains("楼宇党建"), "the standard's text: {text}");
        assert!(text.contains("未设置服务地址"), "{text}");
    }
    let config = t.archive().join("kaoping.toml");
    let text = std::fs::read_to_string(&config).unwrap().replace(
        "# public_url = \"https://kaoping.example.cn\"",
        "public_url = \"https://kaoping.example.cn\"",
    );
    std::fs::write(&config, text).unwrap();
    let out = t.ok(&["field-form", "--community", "WH-001", "-o", "全部.pdf"]);
    assert!(
        out.contains("https://kaoping.example.cn/c/WH-001/field?point=P1"),
        "{out}"
    );
    if let Some(text) = crate::util::pdf_text(&t.path("全部.pdf")) {
        assert!(!text.contains("未设置服务地址"), "{text}");
        assert!(
            text.contains("扫码打开现场考评页面") && text.contains("翠湖社区综合服务中心"),
            "{text}"
        );
    }
    let err = t.fails(&["field-form", "--community", "WH-001", "--point", "P7"]);
    assert!(err.contains("没有编号为“P7”的考评点"), "{err}");
}

#[test]
fn the_demo_report_cites_the_field_evidence_and_the_bag_carries_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = crate::util::kaoping(d)
        .args(["demo", "d"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let k = |args: &[&str]| {
        let o = crate::util::kaoping(d)
            .arg("--archive")
            .arg("d/archive")
            .args(args)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8(o.stdout).unwrap()
    };
    // Coverage per standard and method.
    let cov: serde_json::Value = serde_json::from_str(&k(&[
        "coverage",
        "--community",
        "WH-001",
        "--methods",
        "--json",
    ]))
    .unwrap();
    let line = |ind: &str, n: u64, m: &str| {
        cov.as_array()
            .unwrap()
            .iter()
            .find(|l| l["indicator"] == ind && l["standard"] == n && l["method"] == m)
            .cloned()
            .unwrap()
    };
    assert_eq!(line("Ⅱ-6", 1, "实地考评")["photos"], 2);
    assert_eq!(line("Ⅱ-6", 1, "实地考评")["grid"], 1);
    assert_eq!(line("Ⅱ-9", 2, "网络（媒体）调查")["media"], 1);
    assert!(line("Ⅱ-1", 1, "材料审核")["files"].as_u64().unwrap() > 0);
    assert_eq!(line("Ⅱ-7", 3, "实地考评")["records"], 0);
    // The report cites them and shows the photos.
    let report = d.join("d/output/五华区-翠湖社区-考评报告.pdf");
    if let Some(text) = crate::util::pdf_text(&report) {
        for want in [
            "实地考评在2个考评点留有现场记录2份、照片5张（原件及其哈希保存在档案库中）、纸质考评表扫描件1份",
            "实地考评和网络（媒体）调查证据",
            "考评点P1翠湖社区综合服务中心，zhuanjia（专家评估）",
            "网格化考评数据网格管理平台导出.csv",
            "微信公众号《翠湖社区公众号发布服务清单》",
            "现场照片",
            "P2翠湖小区·Ⅱ-10标准3",
        ] {
            assert!(
                text.contains(want),
                "{want} missing from the report:\n{text}"
            );
        }
        let photo =
            events(&d.join("d/archive"), "field-photo")[0]["data"]["file"]["object"]["sha256"]
                .as_str()
                .unwrap()[..12]
                .to_string();
        assert!(text.contains(&photo), "the photo's short hash is cited");
        // The old photo's flag, judged against the visit, is in its citation.
        let old = events(&d.join("d/archive"), "field-photo")
            .into_iter()
            .find(|e| e["data"]["file"]["name"] == "楼栋长公示牌.jpg")
            .unwrap();
        let short = &old["data"]["file"]["object"]["sha256"].as_str().unwrap()[..12];
        assert!(
            text.contains(&format!("{short}（⚠拍摄于")) && text.contains("按考评时间"),
            "the flag is cited: {text}"
        );
        assert_eq!(events(&d.join("d/archive"), "field-photo-flags").len(), 1);
    }
    if crate::util::require("pdfimages", "poppler-utils") {
        let list = std::process::Command::new("pdfimages")
            .arg("-list")
            .arg(&report)
            .output()
            .unwrap();
        let images = String::from_utf8_lossy(&list.stdout)
            .lines()
            .filter(|l| l.contains("jpeg"))
            .count();
        assert_eq!(images, 5, "one image per photo on the photo pages");
    }
    // The hand-over bag carries the records and the files.
    k(&["export", "--community", "WH-001", "-o", "bag.zip"]);
    let mut zip = zip::ZipArchive::new(std::fs::File::open(d.join("bag.zip")).unwrap()).unwrap();
    let names: Vec<String> = zip.file_names().map(|n| n.unwrap().into_owned()).collect();
    assert!(
        names
            .iter()
            .any(|n| n.ends_with("data/实地考评与网络调查/记录.json")),
        "{names:?}"
    );
    assert_eq!(
        names
            .iter()
            .filter(|n| n.contains("实地考评与网络调查/照片/"))
            .count(),
        5,
        "{names:?}"
    );
    assert!(
        names
            .iter()
            .any(|n| n.contains("网络媒体存档/") && n.ends_with(".png")),
        "{names:?}"
    );
    assert!(
        names.iter().any(|n| n.contains("网格化考评数据/")),
        "{names:?}"
    );
    let mut manifest = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("WH-001-v0001/manifest-sha256.txt").unwrap(),
        &mut manifest,
    )
    .unwrap();
    assert!(
        manifest.contains(&format!(
            "{}  data/实地考评与网络调查/照片/P1/",
            events(&d.join("d/archive"), "field-photo")[0]["data"]["file"]["object"]["sha256"]
                .as_str()
                .unwrap()
        )),
        "{manifest}"
    );
    let verify = k(&["verify"]);
    assert!(verify.contains("校验通过"), "{verify}");
}
