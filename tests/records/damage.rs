//! Each kind of damage to a 移交 package is found by `kaoping transfer
//! check` and named in its report with the record: a changed byte of
//! content, a removed or an extra file, a title that differs from the
//! document, a gap in 件号, a broken signature, a catalogue digest that
//! differs. The check exits with a failure status each time.

use std::fs;
use std::path::{Path, PathBuf};

use super::{Checked, check, copy_dir, package};

/// A copy of the demo package in a temporary folder, damaged by `harm`,
/// then checked.
fn damaged(harm: impl FnOnce(&Path)) -> Checked {
    let tmp = tempfile::tempdir().unwrap();
    let pkg = tmp.path().join("移交包");
    copy_dir(&package(), &pkg);
    harm(&pkg);
    let c = check(tmp.path(), &pkg, &[]);
    assert!(!c.ok, "the damaged package passed:\n{}", c.stdout);
    assert_eq!(c.report["结论"], false);
    c
}

fn eeps(pkg: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(pkg.join("封装包"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

/// The first 封装包 of an issued document (or of evidence).
fn eep_of(pkg: &Path, document: bool) -> PathBuf {
    eeps(pkg)
        .into_iter()
        .find(|p| fs::read_to_string(p).unwrap().contains("<电子文件号>公文:") == document)
        .unwrap()
}

fn code(eep: &Path) -> String {
    eep.file_stem().unwrap().to_string_lossy().into_owned()
}

fn edit(path: &Path, f: impl FnOnce(String) -> String) {
    let text = fs::read_to_string(path).unwrap();
    let new = f(text.clone());
    assert_ne!(new, text, "the edit changed nothing in {}", path.display());
    fs::write(path, new).unwrap();
}

/// Replaces the Base64 character `skip` characters into the first `tag`
/// element by another one.
fn flip_in(text: String, tag: &str, skip: usize) -> String {
    let open = format!("<{tag}>");
    let at = text.find(&open).unwrap() + open.len() + skip;
    let old = &text[at..at + 1];
    let new = if old == "A" { "B" } else { "A" };
    format!("{}{new}{}", &text[..at], &text[at + 1..])
}

fn names(failures: &[String], code: &str) -> bool {
    failures.iter().any(|f| f.contains(code))
}

#[test]
fn a_changed_byte_of_content_fails_the_content_digest() {
    let mut who = String::new();
    let c = damaged(|pkg| {
        let eep = eep_of(pkg, false);
        who = code(&eep);
        edit(&eep, |t| flip_in(t, "编码数据", 40));
    });
    assert!(names(&c.failures("ContentDigest"), &who), "{}", c.stdout);
    // The 封装包 no longer matches the catalogue either.
    assert!(names(&c.failures("PackageDigest"), &who), "{}", c.stdout);
}

#[test]
fn a_removed_file_is_named_as_missing() {
    let mut gone = String::new();
    let c = damaged(|pkg| {
        let eep = eeps(pkg).remove(1);
        gone = code(&eep);
        fs::remove_file(eep).unwrap();
    });
    let f = c.failures("ExtraFiles");
    assert!(
        f.iter().any(|f| f.contains(&gone) && f.contains("缺失")),
        "{f:?}"
    );
    assert!(names(&c.failures("ContentPresent"), &gone), "{}", c.stdout);
}

#[test]
fn an_extra_file_is_named() {
    let c = damaged(|pkg| fs::write(pkg.join("封装包/说明.txt"), "多出来的文件").unwrap());
    let f = c.failures("ExtraFiles");
    assert!(
        f.iter()
            .any(|f| f.contains("说明.txt") && f.contains("多余")),
        "{f:?}"
    );
}

#[test]
fn a_title_that_differs_from_the_document_is_found() {
    let mut who = String::new();
    let c = damaged(|pkg| {
        let eep = eep_of(pkg, true);
        who = code(&eep);
        let text = fs::read_to_string(&eep).unwrap();
        let start = text.find("<题名>").unwrap() + "<题名>".len();
        let end = start + text[start..].find("</题名>").unwrap();
        let title = text[start..end].to_string();
        let changed = format!("{title}（修改稿）");
        edit(&eep, |t| {
            t.replacen(
                &format!("<题名>{title}</题名>"),
                &format!("<题名>{changed}</题名>"),
                1,
            )
        });
        // The catalogue is changed to match: only the document itself
        // still shows the true title.
        edit(&pkg.join("移交清单.xml"), |t| {
            t.replacen(
                &format!("<题名>{title}</题名>"),
                &format!("<题名>{changed}</题名>"),
                1,
            )
        });
    });
    let f = c.failures("Consistency");
    assert!(
        f.iter()
            .any(|f| f.contains(&who) && f.contains("签名中的题名")),
        "{f:?}"
    );
}

#[test]
fn a_gap_in_piece_numbers_is_found() {
    let c = damaged(|pkg| {
        // A 年度 and 保管期限 with three pieces or more loses its second.
        let all = eeps(pkg);
        let second = all
            .iter()
            .find(|p| {
                let c = code(p);
                let third = format!("{}3", &c[..c.len() - 1]);
                c.ends_with("0002") && all.iter().any(|q| code(q) == third)
            })
            .unwrap()
            .clone();
        let who = code(&second);
        fs::remove_file(&second).unwrap();
        edit(&pkg.join("移交清单.xml"), |t| {
            let at = t.find(&format!("<档号>{who}</档号>")).unwrap();
            let start = t[..at].rfind("<档案>").unwrap();
            let end = at + t[at..].find("</档案>").unwrap() + "</档案>".len();
            format!("{}{}", &t[..start], &t[end..])
        });
    });
    let f = c.failures("PieceGaps");
    assert!(f.iter().any(|f| f.contains("件号应为 0002")), "{f:?}");
}

#[test]
fn a_broken_signature_is_found() {
    let mut who = String::new();
    let c = damaged(|pkg| {
        let eep = eep_of(pkg, true);
        who = code(&eep);
        edit(&eep, |t| flip_in(t, "签名结果", 30));
    });
    assert!(names(&c.failures("PackageSignature"), &who), "{}", c.stdout);
}

#[test]
fn a_catalogue_digest_that_differs_is_found() {
    let mut who = String::new();
    let c = damaged(|pkg| {
        let eep = eeps(pkg).remove(0);
        who = code(&eep);
        edit(&pkg.join("移交清单.xml"), |t| {
            let at = t.find(&format!("<档号>{who}</档号>")).unwrap();
            let tag = "<封装包SM3>";
            let d = at + t[at..].find(tag).unwrap() + tag.len();
            let old = &t[d..d + 1];
            let new = if old == "0" { "1" } else { "0" };
            format!("{}{new}{}", &t[..d], &t[d + 1..])
        });
    });
    assert!(names(&c.failures("PackageDigest"), &who), "{}", c.stdout);
    // The catalogue was changed after it was signed.
    assert!(
        names(&c.failures("PackageSignature"), "移交清单.xml"),
        "{}",
        c.stdout
    );
}
