//! File names no submission may carry: a right-to-left override that
//! hides the real extension, Windows device names with or without an
//! extension, a trailing dot or space, and names that differ only in
//! letter case. Refused with the name shown, and nothing stored, on every
//! way in: a folder and a ZIP through `kaoping ingest`, a folder and a ZIP
//! uploaded on the web, a field photo.

use std::fs;
use std::path::{Path, PathBuf};

use reqwest::blocking::multipart::{Form, Part};

use super::*;
use crate::web::util::{
    CUIHU, Server, WUHUA, archive, bin, evidence, log, scoped_accounts, sign_in,
};

const RTL: &str = "invoice\u{202e}fdp.exe";

/// The first standard folder of an evidence folder.
fn standard_folder(folder: &Path) -> PathBuf {
    let mut dirs: Vec<PathBuf> = walkdir::WalkDir::new(folder)
        .min_depth(2)
        .max_depth(2)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.remove(0)
}

fn ingest_fails(dir: &Path, source: &Path) -> String {
    let out = std::process::Command::new(bin())
        .current_dir(dir)
        .env_remove("KAOPING_ARCHIVE")
        .args(["ingest", source.to_str().unwrap(), "--community", "WH-001"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    String::from_utf8(out.stderr).unwrap()
}

fn assert_names_refused(text: &str) {
    for says in [
        "invoice\\u{202e}fdp.exe",
        "改变文字方向",
        "nul.txt",
        "Windows 的保留名称",
        "报告.",
        "以点或空格结尾",
        "只有字母大小写不同",
    ] {
        assert!(text.contains(says), "“{says}” missing:\n{text}");
    }
}

/// The bad names, as `(name, bytes)`, in a standard folder `rel`.
fn bad_files(rel: &str) -> Vec<(String, Vec<u8>)> {
    [RTL, "nul.txt", "报告.", "A.pdf", "a.PDF"]
        .iter()
        .map(|n| (format!("{rel}/{n}"), b"%PDF-1.4 x".to_vec()))
        .collect()
}

#[test]
fn ingest_refuses_spoofing_and_windows_breaking_names_from_folders_and_zips() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    archive(dir);
    let folder = evidence(dir, "WH-001");
    let std_dir = standard_folder(&folder);
    let rel = std_dir
        .strip_prefix(dir)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    for (path, bytes) in bad_files(&rel) {
        fs::write(dir.join(path), bytes).unwrap();
    }
    assert_names_refused(&ingest_fails(dir, &folder));
    // The same folder as a ZIP.
    let files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(&folder)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_str()
                .unwrap()
                .to_string();
            (rel, fs::read(e.path()).unwrap())
        })
        .collect();
    let parts: Vec<(&str, Vec<u8>)> = files.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
    fs::write(dir.join("材料.zip"), zip_of(&parts)).unwrap();
    assert_names_refused(&ingest_fails(dir, &dir.join("材料.zip")));
    assert!(!log(dir).iter().any(|r| r["kind"] == "submission"));
}

#[test]
fn web_uploads_and_field_photos_refuse_the_same_names() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    archive(dir);
    scoped_accounts(dir);
    let folder = evidence(dir, "WH-001");
    let std_dir = standard_folder(&folder);
    let rel = std_dir
        .strip_prefix(dir)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let server = Server::start(dir, &[]);
    let (c, csrf) = sign_in(&server, CUIHU);
    // A folder upload: every bad name in one go.
    let mut form = Form::new().text("csrf", csrf.clone());
    for (path, bytes) in bad_files(&rel) {
        let name = path.rsplit('/').next().unwrap().to_string();
        form = form
            .text("path", path.clone())
            .part("file", Part::bytes(bytes).file_name(name));
    }
    let res = c
        .post(server.at("/c/WH-001/upload"))
        .multipart(form)
        .send()
        .unwrap();
    assert_eq!(res.status(), 400);
    let text = res.text().unwrap();
    for says in [
        "改变文字方向",
        "nul.txt",
        "保留名称",
        "以点或空格结尾",
        "大小写",
    ] {
        assert!(text.contains(says), "“{says}” missing:\n{text}");
    }
    // A ZIP upload.
    let parts: Vec<(String, Vec<u8>)> = bad_files(&rel);
    let parts: Vec<(&str, Vec<u8>)> = parts.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
    let form = Form::new()
        .text("csrf", csrf.clone())
        .part("zip", Part::bytes(zip_of(&parts)).file_name("材料.zip"));
    let res = c
        .post(server.at("/c/WH-001/upload"))
        .multipart(form)
        .send()
        .unwrap();
    assert!(res.status().is_client_error(), "{}", res.status());
    let text = res.text().unwrap();
    assert!(text.contains("材料.zip"), "{text}");
    assert_names_refused(&text);
    // A field photo named to look like a JPEG.
    let (w, wcsrf) = sign_in(&server, WUHUA);
    let res = w
        .post(server.at("/c/WH-001/points"))
        .form(&[
            ("csrf", wcsrf.as_str()),
            ("name", "翠湖社区综合服务中心"),
            ("kind", "社区综合服务中心"),
            ("address", "翠湖南路1号"),
            ("lat", "25.0431"),
            ("lon", "102.7062"),
            ("standards", ""),
        ])
        .send()
        .unwrap();
    assert_eq!(res.status(), 303);
    for name in ["现场\u{202e}gpj.exe", "CON.png", "现场.png."] {
        let res = w
            .post(server.at("/c/WH-001/field/photo/upload"))
            .header("Accept", "application/json")
            .multipart(super::uploads::photo_form(&wcsrf, name, png(64, 48)))
            .send()
            .unwrap();
        assert!(res.status().is_client_error(), "{name}: {}", res.status());
        let text = res.text().unwrap();
        assert!(text.contains("名称"), "{name}: {text}");
    }
    assert!(
        !log(dir)
            .iter()
            .any(|r| r["kind"] == "submission" || r["kind"] == "field-photo")
    );
}
