//! 街道（乡镇） as assessed units through the real binary: the register
//! names each community's 街道; a 街道 hands in the evidence of the
//! standards addressed to it once, stored once, and it counts for each of
//! its pilot communities (coverage, BagIt export); evidence for other
//! standards is refused with nothing recorded; a 街道 account sees its
//! own communities only.

use std::fs;
use std::path::Path;

use crate::util::{TestArchive, community_add};

/// Registers WH-001 and WH-002 in 华山街道 and WH-003 in 护国街道.
fn register(t: &TestArchive) {
    for (id, street) in [
        ("WH-001", "华山街道"),
        ("WH-002", "华山街道"),
        ("WH-003", "护国街道"),
    ] {
        let name = format!("{id}社区");
        let mut args: Vec<&str> = community_add(id, &name, "五华区").to_vec();
        args.extend(["--street", street]);
        t.cmd().args(&args).assert().success();
    }
}

/// A folder with one file for Ⅱ-2 标准1 (a 街道 standard), and, when
/// `stray`, one for Ⅱ-3 标准1 (a community's).
fn street_folder(t: &TestArchive, stray: bool) -> std::path::PathBuf {
    let root = t.path(if stray {
        "街道材料-错"
    } else {
        "街道材料"
    });
    let put = |rel: &str, text: &str| {
        let p = root.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    };
    put(
        "Ⅱ-2/标准1/华山街道履职清单.txt",
        "华山街道履行城乡社区治理主体责任清单",
    );
    if stray {
        put("Ⅱ-3/标准1/居委会规范化建设.txt", "社区自己的材料");
    }
    root
}

/// Hands in a community's own evidence: one file for Ⅱ-3 标准1.
fn own(t: &TestArchive, id: &str) {
    let p = t.path(&format!("own-{id}/Ⅱ-3/标准1/台账.txt"));
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(&p, format!("{id} 台账")).unwrap();
    let folder = t.path(&format!("own-{id}"));
    t.cmd()
        .args(["ingest", folder.to_str().unwrap(), "--community", id])
        .assert()
        .success();
}

fn stdout(t: &TestArchive, args: &[&str]) -> String {
    let out = t.cmd().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn street_records(root: &Path) -> usize {
    fs::read_to_string(root.join("log.jsonl"))
        .unwrap()
        .lines()
        .filter(|l| l.contains("\"kind\":\"street-evidence\""))
        .count()
}

#[test]
fn a_street_hands_in_once_and_each_of_its_communities_counts_it() {
    let t = TestArchive::new();
    register(&t);
    for id in ["WH-001", "WH-002", "WH-003"] {
        own(&t, id);
    }
    let listed = stdout(&t, &["community", "list"]);
    assert!(
        listed.contains("街道（乡镇）") && listed.contains("华山街道"),
        "{listed}"
    );

    // Evidence for a community's standard is refused; nothing recorded.
    let wrong = street_folder(&t, true);
    let out = t
        .cmd()
        .args(["street", "submit", wrong.to_str().unwrap()])
        .args(["--district", "五华区", "--street", "华山街道"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("居委会规范化建设.txt") && err.contains("Ⅱ-2 标准1"),
        "{err}"
    );
    assert_eq!(street_records(&t.archive()), 0);

    // An unknown 街道 is refused, naming the registered ones.
    let right = street_folder(&t, false);
    let out = t
        .cmd()
        .args(["street", "submit", right.to_str().unwrap()])
        .args(["--district", "五华区", "--street", "翠湖街道"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("华山街道") && err.contains("护国街道"),
        "{err}"
    );

    let said = stdout(
        &t,
        &[
            "street",
            "submit",
            right.to_str().unwrap(),
            "--district",
            "五华区",
            "--street",
            "华山街道",
        ],
    );
    assert!(
        said.contains("第 1 版") && said.contains("1 个文件"),
        "{said}"
    );
    assert_eq!(street_records(&t.archive()), 1);

    // Both communities of 华山街道 count it; 护国街道's does not.
    for (id, shared) in [("WH-001", true), ("WH-002", true), ("WH-003", false)] {
        let cov = stdout(&t, &["coverage", "--community", id]);
        let line = cov
            .lines()
            .find(|l| l.starts_with("  标准1") && l.contains("街道（乡镇）政府"))
            .unwrap_or_else(|| panic!("{cov}"));
        assert_eq!(line.contains("街道共享 1 个文件"), shared, "{id}: {line}");
        assert_eq!(line.contains("缺材料"), !shared, "{id}: {line}");
    }

    // Stored once: one object with that content.
    let sha = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(
            "华山街道履行城乡社区治理主体责任清单".as_bytes(),
        ))
    };
    let found = walkdir::WalkDir::new(t.archive().join("objects"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains(&sha[4..]))
        .count();
    assert_eq!(found, 1, "the shared file is stored once");

    // The BagIt export of each community carries it.
    let bag = t.path("WH-002.zip");
    t.cmd()
        .args([
            "export",
            "--community",
            "WH-002",
            "-o",
            bag.to_str().unwrap(),
        ])
        .assert()
        .success();
    let zip = zip::ZipArchive::new(fs::File::open(&bag).unwrap()).unwrap();
    let names: Vec<String> = zip
        .file_names()
        .map(|n| n.map(|n| n.into_owned()).unwrap_or_default())
        .collect();
    assert!(
        names
            .iter()
            .any(|n| n.contains("街道共享材料/") && n.ends_with("华山街道履职清单.txt")),
        "{names:?}"
    );

    let list = stdout(&t, &["street", "list"]);
    assert!(list.contains("五华区华山街道：2 个试点社区"), "{list}");
    assert!(
        list.contains("五华区护国街道：1 个试点社区") && list.contains("尚未提交"),
        "{list}"
    );
}

#[test]
fn a_street_account_is_bound_to_a_registered_street() {
    let t = TestArchive::new();
    register(&t);
    let add = |extra: &[&str]| {
        let mut c = t.cmd();
        c.args(["user", "add", "hs", "--password-stdin", "--role", "street"])
            .args(extra)
            .write_stdin("huashan-pass-1\n");
        c.output().unwrap()
    };
    let out = add(&["--district", "五华区"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--street"));
    let out = add(&["--district", "盘龙区", "--street", "华山街道"]);
    assert!(!out.status.success());
    let out = add(&["--district", "五华区", "--street", "华山街道"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("五华区华山街道"), "{said}");
}

#[test]
fn a_streets_grid_export_counts_for_each_of_its_communities() {
    let t = TestArchive::new();
    register(&t);
    let csv = t.path("华山街道网格事件.csv");
    fs::write(
        &csv,
        "点位,事件类别,上报时间,处置状态\n翠湖小区,环境卫生,2019-10-01,已办结\n华山小区,治安隐患,2019-10-02,处置中\n",
    )
    .unwrap();
    let said = stdout(
        &t,
        &[
            "grid",
            "import",
            csv.to_str().unwrap(),
            "--standards",
            "Ⅱ-6/1",
            "--district",
            "五华区",
            "--street",
            "华山街道",
        ],
    );
    assert!(said.contains("WH-001") && said.contains("WH-002"), "{said}");
    assert!(!said.contains("WH-003"), "{said}");
    for (id, has) in [("WH-001", true), ("WH-002", true), ("WH-003", false)] {
        let list = stdout(&t, &["grid", "list", "--community", id]);
        assert_eq!(list.contains("华山街道网格事件.csv"), has, "{id}: {list}");
    }
}
