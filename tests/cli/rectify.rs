//! 整改 to closure through the real binary: a notice opens items, the
//! community answers with evidence and reports, the district and the
//! office re-check (close, return and re-answer), naming waits for the
//! closing, overdue items on a fixed clock get a 督办通知, and the 命名决定
//! issues the certificates that cite it; PDF text checked with poppler.

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

/// With a file at `taken`, `cmd` (issuing a document of that name into
/// its folder) is refused before any number is given and leaves the file
/// as it was; the file is then removed.
fn refused_over(d: &Path, taken: &Path, cmd: &mut assert_cmd::Command) {
    let before = register(d).len();
    std::fs::create_dir_all(taken.parent().unwrap()).unwrap();
    std::fs::write(taken, b"kept").unwrap();
    let refused = cmd.output().unwrap();
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(
        !refused.status.success() && said.contains("为免覆盖"),
        "{said}"
    );
    assert_eq!(register(d).len(), before, "no number given: {said}");
    assert_eq!(std::fs::read(taken).unwrap(), b"kept");
    std::fs::remove_file(taken).unwrap();
}

/// `kaoping naming decision` of the first phase, dated 2026-12-26, into
/// `out`.
fn naming_decision(dir: &Path, out: &Path) -> assert_cmd::Command {
    let mut c = on(dir, "2026-12-26");
    c.args([
        "naming",
        "decision",
        "--phase",
        "1",
        "--date",
        "2026-12-26",
        "-o",
    ])
    .arg(out);
    c
}

/// Three communities: WH-001 all met, PL-002 two shortfalls, CG-003 one.
fn assessed(d: &Path) {
    community_with_evidence(d, "WH-001", "翠湖社区", "五华区", "城市社区", &[]);
    community_with_evidence(d, "PL-002", "金星社区", "盘龙区", "城市社区", &[]);
    community_with_evidence(d, "CG-003", "斗南社区", "呈贡区", "城市社区", &[]);
    let sheet = fill_sheet(d, "WH-001", |_, _, _| ("达标", ""));
    import(d, "WH-001", &sheet);
    let sheet = fill_sheet(d, "PL-002", |ind, std, _| match (ind, std) {
        ("Ⅱ-3", "2") => ("基本达标", "居民小组长配备不齐"),
        ("Ⅱ-10", "3") => ("基本达标", "消防通道堆放杂物"),
        _ => ("达标", ""),
    });
    import(d, "PL-002", &sheet);
    let sheet = fill_sheet(d, "CG-003", |ind, std, _| match (ind, std) {
        ("Ⅱ-10", "3") => ("基本达标", "垃圾分类未落实"),
        _ => ("达标", ""),
    });
    import(d, "CG-003", &sheet);
}

fn register(d: &Path) -> Vec<Value> {
    let v: Value =
        serde_json::from_str(&stdout_of(kaoping(d).args(["register", "--json"]))).unwrap();
    v.as_array().unwrap().clone()
}

#[test]
fn items_go_from_notice_to_closing_and_naming_waits_for_them() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assessed(d);
    let out = d.join("公文");
    // A deadline not after the notice's date is refused.
    let err = stderr_of_failure(
        on(d, "2026-11-28")
            .args([
                "notice",
                "--all",
                "--deadline",
                "2026-11-28",
                "--date",
                "2026-11-28",
                "-o",
            ])
            .arg(&out),
        1,
    );
    assert!(err.contains("应晚于成文日期"), "{err}");
    stdout_of(
        on(d, "2026-11-28")
            .args([
                "notice",
                "--all",
                "--deadline",
                "2026-12-20",
                "--date",
                "2026-11-27",
                "-o",
            ])
            .arg(&out),
    );
    let list = stdout_of(on(d, "2026-11-28").args(["rectify", "list"]));
    assert!(list.contains("ZG002") && list.contains("ZG001"), "{list}");
    assert!(
        list.contains("居民小组长配备不齐") && list.contains("待整改"),
        "{list}"
    );
    assert!(
        list.contains("共 3 项：未销号 3，已销号 0，逾期 0"),
        "{list}"
    );

    // Naming waits for the closing: the items are named in the refusal.
    let err = stderr_of_failure(
        on(d, "2026-11-28")
            .args([
                "certificate",
                "--community",
                "PL-002",
                "--date",
                "2026-11-28",
                "-o",
            ])
            .arg(&out),
        1,
    );
    assert!(
        err.contains("没有销号") && err.contains("ZG002") && err.contains("ZG003"),
        "{err}"
    );

    // The report needs every item answered.
    let proof = d.join("小组长名单.pdf");
    std::fs::write(&proof, b"%PDF-1.4 list").unwrap();
    stdout_of(
        on(d, "2026-11-28")
            .args([
                "rectify",
                "answer",
                "ZG002",
                "--text",
                "补选居民小组长 5 名",
                "--file",
            ])
            .arg(&proof),
    );
    let err = stderr_of_failure(
        on(d, "2026-11-28").args(["rectify", "answer", "ZG002", "--text", "再答一次"]),
        1,
    );
    assert!(err.contains("已经答复"), "{err}");
    let err = stderr_of_failure(
        on(d, "2026-11-28")
            .args([
                "rectify",
                "report",
                "--community",
                "PL-002",
                "--date",
                "2026-11-28",
                "-o",
            ])
            .arg(&out),
        1,
    );
    assert!(
        err.contains("还有整改事项没有答复") && err.contains("ZG003"),
        "{err}"
    );
    // Re-checking before an answer is refused.
    let err = stderr_of_failure(
        on(d, "2026-11-28").args(["rectify", "close", "ZG003", "--remark", "好"]),
        1,
    );
    assert!(err.contains("还没有答复"), "{err}");
    stdout_of(on(d, "2026-11-28").args([
        "rectify",
        "answer",
        "ZG003",
        "--text",
        "清理消防通道并设置标识",
    ]));
    // PL-002 has its own letterhead in kaoping.toml.
    let config = d.join("archive/kaoping.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("\n[rectify.letterheads.\"PL-002\"]\nheader = \"盘龙区金星社区居民委员会\"\nprefix = \"金居\"\n");
    std::fs::write(&config, text).unwrap();
    let numbers_before = register(d).len();
    stdout_of(
        on(d, "2026-11-28")
            .args([
                "rectify",
                "report",
                "--community",
                "PL-002",
                "--date",
                "2026-11-28",
                "-o",
            ])
            .arg(&out),
    );
    let reg = register(d);
    assert_eq!(reg.len(), numbers_before + 1);
    let report = reg.last().unwrap();
    assert_eq!(report["kind"], "整改情况报告");
    assert_eq!(report["number"], "金居〔2026〕1号");

    // The district closes one and returns the other; it is answered again
    // and closed by the office; closing twice is refused.
    stdout_of(on(d, "2026-11-29").args([
        "rectify",
        "close",
        "ZG002",
        "--by",
        "district",
        "--remark",
        "已补齐，现场核实",
    ]));
    let err = stderr_of_failure(
        on(d, "2026-11-29").args(["rectify", "close", "ZG002", "--remark", "再销一次"]),
        1,
    );
    assert!(err.contains("已经销号"), "{err}");
    stdout_of(on(d, "2026-11-29").args([
        "rectify",
        "return",
        "ZG003",
        "--by",
        "district",
        "--reason",
        "标识未设置",
    ]));
    let list = stdout_of(on(d, "2026-11-29").args(["rectify", "list", "--community", "PL-002"]));
    assert!(list.contains("已销号") && list.contains("已退回"), "{list}");
    stdout_of(on(d, "2026-11-29").args([
        "rectify",
        "answer",
        "ZG003",
        "--text",
        "已设置消防通道标识",
    ]));
    // The office closes it with a new assessment of the community.
    let sheet = fill_sheet(d, "PL-002", |_, _, _| ("达标", ""));
    let closed = stdout_of(
        on(d, "2026-11-30")
            .args([
                "rectify",
                "close",
                "ZG003",
                "--remark",
                "复查合格",
                "--sheet",
            ])
            .arg(&sheet),
    );
    assert!(
        closed.contains("并记录了第 ") && closed.contains(" 版考评结果"),
        "{closed}"
    );

    // Overdue on a fixed clock: only CG-003's item, and a 督办通知 for 呈贡区.
    let overdue = stdout_of(on(d, "2026-12-25").args(["rectify", "list", "--overdue"]));
    assert!(
        overdue.contains("ZG001") && overdue.contains("逾期"),
        "{overdue}"
    );
    assert!(
        !overdue.contains("ZG002") && !overdue.contains("ZG003"),
        "{overdue}"
    );
    let none = stdout_of(on(d, "2026-12-20").args(["rectify", "list", "--overdue"]));
    assert!(none.contains("没有逾期"), "{none}");
    let err = stderr_of_failure(
        on(d, "2026-12-25")
            .args([
                "rectify",
                "supervise",
                "--district",
                "五华区",
                "--deadline",
                "2027-01-20",
                "--date",
                "2026-12-25",
                "-o",
            ])
            .arg(&out),
        1,
    );
    assert!(err.contains("没有逾期未销号"), "{err}");
    let err = stderr_of_failure(
        on(d, "2026-12-25")
            .args([
                "rectify",
                "supervise",
                "--district",
                "呈贡区",
                "--deadline",
                "2026-12-24",
                "--date",
                "2026-12-25",
                "-o",
            ])
            .arg(&out),
        1,
    );
    assert!(err.contains("不在今天"), "{err}");
    let before = register(d).len();
    let supervise = || {
        let mut c = on(d, "2026-12-25");
        c.args([
            "rectify",
            "supervise",
            "--district",
            "呈贡区",
            "--deadline",
            "2027-01-20",
            "--date",
            "2026-12-25",
            "-o",
        ])
        .arg(&out);
        c
    };
    refused_over(d, &out.join("呈贡区-督办通知.pdf"), &mut supervise());
    stdout_of(&mut supervise());
    let reg = register(d);
    assert_eq!(reg.len(), before + 1);
    assert_eq!(reg.last().unwrap()["kind"], "督办通知");
    let list = stdout_of(on(d, "2026-12-25").args(["rectify", "list", "--community", "CG-003"]));
    assert!(list.contains("2027-01-20"), "the deadline moved: {list}");

    // The 进度汇总表 counts the items: before the 督办 one was overdue.
    let progress: Value =
        serde_json::from_str(&stdout_of(on(d, "2026-12-25").args(["progress", "--json"]))).unwrap();
    let total = &progress["total"];
    assert_eq!(
        (
            &total["items_open"],
            &total["items_closed"],
            &total["items_overdue"]
        ),
        (&Value::from(1), &Value::from(2), &Value::from(0)),
        "{total}"
    );
    let progress: Value =
        serde_json::from_str(&stdout_of(on(d, "2027-01-21").args(["progress", "--json"]))).unwrap();
    assert_eq!(progress["total"]["items_overdue"], 1);
    // The decision names WH-001 and PL-002 (closed), not CG-003. A file
    // of the batch already in the folder: refused before any number.
    let before = register(d).len();
    refused_over(
        d,
        &out.join("第一批-命名决定.pdf"),
        &mut naming_decision(d, &out),
    );
    let named = stdout_of(&mut naming_decision(d, &out));
    assert!(named.contains("2 份命名证书"), "{named}");
    let reg = register(d);
    assert_eq!(reg.len(), before + 3);
    let decision = &reg[before];
    assert_eq!(decision["kind"], "命名决定");
    for cert in &reg[before + 1..] {
        assert_eq!(cert["kind"], "命名证书");
        assert_eq!(cert["basis"], decision["number"]);
    }
    // Nothing left to name: a clear message and no number used.
    let err = stderr_of_failure(&mut naming_decision(d, &out), 1);
    assert!(
        err.contains("没有可以命名的社区") && err.contains("CG-003"),
        "{err}"
    );
    assert_eq!(register(d).len(), before + 3);

    // The 考评情况通报, numbered and registered.
    stdout_of(
        on(d, "2027-01-21")
            .args(["naming", "bulletin", "--date", "2027-01-21", "-o"])
            .arg(&out),
    );
    assert_eq!(register(d).last().unwrap()["kind"], "考评情况通报");
    // verify covers the evidence and every new document.
    let ok = stdout_of(kaoping(d).arg("verify"));
    assert!(ok.contains("校验通过"), "{ok}");
    // A lost evidence file of an answer is named by verify.
    let log = std::fs::read_to_string(d.join("archive/log.jsonl")).unwrap();
    let answer: Value = log
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|r| r["kind"] == "rectify-answer" && r["data"]["files"][0] == "小组长名单.pdf")
        .unwrap();
    let sha = answer["data"]["objects"][0]["sha256"].as_str().unwrap();
    let object = d.join("archive/objects/sha256").join(&sha[..2]).join(sha);
    let saved = std::fs::read(&object).unwrap();
    std::fs::remove_file(&object).unwrap();
    let err = stderr_of_failure(kaoping(d).arg("verify"), 1);
    let said = String::from_utf8(kaoping(d).arg("verify").output().unwrap().stdout).unwrap();
    assert!(
        format!("{said}{err}").contains("整改答复记录 ZG002"),
        "{said}{err}"
    );
    std::fs::write(&object, saved).unwrap();

    let Some(text) = pdf_text(&out.join("盘龙区-金星社区-整改情况报告.pdf")) else {
        return;
    };
    let flat: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(
        flat.contains("盘龙区城乡社区治理工作领导小组办公室"),
        "{flat}"
    );
    assert!(
        flat.contains("补选居民小组长5名") && flat.contains("小组长名单.pdf"),
        "{flat}"
    );
    assert!(
        flat.contains("盘龙区金星社区居民委员会金居〔2026〕1号"),
        "the letterhead and number: {flat}"
    );
    let text = pdf_text(&out.join("呈贡区-督办通知.pdf")).unwrap();
    let flat: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(
        flat.contains("斗南社区") && flat.contains("垃圾分类") && flat.contains("2027年1月20日"),
        "{flat}"
    );
    let text = pdf_text(&out.join("第一批-命名决定.pdf")).unwrap();
    let flat: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(
        flat.contains("关于命名第一批昆明市城乡社区治理创新试点的决定"),
        "{flat}"
    );
    assert!(
        flat.contains("五华区翠湖社区城市社区优秀") && flat.contains("盘龙区金星社区"),
        "{flat}"
    );
    assert!(!flat.contains("斗南社区"), "{flat}");
    let cert = pdf_text(&out.join("盘龙区-金星社区-命名证书.pdf")).unwrap();
    let flat: String = cert.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(
        flat.contains(&format!(
            "命名文件：{}",
            decision["number"].as_str().unwrap()
        )),
        "{flat}"
    );
    let text = pdf_text(&out.join("考评情况通报.pdf")).unwrap();
    let flat: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(
        flat.contains("关于城乡社区治理创新试点考评情况的通报"),
        "{flat}"
    );
    assert!(
        flat.contains("呈贡区：登记试点1个，已考评1个，已命名0个，正在整改1个，逾期未销号事项1项"),
        "{flat}"
    );
    assert!(flat.contains("已考评已命名"), "chart legend: {flat}");
}

/// The demo follows the real order: no named community has an item that
/// is not closed, its certificates cite the decision, and the community
/// that never rectified is overdue and named in a 督办通知.
#[test]
fn the_demo_names_no_community_with_open_items() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    stdout_of(kaoping(d).args(["demo", "d"]));
    let at = |args: &[&str]| {
        let mut c = kaoping(d);
        c.args(["--archive", "d/archive"]).args(args);
        c
    };
    let reg: Value = serde_json::from_str(&stdout_of(&mut at(&["register", "--json"]))).unwrap();
    let reg = reg.as_array().unwrap();
    let kinds: Vec<&str> = reg.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    let pos = |k: &str| kinds.iter().position(|x| *x == k).unwrap();
    assert!(pos("整改通知书") < pos("整改情况报告"));
    assert!(pos("整改情况报告") < pos("命名决定"));
    assert!(pos("命名决定") < pos("督办通知"), "{kinds:?}");
    let decision = &reg[pos("命名决定")];
    let certs: Vec<&Value> = reg.iter().filter(|e| e["kind"] == "命名证书").collect();
    assert_eq!(certs.len(), 2);
    for cert in certs {
        assert_eq!(cert["basis"], decision["number"]);
        let id = cert["community"].as_str().unwrap();
        let list = stdout_of(&mut at(&["rectify", "list", "--community", id]));
        assert!(
            (list.contains("未销号 0") || list.contains("没有整改事项"))
                && !list.contains("待整改"),
            "named {id} has an open item: {list}"
        );
    }
    // CG-003 was overdue on the day of the 督办通知, which moved its deadline.
    let dubantz = &reg[pos("督办通知")];
    assert_eq!(dubantz["recipient"], "呈贡区城乡社区治理工作领导小组办公室");
    let list = stdout_of(&mut at(&[
        "rectify",
        "list",
        "--community",
        "CG-003",
        "--today",
        "2019-12-18",
    ]));
    assert!(
        list.contains("已销号 0") && list.contains("2020-01-17"),
        "{list}"
    );
    let verify = stdout_of(&mut at(&["verify"]));
    assert!(verify.contains("校验通过"), "{verify}");
}
