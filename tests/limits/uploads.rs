//! Upload bodies and photos: a body of very many parts is refused without
//! keeping them (and its error page stays short); an 11000×11000 PNG is
//! refused as a field photo with its size and the limit, while a normal
//! photo's thumbnail is made once and kept; a corrupt `.ods` is named as
//! the user named it, never by its staging path; a request with two
//! `Host` headers is refused. The server answers the next request after
//! each.

use std::io::{Read, Write};

use reqwest::blocking::Client;
use reqwest::blocking::multipart::{Form, Part};

use super::*;
use crate::web::util::{
    CUIHU, OFFICE, Server, WUHUA, archive, log, scoped_accounts, sign_in, verify_clean,
};

/// A multipart body: the CSRF token, then `parts` empty file parts named
/// `name` and a number.
fn many_parts(csrf: &str, parts: usize, name: &str) -> Vec<u8> {
    let mut body = Vec::new();
    write!(
        body,
        "--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n"
    )
    .unwrap();
    for i in 0..parts {
        write!(
            body,
            "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}{i}\"\r\nContent-Type: application/octet-stream\r\n\r\n\r\n"
        )
        .unwrap();
    }
    body.extend_from_slice(b"--XyZ--\r\n");
    body
}

fn post_raw(
    c: &Client,
    server: &Server,
    path: &str,
    body: Vec<u8>,
) -> reqwest::Result<reqwest::blocking::Response> {
    c.post(server.at(path))
        .header("content-type", "multipart/form-data; boundary=XyZ")
        .body(body)
        .send()
}

fn answers(c: &Client, server: &Server) {
    let res = c
        .get(server.at("/"))
        .send()
        .expect("the server still answers");
    assert!(res.status().is_success() || res.status().is_redirection());
}

#[test]
fn a_body_of_very_many_parts_is_refused_and_its_error_stays_short() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    archive(dir);
    let server = Server::start(dir, &[]);
    let (c, csrf) = sign_in(&server, CUIHU);
    // 60,000 parts: over the 40,016 of the default 20,000 files.
    let long = "长".repeat(100);
    let res = post_raw(
        &c,
        &server,
        "/c/WH-001/upload",
        many_parts(&csrf, 60_000, &long),
    )
    .unwrap();
    assert_eq!(res.status(), 413);
    let text = res.text().unwrap();
    assert!(
        text.contains("太多部分") && text.contains("40016"),
        "{text}"
    );
    assert!(text.len() < 20_000, "a short page: {} bytes", text.len());
    answers(&c, &server);
    // 500 unsafe names: ten are listed, the rest counted.
    let res = post_raw(
        &c,
        &server,
        "/c/WH-001/upload",
        many_parts(&csrf, 500, "../x"),
    )
    .unwrap();
    assert_eq!(res.status(), 400);
    let text = res.text().unwrap();
    assert!(
        text.contains("以下 500 个文件") && text.contains("另有 490 个"),
        "{text}"
    );
    assert!(text.len() < 20_000, "a short page: {} bytes", text.len());
    // The probe: 400,000 parts with long names (about 110 MB).
    // The server stops reading far past the limits; the connection may
    // be cut, but the server lives on.
    let probe = many_parts(&csrf, 400_000, &"n".repeat(200));
    assert!(probe.len() > 100 << 20);
    if let Ok(res) = post_raw(&c, &server, "/c/WH-001/upload", probe) {
        assert!(res.status().is_client_error(), "{}", res.status());
    }
    answers(&c, &server);
    if let Some(mb) = server.peak_rss_mb() {
        eprintln!("peak RSS of the server after the many-parts probes: {mb} MB");
    }
    assert!(
        !log(dir).iter().any(|r| r["kind"] == "submission"),
        "nothing was stored"
    );
}

fn add_point(c: &Client, server: &Server, csrf: &str) {
    let res = c
        .post(server.at("/c/WH-001/points"))
        .form(&[
            ("csrf", csrf),
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
}

pub fn photo_form(csrf: &str, name: &str, bytes: Vec<u8>) -> Form {
    Form::new()
        .text("csrf", csrf.to_string())
        .text("point", "P1")
        .text("standard", "Ⅱ-6/1")
        .part("photo", Part::bytes(bytes).file_name(name.to_string()))
}

#[test]
fn a_photo_too_large_in_pixels_is_refused_and_thumbnails_are_kept() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    archive(dir);
    scoped_accounts(dir);
    let server = Server::start(dir, &[]);
    let (c, csrf) = sign_in(&server, WUHUA);
    add_point(&c, &server, &csrf);
    let wide = png(11_000, 11_000);
    assert!(wide.len() < 2 << 20, "a small file: {} bytes", wide.len());
    let res = c
        .post(server.at("/c/WH-001/field/photo/upload"))
        .header("Accept", "application/json")
        .multipart(photo_form(&csrf, "大图.png", wide))
        .send()
        .unwrap();
    assert!(res.status().is_client_error(), "{}", res.status());
    let text = res.text().unwrap();
    assert!(
        text.contains("大图.png") && text.contains("11000×11000") && text.contains("上限"),
        "{text}"
    );
    assert!(!log(dir).iter().any(|r| r["kind"] == "field-photo"));
    answers(&c, &server);

    // A normal photo: its thumbnail is made once and kept.
    let res = c
        .post(server.at("/c/WH-001/field/photo/upload"))
        .header("Accept", "application/json")
        .multipart(photo_form(&csrf, "现场.png", png(1200, 900)))
        .send()
        .unwrap();
    assert_eq!(res.status(), 200);
    let v: serde_json::Value = res.json().unwrap();
    let sha = v["sha256"].as_str().unwrap().to_string();
    let thumb = |c: &Client| {
        let res = c
            .get(server.at(&format!("/c/WH-001/field/photo/{sha}?thumb=1")))
            .send()
            .unwrap();
        assert_eq!(res.status(), 200);
        res.bytes().unwrap().to_vec()
    };
    let first = thumb(&c);
    assert!(first.starts_with(&[0xFF, 0xD8]), "a JPEG");
    let kept = dir.join(format!("archive/thumbnails.cache/{sha}.jpg"));
    assert_eq!(
        std::fs::read(&kept).unwrap(),
        first,
        "the thumbnail is kept"
    );
    assert_eq!(thumb(&c), first);
    drop(server);
    verify_clean(dir);
}

#[test]
fn upload_errors_name_the_users_file_never_the_staging_folder() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    archive(dir);
    scoped_accounts(dir);
    let server = Server::start(dir, &[]);
    let corrupt = ods_with("<office:document-content><这不是表格");
    let (cuihu, cuihu_csrf) = sign_in(&server, CUIHU);
    let (wuhua, wuhua_csrf) = sign_in(&server, WUHUA);
    let (office, office_csrf) = sign_in(&server, OFFICE);
    for (c, csrf, path, field) in [
        (&cuihu, &cuihu_csrf, "/c/WH-001/assess", "sheet"),
        (&wuhua, &wuhua_csrf, "/district/upload", "list"),
        (&office, &office_csrf, "/c/WH-001/points/upload", "table"),
    ] {
        let form = Form::new().text("csrf", csrf.to_string()).part(
            field,
            Part::bytes(corrupt.clone()).file_name("我的考评表.ods"),
        );
        let res = c.post(server.at(path)).multipart(form).send().unwrap();
        assert!(res.status().is_client_error(), "{path}: {}", res.status());
        let text = res.text().unwrap();
        assert!(text.contains("我的考评表.ods"), "{path}: {text}");
        assert!(
            !text.contains("uploads.tmp") && !text.contains("000001"),
            "{path}: {text}"
        );
        answers(c, &server);
    }
}

#[test]
fn a_request_with_two_host_headers_is_refused() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    archive(dir);
    let server = Server::start(dir, &[]);
    let addr = server.url.trim_start_matches("http://").to_string();
    let send = |hosts: &[&str]| {
        let mut s = std::net::TcpStream::connect(&addr).unwrap();
        let mut req = String::from("GET /login HTTP/1.1\r\n");
        for h in hosts {
            req.push_str(&format!("Host: {h}\r\n"));
        }
        req.push_str("Connection: close\r\n\r\n");
        s.write_all(req.as_bytes()).unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        out
    };
    let two = send(&[&addr, "evil.example"]);
    assert!(two.starts_with("HTTP/1.1 400"), "{two}");
    assert!(two.contains("多个 Host"), "{two}");
    let swapped = send(&["evil.example", &addr]);
    assert!(swapped.starts_with("HTTP/1.1 400"), "{swapped}");
    let one = send(&[&addr]);
    assert!(one.starts_with("HTTP/1.1 200"), "{one}");
}
