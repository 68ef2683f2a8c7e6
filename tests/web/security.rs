//! Regression tests for the holes found by attacking `kaoping serve`
//! (issue 11), each named after its finding: hostile multipart field
//! names, the sign-in redirect, throttling, the Argon2 cost, slow clients,
//! oversized text fields, ZIP amplification, unsafe names, server paths in
//! messages, sessions after a password change, the Host header and the
//! Secure cookie; and the template hashes that make a document rendered
//! from a planted template stand out.

use std::collections::BTreeMap;
use std::fs;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

use reqwest::blocking::multipart::{Form, Part};

use crate::web::util::*;

/// Every file under `dir` (outside the upload staging folder) with its
/// size and a hash of its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, (u64, u64)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_entry(|e| e.file_name() != "uploads.tmp")
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        // The log and the lock change with every logged action.
        .filter(|e| e.file_name() != "log.jsonl" && e.file_name() != "lock")
        .map(|e| {
            let bytes = fs::read(e.path()).unwrap();
            let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
            let h = bytes.iter().fold(1469598103934665603u64, |h, b| {
                (h ^ u64::from(*b)).wrapping_mul(1099511628211)
            });
            (rel, (bytes.len() as u64, h))
        })
        .collect()
}

/// Signs in without a cookie store; returns the session cookie header
/// value and the CSRF token.
fn session(server: &Server, (name, pw): (&str, &str)) -> (String, String) {
    let c = client();
    let res = c.get(server.at("/login")).send().unwrap();
    let login_cookie = set_cookie_value(&res, "kaoping_login");
    let token = hidden(&res.text().unwrap(), "token");
    let res = c
        .post(server.at("/login"))
        .header("cookie", format!("kaoping_login={login_cookie}"))
        .form(&[
            ("name", name),
            ("password", pw),
            ("token", &token),
            ("next", "/"),
        ])
        .send()
        .unwrap();
    assert_eq!(res.status(), 303, "sign-in of {name}");
    let cookie = format!(
        "kaoping_session={}",
        set_cookie_value(&res, "kaoping_session")
    );
    let page = c
        .get(server.at("/c/WH-001"))
        .header("cookie", &cookie)
        .send()
        .unwrap()
        .text()
        .unwrap();
    (cookie, hidden(&page, "csrf"))
}

fn set_cookie_value(res: &reqwest::blocking::Response, name: &str) -> String {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix(&format!("{name}=")))
        .and_then(|v| v.split(';').next())
        .unwrap_or_else(|| panic!("no {name} cookie"))
        .to_string()
}

/// One multipart part: raw field name, optional raw file name, content.
type RawPart<'a> = (&'a [u8], Option<&'a [u8]>, &'a [u8]);

const BOUNDARY: &str = "kaopingTESTboundary7MA4YWxk";

fn multipart(parts: &[RawPart]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, file, content) in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        body.extend_from_slice(b"Content-Disposition: form-data; name=\"");
        body.extend_from_slice(name);
        body.push(b'"');
        if let Some(f) = file {
            body.extend_from_slice(b"; filename=\"");
            body.extend_from_slice(f);
            body.push(b'"');
            body.extend_from_slice(b"\r\nContent-Type: application/octet-stream");
        }
        body.extend_from_slice(b"\r\n\r\n");
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// Sends a raw HTTP/1.1 request; returns the status and the whole answer.
fn raw(server: &Server, head: &str, body: &[u8]) -> (u16, String) {
    let addr = server.url.trim_start_matches("http://");
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    s.write_all(head.as_bytes()).unwrap();
    let _ = s.write_all(body);
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let text = String::from_utf8_lossy(&out).to_string();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, text)
}

fn post_raw(server: &Server, path: &str, cookie: &str, body: &[u8]) -> (u16, String) {
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\nContent-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    raw(server, &head, body)
}

#[test]
fn hostile_multipart_field_names_write_nothing_outside_staging() {
    let t = tempfile::tempdir().unwrap();
    archive(t.path());
    let server = Server::start(t.path(), &[]);
    let (community, csrf_c) = session(&server, CUIHU);
    let (office, csrf_o) = session(&server, OFFICE);
    let before = snapshot(t.path());
    let marker = format!("kaoping-escape-{}", std::process::id());
    let abs = format!("/tmp/{marker}");
    let long = "a".repeat(5000);
    let names: Vec<Vec<u8>> = vec![
        b"../x".to_vec(),
        b"..\\x".to_vec(),
        abs.clone().into_bytes(),
        b"C:\\x".to_vec(),
        b"%2e%2e/x".to_vec(),
        b"a\0b".to_vec(),
        long.into_bytes(),
        b"../../templates".to_vec(),
    ];
    let files: Vec<&[u8]> = vec![
        b"jindu.typ.j2",
        b"../../templates/jindu.typ.j2",
        b"/etc/x.zip",
        b"..\\..\\x.zip",
    ];
    let forms = [
        ("/c/WH-001/upload", &community, &csrf_c),
        ("/office/assess", &office, &csrf_o),
        ("/office/verify-doc", &office, &csrf_o),
    ];
    let legit: [&[u8]; 4] = [b"file", b"zip", b"sheet", b"pdf"];
    for (path, cookie, csrf) in forms {
        for name in names.iter().map(Vec::as_slice).chain(legit) {
            for file in &files {
                let body = multipart(&[
                    (b"csrf", None, csrf.as_bytes()),
                    (name, Some(file), b"#let planted = 1\n"),
                ]);
                let (status, text) = post_raw(&server, path, cookie, &body);
                let what = format!(
                    "{path} {:?} {:?}: {status}\n{text}",
                    String::from_utf8_lossy(name),
                    String::from_utf8_lossy(file)
                );
                // A field of the form with a hostile file name may be
                // answered normally (the name is only data); any other
                // field is refused.
                if legit.contains(&name) {
                    assert!(status != 0 && status < 500, "{what}");
                } else {
                    assert!((400..500).contains(&status), "{what}");
                }
            }
            // As a text field too.
            let body = multipart(&[(b"csrf", None, csrf.as_bytes()), (name, None, b"x")]);
            let (status, _) = post_raw(&server, path, cookie, &body);
            assert!((400..500).contains(&status), "{path} text field: {status}");
        }
    }
    assert_eq!(snapshot(t.path()), before, "files appeared or changed");
    assert!(!Path::new(&abs).exists());
    assert!(!t.path().join("archive/templates/jindu.typ.j2").exists());
    let staging = t.path().join("archive/uploads.tmp");
    assert!(!staging.exists() || fs::read_dir(&staging).unwrap().next().is_none());
    verify_clean(t.path());
}

#[test]
fn a_zip_with_a_traversal_file_name_is_staged_under_a_server_name() {
    // The file name of a ZIP part is data: the ZIP is ingested normally
    // (or refused for its content), never written where its name says.
    let t = tempfile::tempdir().unwrap();
    archive(t.path());
    let server = Server::start(t.path(), &[]);
    let (cookie, csrf) = session(&server, CUIHU);
    let before = snapshot(t.path());
    let body = multipart(&[
        (b"csrf", None, csrf.as_bytes()),
        (
            b"zip",
            Some(b"../../../templates/jindu.typ.j2"),
            b"not a zip",
        ),
    ]);
    let (status, text) = post_raw(&server, "/c/WH-001/upload", &cookie, &body);
    assert!((400..500).contains(&status), "{status} {text}");
    assert!(!text.contains(&t.path().display().to_string()), "{text}");
    assert_eq!(snapshot(t.path()), before);
}

#[test]
fn sign_in_never_redirects_off_the_site() {
    let t = tempfile::tempdir().unwrap();
    archive(t.path());
    let server = Server::start(t.path(), &[]);
    for next in [
        "/\t/evil.example/",
        "/\n/evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "/%2f/evil.example",
        "/%5cevil.example",
        "/%09/evil.example",
        "https://evil.example/",
        "/ok\r\nSet-Cookie: x=1",
    ] {
        let res = sign_in_to(&server, OFFICE, next);
        assert_eq!(res.status(), 303, "{next:?}");
        assert_eq!(res.headers()["location"], "/", "{next:?}");
    }
    // A plain local path is still followed.
    let res = sign_in_to(&server, OFFICE, "/office/register");
    assert_eq!(res.headers()["location"], "/office/register");
}

/// Posts the sign-in form of a fresh client with `next`.
fn sign_in_to(
    server: &Server,
    (name, pw): (&str, &str),
    next: &str,
) -> reqwest::blocking::Response {
    let c = client();
    let page = c.get(server.at("/login")).send().unwrap().text().unwrap();
    let token = hidden(&page, "token");
    c.post(server.at("/login"))
        .form(&[
            ("name", name),
            ("password", pw),
            ("token", &token),
            ("next", next),
        ])
        .send()
        .unwrap()
}

fn attempt(server: &Server, name: &str, pw: &str) -> (u16, String) {
    let res = sign_in_to(server, (name, pw), "/");
    (res.status().as_u16(), res.text().unwrap())
}

#[test]
fn concurrent_wrong_guesses_are_counted_before_they_are_checked() {
    let t = tempfile::tempdir().unwrap();
    archive(t.path());
    let server = Server::start(t.path(), &[]);
    let answers: Vec<(u16, String)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..40)
            .map(|_| s.spawn(|| attempt(&server, OFFICE.0, "wrong-guess")))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let checked = answers
        .iter()
        .filter(|(s, t)| *s == 401 && t.contains("账号或密码不对"))
        .count();
    assert!(answers.iter().all(|(s, _)| *s == 401 || *s == 429));
    // Five attempts run at full speed; beyond them, one at a time.
    assert!(checked <= 6, "{checked} of 40 guesses were checked");
    assert!(answers.iter().any(|(s, _)| *s == 429));
}

#[test]
fn guessing_an_account_slows_it_but_never_locks_out_the_right_password() {
    let t = tempfile::tempdir().unwrap();
    archive(t.path());
    let server = Server::start(t.path(), &[]);
    for _ in 0..6 {
        let (status, _) = attempt(&server, OFFICE.0, "wrong-guess");
        assert!(status == 401 || status == 429);
    }
    let start = Instant::now();
    let (status, text) = attempt(&server, OFFICE.0, OFFICE.1);
    assert_eq!(status, 303, "{text}");
    assert!(start.elapsed() >= Duration::from_millis(900), "no delay");
}

#[test]
fn overlong_sign_in_names_cost_nothing_and_are_not_kept() {
    let t = tempfile::tempdir().unwrap();
    archive(t.path());
    let server = Server::start(t.path(), &[]);
    let name = "n".repeat(10_000);
    let start = Instant::now();
    for _ in 0..20 {
        let (status, _) = attempt(&server, &name, "whatever-password");
        assert!(status == 401 || status == 413, "{status}");
    }
    // Refused before any password check (each would take tens of ms).
    assert!(start.elapsed() < Duration::from_secs(5));
    let big = "n".repeat(1_500_000);
    let c = client();
    // Refused unread: a 413, or the connection closed while sending.
    match c
        .post(server.at("/login"))
        .form(&[("name", big.as_str()), ("password", "x"), ("token", "x")])
        .send()
    {
        Ok(res) => assert_eq!(res.status(), 413),
        Err(e) => assert!(e.is_request(), "{e}"),
    }
    // The real account is not slowed by any of this.
    let (status, _) = attempt(&server, OFFICE.0, OFFICE.1);
    assert_eq!(status, 303);
}

#[test]
fn concurrent_anonymous_sign_ins_do_not_exhaust_memory() {
    let t = tempfile::tempdir().unwrap();
    archive(t.path());
    let server = Server::start(t.path(), &[]);
    let (status, _) = attempt(&server, "warm-up-name", "warm-up-password");
    assert_eq!(status, 401);
    let base = server.peak_rss_mb().unwrap_or(0);
    let answers: Vec<u16> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..64)
            .map(|i| {
                let server = &server;
                s.spawn(move || attempt(server, &format!("nobody{i}"), "some-password").0)
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(
        answers.iter().all(|s| [401, 429, 503].contains(s)),
        "{answers:?}"
    );
    if let Some(peak) = server.peak_rss_mb() {
        // At most a few password checks at once (about 19 MiB each).
        assert!(peak < base + 150, "peak RSS {peak} MB, base {base} MB");
    }
}

#[test]
fn slow_clients_are_cut_off_and_connections_are_bounded() {
    let t = tempfile::tempdir().unwrap();
    archive(t.path());
    let server = Server::start(
        t.path(),
        &[
            "--header-timeout",
            "2",
            "--idle-timeout",
            "2",
            "--max-connections",
            "20",
            "--connections-per-address",
            "20",
        ],
    );
    let addr = server.url.trim_start_matches("http://").to_string();
    // Half a header, then nothing.
    let mut held: Vec<TcpStream> = (0..20)
        .map(|_| {
            let mut s = TcpStream::connect(&addr).unwrap();
            s.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
                .unwrap();
            s
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    // Over the limit: closed at once.
    let mut extra = TcpStream::connect(&addr).unwrap();
    extra
        .set_read_timeout(Some(Duration::from_secs(1)))
        .unwrap();
    let _ = extra.write_all(b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    let mut buf = [0u8; 64];
    assert!(matches!(extra.read(&mut buf), Ok(0) | Err(_)));
    // After the header timeout the server has closed every slow one.
    std::thread::sleep(Duration::from_secs(4));
    for s in &mut held {
        s.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
        let mut rest = Vec::new();
        let closed = s.read_to_end(&mut rest).is_ok();
        assert!(closed, "a slow connection is still held");
    }
    // A body promised and never sent is cut off too.
    let (cookie, _) = session(&server, CUIHU);
    let mut s = TcpStream::connect(&addr).unwrap();
    let head = format!(
        "POST /c/WH-001/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\nContent-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: 1048576\r\n\r\n--{BOUNDARY}\r\n"
    );
    s.write_all(head.as_bytes()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let start = Instant::now();
    let mut rest = Vec::new();
    let _ = s.read_to_end(&mut rest);
    assert!(start.elapsed() < Duration::from_secs(9), "idle body held");
    // And the server still answers.
    assert_eq!(
        client().get(server.at("/login")).send().unwrap().status(),
        200
    );
}

#[test]
fn a_huge_text_field_is_refused_while_it_streams() {
    let t = tempfile::tempdir().unwrap();
    archive(t.path());
    let server = Server::start(t.path(), &["--max-upload-mb", "5"]);
    let (cookie, csrf) = session(&server, CUIHU);
    let base = server.peak_rss_mb().unwrap_or(0);
    // A 40 MB CSRF field sent chunked (no Content-Length).
    let addr = server.url.trim_start_matches("http://").to_string();
    let mut s = TcpStream::connect(&addr).unwrap();
    let head = format!(
        "POST /c/WH-001/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\nContent-Type: multipart/form-data; boundary={BOUNDARY}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    s.write_all(head.as_bytes()).unwrap();
    let chunk = |s: &mut TcpStream, data: &[u8]| {
        let _ = s.write_all(format!("{:x}\r\n", data.len()).as_bytes());
        let _ = s.write_all(data);
        let _ = s.write_all(b"\r\n");
    };
    chunk(
        &mut s,
        format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n").as_bytes(),
    );
    let block = vec![b'a'; 1 << 20];
    for _ in 0..40 {
        chunk(&mut s, &block);
    }
    chunk(&mut s, format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    let _ = s.write_all(b"0\r\n\r\n");
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let answer = String::from_utf8_lossy(&out);
    assert!(
        answer.starts_with("HTTP/1.1 4"),
        "{}",
        answer.lines().next().unwrap_or("")
    );
    if let Some(peak) = server.peak_rss_mb() {
        assert!(peak < base + 30, "peak {peak} MB, base {base} MB");
    }
    // A long text field after the token is refused by name, nothing kept.
    let body = multipart(&[
        (b"csrf", None, csrf.as_bytes()),
        (b"submitter", None, &vec![b'x'; 100 * 1024]),
    ]);
    let (status, text) = post_raw(&server, "/c/WH-001/upload", &cookie, &body);
    assert_eq!(status, 400, "{text}");
    assert!(text.contains("太长"));
}

fn zip_of(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        w.start_file(name.as_str(), opts).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

#[test]
fn a_small_zip_that_expands_far_beyond_the_upload_limit_is_refused() {
    let t = tempfile::tempdir().unwrap();
    archive(t.path());
    let server = Server::start(t.path(), &["--max-upload-mb", "2"]);
    let (c, csrf) = sign_in(&server, CUIHU);
    // 20 distinct 5 MB entries that compress about 250 times (runs of
    // letters): under the ratio an offline ZIP may have, 100 MB from well
    // under 1 MB.
    let mut seed = 1u64;
    let mut next = move |n: u64| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % n
    };
    let entries: Vec<_> = (0..20u8)
        .map(|i| {
            let mut bytes = Vec::with_capacity(5 << 20);
            while bytes.len() < 5 << 20 {
                let letter = b'a' + next(26) as u8;
                let run = 200 + next(1800) as usize;
                bytes.extend(std::iter::repeat_n(letter, run));
            }
            (
                format!("材料/Ⅱ-01 党组织领导核心作用/标准1/台账{i}.txt"),
                bytes,
            )
        })
        .collect();
    let zip = zip_of(&entries);
    let ratio = (100 << 20) / zip.len();
    assert!((150..450).contains(&ratio), "ratio {ratio}");
    let before = snapshot(t.path());
    let form = Form::new()
        .text("csrf", csrf.clone())
        .part("zip", Part::bytes(zip).file_name("材料.zip"));
    let res = c
        .post(server.at("/c/WH-001/upload"))
        .multipart(form)
        .send()
        .unwrap();
    assert_eq!(res.status(), 422);
    assert!(res.text().unwrap().contains("压缩炸弹"));
    assert_eq!(snapshot(t.path()), before, "the store grew");
}

#[test]
fn an_account_may_have_only_a_few_uploads_under_way() {
    let t = tempfile::tempdir().unwrap();
    archive(t.path());
    let server = Server::start(t.path(), &["--uploads-per-account", "2"]);
    let (cookie, csrf) = session(&server, CUIHU);
    let addr = server.url.trim_start_matches("http://").to_string();
    let start_upload = || {
        let mut s = TcpStream::connect(&addr).unwrap();
        let head = format!(
            "POST /c/WH-001/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\nContent-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: 100000000\r\n\r\n--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"zip\"; filename=\"a.zip\"\r\n\r\nPK"
        );
        s.write_all(head.as_bytes()).unwrap();
        s
    };
    let held = [start_upload(), start_upload()];
    std::thread::sleep(Duration::from_millis(500));
    let body = multipart(&[
        (b"csrf", None, csrf.as_bytes()),
        (b"zip", Some(b"b.zip"), b"PK"),
    ]);
    let (status, text) = post_raw(&server, "/c/WH-001/upload", &cookie, &body);
    assert_eq!(status, 429, "{text}");
    assert!(text.contains("正在进行"));
    drop(held);
    std::thread::sleep(Duration::from_millis(500));
    let (status, _) = post_raw(&server, "/c/WH-001/upload", &cookie, &body);
    assert_ne!(status, 429);
}

#[test]
fn names_that_would_become_paths_are_refused() {
    let t = tempfile::tempdir().unwrap();
    archive(t.path());
    for name in ["../x/scaffold-escape", "a/b", "a\\b", ".hidden", "a\tb"] {
        let out = std::process::Command::new(bin())
            .current_dir(t.path())
            .env_remove("KAOPING_ARCHIVE")
            .args(crate::util::community_add("WH-009", name, "五华区"))
            .output()
            .unwrap();
        assert!(!out.status.success(), "{name:?} accepted");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("名称"), "{name:?}: {err}");
    }
}

#[test]
fn error_messages_do_not_show_server_paths() {
    let t = tempfile::tempdir().unwrap();
    archive(t.path());
    let server = Server::start(t.path(), &[]);
    let (c, csrf) = sign_in(&server, CUIHU);
    let form = Form::new().text("csrf", csrf).part(
        "zip",
        Part::bytes(b"PK\x03\x04broken".to_vec()).file_name("材料.zip"),
    );
    let res = c
        .post(server.at("/c/WH-001/upload"))
        .multipart(form)
        .send()
        .unwrap();
    assert!(res.status().is_client_error());
    let text = res.text().unwrap();
    assert!(text.contains("材料.zip"), "{text}");
    let root = t.path().display().to_string();
    assert!(!text.contains(&root), "{text}");
    assert!(!text.contains("uploads.tmp"), "{text}");
    assert!(!text.contains("/tmp/"), "{text}");
}

#[test]
fn a_password_change_or_removal_ends_the_accounts_sessions() {
    let t = tempfile::tempdir().unwrap();
    archive(t.path());
    let server = Server::start(t.path(), &[]);
    let (c, _) = sign_in(&server, CUIHU);
    let (other, _) = sign_in(&server, OTHER);
    assert_eq!(c.get(server.at("/c/WH-001")).send().unwrap().status(), 200);
    run(
        t.path(),
        &["user", "passwd", CUIHU.0, "--password-stdin"],
        Some("a-new-password-2\n"),
    );
    assert_eq!(c.get(server.at("/c/WH-001")).send().unwrap().status(), 303);
    // Other accounts stay signed in.
    assert_eq!(
        other.get(server.at("/c/PL-001")).send().unwrap().status(),
        200
    );
    run(t.path(), &["user", "remove", OTHER.0], None);
    assert_eq!(
        other.get(server.at("/c/PL-001")).send().unwrap().status(),
        303
    );
    // The new password works.
    let (c, _) = sign_in(&server, (CUIHU.0, "a-new-password-2"));
    assert_eq!(c.get(server.at("/c/WH-001")).send().unwrap().status(), 200);
}

#[test]
fn only_the_configured_host_names_are_served() {
    let t = tempfile::tempdir().unwrap();
    archive(t.path());
    let server = Server::start(t.path(), &["--host", "kaoping.example.cn"]);
    let get_with_host = |host: &str| {
        raw(
            &server,
            &format!("GET /login HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
            b"",
        )
        .0
    };
    assert_eq!(get_with_host("attacker.example"), 421);
    assert_eq!(get_with_host("attacker.example:8080"), 421);
    assert_eq!(get_with_host("127.0.0.1"), 200);
    assert_eq!(get_with_host("localhost:1234"), 200);
    assert_eq!(get_with_host("kaoping.example.cn"), 200);
    assert_eq!(get_with_host("KAOPING.example.cn:443"), 200);
}

#[test]
fn cookies_are_secure_behind_an_https_proxy() {
    let t = tempfile::tempdir().unwrap();
    archive(t.path());
    let plain = Server::start(t.path(), &[]);
    let res = client().get(plain.at("/login")).send().unwrap();
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(!cookie.contains("Secure"), "{cookie}");
    drop(plain);
    let proxied = Server::start(t.path(), &["--https-proxy"]);
    let res = client().get(proxied.at("/login")).send().unwrap();
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.contains("; Secure"), "{cookie}");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
}

#[test]
fn documents_rendered_from_an_override_template_are_marked_in_the_register() {
    let t = tempfile::tempdir().unwrap();
    archive(t.path());
    let dir = t.path();
    run(dir, &["progress", "-o", "out1"], None);
    // The office (or an intruder) puts an override in templates/.
    let planted = format!(
        "{}\n// 办公室修改过的模板\n",
        include_str!("../../templates/jindu.typ.j2")
    );
    fs::write(dir.join("archive/templates/jindu.typ.j2"), planted).unwrap();
    run(dir, &["progress", "-o", "out2"], None);
    let register: serde_json::Value =
        serde_json::from_str(&run(dir, &["register", "--json"], None)).unwrap();
    let entries = register.as_array().unwrap();
    assert_eq!(entries.len(), 2);
    let templates = |i: usize| -> Vec<(String, String, String)> {
        entries[i]["templates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                (
                    t["name"].as_str().unwrap().to_string(),
                    t["origin"].as_str().unwrap().to_string(),
                    t["sha256"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let first = templates(0);
    assert!(first.iter().all(|(_, o, _)| o == "builtin"), "{first:?}");
    assert!(first.iter().any(|(n, ..)| n == "gongwen.typ"));
    assert!(first.iter().any(|(n, ..)| n == "tongzhi.typ.j2"));
    let second = templates(1);
    let jindu = second.iter().find(|(n, ..)| n == "jindu.typ.j2").unwrap();
    assert_eq!(jindu.1, "override");
    let first_jindu = first.iter().find(|(n, ..)| n == "jindu.typ.j2").unwrap();
    assert_ne!(jindu.2, first_jindu.2);
    let text = run(dir, &["register"], None);
    assert!(text.contains("覆盖模板 jindu.typ.j2"), "{text}");
    let text = run(dir, &["verify"], None);
    assert!(text.contains("jindu.typ.j2"), "{text}");
    assert!(text.contains(&jindu.2), "{text}");
}
