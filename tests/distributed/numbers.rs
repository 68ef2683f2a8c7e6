//! Numbers reserved while a document renders outside the writer lock (an
//! archive several servers share): a `kaoping render` killed after
//! reserving leaves its number to be voided (作废) once the reservation
//! lapses, so the register shows every number used or voided and the next
//! document takes the number after it; a render that fails gives its
//! number back.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::Setup;

const FIXTURE: &str = include_str!("../data/tongzhi-54.json");

/// A 通知 without a number, with `paragraphs` paragraphs of body.
fn notice(dir: &Path, name: &str, paragraphs: usize) -> PathBuf {
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

/// A fresh distributed archive whose reservations hold five seconds.
fn setup() -> Option<Setup> {
    let (pg, garage) = crate::engines::engines()?;
    let s = Setup::empty(pg, garage);
    s.ok(&s.target_args(&["init", "archive"]));
    let toml = s.root().join("kaoping.toml");
    let config = fs::read_to_string(&toml).unwrap();
    let config = config.replacen("[documents]\n", "[documents]\nreserve_seconds = 5\n", 1);
    fs::write(&toml, config).unwrap();
    Some(s)
}

/// How many log records of `kind` the database holds.
fn records(s: &Setup, kind: &str) -> u32 {
    let sql = format!(
        "SELECT count(*) FROM log WHERE convert_from(line, 'UTF8') LIKE '%\"kind\":\"{kind}\"%'"
    );
    s.sql(&sql).parse().unwrap()
}

fn render(data: &Path, out: &str) -> Vec<String> {
    let data = data.to_str().unwrap().to_string();
    [
        "--archive",
        "archive",
        "render",
        "tongzhi",
        "--data",
        &data,
        "-o",
        out,
    ]
    .map(String::from)
    .to_vec()
}

#[test]
fn a_killed_issuer_leaves_its_number_voided_never_skipped() {
    let Some(s) = setup() else { return };
    let long = notice(s.dir.path(), "long.json", 4000);
    let mut child = Command::new(crate::web::util::bin())
        .current_dir(s.dir.path())
        .env_remove("KAOPING_ARCHIVE")
        .envs(s.envs())
        .args(render(&long, "long.pdf"))
        .spawn()
        .unwrap();
    // Killed once its number is reserved, while it renders.
    let start = Instant::now();
    while records(&s, "number-reservation") == 0 {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the render finished before its reservation was seen"
        );
        assert!(start.elapsed() < Duration::from_secs(120), "no reservation");
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(records(&s, "document"), 0);
    // After the reservation's time, the next document voids 1号 and
    // takes 2号.
    std::thread::sleep(Duration::from_secs(6));
    let short = notice(s.dir.path(), "short.json", 1);
    let args = render(&short, "short.pdf");
    s.ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let listed = s.on(&["register"]);
    assert!(listed.contains("昆社治办〔2026〕2号"), "{listed}");
    assert!(listed.contains("作废的文号 1 个"), "{listed}");
    let void_part = listed.split("作废的文号").nth(1).unwrap_or_default();
    assert!(
        void_part.contains("昆社治办〔2026〕1号") && void_part.contains("按作废处理"),
        "{void_part}"
    );
    // The register's CSV lists it with its reason; verify is clean.
    s.on(&["register", "-o", "register.csv"]);
    let csv = fs::read_to_string(s.dir.path().join("register.csv")).unwrap();
    let row = csv.lines().find(|l| l.starts_with("昆社治办〔2026〕1号"));
    let row = row.unwrap_or_default();
    assert!(row.starts_with("昆社治办〔2026〕1号,作废,"), "{csv}");
    assert!(row.ends_with("按作废处理"), "{row}");
    let verified = s.on(&["verify"]);
    assert!(verified.contains("校验通过"), "{verified}");
}

#[test]
fn a_failed_render_gives_its_number_back() {
    let Some(s) = setup() else { return };
    // An override template that Typst refuses: it fails while rendering,
    // after the number was reserved.
    let templates = s.root().join("templates");
    fs::create_dir_all(&templates).unwrap();
    fs::write(templates.join("tongzhi.typ.j2"), "#不存在的函数()\n").unwrap();
    let short = notice(s.dir.path(), "short.json", 1);
    let args = render(&short, "bad.pdf");
    let out = s.cmd(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("没有占用文号"), "{err}");
    assert_eq!(records(&s, "number-reservation"), 1);
    assert_eq!(records(&s, "number-return"), 1);
    // Given back with nothing drawn after it: the next document is 1号
    // and the register voids nothing.
    fs::remove_file(templates.join("tongzhi.typ.j2")).unwrap();
    let args = render(&short, "short.pdf");
    s.ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let listed = s.on(&["register"]);
    assert!(listed.contains("昆社治办〔2026〕1号"), "{listed}");
    assert!(!listed.contains("作废"), "{listed}");
}
