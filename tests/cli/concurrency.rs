//! Eight `kaoping` processes writing one archive at once (four ingesting,
//! four issuing documents): every process succeeds (waiting for the lock),
//! no 发文字号 or certificate number is issued twice, and `verify` passes.

use std::fs;
use std::process::{Command, Stdio};

use serde_json::{Value, json};

use crate::cli::util::{kaoping, stdout_of};

#[test]
fn eight_writers_never_corrupt_or_duplicate() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    stdout_of(kaoping(d).arg("init"));
    let bin = assert_cmd::cargo::cargo_bin("kaoping");
    for i in 0..4 {
        stdout_of(kaoping(d).args(crate::util::community_add(
            &format!("C{i}"),
            &format!("第{i}社区"),
            "五华区",
        )));
        let folder = d.join(format!("材料{i}"));
        stdout_of(
            kaoping(d)
                .arg("scaffold")
                .arg(&folder)
                .args(["--community", &format!("C{i}")]),
        );
        for (n, ind) in fs::read_dir(&folder).unwrap().enumerate() {
            let ind = ind.unwrap().path();
            for j in 0..20 {
                fs::write(
                    ind.join(format!("f{j}.txt")),
                    format!("社区{i} 指标{n} 文件{j}").repeat(200),
                )
                .unwrap();
            }
        }
    }
    let notice = json!({
        "title": "关于开展城乡社区治理创新试点工作的通知",
        "recipients": "各县（市）区城乡社区治理工作领导小组办公室",
        "body": ["请按要求做好试点工作。"],
        "date": "2026-11-27",
    });
    fs::write(d.join("n.json"), notice.to_string()).unwrap();
    let mut children = Vec::new();
    for i in 0..8 {
        let mut cmd = Command::new(&bin);
        cmd.current_dir(d)
            .env_remove("KAOPING_ARCHIVE")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if i % 2 == 0 {
            cmd.args([
                "ingest",
                &format!("材料{}", i / 2),
                "--community",
                &format!("C{}", i / 2),
            ]);
        } else {
            cmd.args([
                "render",
                "tongzhi",
                "--data",
                "n.json",
                "-o",
                &format!("n{i}.pdf"),
            ]);
        }
        children.push(cmd.spawn().unwrap());
    }
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let register: Value =
        serde_json::from_str(&stdout_of(kaoping(d).args(["register", "--json"]))).unwrap();
    let mut numbers: Vec<String> = register
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["number"].as_str().unwrap().to_string())
        .collect();
    numbers.sort();
    let mut want: Vec<String> = (1..=4).map(|n| format!("昆社治办〔2026〕{n}号")).collect();
    want.sort();
    assert_eq!(numbers, want);
    let history = stdout_of(kaoping(d).args(["history", "--community", "C3"]));
    assert!(history.contains("第 1 版"), "{history}");
    let verify = stdout_of(kaoping(d).arg("verify"));
    assert!(verify.contains("校验通过"), "{verify}");
}
