//! The public questionnaire through real HTTP: a copy's link opens its
//! form without an account, a half-filled form is refused with the
//! question named, the answer is stored once (a second one is refused
//! kindly), timed and marked when too fast, open text kept literally and
//! no address stored; unknown links are limited per client, big bodies
//! refused.

use std::fs;

use super::util::{Server, archive, client, hidden, log, run, verify_clean};

pub(super) fn links(dir: &std::path::Path, n: &str) -> Vec<String> {
    let cfg = dir.join("archive/kaoping.toml");
    let text = fs::read_to_string(&cfg).unwrap().replace(
        "# base_url = \"https://kaoping.example.cn\"",
        "base_url = \"https://kp.example.cn\"",
    );
    fs::write(&cfg, text).unwrap();
    run(
        dir,
        &[
            "survey",
            "print",
            "--community",
            "WH-001",
            "--copies",
            n,
            "-o",
            "c.pdf",
            "--links",
            "l.csv",
        ],
        None,
    );
    fs::read_to_string(dir.join("l.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| {
            l.rsplit(',')
                .next()
                .unwrap()
                .replace("https://kp.example.cn", "")
        })
        .collect()
}

pub(super) const FULL: &[(&str, &str)] = &[
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

#[test]
fn a_copy_is_answered_once_through_its_link_without_an_account() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    archive(dir);
    let paths = links(dir, "2");
    let server = Server::start(dir, &[]);
    let c = client();
    let page = c.get(server.at(&paths[0])).send().unwrap();
    assert_eq!(page.status(), 200);
    let page = page.text().unwrap();
    assert!(
        page.contains("WH-001-01-0001-") && page.contains("name=\"Q9\""),
        "{page}"
    );
    let nonce = hidden(&page, "nonce");
    // Half filled: refused, the question named, the choices kept.
    let res = c
        .post(server.at(&paths[0]))
        .form(&[("nonce", nonce.as_str()), ("Q1", "满意")])
        .send()
        .unwrap();
    assert_eq!(res.status(), 422);
    let page = res.text().unwrap();
    assert!(page.contains("Q2：请回答"), "{page}");
    assert!(page.contains("value=\"满意\" required checked"), "{page}");
    // The refused form's nonce is spent; the page carries a new one.
    let nonce2 = hidden(&page, "nonce");
    assert_ne!(nonce, nonce2);
    let open = "<script>alert(1)</script> #strong[x] $y$";
    let mut form: Vec<(&str, &str)> = FULL.to_vec();
    form.push(("O1", open));
    form.push(("nonce", &nonce2));
    let res = c.post(server.at(&paths[0])).form(&form).send().unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.text().unwrap().contains("提交成功"));
    // Durable and literal, with no address.
    let answers: Vec<_> = log(dir)
        .into_iter()
        .filter(|r| r["kind"] == "survey-answer")
        .collect();
    assert_eq!(answers.len(), 1);
    let a = &answers[0];
    assert_eq!(a["data"]["open"], open);
    assert_eq!(a["data"]["channel"], "网页");
    assert!(a["data"]["seconds"].is_u64());
    assert!(
        a["data"]["invalid"]
            .as_str()
            .unwrap()
            .starts_with("疑似无效"),
        "answered in under 30 s"
    );
    assert!(!a.to_string().contains("127.0.0.1"));
    // Once only: a second visit and a replayed form are refused kindly.
    let again = c.get(server.at(&paths[0])).send().unwrap().text().unwrap();
    assert!(again.contains("已经填写过"), "{again}");
    let res = c.post(server.at(&paths[0])).form(&form).send().unwrap();
    assert!(res.text().unwrap().contains("已经填写过"));
    assert_eq!(
        log(dir)
            .iter()
            .filter(|r| r["kind"] == "survey-answer")
            .count(),
        1
    );
    // Another copy's form cannot be sent with this copy's nonce.
    let other = c.get(server.at(&paths[1])).send().unwrap().text().unwrap();
    let n_other = hidden(&other, "nonce");
    let mut stolen: Vec<(&str, &str)> = FULL.to_vec();
    stolen.push(("nonce", &nonce2));
    let res = c.post(server.at(&paths[1])).form(&stolen).send().unwrap();
    assert_eq!(res.status(), 400);
    assert!(!n_other.is_empty());
    // The open text comes back literally in the tally.
    let tally = run(
        dir,
        &["survey", "tally", "--community", "WH-001", "--json"],
        None,
    );
    let tally: serde_json::Value = serde_json::from_str(&tally).unwrap();
    assert_eq!(tally["returned"], 1);
    assert_eq!(tally["web"], 1);
    assert_eq!(tally["invalid"]["疑似无效"], 1);
    drop(server);
    verify_clean(dir);
}

#[test]
fn unknown_links_are_limited_and_big_bodies_refused() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    archive(dir);
    let paths = links(dir, "1");
    let server = Server::start(dir, &[]);
    let c = client();
    let big = "x".repeat(64 * 1024);
    let res = c
        .post(server.at(&paths[0]))
        .form(&[("nonce", "n"), ("O1", big.as_str())])
        .send()
        .unwrap();
    assert_eq!(res.status(), 413);
    // The server closes the refused upload's connection: go on with a
    // fresh client rather than a pooled connection that may be gone.
    let c = client();
    let mut statuses = Vec::new();
    for i in 0..32 {
        let fake = format!("/q/{:032x}", i);
        statuses.push(c.get(server.at(&fake)).send().unwrap().status().as_u16());
    }
    assert!(statuses[..30].iter().all(|s| *s == 404), "{statuses:?}");
    assert_eq!(statuses[31], 429);
    // Paused, even a real link waits.
    assert_eq!(c.get(server.at(&paths[0])).send().unwrap().status(), 429);
}

#[test]
fn clerks_enter_paper_copies_of_their_own_communities_once() {
    use super::util::{OFFICE, PANLONGQU, WUHUA, scoped_accounts, sign_in};
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    archive(dir);
    scoped_accounts(dir);
    links(dir, "2");
    let numbers: Vec<String> = fs::read_to_string(dir.join("l.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().to_string())
        .collect();
    let server = Server::start(dir, &[]);
    let (c, csrf) = sign_in(&server, WUHUA);
    let page = c.get(server.at("/survey/entry")).send().unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().unwrap().contains("1 非常满意"));
    let send = |c: &reqwest::blocking::Client, csrf: &str, number: &str, q1: &str| {
        c.post(server.at("/survey/entry"))
            .form(&[
                ("csrf", csrf),
                ("number", number),
                ("Q1", q1),
                ("Q5", "2"),
                ("O1", "纸上写的 #意见"),
            ])
            .send()
            .unwrap()
    };
    // Off the scale: refused with the question, nothing stored.
    let res = send(&c, &csrf, &numbers[0], "9");
    assert_eq!(res.status(), 422);
    assert!(res.text().unwrap().contains("Q1：“9”不在选项中"));
    // A wrong check digit.
    let typo = format!(
        "{}{}",
        &numbers[0][..numbers[0].len() - 1],
        (numbers[0].chars().last().unwrap().to_digit(10).unwrap() + 1) % 10
    );
    assert!(
        send(&c, &csrf, &typo, "1")
            .text()
            .unwrap()
            .contains("校验码不对")
    );
    // Another district's clerk cannot enter 五华区's copies.
    let (other, other_csrf) = sign_in(&server, PANLONGQU);
    assert!(
        send(&other, &other_csrf, &numbers[0], "1")
            .text()
            .unwrap()
            .contains("没有发放过")
    );
    let res = send(&c, &csrf, &numbers[0], "1");
    assert_eq!(res.status(), 200);
    assert!(res.text().unwrap().contains("已录入问卷"));
    assert!(
        send(&c, &csrf, &numbers[0], "1")
            .text()
            .unwrap()
            .contains("已经有答卷")
    );
    let (office, office_csrf) = sign_in(&server, OFFICE);
    assert_eq!(send(&office, &office_csrf, &numbers[1], "2").status(), 200);
    let answers: Vec<_> = log(dir)
        .into_iter()
        .filter(|r| r["kind"] == "survey-answer")
        .collect();
    assert_eq!(answers.len(), 2);
    assert_eq!(answers[0]["account"], "wuhua");
    assert_eq!(answers[0]["data"]["channel"], "纸质");
    assert_eq!(answers[0]["data"]["answers"]["Q1"], "非常满意");
    assert_eq!(answers[0]["data"]["open"], "纸上写的 #意见");
}

/// Answers sent at once are written together (group commit): every one is
/// stored exactly once, and two forms of the same copy sent together give
/// one answer and one kind refusal.
#[test]
fn concurrent_answers_are_each_stored_once() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    archive(dir);
    let paths = links(dir, "24");
    let server = Server::start(dir, &[]);
    let mut forms = Vec::new();
    for p in paths.iter().chain([&paths[0]]) {
        let page = client().get(server.at(p)).send().unwrap().text().unwrap();
        forms.push((p.clone(), hidden(&page, "nonce")));
    }
    let url = server.url.clone();
    let handles: Vec<_> = forms
        .into_iter()
        .map(|(p, nonce)| {
            let url = url.clone();
            std::thread::spawn(move || {
                let mut form: Vec<(&str, &str)> = FULL.to_vec();
                form.push(("nonce", &nonce));
                let body = client()
                    .post(format!("{url}{p}"))
                    .form(&form)
                    .send()
                    .unwrap()
                    .text()
                    .unwrap();
                body.contains("提交成功")
            })
        })
        .collect();
    let stored = handles
        .into_iter()
        .map(|h| h.join().unwrap())
        .filter(|ok| *ok)
        .count();
    assert_eq!(stored, 24);
    let numbers: Vec<String> = log(dir)
        .iter()
        .filter(|r| r["kind"] == "survey-answer")
        .map(|r| r["data"]["number"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(numbers.len(), 24);
    assert_eq!(
        numbers
            .iter()
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        24
    );
    drop(server);
    verify_clean(dir);
}

#[test]
fn the_office_and_the_district_print_copies_from_the_community_page() {
    use super::util::{CUIHU, OFFICE, WUHUA, scoped_accounts, sign_in};
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    archive(dir);
    scoped_accounts(dir);
    let server = Server::start(dir, &[]);
    let (c, csrf) = sign_in(&server, WUHUA);
    let page = c
        .get(server.at("/c/WH-001"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(page.contains("生成并下载问卷"), "{page}");
    let res = c
        .post(server.at("/c/WH-001/survey/print"))
        .form(&[("csrf", csrf.as_str()), ("copies", "3")])
        .send()
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    let pdf = res.bytes().unwrap();
    if let Some(text) = super::util::pdf_text(&pdf) {
        assert!(text.contains("WH-001-01-0001-") && text.contains("问卷发放登记表"));
    }
    let (o, ocsrf) = sign_in(&server, OFFICE);
    let bad = o
        .post(server.at("/c/WH-001/survey/print"))
        .form(&[("csrf", ocsrf.as_str()), ("copies", "abc")])
        .send()
        .unwrap();
    assert_eq!(bad.status(), 400);
    let (cu, cucsrf) = sign_in(&server, CUIHU);
    assert!(
        !cu.get(server.at("/c/WH-001"))
            .send()
            .unwrap()
            .text()
            .unwrap()
            .contains("生成并下载问卷")
    );
    let refused = cu
        .post(server.at("/c/WH-001/survey/print"))
        .form(&[("csrf", cucsrf.as_str()), ("copies", "3")])
        .send()
        .unwrap();
    assert_eq!(refused.status(), 403);
    let batches: Vec<_> = log(dir)
        .into_iter()
        .filter(|r| r["kind"] == "survey-copies")
        .collect();
    assert_eq!(batches.len(), 1);
    assert_eq!(batches[0]["account"], "wuhua");
    assert_eq!(batches[0]["data"]["copies"].as_array().unwrap().len(), 3);
}
