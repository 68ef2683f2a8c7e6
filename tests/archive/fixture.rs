//! An archive written by the release before the typed log (61bfe08, see
//! `tests/data/README.md`) reads and verifies unchanged, and new records
//! chain on to its old lines.

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
