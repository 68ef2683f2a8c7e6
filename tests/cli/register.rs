//! The document register: `render` allocates 发文字号 per prefix and year
//! and registers each PDF; `register` lists them; `verify-doc` recognises
//! an issued PDF byte for byte; `verify` covers issued PDFs.

use std::fs;

use serde_json::{Value, json};

use crate::cli::util::{kaoping, stderr_of_failure, stdout_of};

const FIXTURE: &str = include_str!("../data/tongzhi-54.json");

fn notice_without_number(dir: &std::path::Path) -> std::path::PathBuf {
    let mut data: Value = serde_json::from_str(FIXTURE).unwrap();
    let obj = data.as_object_mut().unwrap();
    obj.remove("number");
    obj.remove("issuers");
    obj.remove("signatures");
    obj.remove("enclosure");
    obj.remove("attachments");
    obj.insert("date".into(), json!("2026-11-27"));
    let p = dir.join("notice.json");
    fs::write(&p, serde_json::to_string(&data).unwrap()).unwrap();
    p
}

#[test]
fn numbers_are_sequential_registered_and_verifiable() {
    let dir = tempfile::tempdir().unwrap();
    stdout_of(kaoping(dir.path()).arg("init"));
    let data = notice_without_number(dir.path());
    for out in ["1.pdf", "2.pdf"] {
        stdout_of(
            kaoping(dir.path())
                .args(["render", "tongzhi", "--data"])
                .arg(&data)
                .args(["-o", out]),
        );
    }
    let list: Value =
        serde_json::from_str(&stdout_of(kaoping(dir.path()).args(["register", "--json"]))).unwrap();
    let numbers: Vec<_> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["number"].as_str().unwrap().to_string())
        .collect();
    // The default organ of kaoping.toml; year from the document's date.
    assert_eq!(numbers, ["昆社治办〔2026〕1号", "昆社治办〔2026〕2号"]);
    assert_eq!(list[0]["organs"][0], "昆明市城乡社区治理工作领导小组办公室");
    let sha = list[1]["objects"][0]["sha256"]
        .as_str()
        .unwrap()
        .to_string();

    let ok = stdout_of(kaoping(dir.path()).args(["verify-doc", "2.pdf"]));
    assert!(
        ok.contains("昆社治办〔2026〕2号") && ok.contains(&sha),
        "{ok}"
    );
    // One changed byte and it is no longer the issued document.
    let mut bytes = fs::read(dir.path().join("2.pdf")).unwrap();
    let n = bytes.len();
    bytes[n / 2] ^= 1;
    fs::write(dir.path().join("forged.pdf"), &bytes).unwrap();
    let err = stderr_of_failure(kaoping(dir.path()).args(["verify-doc", "forged.pdf"]), 1);
    assert!(err.contains("不是本档案库登记过的公文"), "{err}");

    // A draft is not registered.
    stdout_of(
        kaoping(dir.path())
            .args(["render", "--draft", "tongzhi", "--data"])
            .arg(&data)
            .args(["-o", "d.pdf"]),
    );
    let list: Value =
        serde_json::from_str(&stdout_of(kaoping(dir.path()).args(["register", "--json"]))).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 2);

    // verify re-hashes the issued PDFs too.
    let ok = stdout_of(kaoping(dir.path()).arg("verify"));
    assert!(ok.contains("校验通过"), "{ok}");
    let obj = dir
        .path()
        .join("archive/objects/sha256")
        .join(&sha[..2])
        .join(&sha);
    let mut perms = fs::metadata(&obj).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    fs::set_permissions(&obj, perms).unwrap();
    fs::write(&obj, b"gone").unwrap();
    let err = stderr_of_failure(kaoping(dir.path()).arg("verify"), 1);
    assert!(err.contains(&sha) || err.contains(&sha[..2]), "{err}");
    let out = stdout_of_any(kaoping(dir.path()).arg("verify"));
    assert!(
        out.contains("发文记录") && out.contains("昆社治办〔2026〕2号"),
        "{out}"
    );
    // A missing PDF is found as well (verify has already set the damaged
    // copy aside in quarantine/).
    let _ = fs::remove_file(&obj);
    let out = stdout_of_any(kaoping(dir.path()).arg("verify"));
    assert!(
        out.contains("缺失") && out.contains("昆社治办〔2026〕2号"),
        "{out}"
    );
}

/// stdout and stderr of a run, whatever its exit code.
fn stdout_of_any(cmd: &mut assert_cmd::Command) -> String {
    let o = cmd.output().unwrap();
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn a_given_number_is_used_once() {
    let dir = tempfile::tempdir().unwrap();
    stdout_of(kaoping(dir.path()).arg("init"));
    let p = dir.path().join("54.json");
    fs::write(&p, FIXTURE).unwrap();
    stdout_of(
        kaoping(dir.path())
            .args(["render", "tongzhi", "--data"])
            .arg(&p)
            .args(["-o", "a.pdf"]),
    );
    let err = stderr_of_failure(
        kaoping(dir.path())
            .args(["render", "tongzhi", "--data"])
            .arg(&p)
            .args(["-o", "b.pdf"]),
        1,
    );
    assert!(
        err.contains("昆办通〔2018〕54号") && err.contains("已经登记过"),
        "{err}"
    );
    assert!(!dir.path().join("b.pdf").exists());
}

#[test]
fn an_unknown_organ_is_named() {
    let dir = tempfile::tempdir().unwrap();
    stdout_of(kaoping(dir.path()).arg("init"));
    let data = notice_without_number(dir.path());
    let err = stderr_of_failure(
        kaoping(dir.path())
            .args(["render", "tongzhi", "--organ", "nope", "--data"])
            .arg(&data)
            .args(["-o", "x.pdf"]),
        1,
    );
    assert!(err.contains("nope") && err.contains("shezhiban"), "{err}");
}

/// A batch that fails at its second document registers none of them and
/// consumes no number (issue 12: the register's all-or-none promise).
#[test]
fn a_batch_failing_midway_registers_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    stdout_of(kaoping(d).arg("init"));
    for (i, name) in [(1, "社区一"), (2, "翠湖😀社区"), (3, "社区三")] {
        let id = format!("A-00{i}");
        stdout_of(kaoping(d).args(crate::util::community_add(&id, name, "五华区")));
        let folder = d.join(format!("m{i}/Ⅱ-1/标准1"));
        fs::create_dir_all(&folder).unwrap();
        fs::write(folder.join("台账.txt"), format!("第{i}份")).unwrap();
        stdout_of(kaoping(d).args(["ingest", &format!("m{i}"), "--community", &id]));
    }
    // The second receipt cannot be drawn (a character no font has).
    let err = stderr_of_failure(kaoping(d).args(["receipt", "--all", "-o", "out"]), 1);
    assert!(err.contains("没有占用文号"), "{err}");
    assert!(stdout_of(kaoping(d).args(["register"])).contains("还没有公文"));
    assert!(!d.join("out").exists() || fs::read_dir(d.join("out")).unwrap().next().is_none());
    // The next document gets the first number.
    stdout_of(kaoping(d).args(["receipt", "--community", "A-001", "-o", "out"]));
    let register: Value =
        serde_json::from_str(&stdout_of(kaoping(d).args(["register", "--json"]))).unwrap();
    let entries = register.as_array().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["serial"], 1);
    stdout_of(kaoping(d).arg("verify"));
}

/// `kaoping receipt` run twice at once for the same version registers one
/// receipt; both runs write the same PDF.
#[test]
fn concurrent_receipt_commands_share_one_number() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    stdout_of(kaoping(d).arg("init"));
    stdout_of(kaoping(d).args(crate::util::community_add("WH-001", "翠湖社区", "五华区")));
    fs::create_dir_all(d.join("m/Ⅱ-1/标准1")).unwrap();
    fs::write(d.join("m/Ⅱ-1/标准1/台账.txt"), "台账").unwrap();
    stdout_of(kaoping(d).args(["ingest", "m", "--community", "WH-001"]));
    let outs: Vec<String> = std::thread::scope(|s| {
        let hs: Vec<_> = ["a", "b"]
            .map(|o| {
                s.spawn(move || {
                    stdout_of(kaoping(d).args(["receipt", "--community", "WH-001", "-o", o]))
                })
            })
            .into_iter()
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(
        outs.iter().filter(|o| o.contains("已经发出")).count(),
        1,
        "{outs:?}"
    );
    let register: Value =
        serde_json::from_str(&stdout_of(kaoping(d).args(["register", "--json"]))).unwrap();
    assert_eq!(register.as_array().unwrap().len(), 1);
    let pdf = |o: &str| {
        fs::read(
            fs::read_dir(d.join(o))
                .unwrap()
                .next()
                .unwrap()
                .unwrap()
                .path(),
        )
        .unwrap()
    };
    assert_eq!(pdf("a"), pdf("b"));
}
