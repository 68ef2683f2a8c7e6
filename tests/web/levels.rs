//! 评估验收 in levels on the web: the community's 自查, the district's
//! 初评 (and its return of the 自查), each assigned expert's 专家评估, the
//! office's return of the 初评 and its final result, with the state on
//! every role's page; other districts and unassigned experts are refused,
//! and a level out of order is refused with nothing written.

use reqwest::blocking::multipart::{Form, Part};
use reqwest::blocking::{Client, Response};

use super::util::{
    CUIHU, EXPERT, EXPERT_PL, OFFICE, PANLONGQU, Server, WUHUA, archive, follow, log,
    scoped_accounts, sign_in, verify_clean,
};

fn sheet_form(csrf: &str, sheet: &str) -> Form {
    Form::new().text("csrf", csrf.to_string()).part(
        "sheet",
        Part::bytes(sheet.as_bytes().to_vec()).file_name("考评表.csv"),
    )
}

fn submit(c: &Client, server: &Server, csrf: &str, sheet: &str) -> Response {
    c.post(server.at("/c/WH-001/assess"))
        .multipart(sheet_form(csrf, sheet))
        .send()
        .unwrap()
}

fn send_back(c: &Client, server: &Server, csrf: &str, reason: &str) -> Response {
    c.post(server.at("/c/WH-001/return"))
        .form(&[("csrf", csrf), ("reason", reason)])
        .send()
        .unwrap()
}

/// The state WH-001's page shows to `c`.
fn state(c: &Client, server: &Server) -> String {
    let page = c
        .get(server.at("/c/WH-001"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    let at = page.find("id=\"level-state\">").expect("state shown") + 17;
    page[at..].split('<').next().unwrap().to_string()
}

/// The levels of WH-001's assessment records in the log, with experts.
fn recorded(dir: &std::path::Path) -> Vec<String> {
    log(dir)
        .iter()
        .filter(|r| r["kind"] == "assessment" && r["data"]["community"] == "WH-001")
        .map(|r| {
            let level = r["data"]["level"].as_str().unwrap_or("最终");
            match r["data"]["expert"].as_str() {
                Some(e) => format!("{level}:{e}"),
                None => level.to_string(),
            }
        })
        .collect()
}

fn ok(res: Response) {
    let status = res.status();
    assert_eq!(status, 303, "{}", res.text().unwrap());
    assert_eq!(res.headers()["location"], "/c/WH-001#levels");
}

#[test]
fn the_levels_go_through_the_web_in_order_for_every_role() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    archive(dir);
    scoped_accounts(dir);
    let rows = crate::workbooks::filled_rows(dir);
    let sheet = crate::workbooks::csv_text(&rows);
    let server = Server::start(dir, &[]);
    let (cu, cu_csrf) = sign_in(&server, CUIHU);
    let (wh, wh_csrf) = sign_in(&server, WUHUA);
    let (ex, ex_csrf) = sign_in(&server, EXPERT);
    let (o, o_csrf) = sign_in(&server, OFFICE);

    // The community page offers its level to each role.
    let page = follow(&cu, &server, cu.get(server.at("/c/WH-001")).send().unwrap());
    assert!(page.contains("上传社区自查考评表"), "{page}");
    assert!(!page.contains("return-form"));
    let template = cu
        .get(server.at("/c/WH-001/sheet-template.xlsx"))
        .send()
        .unwrap();
    assert_eq!(template.status(), 200);
    assert!(template.bytes().unwrap().starts_with(b"PK"));
    assert_eq!(state(&cu, &server), "未开始");

    // 初评 before 自查: the Chinese reason, and nothing written.
    let before = log(dir).len();
    let res = submit(&wh, &server, &wh_csrf, &sheet);
    assert_eq!(res.status(), 409);
    let text = res.text().unwrap();
    assert!(text.contains("还没有提交自查"), "{text}");
    assert_eq!(log(dir).len(), before, "a refused level writes nothing");

    // 自查, returned by the district, handed in again.
    ok(submit(&cu, &server, &cu_csrf, &sheet));
    assert_eq!(state(&wh, &server), "自查已提交");
    let res = submit(&cu, &server, &cu_csrf, &sheet);
    assert_eq!(res.status(), 409);
    assert!(res.text().unwrap().contains("已锁定"));
    let res = send_back(&wh, &server, &wh_csrf, " ");
    assert_eq!(res.status(), 400, "a return needs a reason");
    ok(send_back(&wh, &server, &wh_csrf, "缺少居民议事记录"));
    assert_eq!(state(&cu, &server), "未开始");
    ok(submit(&cu, &server, &cu_csrf, &sheet));

    // 初评; the office returns it, the district hands it in again.
    ok(submit(&wh, &server, &wh_csrf, &sheet));
    assert_eq!(state(&o, &server), "初评已提交");
    let res = submit(&wh, &server, &wh_csrf, &sheet);
    assert_eq!(res.status(), 409);
    let office = o.get(server.at("/office")).send().unwrap().text().unwrap();
    assert!(
        office.contains("初评已提交"),
        "state on the office overview"
    );
    ok(send_back(&o, &server, &o_csrf, "第3条证据不足"));
    assert_eq!(state(&wh, &server), "自查已提交");
    let district = wh
        .get(server.at("/district"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(district.contains("自查已提交"), "{district}");
    ok(submit(&wh, &server, &wh_csrf, &sheet));

    // The assigned expert, then the office's final result.
    ok(submit(&ex, &server, &ex_csrf, &sheet));
    assert_eq!(state(&ex, &server), "专家评估中");
    let expert = ex.get(server.at("/expert")).send().unwrap().text().unwrap();
    assert!(expert.contains("专家评估中"), "{expert}");
    let res = o
        .post(server.at("/office/assess"))
        .multipart(sheet_form(&o_csrf, &sheet).text("community", "WH-001"))
        .send()
        .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().unwrap());
    assert_eq!(state(&o, &server), "已评定");
    assert_eq!(
        recorded(dir),
        [
            "社区自查",
            "社区自查",
            "县区初评",
            "县区初评",
            &format!("专家评估:{}", EXPERT.0),
            "最终",
        ]
    );
    let returns: Vec<_> = log(dir)
        .iter()
        .filter(|r| r["data"]["reason"].is_string() && r["data"]["level"].is_string())
        .map(|r| r["data"]["reason"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(returns, ["缺少居民议事记录", "第3条证据不足"]);
}

#[test]
fn other_districts_and_unassigned_experts_are_refused() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    archive(dir);
    scoped_accounts(dir);
    let rows = crate::workbooks::filled_rows(dir);
    let sheet = crate::workbooks::csv_text(&rows);
    let server = Server::start(dir, &[]);
    let (cu, cu_csrf) = sign_in(&server, CUIHU);
    ok(submit(&cu, &server, &cu_csrf, &sheet));
    let written = || {
        log(dir)
            .iter()
            .filter(|r| r["data"]["level"].is_string() || r["kind"] == "assessment")
            .count()
    };
    let before = written();
    let (pl, pl_csrf) = sign_in(&server, PANLONGQU);
    assert_eq!(submit(&pl, &server, &pl_csrf, &sheet).status(), 403);
    assert_eq!(send_back(&pl, &server, &pl_csrf, "不是本区").status(), 403);
    let (ex, ex_csrf) = sign_in(&server, EXPERT_PL);
    assert_eq!(submit(&ex, &server, &ex_csrf, &sheet).status(), 403);
    // The community cannot return its own 自查, nor the office submit one here.
    assert_eq!(send_back(&cu, &server, &cu_csrf, "想改").status(), 403);
    let (o, o_csrf) = sign_in(&server, OFFICE);
    assert_eq!(submit(&o, &server, &o_csrf, &sheet).status(), 403);
    assert_eq!(written(), before, "nothing written");
}

/// The district issues its 初评情况报告 from its page (its staff and the
/// office may download it, a community may not); the office takes the
/// final result from the 专家组 with one button, shown only once an expert
/// sheet stands, and the return form only while its level stands.
#[test]
fn the_district_reports_upward_and_the_office_finalizes_from_the_panel() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    archive(dir);
    scoped_accounts(dir);
    let rows = crate::workbooks::filled_rows(dir);
    let sheet = crate::workbooks::csv_text(&rows);
    let server = Server::start(dir, &[]);
    let (cu, cu_csrf) = sign_in(&server, CUIHU);
    let (wh, wh_csrf) = sign_in(&server, WUHUA);
    let (ex, ex_csrf) = sign_in(&server, EXPERT);
    let (o, o_csrf) = sign_in(&server, OFFICE);
    let page = |c: &Client| {
        c.get(server.at("/c/WH-001"))
            .send()
            .unwrap()
            .text()
            .unwrap()
    };
    assert!(!page(&wh).contains("return-form"), "nothing to return yet");
    ok(submit(&cu, &server, &cu_csrf, &sheet));
    assert!(page(&wh).contains("return-form"));
    assert!(!page(&o).contains("return-form"), "no 初评 to return yet");
    ok(submit(&wh, &server, &wh_csrf, &sheet));
    assert!(!page(&o).contains("finalize-form"), "no expert yet");

    let report = |signer: &str| {
        wh.post(server.at("/district/preliminary"))
            .form(&[("csrf", wh_csrf.as_str()), ("signer", signer), ("date", "")])
            .send()
            .unwrap()
    };
    let res = report(" ");
    assert_eq!(res.status(), 422, "no signer configured or typed");
    assert!(res.text().unwrap().contains("签发人"));
    let res = report("张三");
    assert_eq!(res.status(), 200);
    let issued = res.text().unwrap();
    assert!(issued.contains("五华社治办〔"), "{issued}");
    let at = issued.find("/documents/").expect("a download link") + 11;
    let sha = &issued[at..at + 64];
    let get = |c: &Client| {
        c.get(server.at(&format!("/documents/{sha}")))
            .send()
            .unwrap()
            .status()
    };
    assert_eq!(get(&wh), 200);
    assert_eq!(get(&o), 200);
    // Out of reach reads as unknown (404), as any document id does.
    assert_eq!(
        get(&cu),
        404,
        "a community does not read the district's report"
    );
    let (pl, _) = sign_in(&server, PANLONGQU);
    assert_eq!(get(&pl), 404, "nor does another district");

    ok(submit(&ex, &server, &ex_csrf, &sheet));
    assert!(page(&o).contains("finalize-form"));
    assert!(!page(&wh).contains("finalize-form"));
    let res = o
        .post(server.at("/c/WH-001/finalize"))
        .form(&[("csrf", o_csrf.as_str())])
        .send()
        .unwrap();
    ok(res);
    assert_eq!(state(&o, &server), "已评定");
    let last = log(dir)
        .into_iter()
        .rfind(|r| r["kind"] == "assessment")
        .unwrap();
    assert!(
        last["data"]["sheet"]
            .as_str()
            .unwrap()
            .starts_with("专家组汇总")
    );

    // The office overrides one final verdict, only with a reason.
    assert!(page(&o).contains("override-form"));
    assert!(!page(&wh).contains("override-form"));
    let overrule = |c: &Client, csrf: &str, reason: &str| {
        c.post(server.at("/c/WH-001/override"))
            .form(&[
                ("csrf", csrf),
                ("row", "Ⅱ-1|1|材料审核"),
                ("verdict", "未达标"),
                ("reason", reason),
            ])
            .send()
            .unwrap()
    };
    let before = log(dir).len();
    let res = overrule(&o, &o_csrf, "  ");
    assert!(res.status().is_client_error(), "{}", res.status());
    assert!(res.text().unwrap().contains("理由"));
    assert_eq!(overrule(&wh, &wh_csrf, "理由").status(), 403);
    assert_eq!(log(dir).len(), before, "nothing written");
    ok(overrule(&o, &o_csrf, "现场核查发现台账为补做"));
    let last = log(dir)
        .into_iter()
        .rfind(|r| r["kind"] == "assessment")
        .unwrap();
    assert_eq!(last["data"]["overrides"][0]["to"], "未达标");
    assert_eq!(
        last["data"]["overrides"][0]["reason"],
        "现场核查发现台账为补做"
    );
}

/// A level's sheet typed on the page: refused with the row when a verdict
/// is missing (nothing written), recorded at the account's level when
/// complete, exactly like an uploaded sheet.
#[test]
fn a_level_sheet_can_be_filled_on_the_page() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    archive(dir);
    scoped_accounts(dir);
    let server = Server::start(dir, &[]);
    let (cu, cu_csrf) = sign_in(&server, CUIHU);
    let (o, _) = sign_in(&server, OFFICE);
    let page = cu
        .get(server.at("/c/WH-001/fill"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    let rows = page.matches("<select name=\"v").count();
    assert!(rows > 50, "every standard and method: {rows}");
    assert!(page.contains("社区自查"), "{page}");
    assert_eq!(
        o.get(server.at("/c/WH-001/fill")).send().unwrap().status(),
        403,
        "the office imports its final sheet, it fills no level here"
    );
    let mut form: Vec<(String, String)> = vec![
        ("csrf".into(), cu_csrf.clone()),
        ("assessor".into(), "王明".into()),
        ("date".into(), "2026-11-20".into()),
    ];
    for i in 0..rows {
        form.push((format!("v{i}"), "基本达标".into()));
        form.push((format!("r{i}"), format!("第{i}条待完善")));
    }
    // Row 3 (the second data row) left blank.
    form.retain(|(k, _)| k != "v1");
    let before = log(dir).len();
    let res = cu
        .post(server.at("/c/WH-001/fill"))
        .form(&form)
        .send()
        .unwrap();
    assert_eq!(res.status(), 422);
    let text = res.text().unwrap();
    assert!(text.contains("第 3 行"), "{text}");
    assert_eq!(log(dir).len(), before, "nothing written");
    form.push(("v1".into(), "达标".into()));
    ok(cu
        .post(server.at("/c/WH-001/fill"))
        .form(&form)
        .send()
        .unwrap());
    assert_eq!(state(&cu, &server), "自查已提交");
    let last = log(dir)
        .into_iter()
        .rfind(|r| r["kind"] == "assessment")
        .unwrap();
    assert_eq!(last["data"]["level"], "社区自查");
    assert_eq!(last["data"]["sheet"], "网页填写的社区自查考评表.csv");
    verify_clean(dir);
}
