//! `kaoping gc` on both backends, with one scenario: unreferenced objects
//! are marked by one run and removed by a later one after the grace
//! period; an object referenced again before the sweep is kept; a dry run
//! changes nothing; and gc runs interleaved with ingests in other
//! processes (as on another server) never remove what an ingest refers
//! to — `verify` stays clean.

use std::path::Path;
use std::process::Output;

use super::{Setup, bucket_objects, local_objects};
use crate::engines;
use crate::util::{TestArchive, community_add};

/// One archive as the scenario sees it.
struct Env<'a> {
    /// The folder kaoping runs in (evidence folders are made here).
    dir: &'a Path,
    /// `kaoping --archive archive ARGS`.
    run: &'a (dyn Fn(&[&str]) -> Output + Sync),
    /// Puts bytes straight into the store under its content's key, as a
    /// failed or killed writer leaves them.
    put: &'a dyn Fn(&[u8]),
    /// The stored objects' keys (`objects/sha256/xx/…`).
    keys: &'a dyn Fn() -> Vec<String>,
}

fn key(bytes: &[u8]) -> String {
    use sha2::Digest;
    let hex = hex::encode(sha2::Sha256::digest(bytes));
    format!("objects/sha256/{}/{hex}", &hex[..2])
}

fn ok(env: &Env, args: &[&str]) -> String {
    run_ok(env.run, args)
}

fn run_ok(run: &(dyn Fn(&[&str]) -> Output + Sync), args: &[&str]) -> String {
    let out = run(args);
    assert!(
        out.status.success(),
        "kaoping {args:?} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// An evidence folder `name` with `files` (name, content) under one
/// standard.
fn folder(env: &Env, name: &str, files: &[(String, Vec<u8>)]) {
    let dir = env.dir.join(name).join("Ⅱ-01 党组织领导核心作用/标准1");
    std::fs::create_dir_all(&dir).unwrap();
    for (f, bytes) in files {
        std::fs::write(dir.join(f), bytes).unwrap();
    }
}

fn scenario(env: &Env) {
    ok(env, &community_add("GC-1", "清理社区", "五华区"));
    folder(
        env,
        "first",
        &[("a.txt".into(), b"first evidence".to_vec())],
    );
    ok(env, &["ingest", "first", "--community", "GC-1"]);
    let (a, b) = (
        b"orphan A, handed in again later".to_vec(),
        vec![b'B'; 3000],
    );
    (env.put)(&a);
    (env.put)(&b);
    let gc = |args: &[&str]| ok(env, &[&["gc"], args].concat());
    let said = gc(&["--older-than", "7d"]);
    assert!(
        said.contains("新标记无引用：2 个") && said.contains("已删除：0 个"),
        "{said}"
    );
    let said = gc(&["--older-than", "7d"]);
    assert!(
        said.contains("未到宽限期：2 个") && said.contains("已删除：0 个"),
        "{said}"
    );
    let before = (env.keys)();
    let said = gc(&["--older-than", "0s", "--dry-run"]);
    assert!(said.contains("将删除：2 个"), "{said}");
    assert_eq!((env.keys)(), before, "a dry run changed the store");
    // A is handed in again before the sweep: it is kept, B goes.
    folder(env, "again", &[("a.txt".into(), a.clone())]);
    ok(env, &["ingest", "again", "--community", "GC-1"]);
    let said = gc(&["--older-than", "0s"]);
    assert!(said.contains("又被引用、保留：1 个"), "{said}");
    assert!(said.contains("已删除：1 个（2.9 KB）"), "{said}");
    let keys = (env.keys)();
    assert!(
        keys.contains(&key(&a)) && !keys.contains(&key(&b)),
        "{keys:?}"
    );

    // Ingests in four other processes while gc runs over and over, with
    // an orphan C that the ingests hand in again and an orphan D they do
    // not.
    let (c, d) = (b"orphan C, in every folder".to_vec(), b"orphan D".to_vec());
    for i in 0..4 {
        let files: Vec<(String, Vec<u8>)> = (0..30)
            .map(|j| {
                (
                    format!("f{j}.txt"),
                    format!("进程{i} 文件{j}").repeat(50).into_bytes(),
                )
            })
            .chain([("c.txt".to_string(), c.clone())])
            .collect();
        folder(env, &format!("p{i}"), &files);
    }
    (env.put)(&c);
    (env.put)(&d);
    gc(&["--older-than", "0s"]);
    let run = env.run;
    std::thread::scope(|s| {
        for i in 0..4 {
            let p = format!("p{i}");
            s.spawn(move || run_ok(run, &["ingest", &p, "--community", "GC-1"]));
        }
        s.spawn(|| {
            for _ in 0..4 {
                run_ok(run, &["gc", "--older-than", "0s"]);
            }
        });
    });
    gc(&["--older-than", "0s"]);
    gc(&["--older-than", "0s"]);
    let keys = (env.keys)();
    assert!(keys.contains(&key(&c)), "C is referenced and was removed");
    assert!(!keys.contains(&key(&d)), "D is unreferenced and was kept");
    let verified = ok(env, &["verify"]);
    assert!(verified.contains("校验通过"), "{verified}");
}

#[test]
fn gc_on_a_local_archive_marks_then_sweeps_and_spares_what_is_referenced_again() {
    let t = TestArchive::new();
    let root = t.archive();
    let run = |args: &[&str]| t.cmd().args(args).output().unwrap();
    let put = |bytes: &[u8]| {
        let path = root.join(key(bytes));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    };
    let keys = || local_objects(&root).into_iter().map(|(k, _)| k).collect();
    scenario(&Env {
        dir: t.dir.path(),
        run: &run,
        put: &put,
        keys: &keys,
    });
    // Each run that changed something is in the log with its counts.
    let log = std::fs::read_to_string(root.join("log.jsonl")).unwrap();
    let swept = log
        .lines()
        .find(|l| l.contains(r#""kind":"gc""#) && l.contains(r#""removed":1,"#))
        .unwrap_or_else(|| panic!("no gc record removing one object:\n{log}"));
    assert!(swept.contains(r#""removed_bytes":3000"#), "{swept}");
}

#[test]
fn gc_on_postgres_and_garage_marks_then_sweeps_and_spares_what_is_referenced_again() {
    let Some((pg, garage)) = engines::engines() else {
        return;
    };
    let s = Setup::empty(pg, garage);
    s.ok(&s.target_args(&["init", "archive"]));
    let run = |args: &[&str]| {
        let mut v = vec!["--archive", "archive"];
        v.extend(args);
        s.cmd(&v)
    };
    let tmp = tempfile::tempdir().unwrap();
    let put = |bytes: &[u8]| {
        let file = tmp.path().join("object");
        std::fs::write(&file, bytes).unwrap();
        let dst = format!("{}:{}/{}", engines::REMOTE, s.bucket, key(bytes));
        let out = garage.rclone(&["copyto", file.to_str().unwrap(), &dst]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let keys = || {
        bucket_objects(garage, &s.bucket)
            .into_iter()
            .map(|(k, _)| k)
            .collect()
    };
    scenario(&Env {
        dir: s.dir.path(),
        run: &run,
        put: &put,
        keys: &keys,
    });
    let swept = s.sql(
        "SELECT convert_from(line, 'UTF8')::json->'data'->>'removed_bytes' FROM log
         WHERE convert_from(line, 'UTF8')::json->>'kind' = 'gc'
           AND convert_from(line, 'UTF8')::json->'data'->>'removed' = '1' ORDER BY seq LIMIT 1",
    );
    assert_eq!(swept, "3000");
}
