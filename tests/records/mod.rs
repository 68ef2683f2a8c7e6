//! 归档 and 移交: the demo's 第一阶段 package passes the receiving check
//! run without the archive; independent tools (xmllint, Python's
//! xml.etree, openssl) read its XML, its SM3 and its signature; each
//! kind of damage is found and named; filing is append-only.

mod damage;
mod filing;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::documents_layout::output;
use crate::util::{kaoping, pdf_text, require, tool_stdout};

/// The demo's 移交 package.
pub(crate) fn package() -> PathBuf {
    output().parent().unwrap().join("移交包")
}

/// Copies the folder `from` to `to`.
pub(crate) fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(from).unwrap();
        let target = to.join(rel);
        if e.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// The result of `kaoping transfer check`.
pub(crate) struct Checked {
    pub ok: bool,
    pub stdout: String,
    pub report: Value,
}

impl Checked {
    /// (check id, subject) of every problem the report lists for `id`.
    pub fn failures(&self, id: &str) -> Vec<String> {
        self.report["检测项目"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|l| l["编号"] == id && l["结果"] == "不通过")
            .flat_map(|l| l["问题"].as_array().unwrap().iter())
            .map(|p| {
                format!(
                    "{}：{}",
                    p["对象"].as_str().unwrap(),
                    p["原因"].as_str().unwrap()
                )
            })
            .collect()
    }
}

/// Runs `kaoping transfer check dir` (in `cwd`, with no archive) with
/// `extra` options; the report goes to `cwd/报告`.
pub(crate) fn check(cwd: &Path, dir: &Path, extra: &[&str]) -> Checked {
    let out_dir = cwd.join("报告");
    let out = kaoping(cwd)
        .args(["transfer", "check"])
        .arg(dir)
        .args(extra)
        .arg("-o")
        .arg(&out_dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let json = fs::read(out_dir.join("接收四性检测结果.json"))
        .unwrap_or_else(|e| panic!("no report ({e}):\n{stdout}{stderr}"));
    assert!(out_dir.join("接收四性检测报告.pdf").is_file());
    Checked {
        ok: out.status.success(),
        stdout,
        report: serde_json::from_slice(&json).unwrap(),
    }
}

/// SM3 of `file` by openssl (`None` without openssl outside CI).
pub(crate) fn openssl_sm3(file: &Path) -> Option<String> {
    if !require("openssl", "openssl") {
        return None;
    }
    let out = tool_stdout(
        Command::new("openssl")
            .args(["dgst", "-sm3", "-r"])
            .arg(file),
    );
    Some(out.split_whitespace().next().unwrap().to_string())
}

#[test]
fn the_demo_package_passes_the_receiving_check_without_the_archive() {
    let tmp = tempfile::tempdir().unwrap();
    let pkg = package();
    let Some(sm3) = openssl_sm3(&pkg.join("移交清单.xml")) else {
        return;
    };
    // The 登记表 prints the catalogue's SM3 as openssl computes it.
    if let Some(text) = pdf_text(&pkg.join("移交接收登记表.pdf")) {
        assert!(text.contains(&sm3), "{text}");
    }
    let c = check(tmp.path(), &pkg, &["--sm3", &sm3]);
    assert!(c.ok, "{}", c.stdout);
    assert_eq!(c.report["结论"], true);
    assert_eq!(c.report["检测环节"], "接收");
    let items = c.report["档案件数"].as_u64().unwrap();
    let eeps = fs::read_dir(pkg.join("封装包")).unwrap().count() as u64;
    assert!(items > 0 && items == eeps, "{items} records, {eeps} files");
    // Documents, community evidence and the 街道's shared evidence are all
    // filed.
    let catalogue = fs::read_to_string(pkg.join("移交清单.xml")).unwrap();
    for kind in [
        "考评情况的报告",
        "命名证书",
        "社区考评材料（第1版）",
        "街道共享考评材料（第1版）",
    ] {
        assert!(catalogue.contains(kind), "{kind} not in the catalogue");
    }
    // Every DA/T 70 aspect is reported, each check with what it counted.
    for aspect in ["真实性", "完整性", "可用性", "安全性"] {
        assert!(
            c.report["检测项目"]
                .as_array()
                .unwrap()
                .iter()
                .any(|l| l["类别"] == aspect),
            "{aspect}"
        );
    }
    // A wrong SM3 from the 登记表 means another package.
    let other = "0".repeat(64);
    let c = check(tmp.path(), &pkg, &["--sm3", &other]);
    assert!(!c.ok);
    assert_eq!(c.failures("SameAsSent").len(), 1, "{}", c.stdout);
}

#[test]
fn every_xml_file_is_well_formed_for_xmllint_and_python() {
    let pkg = package();
    let mut xml: Vec<PathBuf> = vec![pkg.join("移交清单.xml")];
    xml.extend(
        fs::read_dir(pkg.join("封装包"))
            .unwrap()
            .map(|e| e.unwrap().path()),
    );
    if require("xmllint", "libxml2-utils") {
        tool_stdout(Command::new("xmllint").arg("--noout").args(&xml));
    }
    let script = "import sys, xml.etree.ElementTree as ET\n\
        for p in sys.argv[1:]:\n    r = ET.parse(p).getroot()\n    print(r.tag)";
    let tags = tool_stdout(Command::new("python3").args(["-c", script]).args(&xml));
    assert_eq!(tags.lines().next(), Some("移交清单"));
    assert!(
        tags.lines()
            .skip(1)
            .all(|t| t == "{http://www.saac.gov.cn/standards/ERM/encapsulation}电子文件封装包"),
        "{tags}"
    );
}

#[test]
fn openssl_verifies_the_catalogue_signature_and_the_content_digests() {
    let pkg = package();
    if !require("openssl", "openssl") {
        return;
    }
    let out = Command::new("openssl")
        .args([
            "cms",
            "-verify",
            "-binary",
            "-noverify",
            "-inform",
            "DER",
            "-in",
        ])
        .arg(pkg.join("移交清单.xml.p7s"))
        .arg("-content")
        .arg(pkg.join("移交清单.xml"))
        .args(["-out", "/dev/null"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Each 封装包's SM3 in the catalogue is what openssl computes.
    let catalogue = fs::read_to_string(pkg.join("移交清单.xml")).unwrap();
    for e in fs::read_dir(pkg.join("封装包")).unwrap() {
        let sm3 = openssl_sm3(&e.unwrap().path()).unwrap();
        assert!(
            catalogue.contains(&format!("<封装包SM3>{sm3}</封装包SM3>")),
            "{sm3}"
        );
    }
}

#[test]
fn a_package_delivered_as_a_zip_is_checked_and_a_hostile_zip_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let zip = tmp.path().join("移交包.zip");
    let script = "import os, sys, zipfile\n\
        src, dst, evil = sys.argv[1], sys.argv[2], sys.argv[3]\n\
        with zipfile.ZipFile(dst, 'w', zipfile.ZIP_DEFLATED) as z:\n\
        \x20   for d, _, fs in os.walk(src):\n\
        \x20       for f in fs:\n\
        \x20           p = os.path.join(d, f)\n\
        \x20           z.write(p, os.path.join('移交包', os.path.relpath(p, src)))\n\
        with zipfile.ZipFile(evil, 'w') as z:\n\
        \x20   z.writestr('../移交清单.xml', 'x')\n";
    let evil = tmp.path().join("坏.zip");
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(package())
        .arg(&zip)
        .arg(&evil)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let c = check(tmp.path(), &zip, &[]);
    assert!(c.ok, "{}", c.stdout);
    assert!(
        c.report["检测对象"]
            .as_str()
            .unwrap()
            .ends_with("移交包.zip")
    );
    let out = kaoping(tmp.path())
        .args(["transfer", "check"])
        .arg(&evil)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("坏.zip") && err.contains("不安全"), "{err}");
}
