//! The whole flow through the real binary: register → scaffold → ingest →
//! assess → report / notice / certificate / receipt / progress, with the
//! PDFs' text checked by poppler.

use std::fs;
use std::path::Path;

use serde_json::Value;

use crate::cli::util::{kaoping, pdf_text, stderr_of_failure, stdout_of};

/// Registers a community, scaffolds and fills its evidence folder
/// (skipping the indicators in `without`), and ingests it.
pub(super) fn community_with_evidence(
    dir: &Path,
    id: &str,
    name: &str,
    district: &str,
    kind: &str,
    without: &[&str],
) {
    community_of_phase(dir, (id, name, district, kind), "第一阶段", without);
}

/// [`community_with_evidence`] of the phase `batch`.
pub(super) fn community_of_phase(
    dir: &Path,
    (id, name, district, kind): (&str, &str, &str, &str),
    batch: &str,
    without: &[&str],
) {
    // The first community makes the archive (init keeps an existing one).
    stdout_of(kaoping(dir).arg("init"));
    stdout_of(kaoping(dir).args([
        "community",
        "add",
        "--id",
        id,
        "--name",
        name,
        "--district",
        district,
        "--type",
        kind,
        "--batch",
        batch,
    ]));
    let folder = dir.join(format!("材料-{id}"));
    stdout_of(
        kaoping(dir)
            .arg("scaffold")
            .arg(&folder)
            .args(["--community", id]),
    );
    for ind in fs::read_dir(&folder).unwrap() {
        let ind = ind.unwrap().path();
        let ind_name = ind.file_name().unwrap().to_string_lossy().to_string();
        if without.iter().any(|w| ind_name.starts_with(w)) {
            fs::remove_dir_all(&ind).unwrap();
            continue;
        }
        for std in fs::read_dir(&ind).unwrap() {
            let std = std.unwrap().path();
            fs::write(std.join("台账.txt"), format!("{name} {ind_name} 工作台账")).unwrap();
        }
    }
    stdout_of(kaoping(dir).arg("ingest").arg(&folder).args([
        "--community",
        id,
        "--submitter",
        "张三",
    ]));
}

/// Writes the blank sheet and fills it: `verdict_of(indicator, standard,
/// method)` gives (verdict, remark).
/// The text of each page of a PDF (white space removed), or `None` when
/// poppler is missing outside CI.
fn page_texts(pdf: &Path) -> Option<Vec<String>> {
    pdf_text(pdf)?;
    let info = std::process::Command::new("pdfinfo")
        .arg(pdf)
        .output()
        .unwrap();
    let pages: usize = String::from_utf8_lossy(&info.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap();
    Some(
        (1..=pages)
            .map(|n| {
                let out = std::process::Command::new("pdftotext")
                    .args(["-f", &n.to_string(), "-l", &n.to_string()])
                    .arg(pdf)
                    .arg("-")
                    .output()
                    .unwrap();
                String::from_utf8_lossy(&out.stdout)
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect()
            })
            .collect(),
    )
}

pub(super) fn fill_sheet(
    dir: &Path,
    id: &str,
    verdict_of: impl Fn(&str, &str, &str) -> (&'static str, &'static str),
) -> std::path::PathBuf {
    let blank = dir.join(format!("{id}-blank.csv"));
    stdout_of(
        kaoping(dir)
            .args(["assess", "template", "--force", "--community", id, "-o"])
            .arg(&blank),
    );
    let text = fs::read_to_string(&blank).unwrap();
    let mut r = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let mut w = csv::Writer::from_writer(vec![]);
    w.write_record(r.headers().unwrap()).unwrap();
    for rec in r.records() {
        let rec = rec.unwrap();
        let mut cells: Vec<String> = rec.iter().map(String::from).collect();
        let (v, remark) = verdict_of(&cells[0], &cells[2], &cells[4]);
        cells[5] = v.into();
        cells[7] = "王明".into();
        cells[8] = "2026-11-20".into();
        cells[9] = remark.into();
        w.write_record(&cells).unwrap();
    }
    let filled = dir.join(format!("{id}-filled.csv"));
    fs::write(&filled, w.into_inner().unwrap()).unwrap();
    filled
}

/// Imports `sheet` as `id`'s final result, its lower levels submitted
/// from the same sheet first (a final result needs them).
pub(super) fn import(dir: &Path, id: &str, sheet: &Path) -> String {
    let name = sheet.file_name().unwrap().to_string_lossy().into_owned();
    let local = dir.join(&name);
    if local != sheet {
        fs::copy(sheet, &local).unwrap();
    }
    crate::util::submit_levels(dir, None, id, &name);
    stdout_of(
        kaoping(dir)
            .args(["assess", "import"])
            .arg(sheet)
            .args(["--community", id]),
    )
}

#[test]
fn full_flow_produces_the_right_documents() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    community_with_evidence(d, "WH-001", "翠湖社区", "五华区", "城市社区", &[]);
    community_with_evidence(d, "PL-002", "金星社区", "盘龙区", "城市社区", &[]);

    // WH-001: everything meets the standard.
    let sheet = fill_sheet(d, "WH-001", |_, _, _| ("达标", ""));
    let out = import(d, "WH-001", &sheet);
    assert!(
        out.contains("总分 100 / 100") && out.contains("优秀"),
        "{out}"
    );
    // PL-002: two shortfalls with remarks.
    let sheet = fill_sheet(d, "PL-002", |ind, std, _| match (ind, std) {
        ("Ⅱ-3", "2") => ("基本达标", "居民小组长配备不齐"),
        ("Ⅱ-10", "3") => ("未达标", "消防通道堆放杂物"),
        _ => ("达标", ""),
    });
    import(d, "PL-002", &sheet);
    let show: Value = serde_json::from_str(&stdout_of(kaoping(d).args([
        "assess",
        "show",
        "--community",
        "PL-002",
        "--json",
    ])))
    .unwrap();
    // Ⅱ-3 (Ⅰ-1: 30/4 = 7.5, 4 standards) loses 40% of 1.875 = 0.75;
    // Ⅱ-10 (Ⅰ-3: 20/4 = 5, 4 standards) loses all of 1.25.
    assert_eq!(show["score"]["total"], 98.0);
    assert_eq!(show["needs_notice"], true);

    let out_dir = d.join("公文");
    stdout_of(
        kaoping(d)
            .args(["report", "--all", "--date", "2026-11-27", "-o"])
            .arg(&out_dir),
    );
    stdout_of(
        kaoping(d)
            .args([
                "notice",
                "--all",
                "--deadline",
                "2026-12-31",
                "--date",
                "2026-11-27",
                "-o",
            ])
            .arg(&out_dir),
    );
    stdout_of(
        kaoping(d)
            .args([
                "receipt",
                "--community",
                "PL-002",
                "--date",
                "2026-11-27",
                "-o",
            ])
            .arg(&out_dir),
    );
    stdout_of(
        kaoping(d)
            .args(["progress", "--phase", "1", "--date", "2026-11-28", "-o"])
            .arg(&out_dir),
    );

    let files: Vec<String> = fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for f in [
        "五华区-翠湖社区-考评报告.pdf",
        "盘龙区-金星社区-考评报告.pdf",
        "盘龙区-金星社区-整改通知书.pdf",
        "盘龙区-金星社区-第1版-材料提交回执.pdf",
        "进度汇总表.pdf",
    ] {
        assert!(files.iter().any(|x| x == f), "{f} missing in {files:?}");
    }
    // WH-001 had nothing to rectify: no notice for it.
    assert!(!files.iter().any(|x| x == "五华区-翠湖社区-整改通知书.pdf"));

    let register: Value =
        serde_json::from_str(&stdout_of(kaoping(d).args(["register", "--json"]))).unwrap();
    let numbers: Vec<&str> = register
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["number"].as_str().unwrap())
        .collect();
    assert_eq!(
        numbers,
        [
            "昆社治办〔2026〕1号",
            "昆社治办〔2026〕2号",
            "昆社治办〔2026〕3号",
            "昆社治办〔2026〕4号",
            "昆社治办〔2026〕5号"
        ]
    );

    // Nothing to rectify: a clear refusal for one community.
    let err = stderr_of_failure(
        kaoping(d).args([
            "notice",
            "--community",
            "WH-001",
            "--deadline",
            "2026-12-31",
            "--date",
            "2026-11-27",
        ]),
        1,
    );
    assert!(err.contains("没有需要整改的问题"), "{err}");

    // The register verifies every issued PDF.
    let ok = stdout_of(
        kaoping(d)
            .args(["verify-doc"])
            .arg(out_dir.join("盘龙区-金星社区-整改通知书.pdf")),
    );
    assert!(
        ok.contains("整改通知书") && ok.contains("昆社治办〔2026〕3号"),
        "{ok}"
    );

    // The PDF text checks come last: without poppler (outside CI) only
    // they are skipped.
    let Some(report) = pdf_text(&out_dir.join("盘龙区-金星社区-考评报告.pdf")) else {
        return;
    };
    assert!(report.contains("盘龙区金星社区"), "{report}");
    assert!(report.contains("总分98分"), "{report}");
    assert!(report.contains("居民小组长配备不齐") && report.contains("消防通道堆放杂物"));
    assert!(report.contains("考评得分明细表") && report.contains("材料审核证据清单"));
    // The report is tied to the evidence it judged: the submission's root hash.
    let history = stdout_of(kaoping(d).args(["history", "--community", "PL-002"]));
    let root_hash = history
        .split(|c: char| !c.is_ascii_hexdigit())
        .find(|w| w.len() == 64)
        .expect("root hash in history");
    assert!(
        report.contains(root_hash),
        "root hash {root_hash} not in the report"
    );

    let notice = pdf_text(&out_dir.join("盘龙区-金星社区-整改通知书.pdf")).unwrap();
    assert!(notice.contains("金星社区："), "主送 missing: {notice}");
    let p1 = notice
        .find("Ⅱ-3发挥群众自治组织作用标准2（实地考评，基本达标）")
        .expect("first problem");
    let p2 = notice
        .find("Ⅱ-10社区居住环境标准3（实地考评，未达标）")
        .expect("second problem");
    assert!(p1 < p2);
    assert!(notice.contains("2026年12月31日前") && notice.contains("整改情况报告"));
    assert!(notice.contains("抄送：盘龙区"), "{notice}");
    // Only the two shortfalls are listed.
    assert!(!notice.contains("3.Ⅱ-"), "{notice}");

    let receipt = pdf_text(&out_dir.join("盘龙区-金星社区-第1版-材料提交回执.pdf")).unwrap();
    assert!(
        receipt.contains(root_hash) && receipt.contains("第1版提交"),
        "{receipt}"
    );

    let progress = pdf_text(&out_dir.join("进度汇总表.pdf")).unwrap();
    assert!(progress.contains("五华区") && progress.contains("阳宗海风景区"));
}

#[test]
fn certificates_respect_grades_and_phase_quotas() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // 晋宁区 has a 第一阶段 quota of 1 (Attachment 1).
    community_with_evidence(d, "JN-1", "昆阳社区", "晋宁区", "城市社区", &[]);
    community_with_evidence(d, "JN-2", "宝峰社区", "晋宁区", "“村改居”社区", &[]);
    community_with_evidence(
        d,
        "JN-3",
        "晋城社区",
        "晋宁区",
        "城市社区",
        &["Ⅱ-02", "Ⅱ-03", "Ⅱ-05", "Ⅱ-08", "Ⅱ-12", "Ⅱ-14", "Ⅱ-15"],
    );
    for id in ["JN-1", "JN-2"] {
        let sheet = fill_sheet(d, id, |_, _, _| ("达标", ""));
        import(d, id, &sheet);
    }
    // JN-3 lacks evidence: those 材料审核 rows cannot pass without a remark.
    let bad = fill_sheet(d, "JN-3", |_, _, _| ("达标", ""));
    let err = stderr_of_failure(
        kaoping(d)
            .args(["assess", "import"])
            .arg(&bad)
            .args(["--community", "JN-3"]),
        1,
    );
    assert!(
        err.contains("没有任何证据材料") && err.contains("未导入任何结果"),
        "{err}"
    );
    let missing = ["Ⅱ-2", "Ⅱ-3", "Ⅱ-5", "Ⅱ-8", "Ⅱ-12", "Ⅱ-14", "Ⅱ-15"];
    let sheet = fill_sheet(d, "JN-3", |ind, _, m| {
        if missing.contains(&ind) && m == "材料审核" {
            ("未达标", "未提交材料")
        } else {
            ("达标", "")
        }
    });
    import(d, "JN-3", &sheet);

    let out = d.join("证书");
    stdout_of(
        kaoping(d)
            .args([
                "certificate",
                "--community",
                "JN-1",
                "--date",
                "2026-11-27",
                "-o",
            ])
            .arg(&out),
    );
    // The quota is reached: the second needs an explicit reason.
    let err = stderr_of_failure(
        kaoping(d)
            .args([
                "certificate",
                "--community",
                "JN-2",
                "--date",
                "2026-11-27",
                "-o",
            ])
            .arg(&out),
        1,
    );
    assert!(
        err.contains("晋宁区第一阶段的试点任务数为 1 个") && err.contains("--over-quota"),
        "{err}"
    );
    assert!(!out.join("晋宁区-宝峰社区-命名证书.pdf").exists());
    stdout_of(
        kaoping(d)
            .args([
                "certificate",
                "--community",
                "JN-2",
                "--over-quota",
                "市领导小组会议决定增补",
                "--date",
                "2026-11-27",
                "-o",
            ])
            .arg(&out),
    );
    // Not qualified: JN-3's grade.
    let err = stderr_of_failure(
        kaoping(d)
            .args(["certificate", "--community", "JN-3", "-o"])
            .arg(&out),
        1,
    );
    assert!(err.contains("不能命名"), "{err}");
    // Twice: refused.
    let err = stderr_of_failure(
        kaoping(d)
            .args(["certificate", "--community", "JN-1", "-o"])
            .arg(&out),
        1,
    );
    assert!(err.contains("不能重复颁发"), "{err}");

    let register = stdout_of(kaoping(d).arg("register"));
    assert!(
        register.contains("昆社治试证〔2026〕第001号")
            && register.contains("昆社治试证〔2026〕第002号"),
        "{register}"
    );
    assert!(
        register.contains("超出任务数命名，理由：市领导小组会议决定增补"),
        "{register}"
    );
    let progress: Value = serde_json::from_str(&stdout_of(
        kaoping(d).args(["progress", "--phase", "1", "--json"]),
    ))
    .unwrap();
    assert_eq!(progress["total"]["district"], "总计");
    assert!(
        progress["districts"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["district"] != "总计")
    );
    let jn = progress["districts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["district"] == "晋宁区")
        .unwrap();
    assert_eq!(
        (
            jn["quota"].as_u64(),
            jn["registered"].as_u64(),
            jn["named"].as_u64()
        ),
        (Some(1), Some(3), Some(2))
    );

    if let Some(text) = pdf_text(&out.join("晋宁区-昆阳社区-命名证书.pdf")) {
        assert!(
            text.contains("晋宁区昆阳社区")
                && text.contains("昆明市城乡社区治理创新试点")
                && text.contains("昆社治试证〔2026〕第001号"),
            "{text}"
        );
    }
}

#[test]
fn a_sheet_for_an_unknown_community_or_a_bad_method_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    community_with_evidence(d, "WH-9", "华山社区", "五华区", "城市社区", &[]);
    let sheet = fill_sheet(d, "WH-9", |_, _, _| ("达标", ""));
    let err = stderr_of_failure(
        kaoping(d)
            .args(["assess", "import"])
            .arg(&sheet)
            .args(["--community", "XX-1"]),
        1,
    );
    assert!(err.contains("XX-1"), "{err}");
    let text = fs::read_to_string(&sheet).unwrap();
    let bad = d.join("bad.csv");
    fs::write(&bad, text.replacen(",实地考评,达标,", ",材料审核,达标,", 1)).unwrap();
    let err = stderr_of_failure(
        kaoping(d)
            .args(["assess", "import"])
            .arg(&bad)
            .args(["--community", "WH-9"]),
        1,
    );
    assert!(
        err.contains("不用“材料审核”考评") && err.contains("第 "),
        "{err}"
    );
    // Nothing was imported.
    let err = stderr_of_failure(
        kaoping(d).args(["assess", "show", "--community", "WH-9"]),
        1,
    );
    assert!(err.contains("还没有导入考评结果"), "{err}");
}

#[test]
fn demo_runs_and_produces_every_document() {
    let dir = tempfile::tempdir().unwrap();
    let out = stdout_of(kaoping(dir.path()).args(["demo", "d"]));
    assert!(out.contains("演示完成"), "{out}");
    let files: Vec<String> = fs::read_dir(dir.path().join("d/output"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for kind in [
        "考评报告",
        "整改通知书",
        "命名证书",
        "材料提交回执",
        "进度汇总表",
        "申报汇总表",
        "初评情况报告",
        "督查情况通报",
    ] {
        assert!(
            files.iter().any(|f| f.contains(kind)),
            "{kind} missing: {files:?}"
        );
    }
    // One community is not named (missing evidence), so fewer certificates than communities.
    assert_eq!(
        files.iter().filter(|f| f.contains("命名证书")).count(),
        2,
        "{files:?}"
    );
    let verify = stdout_of(kaoping(dir.path()).args(["--archive", "d/archive", "verify"]));
    assert!(verify.contains("校验通过"), "{verify}");
    // The 专项督查 during creation came first, and its item was closed
    // before 评估验收.
    let listed =
        stdout_of(kaoping(dir.path()).args(["--archive", "d/archive", "inspection", "list"]));
    assert!(
        listed.contains("DC001") && listed.contains("未销号 0 项"),
        "{listed}"
    );
    assert!(out.contains("〔2019〕1号  督查情况通报"), "{out}");
    // Running again into the same folder is refused, nothing overwritten
    // (checked before the PDF checks, which poppler's absence skips).
    let err = stderr_of_failure(kaoping(dir.path()).args(["demo", "d"]), 1);
    assert!(err.contains("已经有演示档案库"), "{err}");
    // GB/T 9704-2012 7.5: when a blank page precedes the 版记 page, neither
    // carries a page number; every other page does. The demo's receipts
    // have such a blank page.
    let mut blanks = 0;
    for f in files.iter().filter(|f| !f.contains("命名证书")) {
        let pdf = dir.path().join("d/output").join(f);
        let Some(pages) = page_texts(&pdf) else {
            return;
        };
        for (i, text) in pages.iter().enumerate() {
            let n = i + 1;
            let numbered = text.contains(&format!("—{n}—"));
            if text.is_empty() {
                blanks += 1;
                assert_eq!(
                    n + 1,
                    pages.len(),
                    "{f}: blank page {n} not before the 版记"
                );
            } else if i > 0 && pages[i - 1].is_empty() {
                assert!(!numbered && text.contains("印发"), "{f}: 版记 page {n}");
            } else {
                assert!(numbered, "{f}: page {n} has no number");
            }
        }
    }
    assert!(blanks > 0, "no document with a blank page before its 版记");
}

/// Naming under a quota goes by result, not by id (issue 19): 寻甸县's
/// 第一阶段 quota is 1; the better score is named, the other left out with
/// its reason and score; equal scores are not decided by id.
#[test]
fn naming_under_a_quota_picks_by_score_and_refuses_ties() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (id, name) in [
        ("XD-001", "仁德社区"),
        ("XD-002", "柯渡社区"),
        ("XD-003", "羊街社区"),
    ] {
        community_with_evidence(d, id, name, "寻甸县", "城市社区", &[]);
    }
    // XD-001 has one standard only 基本达标; XD-002 and XD-003 pass all.
    let lower = fill_sheet(d, "XD-001", |ind, std, _| {
        if ind == "Ⅱ-10" && std == "2" {
            ("基本达标", "")
        } else {
            ("达标", "")
        }
    });
    import(d, "XD-001", &lower);
    let full = fill_sheet(d, "XD-002", |_, _, _| ("达标", ""));
    import(d, "XD-002", &full);
    let out = d.join("out");
    let both = kaoping(d)
        .args(["certificate", "--district", "寻甸县", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        both.status.success(),
        "{}",
        String::from_utf8_lossy(&both.stderr)
    );
    let stdout = String::from_utf8_lossy(&both.stdout);
    let stderr = String::from_utf8_lossy(&both.stderr);
    assert!(stdout.contains("命名证书"), "{stdout}");
    assert!(
        out.join("寻甸县-柯渡社区-命名证书.pdf").exists(),
        "{stdout}"
    );
    assert!(!out.join("寻甸县-仁德社区-命名证书.pdf").exists());
    assert!(
        stderr.contains("XD-001") && stderr.contains("考评总分"),
        "the one left out is listed with its score: {stderr}"
    );

    // A tie for the quota place is not decided by id.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (id, name) in [("XD-001", "仁德社区"), ("XD-002", "柯渡社区")] {
        community_with_evidence(d, id, name, "寻甸县", "城市社区", &[]);
        let sheet = fill_sheet(d, id, |_, _, _| ("达标", ""));
        import(d, id, &sheet);
    }
    let err = stderr_of_failure(
        kaoping(d).args(["certificate", "--district", "寻甸县", "-o", "out"]),
        1,
    );
    assert!(err.contains("同为") && err.contains("--community"), "{err}");
    let register = stdout_of(kaoping(d).args(["register"]));
    assert!(register.contains("还没有公文"), "{register}");
}

#[test]
fn a_later_phase_certificate_counts_against_that_phases_tasks() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    stdout_of(kaoping(d).arg("init"));
    // 五华区 gets one 第二阶段 task (and nine for 第三阶段).
    fs::write(d.join("任务.csv"), super::phases::table((1, 9))).unwrap();
    stdout_of(kaoping(d).args(["phase", "set", "--tasks", "任务.csv"]));
    for (id, name) in [("WH-21", "丰宁社区"), ("WH-22", "普吉社区")] {
        community_of_phase(d, (id, name, "五华区", "城市社区"), "第二阶段", &[]);
        let sheet = fill_sheet(d, id, |_, _, _| ("达标", ""));
        import(d, id, &sheet);
    }
    let out = d.join("证书");
    let cert = |id: &str| {
        let mut c = kaoping(d);
        c.args([
            "certificate",
            "--community",
            id,
            "--date",
            "2026-11-27",
            "-o",
        ])
        .arg(&out);
        c
    };
    stdout_of(&mut cert("WH-21"));
    let err = stderr_of_failure(&mut cert("WH-22"), 1);
    assert!(
        err.contains("五华区第二阶段的试点任务数为 1 个") && err.contains("--over-quota"),
        "{err}"
    );
}
