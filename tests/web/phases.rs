//! 阶段任务 on the web: the office uploads the task table (refused when a
//! district does not add up and no reason is given; recorded with one and
//! shown on the page); a district sees its own row only; the office
//! overview shows the timeline, 总结命名 late while communities are not
//! named.

use reqwest::blocking::multipart::{Form, Part};

use super::util::{OFFICE, Server, WUHUA, archive, scoped_accounts, sign_in};

fn form(csrf: &str, table: String, reason: &str) -> Form {
    Form::new()
        .text("csrf", csrf.to_string())
        .part(
            "tasks",
            Part::bytes(table.into_bytes()).file_name("阶段任务.csv"),
        )
        .text("p2_creation", "2020-01..2020-06")
        .text("p2_assessment", "2020-07..2020-08")
        .text("p2_naming", "2020-09")
        .text("reason", reason.to_string())
}

fn get(c: &reqwest::blocking::Client, server: &Server, path: &str) -> String {
    c.get(server.at(path)).send().unwrap().text().unwrap()
}

#[test]
fn the_office_sets_the_phases_and_a_district_sees_its_own_row() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    archive(dir);
    scoped_accounts(dir);
    let server = Server::start(dir, &[]);
    let (office, csrf) = sign_in(&server, OFFICE);
    let bad = crate::cli::phases::table((3, 5));
    let res = office
        .post(server.at("/office/phases"))
        .multipart(form(&csrf, bad.clone(), ""))
        .send()
        .unwrap();
    assert_eq!(res.status(), 422);
    let text = res.text().unwrap();
    assert!(text.contains("五华区") && text.contains("理由"), "{text}");
    assert!(!text.contains("/tmp"), "no staging path shown: {text}");
    let page = get(&office, &server, "/phases");
    assert!(page.contains("未下达"), "{page}");

    let res = office
        .post(server.at("/office/phases"))
        .multipart(form(&csrf, bad, "五华区两个社区合并"))
        .send()
        .unwrap();
    assert_eq!(res.status(), 303, "{}", res.text().unwrap());
    let page = get(&office, &server, "/phases");
    assert!(
        page.contains("五华区两个社区合并") && page.contains("盘龙区"),
        "{page}"
    );
    assert!(
        page.contains("2020年1月—6月") && page.contains("phases-form"),
        "{page}"
    );

    let (wuhua, w_csrf) = sign_in(&server, WUHUA);
    let page = get(&wuhua, &server, "/phases");
    assert!(
        page.contains("五华区") && !page.contains("盘龙区"),
        "{page}"
    );
    assert!(!page.contains("phases-form"), "{page}");
    let res = wuhua
        .post(server.at("/office/phases"))
        .multipart(form(&w_csrf, crate::cli::phases::table((5, 5)), ""))
        .send()
        .unwrap();
    assert_eq!(res.status(), 403);

    // The overview's timeline: 第一阶段's 总结命名 (2019年12月) passed with
    // the archive's communities not named.
    let page = get(&office, &server, "/office");
    let timeline = page
        .split("id=\"timeline\"")
        .nth(1)
        .and_then(|s| s.split("</section>").next())
        .unwrap_or_default()
        .to_string();
    assert!(
        timeline.contains("总结命名（2019年12月）：已逾期"),
        "{timeline}"
    );
    assert!(timeline.contains("试点创建（2020年1月—6月）"), "{timeline}");
}

#[test]
fn a_later_phase_progress_table_waits_for_its_tasks() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    archive(dir);
    let server = Server::start(dir, &[]);
    let (office, csrf) = sign_in(&server, OFFICE);
    let page = office
        .get(server.at("/office"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(page.contains("value=\"progress2\""), "{page}");
    let res = office
        .post(server.at("/office/documents"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("kind", "progress2"),
            ("scope", "all"),
        ])
        .send()
        .unwrap();
    assert_eq!(res.status(), 422);
    let text = res.text().unwrap();
    assert!(text.contains("第二阶段"), "{text}");
}
