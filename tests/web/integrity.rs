//! The survey's rules on the phone page (issue 25): a closed survey takes
//! no answer on any channel and the page says so; a copy entered from
//! paper takes no web answer; the tally states when the survey closed.

use std::fs;

use super::survey::{FULL, links};
use super::util::{Server, archive, client, hidden, log, run, verify_clean};

fn answers(dir: &std::path::Path) -> usize {
    log(dir)
        .iter()
        .filter(|r| r["kind"] == "survey-answer")
        .count()
}

#[test]
fn a_closed_survey_takes_no_answer_and_the_phone_page_says_so() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    archive(dir);
    let paths = links(dir, "3");
    let server = Server::start(dir, &[]);
    let c = client();
    // A form opened before the survey closes cannot be sent after it.
    let page = c.get(server.at(&paths[0])).send().unwrap().text().unwrap();
    let nonce = hidden(&page, "nonce");
    let out = run(dir, &["survey", "close", "--community", "WH-001"], None);
    assert!(out.contains("已结束社区 WH-001"), "{out}");
    let mut form: Vec<(&str, &str)> = FULL.to_vec();
    form.push(("nonce", &nonce));
    let res = c.post(server.at(&paths[0])).form(&form).send().unwrap();
    assert_eq!(res.status(), 409);
    let text = res.text().unwrap();
    assert!(text.contains("不再接收答卷"), "{text}");
    let res = c.get(server.at(&paths[1])).send().unwrap();
    assert_eq!(res.status(), 409);
    assert!(res.text().unwrap().contains("已不能填写"));
    assert_eq!(answers(dir), 0);
    // Paper is refused as well, and closing twice says it is closed.
    let number = log(dir)
        .iter()
        .find(|r| r["kind"] == "survey-copies")
        .map(|r| {
            r["data"]["copies"][2]["number"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .unwrap();
    fs::write(
        dir.join("p.csv"),
        format!("问卷编号,Q1,Q2,Q3,Q4,Q5,Q6,Q7,Q8,Q9,R1,O1\n{number},1,1,1,2,2,1,2,1,2,2,\n"),
    )
    .unwrap();
    let out = std::process::Command::new(super::util::bin())
        .current_dir(dir)
        .args(["survey", "import", "p.csv"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("问卷调查已于") && err.contains("结束"),
        "{err}"
    );
    assert_eq!(answers(dir), 0);
    let tally = run(
        dir,
        &["survey", "tally", "--community", "WH-001", "--json"],
        None,
    );
    let v: serde_json::Value = serde_json::from_str(&tally).unwrap();
    assert_eq!(v["closed"]["by"], "考评办关闭", "{v}");
    drop(server);
    verify_clean(dir);
}

#[test]
fn a_copy_entered_from_paper_takes_no_web_answer() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    archive(dir);
    let cfg = dir.join("archive/kaoping.toml");
    let text = fs::read_to_string(&cfg)
        .unwrap()
        .replace("double_entry = false", "double_entry = true");
    fs::write(&cfg, text).unwrap();
    let paths = links(dir, "2");
    let number = log(dir)
        .iter()
        .find(|r| r["kind"] == "survey-copies")
        .map(|r| {
            r["data"]["copies"][0]["number"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .unwrap();
    fs::write(
        dir.join("p.csv"),
        format!("问卷编号,Q1,Q2,Q3,Q4,Q5,Q6,Q7,Q8,Q9,R1,O1\n{number},1,1,1,2,2,1,2,1,2,2,\n"),
    )
    .unwrap();
    run(
        dir,
        &["survey", "import", "p.csv", "--clerk", "张录入"],
        None,
    );
    let server = Server::start(dir, &[]);
    let c = client();
    let res = c.get(server.at(&paths[0])).send().unwrap();
    assert_eq!(res.status(), 409);
    let page = res.text().unwrap();
    assert!(page.contains("已按纸质问卷录入"), "{page}");
    // The other copy is still open on the web.
    let page = c.get(server.at(&paths[1])).send().unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(answers(dir), 0);
    drop(server);
    verify_clean(dir);
}
