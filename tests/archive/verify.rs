//! `kaoping verify` finds every kind of damage a test can make.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use super::util::{evidence, write};
use crate::util::TestArchive;

fn writable(p: &Path) {
    fs::set_permissions(p, fs::Permissions::from_mode(0o644)).unwrap();
}

fn objects(env: &TestArchive) -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = walkdir::WalkDir::new(env.archive().join("objects"))
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().to_path_buf())
        .collect();
    v.sort();
    v
}

#[test]
fn every_flipped_bit_truncation_and_loss_is_found() {
    let env = TestArchive::new();
    env.community("A1");
    evidence(&env.path("in"));
    write(&env.path("in/Ⅱ-16/标准1/大文件.bin"), &vec![7u8; 100_000]);
    env.ingest("in", "A1", &[]);
    assert!(env.ok(&["verify"]).contains("校验通过"));
    for obj in objects(&env) {
        let good = fs::read(&obj).unwrap();
        writable(&obj);
        let len = good.len();
        let mut damages: Vec<(String, Vec<u8>)> = Vec::new();
        for pos in [0, len / 2, len - 1] {
            for bit in [0, 7] {
                let mut bad = good.clone();
                bad[pos] ^= 1 << bit;
                damages.push((format!("bit {bit} of byte {pos}"), bad));
            }
        }
        damages.push(("truncated by one byte".into(), good[..len - 1].to_vec()));
        damages.push(("emptied".into(), Vec::new()));
        let mut longer = good.clone();
        longer.push(0);
        damages.push(("one byte appended".into(), longer));
        let name = obj.file_name().unwrap().to_string_lossy().into_owned();
        for (what, bad) in damages {
            fs::write(&obj, &bad).unwrap();
            let err = env.fails(&["verify"]);
            assert!(err.contains(&name), "{what} of {name} not named: {err}");
            assert!(
                err.contains("社区 A1 第 1 版"),
                "{what}: referencing submission not named: {err}"
            );
            // Taking the damaged file out says it cannot be trusted.
            let err = env.fails(&["cat", &name]);
            assert!(err.contains("已损坏"), "{what}: cat of {name}: {err}");
        }
        // verify has set the last damaged copy aside already.
        let _ = fs::remove_file(&obj);
        let err = env.fails(&["verify", "--community", "A1"]);
        assert!(err.contains(&name) && err.contains("缺失"), "{err}");
        fs::write(&obj, &good).unwrap();
    }
    assert!(env.ok(&["verify"]).contains("校验通过"));
}

#[test]
fn edited_manifests_and_log_lines_are_found() {
    let env = TestArchive::new();
    env.community("A1");
    evidence(&env.path("in"));
    env.ingest("in", "A1", &[]);
    write(&env.path("in/Ⅱ-16/标准1/x.txt"), b"x");
    env.ingest("in", "A1", &[]);
    let manifest = env.archive().join("submissions/A1/v0001/manifest.json");
    let good = fs::read_to_string(&manifest).unwrap();
    writable(&manifest);
    fs::write(&manifest, good.replace("会议记录", "会议纪要")).unwrap();
    let err = env.fails(&["verify"]);
    assert!(err.contains("v0001") && err.contains("根哈希"), "{err}");
    fs::write(&manifest, &good).unwrap();

    let list = env.archive().join("submissions/A1/v0002/objects.sha256");
    let good_list = fs::read_to_string(&list).unwrap();
    writable(&list);
    fs::write(
        &list,
        good_list.lines().skip(1).collect::<Vec<_>>().join("\n"),
    )
    .unwrap();
    let err = env.fails(&["verify"]);
    assert!(err.contains("objects.sha256"), "{err}");
    fs::write(&list, &good_list).unwrap();
    assert!(env.ok(&["verify"]).contains("校验通过"));

    let log = env.archive().join("log.jsonl");
    let good_log = fs::read_to_string(&log).unwrap();
    let lines: Vec<&str> = good_log.lines().collect();
    assert_eq!(lines.len(), 2);
    // Remove the first record.
    fs::write(&log, format!("{}\n", lines[1])).unwrap();
    assert!(env.fails(&["verify"]).contains("log.jsonl"));
    // Edit the file count of the first.
    fs::write(
        &log,
        good_log.replacen("\"file_count\":5", "\"file_count\":4", 1),
    )
    .unwrap();
    assert!(env.fails(&["verify"]).contains("log.jsonl"));
    fs::write(&log, &good_log).unwrap();
    assert!(env.ok(&["verify"]).contains("校验通过"));
}

#[test]
fn a_removed_last_log_record_is_found_and_stops_writers() {
    let env = TestArchive::new();
    env.community("A1");
    evidence(&env.path("in"));
    env.ingest("in", "A1", &[]);
    write(&env.path("in/Ⅱ-16/标准1/x.txt"), b"x");
    env.ingest("in", "A1", &[]);
    let log = env.archive().join("log.jsonl");
    let text = fs::read_to_string(&log).unwrap();
    let first = text.lines().next().unwrap();
    // The chain of what is left is sound; the marker of v0002 gives it away.
    fs::write(&log, format!("{first}\n")).unwrap();
    let err = env.fails(&["verify"]);
    assert!(
        err.contains("第 2 版已提交") && err.contains("日志中没有这条记录"),
        "{err}"
    );
    let err = env.fails(&["ingest", "in", "--community", "A1"]);
    assert!(err.contains("暂停写入"), "{err}");
    assert!(env.archive().join("submissions/A1/v0002").is_dir());
}

#[test]
fn an_interrupted_version_is_noted_then_set_aside() {
    let env = TestArchive::new();
    env.community("A1");
    evidence(&env.path("in"));
    env.ingest("in", "A1", &[]);
    // What a crash between renaming the version folder and logging it
    // leaves: a complete folder, no log record, no marker.
    let v1 = env.archive().join("submissions/A1/v0001");
    let orphan = env.archive().join("submissions/A1/v0002");
    fs::create_dir(&orphan).unwrap();
    for f in ["manifest.json", "objects.sha256"] {
        fs::copy(v1.join(f), orphan.join(f)).unwrap();
    }
    let out = env.ok(&["verify"]);
    assert!(
        out.contains("校验通过") && out.contains("没有日志记录"),
        "{out}"
    );
    write(&env.path("in/Ⅱ-16/标准1/x.txt"), b"x");
    env.ingest("in", "A1", &[]);
    let moved: Vec<_> = fs::read_dir(env.archive().join("interrupted"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(moved.len(), 1);
    assert!(moved[0].starts_with("A1-v0002-"), "{moved:?}");
    let out = env.ok(&["verify"]);
    assert!(
        out.contains("校验通过") && !out.contains("没有日志记录"),
        "{out}"
    );
    assert!(
        env.archive()
            .join("submissions/A1/v0002/committed")
            .is_file()
    );
}

/// archive/README.md promises that sha256sum alone can check a submission.
#[test]
fn sha256sum_checks_a_submission_without_kaoping() {
    let env = TestArchive::new();
    env.community("A1");
    evidence(&env.path("in"));
    env.ingest("in", "A1", &[]);
    let run = |args: &[&str]| {
        std::process::Command::new("sha256sum")
            .args(args)
            .current_dir(env.archive())
            .output()
    };
    let Ok(out) = run(&["-c", "submissions/A1/v0001/objects.sha256"]) else {
        eprintln!("skipped: sha256sum is not installed");
        return;
    };
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).matches(": OK").count(),
        5
    );
    let manifest = run(&["submissions/A1/v0001/manifest.json"]).unwrap();
    let root = String::from_utf8_lossy(&manifest.stdout)[..64].to_string();
    let log = fs::read_to_string(env.archive().join("log.jsonl")).unwrap();
    assert!(log.contains(&format!("\"root_hash\":\"{root}\"")));
}

#[test]
fn an_unfinished_last_log_line_is_cut_off_by_the_next_writer() {
    let env = TestArchive::new();
    env.community("A1");
    evidence(&env.path("in"));
    env.ingest("in", "A1", &[]);
    let log = env.archive().join("log.jsonl");
    let committed = fs::read(&log).unwrap();
    // What a power cut in the middle of an append can leave.
    let mut torn = committed.clone();
    torn.extend_from_slice(b"{\"seq\":3,\"prev\":\"5f1e");
    fs::write(&log, &torn).unwrap();
    let err = env.fails(&["verify"]);
    assert!(err.contains("最后一行不完整"), "{err}");
    // The next writer cuts the unfinished line off and carries on.
    write(&env.path("in/Ⅱ-16/标准1/x.txt"), b"x");
    env.ingest("in", "A1", &[]);
    let now = fs::read(&log).unwrap();
    assert!(now.starts_with(&committed), "committed records changed");
    assert!(!now.windows(4).any(|w| w == b"5f1e"));
    assert!(env.ok(&["verify"]).contains("校验通过"));
    let history = env.ok(&["history", "--community", "A1"]);
    assert!(history.contains("2"), "{history}");
}

/// The repair verify recommends works (issue 19): a damaged object is set
/// aside, handing the same file in again stores a good copy, and the old
/// versions are whole again.
#[test]
fn damage_then_verify_then_reingest_restores_every_version() {
    let env = TestArchive::new();
    env.community("A1");
    evidence(&env.path("in"));
    env.ingest("in", "A1", &[]);
    write(&env.path("in/Ⅱ-16/标准1/x.txt"), b"x");
    env.ingest("in", "A1", &[]);
    // Bytes appended to one stored object (both versions use it).
    let rows: serde_json::Value =
        serde_json::from_str(&env.ok(&["show", "--community", "A1", "--version", "1", "--json"]))
            .unwrap();
    let sha = rows.as_array().unwrap()[0]["sha256"]
        .as_str()
        .unwrap()
        .to_string();
    let object = env
        .archive()
        .join(format!("objects/sha256/{}/{sha}", &sha[..2]));
    let original = fs::read(&object).unwrap();
    fs::set_permissions(&object, fs::Permissions::from_mode(0o644)).unwrap();
    let mut damaged = original.clone();
    damaged.extend_from_slice(b" tampered");
    fs::write(&object, &damaged).unwrap();

    let err = env.fails(&["verify"]);
    assert!(err.contains("quarantine"), "{err}");
    assert!(!object.exists(), "the damaged copy is still in the store");
    let kept: Vec<_> = fs::read_dir(env.archive().join("quarantine"))
        .unwrap()
        .map(|e| fs::read(e.unwrap().path()).unwrap())
        .collect();
    assert_eq!(kept, [damaged], "the damaged copy is kept as it was");
    // Handing the same material in again stores a good copy.
    let out = env.ingest("in", "A1", &[]);
    assert!(!out.contains("新内容 0 个文件"), "{out}");
    assert_eq!(fs::read(&object).unwrap(), original);
    assert!(env.ok(&["verify"]).contains("校验通过"));
    let back = env.ok(&["cat", &sha]);
    assert_eq!(back.as_bytes(), &original[..]);
    let log = fs::read_to_string(env.archive().join("log.jsonl")).unwrap();
    assert!(log.contains("\"kind\":\"quarantine\""), "not logged");

    // A bit flipped in place (same size): repair sets it aside too.
    let mut flipped = original.clone();
    flipped[0] ^= 1;
    fs::set_permissions(&object, fs::Permissions::from_mode(0o644)).unwrap();
    fs::write(&object, &flipped).unwrap();
    let out = env.ok(&["repair"]);
    assert!(out.contains("1 个损坏的文件"), "{out}");
    assert!(env.ok(&["repair"]).contains("无需修复"));
    env.ingest("in", "A1", &[]);
    assert!(env.ok(&["verify"]).contains("校验通过"));
}
