//! Double entry on the paper-entry page and the per-point open link,
//! through real HTTP: a copy counts once two clerks agree, a mismatch is
//! listed on the page and resolved by choosing one entry; the open link
//! takes one answer per device (cookie) per window, stores no address and
//! is tallied apart.

use std::fs;

use super::util::{OFFICE, PANLONGQU, Server, WUHUA, archive, client, hidden, log, run};
use super::util::{scoped_accounts, sign_in, verify_clean};

fn configure(dir: &std::path::Path, from: &str, to: &str) {
    let cfg = dir.join("archive/kaoping.toml");
    let text = fs::read_to_string(&cfg).unwrap().replace(from, to);
    fs::write(&cfg, text).unwrap();
}

fn kinds(dir: &std::path::Path, kind: &str) -> Vec<serde_json::Value> {
    log(dir).into_iter().filter(|r| r["kind"] == kind).collect()
}

#[test]
fn double_entry_counts_when_two_clerks_agree_and_lists_mismatches() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    archive(dir);
    scoped_accounts(dir);
    configure(dir, "double_entry = false", "double_entry = true");
    run(
        dir,
        &[
            "survey",
            "print",
            "--community",
            "WH-001",
            "--copies",
            "2",
            "-o",
            "c.pdf",
        ],
        None,
    );
    let numbers: Vec<String> = kinds(dir, "survey-copies")[0]["data"]["copies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["number"].as_str().unwrap().to_string())
        .collect();
    let server = Server::start(dir, &[]);
    let (w, w_csrf) = sign_in(&server, WUHUA);
    let (o, o_csrf) = sign_in(&server, OFFICE);
    let send = |c: &reqwest::blocking::Client, csrf: &str, number: &str, q1: &str| {
        let res = c
            .post(server.at("/survey/entry"))
            .form(&[("csrf", csrf), ("number", number), ("Q1", q1), ("Q5", "2")])
            .send()
            .unwrap();
        (res.status().as_u16(), res.text().unwrap())
    };
    let (status, page) = send(&w, &w_csrf, &numbers[0], "1");
    assert_eq!(status, 200);
    assert!(page.contains("第一遍"), "{page}");
    let (status, page) = send(&w, &w_csrf, &numbers[0], "1");
    assert_eq!(status, 422);
    assert!(page.contains("已由 wuhua 录入过"), "{page}");
    assert!(kinds(dir, "survey-answer").is_empty());
    let (_, page) = send(&o, &o_csrf, &numbers[0], "1");
    assert!(page.contains("一致，已计入"), "{page}");
    assert_eq!(kinds(dir, "survey-answer").len(), 1);
    // A hand-made mismatch on the second copy.
    send(&w, &w_csrf, &numbers[1], "1");
    let (_, page) = send(&o, &o_csrf, &numbers[1], "3");
    assert!(page.contains("不一致"), "{page}");
    assert!(page.contains("双录入待核对（1 份）"), "{page}");
    assert!(
        page.contains("Q1=非常满意") && page.contains("Q1=基本满意"),
        "{page}"
    );
    assert_eq!(kinds(dir, "survey-answer").len(), 1);
    let page = w
        .get(server.at("/survey/entry"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(page.contains(&format!("问卷 {}", numbers[1])), "{page}");
    // Another district's clerk neither sees nor resolves it.
    let (p, p_csrf) = sign_in(&server, PANLONGQU);
    let page = p
        .get(server.at("/survey/entry"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(!page.contains("双录入待核对"), "{page}");
    let resolve = |c: &reqwest::blocking::Client, csrf: &str, clerk: &str| {
        c.post(server.at("/survey/entry/resolve"))
            .form(&[
                ("csrf", csrf),
                ("number", numbers[1].as_str()),
                ("clerk", clerk),
            ])
            .send()
            .unwrap()
            .text()
            .unwrap()
    };
    assert!(resolve(&p, &p_csrf, "wuhua").contains("没有发放过"));
    assert_eq!(kinds(dir, "survey-answer").len(), 1);
    let page = resolve(&w, &w_csrf, "kaopingban");
    assert!(page.contains("已采用 kaopingban 的录入"), "{page}");
    assert!(!page.contains("双录入待核对"), "{page}");
    let answers = kinds(dir, "survey-answer");
    assert_eq!(answers.len(), 2);
    assert_eq!(answers[1]["data"]["answers"]["Q1"], "基本满意");
    assert_eq!(answers[1]["account"], "wuhua");
    drop(server);
    verify_clean(dir);
}

const FULL: &[(&str, &str)] = &[
    ("Q1", "满意"),
    ("Q2", "知晓"),
    ("Q3", "参加过"),
    ("Q4", "基本满意"),
    ("Q5", "非常满意"),
    ("Q6", "不知晓"),
    ("Q7", "满意"),
    ("Q8", "知晓"),
    ("Q9", "不满意"),
    ("R1", "36—59岁"),
];

fn answer(c: &reqwest::blocking::Client, server: &Server, path: &str) -> (u16, String) {
    let page = c.get(server.at(path)).send().unwrap().text().unwrap();
    let nonce = hidden(&page, "nonce");
    let mut form: Vec<(&str, &str)> = FULL.to_vec();
    form.push(("nonce", &nonce));
    let res = c.post(server.at(path)).form(&form).send().unwrap();
    (res.status().as_u16(), res.text().unwrap())
}

#[test]
fn an_open_link_takes_one_answer_per_device_and_is_tallied_apart() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    archive(dir);
    let out = run(
        dir,
        &[
            "survey",
            "open-link",
            "--community",
            "WH-001",
            "--point",
            "居民小区",
        ],
        None,
    );
    let token: String = out
        .split("/q/open/")
        .nth(1)
        .unwrap()
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect();
    let path = format!("/q/open/{token}");
    let server = Server::start(dir, &[]);
    let c = client();
    let res = c.get(server.at(&path)).send().unwrap();
    assert_eq!(res.status(), 200);
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.starts_with("kaoping_device="), "{cookie}");
    let page = res.text().unwrap();
    assert!(
        page.contains("开放链接（居民小区）") && page.contains("name=\"Q9\""),
        "{page}"
    );
    let (status, page) = answer(&c, &server, &path);
    assert_eq!(status, 200);
    assert!(page.contains("提交成功"), "{page}");
    // The same device again: refused kindly, nothing stored.
    let (_, page) = answer(&c, &server, &path);
    assert!(page.contains("24 小时内已经答过"), "{page}");
    assert_eq!(kinds(dir, "survey-open-answer").len(), 1);
    // Another device may answer.
    let (_, page) = answer(&client(), &server, &path);
    assert!(page.contains("提交成功"), "{page}");
    // Without the device cookie: refused.
    let bare = reqwest::blocking::Client::new();
    let page = bare.get(server.at(&path)).send().unwrap().text().unwrap();
    let nonce = hidden(&page, "nonce");
    let mut form: Vec<(&str, &str)> = FULL.to_vec();
    form.push(("nonce", &nonce));
    let res = bare.post(server.at(&path)).form(&form).send().unwrap();
    assert_eq!(res.status(), 400);
    let stored = kinds(dir, "survey-open-answer");
    assert_eq!(stored.len(), 2);
    assert_eq!(stored[0]["data"]["answer"]["channel"], "开放链接");
    assert_eq!(stored[0]["data"]["point"], "居民小区");
    assert_ne!(
        stored[0]["data"]["device_sha256"],
        stored[1]["data"]["device_sha256"]
    );
    assert!(!stored[0].to_string().contains("127.0.0.1"));
    // Tallied apart: the copies' figures stay empty.
    let tally = run(
        dir,
        &["survey", "tally", "--community", "WH-001", "--json"],
        None,
    );
    let tally: serde_json::Value = serde_json::from_str(&tally).unwrap();
    assert_eq!(tally["returned"], 0);
    assert_eq!(tally["open_link"]["returned"], 2);
    assert_eq!(tally["open_link"]["valid"], 0, "answered in under 30 s");
    let text = run(dir, &["survey", "tally", "--community", "WH-001"], None);
    assert!(
        text.contains("开放链接答卷（较低可信度，单独统计）：回收 2 份"),
        "{text}"
    );
    // Ended: the link no longer opens.
    run(
        dir,
        &[
            "survey",
            "open-link",
            "--community",
            "WH-001",
            "--point",
            "居民小区",
            "--off",
        ],
        None,
    );
    assert_eq!(c.get(server.at(&path)).send().unwrap().status(), 404);
    assert_eq!(
        client()
            .get(server.at("/q/open/0123"))
            .send()
            .unwrap()
            .status(),
        404
    );
    drop(server);
    verify_clean(dir);
}

/// The 统计表 prints the open-link answers apart, and with
/// `open_link_counts = true` they join the copies' figures.
#[test]
fn the_statistics_sheet_shows_open_link_answers_apart_unless_configured() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    archive(dir);
    let out = run(
        dir,
        &[
            "survey",
            "open-link",
            "--community",
            "WH-001",
            "--point",
            "小区",
        ],
        None,
    );
    let token: String = out
        .split("/q/open/")
        .nth(1)
        .unwrap()
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect();
    let server = Server::start(dir, &[]);
    let (_, page) = answer(&client(), &server, &format!("/q/open/{token}"));
    assert!(page.contains("提交成功"), "{page}");
    drop(server);
    run(
        dir,
        &["survey", "report", "--community", "WH-001", "-o", "out"],
        None,
    );
    let pdf = fs::read_dir(dir.join("out"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "pdf"))
        .unwrap();
    match super::util::pdf_text(&fs::read(&pdf).unwrap()) {
        Some(text) => {
            let flat: String = text.split_whitespace().collect();
            assert!(flat.contains("开放链接答卷1份"), "{text}");
            assert!(flat.contains("不计入上述回收率和满意率"), "{text}");
        }
        None if std::env::var("CI").is_ok() => panic!("pdftotext is missing"),
        None => eprintln!("skipped: pdftotext is missing"),
    }
    configure(dir, "open_link_counts = false", "open_link_counts = true");
    let tally = run(
        dir,
        &["survey", "tally", "--community", "WH-001", "--json"],
        None,
    );
    let tally: serde_json::Value = serde_json::from_str(&tally).unwrap();
    assert_eq!(tally["returned"], 1);
    assert_eq!(tally["open_link"]["returned"], 1);
    assert_eq!(tally["open_link_counted"], true);
}

/// Past the per-address limit, open-link answers are refused (even from
/// new devices), and nothing more is stored.
#[test]
fn open_link_answers_are_limited_per_address() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    archive(dir);
    let out = run(
        dir,
        &[
            "survey",
            "open-link",
            "--community",
            "WH-001",
            "--point",
            "小区",
        ],
        None,
    );
    let token: String = out
        .split("/q/open/")
        .nth(1)
        .unwrap()
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect();
    let path = format!("/q/open/{token}");
    let server = Server::start(dir, &[]);
    for _ in 0..20 {
        let (status, page) = answer(&client(), &server, &path);
        assert_eq!(status, 200, "{page}");
    }
    let (status, page) = answer(&client(), &server, &path);
    assert_eq!(status, 429, "{page}");
    assert!(page.contains("一小时后再试"), "{page}");
    assert_eq!(kinds(dir, "survey-open-answer").len(), 20);
}
