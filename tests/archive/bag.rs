//! `kaoping export`: BagIt bags that are byte-identical on re-export, valid
//! for the Library of Congress validator, and accepted back by ingest.

use std::fs;
use std::process::Command;

use super::util::{evidence, write};
use crate::util::TestArchive;

/// How to run bagit-python, if installed.
fn bagit_validator() -> Option<Vec<String>> {
    let python = Command::new("python3")
        .args(["-c", "import bagit"])
        .output();
    if python.is_ok_and(|o| o.status.success()) {
        return Some(vec!["python3".into(), "-m".into(), "bagit".into()]);
    }
    None
}

#[test]
fn export_is_reproducible_valid_and_ingestible() {
    let env = TestArchive::new();
    env.community("A1");
    evidence(&env.path("in"));
    write(
        &env.path("in/Ⅱ-12/标准3/100%完成.txt"),
        b"percent in a name",
    );
    env.ingest("in", "A1", &["--submitter", "王五"]);
    env.ok(&["export", "--community", "A1", "-o", "one.zip"]);
    env.ok(&[
        "export",
        "--community",
        "A1",
        "--version",
        "1",
        "-o",
        "two.zip",
    ]);
    let one = fs::read(env.path("one.zip")).unwrap();
    assert_eq!(
        one,
        fs::read(env.path("two.zip")).unwrap(),
        "re-export differs"
    );

    // Unzip and look at the bag.
    let out = env.path("unzipped");
    zip::ZipArchive::new(fs::File::open(env.path("one.zip")).unwrap())
        .unwrap()
        .extract(&out)
        .unwrap();
    let bag = out.join("A1-v0001");
    assert_eq!(
        fs::read_to_string(bag.join("bagit.txt")).unwrap(),
        "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
    );
    let info = fs::read_to_string(bag.join("bag-info.txt")).unwrap();
    let shown: serde_json::Value =
        serde_json::from_str(&env.ok(&["show", "--community", "A1", "--json"])).unwrap();
    let total: u64 = shown
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["size"].as_u64().unwrap())
        .sum();
    assert!(info.contains(&format!("Payload-Oxum: {total}.6")), "{info}");
    assert!(info.contains("Bagging-Date: 20"), "{info}");
    assert!(info.contains("A1社区") && info.contains("五华区") && info.contains("第一阶段"));
    assert!(
        bag.join("data/Ⅱ-03 发挥群众自治组织作用/标准1/照片/活动.jpg")
            .is_file()
    );
    let manifest = fs::read_to_string(bag.join("manifest-sha256.txt")).unwrap();
    assert!(
        manifest.contains("data/Ⅱ-12 社区资源配置/标准3/100％完成.txt"),
        "{manifest}"
    );

    match bagit_validator() {
        Some(cmd) => {
            let o = Command::new(&cmd[0])
                .args(&cmd[1..])
                .arg("--validate")
                .arg(&bag)
                .output()
                .unwrap();
            assert!(
                o.status.success(),
                "bagit.py rejects the bag:\n{}{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            );
        }
        None if crate::util::in_ci() => {
            panic!("bagit-python is required in CI (pip install bagit)")
        }
        None => eprintln!(
            "skipped bagit.py validation: bagit-python is not installed (pip install bagit)"
        ),
    }

    // The bag goes back in: same files, same places, same hashes.
    env.community("B2");
    env.ingest("one.zip", "B2", &[]);
    let files = |id: &str| -> Vec<(String, String)> {
        let v: serde_json::Value =
            serde_json::from_str(&env.ok(&["show", "--community", id, "--json"])).unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .map(|f| {
                // An exported name shows % as ％ (see bagit::payload_name).
                (
                    f["placed"].as_str().unwrap().replace('%', "％"),
                    f["sha256"].as_str().unwrap().into(),
                )
            })
            .collect()
    };
    assert_eq!(files("A1"), files("B2"));

    // A bag whose payload no longer matches its manifest is refused.
    fs::write(
        bag.join("data/Ⅱ-02 基层政府主导作用/标准2/经费保障.txt"),
        b"changed",
    )
    .unwrap();
    let err = env.fails(&["ingest", "unzipped", "--community", "B2"]);
    assert!(
        err.contains("经费保障.txt") && err.contains("不符"),
        "{err}"
    );
}

/// Ctrl+C during an export leaves no hidden temporary file, and a
/// leftover of an earlier interrupted run is swept (issue 19).
#[test]
fn an_interrupted_export_leaves_nothing_behind() {
    let env = TestArchive::new();
    env.community("A1");
    let big = env.path("in/Ⅱ-1/标准1");
    fs::create_dir_all(&big).unwrap();
    for i in 0..3u8 {
        fs::write(big.join(format!("录像{i}.bin")), vec![i; 100 << 20]).unwrap();
    }
    env.ingest("in", "A1", &[]);
    let out_dir = env.path("out");
    fs::create_dir_all(&out_dir).unwrap();
    let leftovers = || {
        fs::read_dir(&out_dir)
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .starts_with(".tmp-export-")
            })
            .count()
    };
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_kaoping"))
        .env_remove("KAOPING_ARCHIVE")
        .arg("--archive")
        .arg(env.archive())
        .args(["export", "--community", "A1", "-o"])
        .arg(out_dir.join("a.zip"))
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    // Interrupted before its commit point the export leaves nothing; after
    // it (the rename), the interrupt waits and the export finishes, so a
    // file there is always a whole ZIP (src/interrupt.rs).
    let zip_path = out_dir.join("a.zip");
    if zip_path.exists() {
        let file = fs::File::open(&zip_path).unwrap();
        let zip = zip::ZipArchive::new(file).expect("an export left is a whole ZIP");
        assert!(!zip.is_empty(), "{status:?}");
    }
    assert_eq!(leftovers(), 0, "a temporary export file was left");
    // What a killed process (no chance to clean up) leaves is swept by the
    // next export into the folder.
    fs::write(out_dir.join(".tmp-export-XXXX"), b"half a zip").unwrap();
    env.ok(&[
        "export",
        "--community",
        "A1",
        "-o",
        out_dir.join("b.zip").to_str().unwrap(),
    ]);
    assert_eq!(leftovers(), 0);
    assert!(out_dir.join("b.zip").exists());
}
