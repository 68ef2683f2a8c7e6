//! The HTTP API: sign-in everywhere, one community cannot reach another,
//! CSRF and oversize uploads are refused with nothing stored, and the
//! whole flow (upload → coverage → receipt → bag → assessment → documents)
//! works, with every action in the log under the account that did it.

use std::fs;

use reqwest::blocking::multipart::{Form, Part};
use reqwest::blocking::{Client, Response};

use crate::web::util::*;

fn folder_form(csrf: &str, files: &[(String, Vec<u8>)]) -> Form {
    let mut form = Form::new().text("csrf", csrf.to_string());
    for (path, bytes) in files {
        let name = path.rsplit('/').next().unwrap().to_string();
        form = form
            .text("path", path.clone())
            .part("file", Part::bytes(bytes.clone()).file_name(name));
    }
    form
}

/// GET `path` with the client's session.
fn get(c: &Client, server: &Server, path: &str) -> Response {
    c.get(server.at(path)).send().unwrap()
}

/// POST a multipart form to `path`.
fn post_multipart(c: &Client, server: &Server, path: &str, form: Form) -> Response {
    c.post(server.at(path)).multipart(form).send().unwrap()
}

/// POST a URL-encoded form to `path`.
fn post_form(c: &Client, server: &Server, path: &str, form: &[(&str, &str)]) -> Response {
    c.post(server.at(path)).form(form).send().unwrap()
}

/// The address in the first `href="…"` (or quoted link) after `after`.
/// The office's assessment form for `id` with a sheet file.
/// Submits `id`'s lower levels from `sheet` (saved as `name`) on the
/// command line, so the office may record the final result.
fn levels(dir: &std::path::Path, id: &str, sheet: &[u8], name: &str) {
    std::fs::write(dir.join(name), sheet).unwrap();
    crate::util::submit_levels(dir, None, id, name);
}

fn assess_form(csrf: &str, id: &str, sheet: Vec<u8>, name: &str) -> Form {
    Form::new()
        .text("csrf", csrf.to_string())
        .text("community", id.to_string())
        .part("sheet", Part::bytes(sheet).file_name(name.to_string()))
}

fn link(page: &str, after: &str) -> String {
    page.split(after)
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_else(|| panic!("no link after {after}"))
        .to_string()
}

fn submissions(dir: &std::path::Path, community: &str) -> usize {
    log(dir)
        .iter()
        .filter(|r| r["kind"] == "submission" && r["data"]["community"] == community)
        .count()
}

fn staging_is_empty(dir: &std::path::Path) -> bool {
    let s = dir.join("archive/uploads.tmp");
    !s.exists() || fs::read_dir(&s).unwrap().next().is_none()
}

#[test]
fn every_page_and_action_needs_a_session() {
    let t = tempfile::tempdir().unwrap();
    archive(t.path());
    let server = Server::start(t.path(), &[]);
    let c = client();
    for path in [
        "/",
        "/c/WH-001",
        "/c/WH-001/v/1",
        "/c/WH-001/v/1/bag.zip",
        "/c/WH-001/scaffold.zip",
        "/office",
        "/office/register",
        "/office/sheet-template.csv",
        "/office/sheet-template.xlsx",
        "/office/tables/progress.xlsx",
        "/office/tables/register.xlsx",
        "/office/tables/communities.xlsx",
        "/documents/00",
        "/documents/batch.zip?first=1&last=1",
    ] {
        let res = get(&c, &server, path);
        assert_eq!(res.status(), 303, "GET {path}");
        let to = res.headers()["location"].to_str().unwrap();
        assert!(to.starts_with("/login?next="), "GET {path} → {to}");
        // A made-up session is no better than none.
        let res = c
            .get(server.at(path))
            .header("cookie", "kaoping_session=0123456789abcdef")
            .send()
            .unwrap();
        assert_eq!(res.status(), 303, "GET {path} with a forged cookie");
    }
    for path in [
        "/c/WH-001/upload",
        "/c/WH-001/v/1/receipt",
        "/office/assess",
        "/office/documents",
        "/office/verify-doc",
        "/logout",
    ] {
        let res = c.post(server.at(path)).body("x").send().unwrap();
        assert_eq!(res.status(), 401, "POST {path}");
        assert!(res.text().unwrap().contains("请先登录"));
    }
}

#[test]
fn sign_in_sets_a_strict_http_only_cookie_and_refuses_wrong_passwords() {
    let t = tempfile::tempdir().unwrap();
    archive(t.path());
    let server = Server::start(t.path(), &[]);
    let c = client();
    let page = get(&c, &server, "/login").text().unwrap();
    let token = hidden(&page, "token");
    let res = post_form(
        &c,
        &server,
        "/login",
        &[
            ("name", CUIHU.0),
            ("password", "wrong-password"),
            ("token", &token),
        ],
    );
    assert_eq!(res.status(), 401);
    assert!(res.text().unwrap().contains("账号或密码不对"));
    // The sign-in form's token is required (login CSRF).
    let res = client()
        .post(server.at("/login"))
        .form(&[
            ("name", CUIHU.0),
            ("password", CUIHU.1),
            ("token", "forged"),
        ])
        .send()
        .unwrap();
    assert_eq!(res.status(), 401);
    assert!(res.text().unwrap().contains("登录表单已过期"));

    let page = get(&c, &server, "/login").text().unwrap();
    let token = hidden(&page, "token");
    let res = post_form(
        &c,
        &server,
        "/login",
        &[
            ("name", CUIHU.0),
            ("password", CUIHU.1),
            ("token", &token),
            ("next", "/"),
        ],
    );
    assert_eq!(res.status(), 303);
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|v| v.starts_with("kaoping_session="))
        .expect("session cookie");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    // A community account lands on its own community.
    let res = get(&c, &server, "/");
    assert_eq!(res.headers()["location"], "/c/WH-001");
    // Signing out ends the session; both are in the log.
    let home = get(&c, &server, "/c/WH-001").text().unwrap();
    let csrf = hidden(&home, "csrf");
    let res = post_form(&c, &server, "/logout", &[("csrf", csrf.as_str())]);
    assert_eq!(res.status(), 303);
    assert_eq!(get(&c, &server, "/c/WH-001").status(), 303);
    let events: Vec<_> = log(t.path())
        .into_iter()
        .filter(|r| r["kind"] == "signin" || r["kind"] == "signout")
        .map(|r| (r["kind"].clone(), r["account"].clone()))
        .collect();
    assert_eq!(
        events,
        [
            (serde_json::json!("signin"), serde_json::json!(CUIHU.0)),
            (serde_json::json!("signout"), serde_json::json!(CUIHU.0)),
        ]
    );
}

#[test]
fn a_community_account_cannot_reach_another_community_or_the_office() {
    let t = tempfile::tempdir().unwrap();
    archive(t.path());
    let folder = evidence(t.path(), "PL-001");
    let server = Server::start(t.path(), &[]);
    let (c, csrf) = sign_in(&server, CUIHU);
    for path in [
        "/c/PL-001",
        "/c/PL-001/scaffold.zip",
        "/office",
        "/office/register",
        "/office/sheet-template.xlsx",
        "/office/tables/progress.xlsx",
        "/office/tables/register.xlsx",
        "/office/tables/communities.xlsx",
    ] {
        let res = get(&c, &server, path);
        assert_eq!(res.status(), 403, "GET {path}");
        assert!(res.text().unwrap().contains("无权"));
    }
    let res = post_multipart(
        &c,
        &server,
        "/c/PL-001/upload",
        folder_form(&csrf, &files_of(&folder)),
    );
    assert_eq!(res.status(), 403);
    assert_eq!(submissions(t.path(), "PL-001"), 0);
    let res = post_form(
        &c,
        &server,
        "/office/documents",
        &[
            ("csrf", csrf.as_str()),
            ("kind", "report"),
            ("scope", "all"),
        ],
    );
    assert_eq!(res.status(), 403);
    // The other community's documents are out of reach too.
    let (o, ocsrf) = sign_in(&server, OTHER);
    let res = post_multipart(
        &o,
        &server,
        "/c/PL-001/upload",
        folder_form(&ocsrf, &files_of(&folder)),
    );
    assert_eq!(res.status(), 303);
    let page = follow(&o, &server, res);
    let sha = link(&page, "/documents/");
    // ...and read exactly as a document that does not exist (issue 26).
    let res = get(&c, &server, &format!("/documents/{sha}"));
    assert_eq!(res.status(), 404);
    let unknown = get(&c, &server, &format!("/documents/{}", "0".repeat(64)));
    assert_eq!(res.text().unwrap(), unknown.text().unwrap());
    let res = get(&o, &server, &format!("/documents/{sha}"));
    assert_eq!(res.status(), 200);
    verify_clean(t.path());
}

#[test]
fn forms_without_the_session_token_are_refused_and_change_nothing() {
    let t = tempfile::tempdir().unwrap();
    archive(t.path());
    let folder = evidence(t.path(), "WH-001");
    let server = Server::start(t.path(), &[]);
    let (c, _csrf) = sign_in(&server, CUIHU);
    let before = log(t.path()).len();
    let res = post_multipart(
        &c,
        &server,
        "/c/WH-001/upload",
        folder_form("not-the-token", &files_of(&folder)),
    );
    assert_eq!(res.status(), 403);
    assert!(res.text().unwrap().contains("CSRF"));
    // A token that is right but not first: the files come before it.
    let mut form = Form::new();
    for (p, b) in files_of(&folder).into_iter().take(2) {
        form = form
            .text("path", p)
            .part("file", Part::bytes(b).file_name("x.txt"));
    }
    let res = post_multipart(
        &c,
        &server,
        "/c/WH-001/upload",
        form.text("csrf", _csrf.clone()),
    );
    assert_eq!(res.status(), 403);
    let res = post_form(&c, &server, "/logout", &[("csrf", "nope")]);
    assert_eq!(res.status(), 403);
    // Still signed in, nothing recorded, nothing staged.
    assert_eq!(get(&c, &server, "/c/WH-001").status(), 200);
    assert_eq!(log(t.path()).len(), before);
    assert!(staging_is_empty(t.path()));
    verify_clean(t.path());
}

#[test]
fn oversize_and_unsafe_uploads_are_refused_cleanly() {
    let t = tempfile::tempdir().unwrap();
    archive(t.path());
    let server = Server::start(t.path(), &["--max-upload-mb", "1", "--max-files", "5"]);
    let (c, csrf) = sign_in(&server, CUIHU);
    let big = vec![b'x'; 3 << 20];
    let path = "材料/Ⅱ-1 党建引领/标准1/大文件.bin".to_string();
    let res = post_multipart(
        &c,
        &server,
        "/c/WH-001/upload",
        folder_form(&csrf, &[(path, big)]),
    );
    assert_eq!(res.status(), 413);
    assert!(res.text().unwrap().contains("超过"));
    let many: Vec<_> = (0..6)
        .map(|i| (format!("材料/Ⅱ-1/标准1/{i}.txt"), vec![b'a'; 10]))
        .collect();
    let res = c
        .post(server.at("/c/WH-001/upload"))
        .header("x-requested-with", "kaoping")
        .multipart(folder_form(&csrf, &many))
        .send()
        .unwrap();
    assert_eq!(res.status(), 413);
    let answer: serde_json::Value = res.json().unwrap();
    assert_eq!(answer["ok"], false);
    assert!(answer["error"].as_str().unwrap().contains("5 个文件"));
    for bad in ["../逃逸.txt", "/etc/passwd", "C:/x.txt", "a\\b.txt"] {
        let res = post_multipart(
            &c,
            &server,
            "/c/WH-001/upload",
            folder_form(&csrf, &[(bad.to_string(), b"x".to_vec())]),
        );
        assert_eq!(res.status(), 400, "{bad}");
        let text = res.text().unwrap();
        assert!(text.contains("不安全"), "{bad}: {text}");
    }
    assert!(!t.path().join("逃逸.txt").exists());
    assert!(!t.path().join("archive/逃逸.txt").exists());
    assert_eq!(submissions(t.path(), "WH-001"), 0);
    assert!(staging_is_empty(t.path()));
    // The server is still fine afterwards.
    assert_eq!(get(&c, &server, "/c/WH-001").status(), 200);
    verify_clean(t.path());
}

#[test]
fn upload_coverage_receipt_bag_assessment_and_documents() {
    let t = tempfile::tempdir().unwrap();
    archive(t.path());
    let folder = evidence(t.path(), "WH-001");
    let server = Server::start(t.path(), &[]);
    let (c, csrf) = sign_in(&server, CUIHU);
    let page = get(&c, &server, "/c/WH-001").text().unwrap();
    let missing_before = hidden_count(&page);
    let res = c
        .post(server.at("/c/WH-001/upload"))
        .header("x-requested-with", "kaoping")
        .multipart(folder_form(&csrf, &files_of(&folder)).text("submitter", "张三"))
        .send()
        .unwrap();
    let answer: serde_json::Value = res.json().unwrap();
    assert_eq!(answer["ok"], true, "{answer}");
    assert_eq!(answer["redirect"], "/c/WH-001/v/1");
    let version = get(&c, &server, "/c/WH-001/v/1").text().unwrap();
    assert!(version.contains("已保存"));
    assert!(version.contains("张三"));
    let page = get(&c, &server, "/c/WH-001").text().unwrap();
    let missing_after = hidden_count(&page);
    assert!(
        missing_after < missing_before,
        "{missing_before} → {missing_after}"
    );

    // The receipt was issued with the submission.
    let sha = link(&version, "/documents/");
    let res = get(&c, &server, &format!("/documents/{sha}"));
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("filename*=UTF-8''")
    );
    let pdf = res.bytes().unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    if let Some(text) = pdf_text(&pdf) {
        assert!(text.contains("翠湖社区"), "{text}");
        assert!(text.contains("提交回执"), "{text}");
    }
    // The community checks the receipt's signature on its own page, and
    // a copy with one byte changed is refused.
    let mut changed = pdf.to_vec();
    let at = changed.len() / 3;
    changed[at] ^= 1;
    for (bytes, expect) in [
        (pdf.to_vec(), "签名有效，覆盖整个文件"),
        (changed, "签名无效"),
    ] {
        let page = post_multipart(
            &c,
            &server,
            "/verify",
            Form::new()
                .text("csrf", csrf.clone())
                .part("pdf", Part::bytes(bytes).file_name("回执.pdf")),
        )
        .text()
        .unwrap();
        assert!(page.contains(expect), "{expect}: {page}");
    }
    // The bag is a ZIP with BagIt's declaration.
    let res = get(&c, &server, "/c/WH-001/v/1/bag.zip");
    assert_eq!(res.status(), 200, "{}", res.text().unwrap_or_default());
    let bytes = res.bytes().unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    assert!((0..zip.len()).any(|i| {
        zip.by_index(i)
            .unwrap()
            .name()
            .unwrap()
            .ends_with("/bagit.txt")
    }));

    // The office imports a sheet and issues a report and a batch.
    let (o, ocsrf) = sign_in(&server, OFFICE);
    let overview = get(&o, &server, "/office").text().unwrap();
    assert!(overview.contains("翠湖社区") && overview.contains("五华区"));
    let sheet = get(&o, &server, "/office/sheet-template.csv")
        .bytes()
        .unwrap();
    let filled = fill_all(&sheet, "达标");
    levels(t.path(), "WH-001", &filled, "结果.csv");
    let res = post_multipart(
        &o,
        &server,
        "/office/assess",
        assess_form(&ocsrf, "WH-001", filled, "结果.csv"),
    );
    let status = res.status();
    let text = res.text().unwrap();
    assert_eq!(status, 200, "{text}");
    assert!(text.contains("已导入"), "{text}");
    let res = post_form(
        &o,
        &server,
        "/office/documents",
        &[
            ("csrf", ocsrf.as_str()),
            ("kind", "report"),
            ("scope", "community"),
            ("community", "WH-001"),
            ("date", "2026-11-27"),
        ],
    );
    let status = res.status();
    let issued = res.text().unwrap();
    assert_eq!(status, 200, "{issued}");
    assert!(issued.contains("考评报告"));
    let sha = issued
        .split("href=\"/documents/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_string();
    let pdf = get(&o, &server, &format!("/documents/{sha}"))
        .bytes()
        .unwrap();
    if let Some(text) = pdf_text(&pdf) {
        assert!(text.contains("翠湖社区"), "{text}");
        assert!(text.contains("考评情况的报告"), "{text}");
    }
    // A batch over all communities: PL-001 has no results and is left out.
    let res = post_form(
        &o,
        &server,
        "/office/documents",
        &[
            ("csrf", ocsrf.as_str()),
            ("kind", "report"),
            ("scope", "all"),
        ],
    );
    let batch = res.text().unwrap();
    assert!(
        batch.contains("未生成") && batch.contains("拓东社区"),
        "{batch}"
    );
    // The progress table covers every district.
    let res = post_form(
        &o,
        &server,
        "/office/documents",
        &[
            ("csrf", ocsrf.as_str()),
            ("kind", "progress1"),
            ("scope", "all"),
        ],
    );
    let page = res.text().unwrap();
    assert!(page.contains("进度汇总表"), "{page}");
    let sha = link(&page, "href=\"/documents/");
    let table = get(&o, &server, &format!("/documents/{sha}"))
        .bytes()
        .unwrap();
    if let Some(text) = pdf_text(&table) {
        assert!(
            text.contains("五华区") && text.contains("阳宗海风景区"),
            "{text}"
        );
    }
    // verify-doc recognises the PDF and refuses a changed copy.
    for (bytes, expect) in [
        (
            pdf.to_vec(),
            &["是登记在册的公文", "签名有效，覆盖整个文件", "测试证书"][..],
        ),
        (
            b"%PDF-1.7 forged".to_vec(),
            &["不相同", "无法读取数字签名"][..],
        ),
    ] {
        let res = post_multipart(
            &o,
            &server,
            "/office/verify-doc",
            Form::new()
                .text("csrf", ocsrf.clone())
                .part("pdf", Part::bytes(bytes).file_name("待核验.pdf")),
        );
        let page = res.text().unwrap();
        for e in expect {
            assert!(page.contains(e), "{e}: {page}");
        }
    }
    // Every action is in the log under its account.
    let records = log(t.path());
    let by = |kind: &str| -> Vec<String> {
        records
            .iter()
            .filter(|r| r["kind"] == kind)
            .map(|r| r["account"].as_str().unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(by("submission"), [CUIHU.0]);
    // The lower levels came from the command line; the final from the page.
    assert_eq!(by("assessment"), ["", "", "", OFFICE.0]);
    assert!(by("document").len() >= 3);
    assert!(by("document").contains(&CUIHU.0.to_string()));
    assert!(by("document").contains(&OFFICE.0.to_string()));
    assert_eq!(by("download"), [CUIHU.0]);
    assert_eq!(by("verify-doc"), [OFFICE.0, OFFICE.0]);
    assert_eq!(by("signin"), [CUIHU.0, OFFICE.0]);
    assert!(staging_is_empty(t.path()));
    verify_clean(t.path());
}

/// The number in `<strong id="missing-count">`.
fn hidden_count(page: &str) -> usize {
    let key = "id=\"missing-count\">";
    let at = page.find(key).expect("missing count") + key.len();
    page[at..].split('<').next().unwrap().parse().unwrap()
}

/// The blank sheet with every verdict set to `verdict` and a remark.
fn fill_all(sheet: &[u8], verdict: &str) -> Vec<u8> {
    let text = String::from_utf8_lossy(sheet);
    let mut r = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers = r.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let verdict_col = col("结论").expect("结论 column");
    let remark_col = col("备注");
    let assessor_col = col("考评人");
    let date_col = col("考评日期");
    let mut w = csv::Writer::from_writer(vec![]);
    w.write_record(&headers).unwrap();
    for rec in r.records() {
        let mut row: Vec<String> = rec.unwrap().iter().map(str::to_string).collect();
        row[verdict_col] = verdict.to_string();
        if let Some(c) = remark_col {
            row[c] = "材料齐全".to_string();
        }
        if let Some(c) = assessor_col {
            row[c] = "李四".to_string();
        }
        if let Some(c) = date_col {
            row[c] = "2026-11-20".to_string();
        }
        w.write_record(&row).unwrap();
    }
    w.into_inner().unwrap()
}

/// A ZIP in memory from (name, bytes) entries.
fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        w.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut w, bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

#[test]
fn a_zip_upload_is_ingested_and_a_zip_slip_is_refused_by_name() {
    let t = tempfile::tempdir().unwrap();
    archive(t.path());
    let server = Server::start(t.path(), &[]);
    let (c, csrf) = sign_in(&server, CUIHU);
    let send = |bytes: Vec<u8>| {
        c.post(server.at("/c/WH-001/upload"))
            .header("x-requested-with", "kaoping")
            .multipart(
                Form::new()
                    .text("csrf", csrf.clone())
                    .part("zip", Part::bytes(bytes).file_name("翠湖社区材料.zip")),
            )
            .send()
            .unwrap()
    };
    let evil = zip_of(&[
        ("Ⅱ-01 党组织领导核心作用/标准1/台账.txt", b"ok"),
        ("../../逃逸.txt", b"evil"),
    ]);
    let res = send(evil);
    assert_eq!(res.status(), 422);
    let answer: serde_json::Value = res.json().unwrap();
    let error = answer["error"].as_str().unwrap();
    assert!(error.contains("逃逸.txt"), "{error}");
    assert_eq!(submissions(t.path(), "WH-001"), 0);

    let good = zip_of(&[
        ("Ⅱ-01 党组织领导核心作用/标准1/台账.txt", b"ok"),
        ("Ⅱ-02 基层政府主导作用/标准2/方案.txt", b"plan"),
    ]);
    let answer: serde_json::Value = send(good).json().unwrap();
    assert_eq!(answer["ok"], true, "{answer}");
    let page = get(&c, &server, "/c/WH-001/v/1").text().unwrap();
    assert!(
        page.contains("翠湖社区材料.zip"),
        "the ZIP's name is the source"
    );
    assert!(page.contains("2 个文件"));
    assert!(staging_is_empty(t.path()));
    verify_clean(t.path());
}

#[test]
fn a_batch_of_documents_downloads_as_one_zip() {
    let t = tempfile::tempdir().unwrap();
    archive(t.path());
    let server = Server::start(t.path(), &[]);
    let (o, csrf) = sign_in(&server, OFFICE);
    let sheet = get(&o, &server, "/office/sheet-template.csv")
        .bytes()
        .unwrap();
    for id in ["WH-001", "PL-001"] {
        levels(t.path(), id, &fill_all(&sheet, "达标"), "表.csv");
        let res = post_multipart(
            &o,
            &server,
            "/office/assess",
            Form::new()
                .text("csrf", csrf.clone())
                .text("community", id)
                .part(
                    "sheet",
                    Part::bytes(fill_all(&sheet, "达标")).file_name("表.csv"),
                ),
        );
        assert_eq!(res.status(), 200, "{}", res.text().unwrap());
    }
    let res = post_form(
        &o,
        &server,
        "/office/documents",
        &[
            ("csrf", csrf.as_str()),
            ("kind", "certificate"),
            ("scope", "all"),
        ],
    );
    let page = res.text().unwrap();
    assert!(page.contains("已生成并登记 2 份公文"), "{page}");
    let query = page
        .split("href=\"/documents/batch.zip?")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("batch link")
        .replace("&amp;", "&");
    let res = get(&o, &server, &format!("/documents/batch.zip?{query}"));
    assert_eq!(res.status(), 200);
    let bytes = res.bytes().unwrap().to_vec();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut names = Vec::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        names.push(f.name().unwrap().to_string());
        let mut pdf = Vec::new();
        std::io::Read::read_to_end(&mut f, &mut pdf).unwrap();
        assert!(pdf.starts_with(b"%PDF"));
    }
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names.iter().any(|n| n.contains("翠湖社区")), "{names:?}");
    assert!(names.iter().any(|n| n.contains("拓东社区")), "{names:?}");
    // A community account may not fetch batches.
    let (c, _) = sign_in(&server, CUIHU);
    let res = get(&c, &server, &format!("/documents/batch.zip?{query}"));
    assert_eq!(res.status(), 403);
}

#[test]
fn the_demo_archive_can_be_served_with_its_sample_accounts() {
    let t = tempfile::tempdir().unwrap();
    let out = run(t.path(), &["demo", "d"], None);
    assert!(out.contains("kaopingban / demo-office-2019"), "{out}");
    let server = Server::start(t.path(), &["--archive", "d/archive"]);
    let (o, _) = sign_in(&server, ("kaopingban", "demo-office-2019"));
    let overview = get(&o, &server, "/office").text().unwrap();
    for name in ["翠湖社区", "金星社区", "斗南社区"] {
        assert!(overview.contains(name), "{name}");
    }
    let register = get(&o, &server, "/office/register").text().unwrap();
    assert!(register.contains("命名证书") && register.contains("整改通知书"));
    let (c, _) = sign_in(&server, ("cuihu", "demo-cuihu-2019"));
    let res = get(&c, &server, "/c/PL-002");
    assert_eq!(res.status(), 403);
    let page = get(&c, &server, "/c/WH-001").text().unwrap();
    assert!(page.contains("第 1 版"));
    // The sample district and expert accounts reach WH-001 only.
    assert!(out.contains("wuhua / demo-wuhua-2019"), "{out}");
    assert!(out.contains("zhuanjia / demo-expert-2019"), "{out}");
    for (account, page) in [
        (("wuhua", "demo-wuhua-2019"), "/district"),
        (("zhuanjia", "demo-expert-2019"), "/expert"),
    ] {
        let (c, _) = sign_in(&server, account);
        let html = get(&c, &server, page).text().unwrap();
        assert!(
            html.contains("翠湖社区") && !html.contains("金星社区"),
            "{html}"
        );
        assert_eq!(get(&c, &server, "/c/PL-002").status(), 403);
        assert_eq!(get(&c, &server, "/c/WH-001").status(), 200);
    }
}

#[test]
fn repeated_wrong_passwords_slow_the_account_but_not_others() {
    let t = tempfile::tempdir().unwrap();
    archive(t.path());
    let server = Server::start(t.path(), &[]);
    let attempt = |name: &str, pw: &str| {
        let c = client();
        let page = get(&c, &server, "/login").text().unwrap();
        let token = hidden(&page, "token");
        let res = post_form(
            &c,
            &server,
            "/login",
            &[("name", name), ("password", pw), ("token", &token)],
        );
        (res.status().as_u16(), res.text().unwrap())
    };
    for _ in 0..5 {
        let (status, text) = attempt(CUIHU.0, "guess-guess");
        assert_eq!(status, 401);
        assert!(text.contains("账号或密码不对"));
    }
    // Now sign-in for the account is slowed, not refused: the right
    // password gets in after a delay; another account is unaffected.
    let (status, _) = attempt(OTHER.0, OTHER.1);
    assert_eq!(status, 303);
    let start = std::time::Instant::now();
    let (status, text) = attempt(CUIHU.0, CUIHU.1);
    assert_eq!(status, 303, "{text}");
    assert!(start.elapsed() >= std::time::Duration::from_millis(900));
}

#[test]
fn a_large_upload_streams_to_disk_without_filling_memory() {
    let t = tempfile::tempdir().unwrap();
    archive(t.path());
    let server = Server::start(t.path(), &[]);
    let (c, csrf) = sign_in(&server, CUIHU);
    // 400 MB in one file, sent from disk.
    let big = t.path().join("录像.bin");
    let mut f = std::io::BufWriter::new(fs::File::create(&big).unwrap());
    let block: Vec<u8> = (0..1 << 20).map(|i| (i * 7 % 251) as u8).collect();
    for i in 0..400u32 {
        std::io::Write::write_all(&mut f, &i.to_le_bytes()).unwrap();
        std::io::Write::write_all(&mut f, &block[4..]).unwrap();
    }
    drop(f);
    let form = Form::new()
        .text("csrf", csrf.clone())
        .text("path", "材料/Ⅱ-01 党组织领导核心作用/标准1/录像.bin")
        .part("file", Part::file(&big).unwrap());
    let res = post_multipart(&c, &server, "/c/WH-001/upload", form);
    assert_eq!(res.status(), 303, "{}", res.text().unwrap());
    let version = get(&c, &server, "/c/WH-001/v/1").text().unwrap();
    assert!(version.contains("400.0 MB"), "size not shown");
    let Some(peak) = server.peak_rss_mb() else {
        eprintln!("skipping the memory check: no /proc");
        return;
    };
    eprintln!("server peak RSS for a 400 MB upload: {peak} MB");
    assert!(
        peak < 200,
        "the server's memory peaked at {peak} MB for a 400 MB upload"
    );
    verify_clean(t.path());
}

#[test]
fn sigterm_stops_the_server_cleanly() {
    let t = tempfile::tempdir().unwrap();
    archive(t.path());
    let server = Server::start(t.path(), &[]);
    let (c, _) = sign_in(&server, CUIHU);
    assert_eq!(get(&c, &server, "/c/WH-001").status(), 200);
    let status = server.terminate();
    assert!(status.success(), "{status:?}");
    verify_clean(t.path());
}

/// Two quick clicks on 回执 (two requests at once) give one numbered
/// receipt for the version, and asking again gives the same PDF.
#[test]
fn racing_receipt_requests_issue_one_receipt_per_version() {
    let t = tempfile::tempdir().unwrap();
    archive(t.path());
    let folder = evidence(t.path(), "WH-001");
    // Handed in on the command line: no receipt yet.
    run(
        t.path(),
        &["ingest", folder.to_str().unwrap(), "--community", "WH-001"],
        None,
    );
    let server = Server::start(t.path(), &[]);
    let (c, csrf) = sign_in(&server, CUIHU);
    let places: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                s.spawn(|| {
                    let res = post_form(&c, &server, "/c/WH-001/v/1/receipt", &[("csrf", &csrf)]);
                    assert_eq!(res.status(), 303);
                    res.headers()["location"].to_str().unwrap().to_string()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(places.iter().all(|p| p == &places[0]), "{places:?}");
    let receipts = log(t.path())
        .iter()
        .filter(|r| r["kind"] == "document" && r["data"]["kind"] == "材料提交回执")
        .count();
    assert_eq!(receipts, 1);
    // The command line gives back the same registered receipt.
    let out = run(
        t.path(),
        &[
            "receipt",
            "--community",
            "WH-001",
            "--version",
            "1",
            "-o",
            "r",
        ],
        None,
    );
    assert!(out.contains("已经发出"), "{out}");
    let pdf = fs::read(
        t.path()
            .join("r")
            .read_dir()
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path(),
    )
    .unwrap();
    let served = get(&c, &server, &places[0]).bytes().unwrap();
    assert_eq!(pdf, served.to_vec());
    verify_clean(t.path());
}

/// What does not exist is 404 and the user's own mistakes 422, not one
/// status for every library error.
#[test]
fn library_errors_get_the_status_of_their_kind() {
    let t = tempfile::tempdir().unwrap();
    archive(t.path());
    let server = Server::start(t.path(), &[]);
    let (c, _) = sign_in(&server, OFFICE);
    // No submission yet, then no such version, then no such community.
    assert_eq!(get(&c, &server, "/c/WH-001/v/1").status(), 404);
    assert_eq!(get(&c, &server, "/c/WH-001/v/1/bag.zip").status(), 404);
    assert_eq!(get(&c, &server, "/c/XX-999").status(), 404);
    let folder = evidence(t.path(), "WH-001");
    run(
        t.path(),
        &["ingest", folder.to_str().unwrap(), "--community", "WH-001"],
        None,
    );
    assert_eq!(get(&c, &server, "/c/WH-001/v/1").status(), 200);
    assert_eq!(get(&c, &server, "/c/WH-001/v/2").status(), 404);
}

/// The template's rows, read with calamine, written back as a workbook
/// with every 结论 filled.
fn fill_workbook(template: &[u8], verdict: &str) -> Vec<u8> {
    use calamine::{Data, Reader};
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(template.to_vec())).unwrap();
    let range = book.worksheet_range("考评表").unwrap();
    let mut out = rust_xlsxwriter::Workbook::new();
    let ws = out.add_worksheet();
    ws.set_name("考评表").unwrap();
    for (r, row) in range.rows().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            match cell {
                Data::Float(x) => ws.write_number(r, c, *x).map(drop),
                Data::String(s) => ws.write_string(r, c, s).map(drop),
                _ if r > 0 && c == 5 => ws.write_string(r, c, verdict).map(drop),
                _ => Ok(()),
            }
            .unwrap();
        }
    }
    out.save_to_buffer().unwrap()
}

#[test]
fn the_office_fills_the_workbook_template_and_downloads_tables() {
    let t = tempfile::tempdir().unwrap();
    archive(t.path());
    let server = Server::start(t.path(), &[]);
    let (o, csrf) = sign_in(&server, OFFICE);
    let res = get(&o, &server, "/office/sheet-template.xlsx");
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("spreadsheetml")
    );
    let template = res.bytes().unwrap().to_vec();
    let res = post_multipart(&o, &server, "/office/assess", {
        levels(
            t.path(),
            "WH-001",
            &fill_workbook(&template, "基本达标"),
            "结果.xlsx",
        );
        assess_form(
            &csrf,
            "WH-001",
            fill_workbook(&template, "基本达标"),
            "结果.xlsx",
        )
    });
    let status = res.status();
    let text = res.text().unwrap();
    assert_eq!(status, 200, "{text}");
    assert!(text.contains("已导入"), "{text}");
    // A workbook with a wrong verdict names the cell on the page.
    let mut bad = fill_workbook(&template, "基本达标");
    bad = {
        use calamine::Reader;
        let mut book = calamine::Xlsx::new(std::io::Cursor::new(bad)).unwrap();
        let range = book.worksheet_range("考评表").unwrap();
        let mut out = rust_xlsxwriter::Workbook::new();
        let ws = out.add_worksheet();
        ws.set_name("考评表").unwrap();
        for (r, row) in range.rows().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let v = if (r, c) == (6, 5) {
                    "不合格".to_string()
                } else {
                    cell.to_string()
                };
                ws.write_string(r as u32, c as u16, v).unwrap();
            }
        }
        out.save_to_buffer().unwrap()
    };
    let res = post_multipart(
        &o,
        &server,
        "/office/assess",
        assess_form(&csrf, "WH-001", bad, "结果.xlsx"),
    );
    assert_eq!(res.status(), 422);
    let text = res.text().unwrap();
    assert!(
        text.contains("结果.xlsx 的“考评表”工作表 F7 单元格"),
        "{text}"
    );
    for (path, first) in [
        ("/office/tables/progress.xlsx", "县（市）区"),
        ("/office/tables/register.xlsx", "发文字号"),
        ("/office/tables/communities.xlsx", "编号"),
    ] {
        use calamine::Reader;
        let res = get(&o, &server, path);
        assert_eq!(res.status(), 200, "{path}");
        let bytes = res.bytes().unwrap().to_vec();
        let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let name = book.sheet_names()[0].clone();
        let range = book.worksheet_range(&name).unwrap();
        assert_eq!(range.get((0, 0)).unwrap().to_string(), first, "{path}");
    }
    let communities = get(&o, &server, "/office/tables/communities.xlsx")
        .bytes()
        .unwrap();
    assert!(communities.len() > 1000);
    assert_eq!(get(&o, &server, "/office/tables/../x.xlsx").status(), 404);
    assert_eq!(get(&o, &server, "/office/tables/secret.xlsx").status(), 404);
}
