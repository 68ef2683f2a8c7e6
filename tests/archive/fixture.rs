//! Archives written by earlier releases (see `tests/data/README.md`) read
//! and verify unchanged, and new records chain on to their old lines:
//! 61bfe08, the release before the typed log, and 80d0b2d, the release
//! before the record types moved into `event`.

use std::fs;
use std::path::Path;

use crate::archive::util::*;
use crate::util::TestArchive;

fn copy_tree(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let dest = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            fs::create_dir_all(&dest).unwrap();
        } else {
            fs::copy(e.path(), &dest).unwrap();
        }
    }
}

#[test]
fn an_archive_of_the_previous_release_verifies_and_grows() {
    let env = TestArchive::new();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/archive-61bfe08");
    copy_tree(&fixture, &env.archive());
    let old_log = fs::read(env.archive().join("log.jsonl")).unwrap();
    assert!(env.ok(&["verify"]).contains("校验通过：2 版提交"));
    let history = env.ok(&["history", "--community", "WH-001"]);
    assert!(history.contains("张三"), "{history}");
    let register = env.ok(&["register"]);
    assert!(register.contains("昆社治办〔2026〕1号"), "{register}");
    assert!(register.contains("昆社治办〔2026〕2号"), "{register}");
    let shown = env.ok(&["assess", "show", "--community", "WH-001"]);
    assert!(shown.contains("62.2"), "{shown}");
    let users = env.ok(&["user", "list"]);
    assert!(users.contains("kb"), "{users}");

    // New records of every kind chain on to the old lines.
    write(&env.path("in/Ⅱ-16/标准1/x.txt"), b"x");
    env.ingest("in", "WH-001", &[]);
    env.ok(&["progress", "-o", "out"]);
    let log = fs::read(env.archive().join("log.jsonl")).unwrap();
    assert!(log.starts_with(&old_log), "old lines changed");
    assert!(env.ok(&["verify"]).contains("校验通过：3 版提交"));
    assert!(env.ok(&["register"]).contains("昆社治办〔2026〕3号"));
}

/// Every line of the 80d0b2d archive reads as a typed record and is
/// written back byte for byte.
#[test]
fn lines_of_80d0b2d_are_written_back_unchanged() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/archive-80d0b2d");
    let log = fs::read_to_string(fixture.join("log.jsonl")).unwrap();
    for line in log.lines() {
        let rec: kaoping::archive::log::Record =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("{line}: {e}"));
        assert_eq!(serde_json::to_string(&rec).unwrap(), line);
    }
}

#[test]
fn an_archive_of_80d0b2d_verifies_reads_and_grows() {
    let env = TestArchive::new();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/archive-80d0b2d");
    copy_tree(&fixture, &env.archive());
    let old_log = fs::read(env.archive().join("log.jsonl")).unwrap();
    assert!(env.ok(&["verify"]).contains("校验通过：2 版提交"));
    let history = env.ok(&["history", "--community", "WH-001"]);
    assert!(history.contains("张三"), "{history}");
    let register = env.ok(&["register"]);
    assert!(register.contains("昆社治办〔2026〕1号"), "{register}");
    assert!(register.contains("昆社治办〔2026〕2号"), "{register}");
    let shown = env.ok(&["assess", "show", "--community", "WH-001"]);
    assert!(shown.contains("63.7"), "{shown}");
    let users = env.ok(&["user", "list"]);
    assert!(users.contains("zhuanjia"), "{users}");
    let items = env.ok(&["rectify", "list"]);
    assert!(items.contains("ZG001   WH-001    已销号"), "{items}");
    assert!(items.contains("ZG002   WH-001    待整改"), "{items}");
    let points = env.ok(&["point", "list", "--community", "WH-001"]);
    assert!(points.contains("P1  社区综合服务中心"), "{points}");

    write(&env.path("in/Ⅱ-16/标准1/x.txt"), b"x");
    env.ingest("in", "WH-001", &[]);
    let log = fs::read(env.archive().join("log.jsonl")).unwrap();
    assert!(log.starts_with(&old_log), "old lines changed");
    assert!(env.ok(&["verify"]).contains("校验通过：3 版提交"));
}
