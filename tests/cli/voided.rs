//! Numbers reserved while a document renders outside the writer lock: a
//! process killed after reserving leaves its number to be voided (作废)
//! once the reservation lapses, so the register shows every number used
//! or voided and the next document takes the number after it.

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::cli::util::stdout_of;
use crate::util::TestArchive;

const FIXTURE: &str = include_str!("../data/tongzhi-54.json");

/// A 通知 without a number, with `paragraphs` paragraphs of body.
fn notice(dir: &Path, name: &str, paragraphs: usize) -> std::path::PathBuf {
    let mut data: Value = serde_json::from_str(FIXTURE).unwrap();
    let obj = data.as_object_mut().unwrap();
    for k in [
        "number",
        "issuers",
        "signatures",
        "enclosure",
        "attachments",
    ] {
        obj.remove(k);
    }
    obj.insert("date".into(), json!("2026-11-27"));
    let para = "为深入贯彻落实城乡社区治理工作部署，各县（市）区要按照试点建设工作方案的要求，扎实推进各项工作。";
    obj.insert("body".into(), json!(vec![para; paragraphs]));
    let p = dir.join(name);
    fs::write(&p, serde_json::to_string(&data).unwrap()).unwrap();
    p
}

fn log_text(t: &TestArchive) -> String {
    fs::read_to_string(t.archive().join("log.jsonl")).unwrap_or_default()
}

#[test]
fn a_killed_issuer_leaves_its_number_voided_never_skipped() {
    let t = TestArchive::new();
    let toml = t.archive().join("kaoping.toml");
    let config = fs::read_to_string(&toml).unwrap();
    let config = config.replacen("[documents]\n", "[documents]\nreserve_seconds = 5\n", 1);
    fs::write(&toml, config).unwrap();
    let long = notice(t.dir.path(), "long.json", 4000);
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("kaoping"))
        .current_dir(t.dir.path())
        .env_remove("KAOPING_ARCHIVE")
        .arg("--archive")
        .arg(t.archive())
        .args(["render", "tongzhi", "--data"])
        .arg(&long)
        .args(["-o", "long.pdf"])
        .spawn()
        .unwrap();
    // Killed once its number is reserved, while it renders.
    let start = Instant::now();
    while !log_text(&t).contains("\"number-reservation\"") {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the render finished before its reservation was seen"
        );
        assert!(start.elapsed() < Duration::from_secs(120), "no reservation");
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let log = log_text(&t);
    assert!(!log.contains("\"kind\":\"document\""), "{log}");
    // Within the reservation's time the number stays taken; the next
    // document gets 2号 either way, and after the time 1号 is voided.
    std::thread::sleep(Duration::from_secs(6));
    let short = notice(t.dir.path(), "short.json", 1);
    t.ok(&[
        "render",
        "tongzhi",
        "--data",
        short.to_str().unwrap(),
        "-o",
        "short.pdf",
    ]);
    let listed = t.ok(&["register"]);
    assert!(listed.contains("昆社治办〔2026〕2号"), "{listed}");
    assert!(listed.contains("作废的文号 1 个"), "{listed}");
    let void_line = listed
        .lines()
        .skip_while(|l| !l.contains("作废的文号"))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        void_line.contains("昆社治办〔2026〕1号") && void_line.contains("按作废处理"),
        "{void_line}"
    );
    // The register workbook lists it with its reason; verify is clean.
    t.ok(&["register", "-o", "register.csv"]);
    let csv = fs::read_to_string(t.path("register.csv")).unwrap();
    let row = csv.lines().find(|l| l.starts_with("昆社治办〔2026〕1号"));
    let row = row.unwrap_or_default();
    assert!(row.starts_with("昆社治办〔2026〕1号,作废,"), "{csv}");
    assert!(row.ends_with("按作废处理"), "{row}");
    let verified = stdout_of(t.cmd().arg("verify"));
    assert!(verified.contains("校验通过"), "{verified}");
}

#[test]
fn a_failed_render_gives_its_number_back() {
    let t = TestArchive::new();
    // An override template that Typst refuses: it fails while rendering,
    // after the number was reserved.
    let templates = t.archive().join("templates");
    fs::create_dir_all(&templates).unwrap();
    fs::write(templates.join("tongzhi.typ.j2"), "#不存在的函数()\n").unwrap();
    let short = notice(t.dir.path(), "short.json", 1);
    let data = short.to_str().unwrap();
    let err = t.fails(&["render", "tongzhi", "--data", data, "-o", "bad.pdf"]);
    assert!(err.contains("没有占用文号"), "{err}");
    let log = log_text(&t);
    assert!(log.contains("\"number-reservation\""), "{log}");
    assert!(log.contains("\"number-return\""), "{log}");
    // Given back with nothing drawn after it: the next document is 1号
    // and the register voids nothing.
    fs::remove_file(templates.join("tongzhi.typ.j2")).unwrap();
    t.ok(&["render", "tongzhi", "--data", data, "-o", "short.pdf"]);
    let listed = t.ok(&["register"]);
    assert!(listed.contains("昆社治办〔2026〕1号"), "{listed}");
    assert!(!listed.contains("作废"), "{listed}");
}
