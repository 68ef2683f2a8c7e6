//! `kaoping scaffold`, `ingest`, `coverage`, `history`, `show`, `cat` on
//! folders, and the writer lock.

use std::fs;
use std::io::Read;
use std::process::Stdio;

use super::util::{evidence, sha256, write};
use crate::util::TestArchive;

fn show_json(env: &TestArchive, id: &str) -> serde_json::Value {
    serde_json::from_str(&env.ok(&["show", "--community", id, "--json"])).unwrap()
}

#[test]
fn scaffold_then_ingest_places_files_and_skips_its_notes() {
    let env = TestArchive::new();
    env.community("WH-001");
    env.ok(&["scaffold", "材料", "--community", "WH-001"]);
    let tree = env.path("材料");
    let note = tree.join("Ⅱ-01 党组织领导核心作用/标准1/说明.txt");
    assert!(
        fs::read_to_string(&note)
            .unwrap()
            .contains("街道（乡镇）党（工）委")
    );
    // Ⅱ-4 has no standard checked by 材料审核: no folder for it.
    assert!(!tree.join("Ⅱ-04 社会力量协同参与").exists());
    let folders = fs::read_dir(&tree).unwrap().count();
    assert_eq!(folders, 9);
    // Only the notes: nothing to hand in.
    let err = env.fails(&["ingest", "材料", "--community", "WH-001"]);
    assert!(err.contains("没有可以提交的材料"), "{err}");

    write(
        &tree.join("Ⅱ-01 党组织领导核心作用/标准1/会议记录.pdf"),
        b"%PDF-1.4 minutes",
    );
    write(
        &tree.join("Ⅱ-15 加大资金投入力度/标准2/预算.xlsx"),
        b"budget",
    );
    // An edited note is material like any other file.
    let edited = tree.join("Ⅱ-02 基层政府主导作用/标准1/说明.txt");
    fs::write(&edited, "我们的说明").unwrap();
    let out = env.ok(&[
        "ingest",
        "材料",
        "--community",
        "WH-001",
        "--submitter",
        "张三",
    ]);
    assert!(out.contains("第 1 版"), "{out}");
    // 22 notes, one of them edited (and so kept as material).
    assert!(out.contains("未修改的说明.txt 21 个"), "{out}");
    let files = show_json(&env, "WH-001");
    let placed: Vec<&str> = files
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["placed"].as_str().unwrap())
        .collect();
    assert_eq!(
        placed,
        [
            "Ⅱ-01 党组织领导核心作用/标准1/会议记录.pdf",
            "Ⅱ-02 基层政府主导作用/标准1/说明.txt",
            "Ⅱ-15 加大资金投入力度/标准2/预算.xlsx",
        ]
    );
    let cov: serde_json::Value =
        serde_json::from_str(&env.ok(&["coverage", "--community", "WH-001", "--json"])).unwrap();
    let stds = cov["standards"].as_array().unwrap();
    assert_eq!(stds.len(), 22);
    let backed: Vec<String> = stds
        .iter()
        .filter(|s| !s["files"].as_array().unwrap().is_empty())
        .map(|s| format!("{}/{}", s["indicator"].as_str().unwrap(), s["standard"]))
        .collect();
    assert_eq!(backed, ["Ⅱ-1/1", "Ⅱ-2/1", "Ⅱ-15/2"]);
    let text = env.ok(&["coverage", "--community", "WH-001"]);
    assert!(
        text.contains("缺 19 条") && text.contains("缺材料"),
        "{text}"
    );
}

#[test]
fn accepts_typed_names_and_gets_files_back_byte_exact() {
    let env = TestArchive::new();
    env.community("A1");
    evidence(&env.path("in"));
    env.ingest("in", "A1", &[]);
    let files = show_json(&env, "A1");
    let rows: Vec<(String, String, Option<u64>)> = files
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["indicator"].as_str().unwrap().to_string(),
                f["standard"].as_u64(),
            )
        })
        .collect();
    let expect = [
        ("Ⅱ-01 党组织领导核心作用/标准1/会议记录.txt", "Ⅱ-1", Some(1)),
        ("党组织领导核心作用/总体说明.txt", "Ⅱ-1", None),
        ("II-2/标准 1/政策文件.txt", "Ⅱ-2", Some(1)),
        ("2-2/标准2/经费保障.txt", "Ⅱ-2", Some(2)),
        ("Ⅱ—3 发挥群众自治组织作用/1/照片/活动.jpg", "Ⅱ-3", Some(1)),
    ];
    for (path, ind, std) in expect {
        assert!(
            rows.contains(&(path.to_string(), ind.to_string(), std)),
            "{path} not placed as {ind}/{std:?}: {rows:?}"
        );
    }
    let cov: serde_json::Value =
        serde_json::from_str(&env.ok(&["coverage", "--community", "A1", "--json"])).unwrap();
    assert_eq!(
        cov["indicator_files"],
        serde_json::json!([{
            "indicator": "Ⅱ-1",
            "files": ["Ⅱ-01 党组织领导核心作用/总体说明.txt"]
        }])
    );
    let jpg = [0xFF, 0xD8, 0xFF, 1, 2, 3];
    let hash = sha256(&jpg);
    let placed = files
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["sha256"] == hash.as_str())
        .unwrap();
    assert_eq!(
        placed["placed"],
        "Ⅱ-03 发挥群众自治组织作用/标准1/照片/活动.jpg"
    );
    let out = env.cmd().args(["cat", &hash]).output().unwrap();
    assert!(out.status.success());
    assert_eq!(out.stdout, jpg);
    // A unique prefix works too.
    let out = env.cmd().args(["cat", &hash[..10]]).output().unwrap();
    assert_eq!(out.stdout, jpg);
}

#[test]
fn unplaceable_files_are_all_listed_and_nothing_is_stored() {
    let env = TestArchive::new();
    env.community("A1");
    evidence(&env.path("in"));
    env.ingest("in", "A1", &[]);
    let before = env.snapshot();
    write(&env.path("in/清单.docx"), b"top level");
    write(&env.path("in/党组织领导作用材料/a.txt"), b"unknown folder");
    write(&env.path("in/Ⅱ-1/会议/b.txt"), b"unknown standard folder");
    write(&env.path("in/Ⅱ-1/标准9/c.txt"), b"no such standard");
    let err = env.fails(&["ingest", "in", "--community", "A1"]);
    assert!(err.contains("4 个文件无法归类"), "{err}");
    assert!(err.contains("清单.docx") && err.contains("最外层"), "{err}");
    assert!(
        err.contains("党组织领导作用材料/a.txt")
            && err.contains("最接近的指标：Ⅱ-01 党组织领导核心作用"),
        "{err}"
    );
    assert!(
        err.contains("Ⅱ-1/会议/b.txt") && err.contains("Ⅱ-1/标准9/c.txt"),
        "{err}"
    );
    assert_eq!(env.snapshot(), before, "nothing may change");
}

#[test]
fn versions_dedup_and_history() {
    let env = TestArchive::new();
    env.community("A1");
    env.community("B2");
    evidence(&env.path("in"));
    env.ingest("in", "A1", &["--submitter", "李四"]);
    let objects = || {
        walkdir::WalkDir::new(env.archive().join("objects"))
            .into_iter()
            .filter(|e| e.as_ref().unwrap().file_type().is_file())
            .count()
    };
    assert_eq!(objects(), 5);
    write(&env.path("in/Ⅱ-16/标准3/培训.txt"), b"training");
    let out = env.ingest("in", "A1", &[]);
    assert!(
        out.contains("第 2 版") && out.contains("新内容 1 个文件"),
        "{out}"
    );
    let out = env.ingest("in", "B2", &[]);
    assert!(
        out.contains("第 1 版") && out.contains("新内容 0 个文件"),
        "{out}"
    );
    assert_eq!(objects(), 6);
    let hist: serde_json::Value =
        serde_json::from_str(&env.ok(&["history", "--community", "A1", "--json"])).unwrap();
    let hist = hist.as_array().unwrap();
    assert_eq!(hist.len(), 2);
    assert_eq!(hist[0]["submitter"], "李四");
    assert_eq!(hist[0]["file_count"], 5);
    assert_eq!(hist[1]["file_count"], 6);
    // The root hash is the SHA-256 of the version's manifest.json.
    let manifest = fs::read(env.archive().join("submissions/A1/v0001/manifest.json")).unwrap();
    assert_eq!(hist[0]["root_hash"], sha256(&manifest).as_str());
    // Version 1 is still what it was.
    let v1: serde_json::Value =
        serde_json::from_str(&env.ok(&["show", "--community", "A1", "--version", "1", "--json"]))
            .unwrap();
    assert_eq!(v1.as_array().unwrap().len(), 5);
    let only: serde_json::Value = serde_json::from_str(&env.ok(&[
        "show",
        "--community",
        "A1",
        "--indicator",
        "II-2",
        "--json",
    ]))
    .unwrap();
    assert_eq!(only.as_array().unwrap().len(), 2);
    let err = env.fails(&["show", "--community", "A1", "--version", "7"]);
    assert!(err.contains("第 1 至第 2 版"), "{err}");
}

#[test]
fn a_second_writer_waits_or_gives_up() {
    let env = TestArchive::new();
    env.community("A1");
    evidence(&env.path("in"));
    let lock = fs::File::open(env.archive().join("lock")).unwrap();
    lock.lock().unwrap();
    let err = env.fails(&["ingest", "in", "--community", "A1", "--no-wait"]);
    assert!(
        err.contains("正被另一个 kaoping 进程写入") && err.contains("--no-wait"),
        "{err}"
    );
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_kaoping"))
        .env_remove("KAOPING_ARCHIVE")
        .arg("--archive")
        .arg(env.archive())
        .args(["ingest", "in", "--community", "A1"])
        .current_dir(env.dir.path())
        .stderr(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let mut first = vec![0u8; 16];
    stderr.read_exact(&mut first).unwrap();
    assert!(
        child.try_wait().unwrap().is_none(),
        "must wait for the lock"
    );
    lock.unlock().unwrap();
    let status = child.wait().unwrap();
    stderr.read_to_end(&mut first).unwrap();
    let all = String::from_utf8_lossy(&first);
    assert!(status.success(), "{all}");
    assert!(all.contains("正在等待"), "{all}");
    assert!(
        env.ok(&["history", "--community", "A1"])
            .contains("第 1 版")
    );
}

/// Handing in the same folder again says which version it repeats and
/// stores nothing, unless asked (issue 19).
#[test]
fn an_identical_hand_in_is_named_and_not_stored_twice() {
    let env = TestArchive::new();
    env.community("A1");
    evidence(&env.path("in"));
    env.ingest("in", "A1", &[]);
    let before = fs::read(env.archive().join("log.jsonl")).unwrap();
    let err = env.fails(&["ingest", "in", "--community", "A1"]);
    assert!(
        err.contains("第 1 版完全相同") && err.contains("--allow-identical"),
        "{err}"
    );
    assert_eq!(fs::read(env.archive().join("log.jsonl")).unwrap(), before);
    env.ingest("in", "A1", &["--allow-identical"]);
    assert!(
        env.ok(&["history", "--community", "A1"])
            .contains("第 2 版")
    );
}
