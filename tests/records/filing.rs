//! Filing on a small archive: a record keeps its 档号 for good and a later
//! version is filed as a new record; transfer waits until everything is
//! filed and never overwrites; ClamAV (with a signature database of the
//! test's own) finds the EICAR file hidden in evidence, and a PDF without
//! embedded fonts is named.

use std::fs;
use std::path::Path;

use super::check;
use crate::util::{TestArchive, require};

/// The EICAR anti-virus test file (harmless; every scanner flags it).
const EICAR: &str = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

/// A one-page PDF whose font (Helvetica) is not embedded.
fn pdf_without_fonts() -> Vec<u8> {
    let content = "BT /F1 12 Tf 72 720 Td (minutes) Tj ET";
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_string(),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n{o}\nendobj\n", i + 1).bytes());
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).bytes());
    for o in offsets {
        out.extend(format!("{o:010} 00000 n \n").bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .bytes(),
    );
    out
}

fn put(dir: &Path, name: &str, bytes: &[u8]) {
    let folder = dir.join("Ⅱ-01 党组织领导核心作用/标准1");
    fs::create_dir_all(&folder).unwrap();
    fs::write(folder.join(name), bytes).unwrap();
}

#[test]
fn eicar_and_a_pdf_without_embedded_fonts_are_found() {
    let env = TestArchive::new();
    env.community("WH-001");
    let tree = env.path("材料");
    put(&tree, "会议记录.pdf", &pdf_without_fonts());
    put(&tree, "工作台账.txt", EICAR.as_bytes());
    env.ingest("材料", "WH-001", &[]);
    // Filed even so (the record is kept), but the check fails and says why.
    let out = env.cmd().args(["file", "--phase", "1"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "{stdout}");
    assert!(
        stdout.contains("已归档第一阶段") && stdout.contains("会议记录.pdf"),
        "{stdout}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("四性检测不通过"));
    let out = env
        .cmd()
        .args(["transfer", "--phase", "1", "-o"])
        .arg(env.path("移交包"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(env.path("移交包/移交清单.xml").is_file());

    let db = env.path("eicar.hdb");
    let md5 = md5_hex(EICAR.as_bytes());
    fs::write(&db, format!("{md5}:{}:Kaoping.Test.EICAR\n", EICAR.len())).unwrap();
    let db_arg = db.to_string_lossy().into_owned();
    let c = check(
        env.dir.path(),
        &env.path("移交包"),
        &["--virus-db", &db_arg],
    );
    assert!(!c.ok);
    let fonts = c.failures("Fonts");
    assert!(
        fonts
            .iter()
            .any(|f| f.contains("会议记录.pdf") && f.contains("Helvetica")),
        "{fonts:?}"
    );
    if require("clamscan", "clamav") {
        let virus = c.failures("Virus");
        assert!(
            virus
                .iter()
                .any(|f| f.contains("工作台账.txt") && f.contains("EICAR")),
            "{virus:?}"
        );
    }
}

/// MD5 by Python's hashlib (kaoping has no use for MD5 itself).
fn md5_hex(bytes: &[u8]) -> String {
    let tmp = tempfile::NamedTempFile::new().unwrap();
    fs::write(tmp.path(), bytes).unwrap();
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            "import hashlib,sys;print(hashlib.md5(open(sys.argv[1],'rb').read()).hexdigest())",
        ])
        .arg(tmp.path())
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn a_filed_record_keeps_its_code_and_transfer_waits_for_filing() {
    let env = TestArchive::new();
    env.community("WH-001");
    let tree = env.path("材料");
    put(&tree, "会议记录.txt", "第一次会议".as_bytes());
    env.ingest("材料", "WH-001", &[]);
    let pkg = env.path("移交包");
    let pkg_arg = pkg.to_string_lossy().into_owned();
    let err = env.fails(&["transfer", "--phase", "1", "-o", &pkg_arg]);
    assert!(
        err.contains("没有归档") && err.contains("kaoping file --phase 1"),
        "{err}"
    );
    assert!(!pkg.exists());
    let out = env.ok(&["file", "--phase", "1", "-o", "归档一"]);
    assert!(
        out.contains("新归档 1 件") && out.contains("-D30-0001"),
        "{out}"
    );
    assert!(env.path("归档一/第一阶段归档文件目录.xlsx").is_file());
    let err = env.fails(&["file", "--phase", "1", "-o", "归档二"]);
    assert!(err.contains("无需再次归档"), "{err}");

    // A later version is a new record with the next 件号.
    put(&tree, "会议记录.txt", "第二次会议".as_bytes());
    env.ingest("材料", "WH-001", &[]);
    let err = env.fails(&["transfer", "--phase", "1", "-o", &pkg_arg]);
    assert!(err.contains("1 件") && err.contains("（第2版）"), "{err}");
    let out = env.ok(&["file", "--phase", "1", "-o", "归档二"]);
    assert!(
        out.contains("新归档 1 件，本阶段共 2 件") && out.contains("-D30-0002"),
        "{out}"
    );
    // An empty folder made beforehand is taken.
    fs::create_dir(&pkg).unwrap();
    env.ok(&["transfer", "--phase", "1", "-o", &pkg_arg]);
    let catalogue = fs::read_to_string(pkg.join("移交清单.xml")).unwrap();
    assert!(
        catalogue.contains("-D30-0001</档号>") && catalogue.contains("考评材料（第1版）"),
        "{catalogue}"
    );
    assert!(catalogue.contains("-D30-0002</档号>") && catalogue.contains("考评材料（第2版）"));

    // Never over an existing package, never a report inside one.
    let before = fs::read(pkg.join("移交清单.xml")).unwrap();
    let err = env.fails(&["transfer", "--phase", "1", "-o", &pkg_arg]);
    assert!(err.contains("已经存在"), "{err}");
    assert_eq!(fs::read(pkg.join("移交清单.xml")).unwrap(), before);
    let inside = format!("{pkg_arg}/报告");
    let err = env.fails(&["transfer", "check", &pkg_arg, "-o", &inside]);
    assert!(err.contains("不能写进移交包"), "{err}");
    let err = env.fails(&["file", "--phase", "4"]);
    assert!(err.contains("1、2 或 3"), "{err}");
    let err = env.fails(&["transfer", "check", &pkg_arg, "--sm3", "abc"]);
    assert!(err.contains("64 位十六进制"), "{err}");
}

/// The stored object of `bytes` in the archive at `root`.
fn object_of(root: &Path, bytes: &[u8]) -> std::path::PathBuf {
    use sha2::Digest as _;
    let hex = hex::encode(sha2::Sha256::digest(bytes));
    root.join("objects/sha256").join(&hex[..2]).join(&hex)
}

#[test]
fn the_keeping_check_finds_a_filed_record_damaged_in_the_store() {
    let env = TestArchive::new();
    env.community("WH-001");
    let content = "长期保存的会议记录".as_bytes();
    put(&env.path("材料"), "会议记录.txt", content);
    env.ingest("材料", "WH-001", &[]);
    let err = env.fails(&["file", "--check"]);
    assert!(err.contains("还没有归档"), "{err}");
    env.ok(&["file", "--phase", "1"]);
    let out = env.ok(&["file", "--check", "-o", "检测一"]);
    assert!(
        out.contains("长期保存检测：1 件") && out.contains("结论：通过"),
        "{out}"
    );
    // A byte of the stored copy changes on disk.
    let object = object_of(&env.archive(), content);
    let mut perms = fs::metadata(&object).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    fs::set_permissions(&object, perms).unwrap();
    let mut damaged = content.to_vec();
    damaged[0] ^= 1;
    fs::write(&object, damaged).unwrap();
    let out = env
        .cmd()
        .args(["file", "--check", "-o", "检测二"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let json = fs::read_dir(env.path("检测二"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "json"))
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&fs::read(json).unwrap()).unwrap();
    assert_eq!(report["检测环节"], "长期保存");
    let lines = report["检测项目"].as_array().unwrap();
    let digest = lines.iter().find(|l| l["编号"] == "ContentDigest").unwrap();
    assert_eq!(digest["结果"], "不通过");
    let subject = digest["问题"][0]["对象"].as_str().unwrap();
    assert!(
        subject.contains("-D30-0001") && subject.contains("会议记录.txt"),
        "{subject}"
    );
}
