//! Crash safety: a real `kaoping ingest` is killed (SIGKILL) at many
//! moments; after each kill `verify` passes, the earlier submission is
//! intact, the interrupted one is wholly present or wholly absent, and a
//! rerun succeeds.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use super::util::write;
use crate::util::TestArchive;

const FILES: usize = 200;

fn make_tree(dir: &Path, run: usize) {
    for j in 0..FILES {
        let line = format!("run {run} file {j}\n");
        let body = line.repeat(50 + (j * 37) % 400);
        write(
            &dir.join(format!(
                "Ⅱ-{}/标准1/文件{j:03}.txt",
                [1, 2, 3, 14, 15, 16][j % 6]
            )),
            body.as_bytes(),
        );
    }
}

fn spawn_ingest(env: &TestArchive, folder: &str) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_kaoping"))
        .env_remove("KAOPING_ARCHIVE")
        .arg("--archive")
        .arg(env.archive())
        .args(["ingest", folder, "--community", "A1"])
        .current_dir(env.dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

fn history(env: &TestArchive) -> Vec<serde_json::Value> {
    let v: serde_json::Value =
        serde_json::from_str(&env.ok(&["history", "--community", "A1", "--json"])).unwrap();
    v.as_array().unwrap().clone()
}

#[test]
fn killing_ingest_at_any_moment_leaves_a_sound_archive() {
    let env = TestArchive::new();
    env.community("A1");
    make_tree(&env.path("base"), 0);
    env.ingest("base", "A1", &[]);
    let v1 = history(&env)[0].clone();
    let v1_files = env.ok(&["show", "--community", "A1", "--version", "1", "--json"]);

    // How long an uninterrupted ingest of such a tree takes here.
    make_tree(&env.path("timing"), 1);
    let start = Instant::now();
    assert!(spawn_ingest(&env, "timing").wait().unwrap().success());
    let full = start.elapsed();
    // Kill at moments spread over [0, window). The machine's load varies,
    // so a run that finishes before its kill shrinks the window to that
    // delay: later kills then land inside the actual runs, up to the commit.
    let slots = 50;
    let mut window = full;

    let mut interrupted = 0;
    let mut run = 0;
    while interrupted < 50 {
        assert!(run < 200, "only {interrupted} of {run} runs were cut short");
        let folder = format!("run{run}");
        make_tree(&env.path(&folder), run + 2);
        let before = history(&env).len();
        let mut child = spawn_ingest(&env, &folder);
        let delay = window.mul_f64(((run * 37) % slots) as f64 / slots as f64);
        std::thread::sleep(delay);
        let _ = child.kill();
        let status = child.wait().unwrap();
        if status.success() {
            window = window.min(delay.max(std::time::Duration::from_millis(1)));
        } else {
            interrupted += 1;
        }
        run += 1;
        let out = env.cmd().arg("verify").output().unwrap();
        assert!(
            out.status.success(),
            "verify fails after a kill at {delay:?}:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let hist = history(&env);
        assert_eq!(hist[0], v1, "version 1 changed");
        assert!(hist.len() == before || hist.len() == before + 1);
        for h in &hist {
            assert_eq!(h["file_count"], FILES as u64, "a partial version: {h}");
        }
        if status.success() {
            assert_eq!(hist.len(), before + 1, "a finished ingest must be recorded");
        }
    }
    eprintln!(
        "{run} runs, {interrupted} cut short, {} recorded",
        history(&env).len() - 1
    );
    assert_eq!(
        env.ok(&["show", "--community", "A1", "--version", "1", "--json"]),
        v1_files
    );
    // After all that, a new ingest works and the archive verifies.
    make_tree(&env.path("again"), 999);
    env.ingest("again", "A1", &[]);
    assert!(env.ok(&["verify"]).contains("校验通过"));
}
