//! 申报 on the web: a district proposes communities (one by form, a list
//! as a workbook) for its own district only; the office approves them
//! within the task numbers (beyond them only with a reason) or returns
//! them with a reason the district then sees.

use std::path::Path;

use reqwest::blocking::{Client, multipart};

use super::util::{
    CUIHU, OFFICE, PANLONGQU, Server, WUHUA, archive, follow, log, run, scoped_accounts, sign_in,
};

/// The registered communities, through the binary.
fn registered(dir: &Path) -> Vec<String> {
    let out = run(dir, &["community", "list", "--json"], None);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect()
}

/// A list of applications as an .xlsx workbook.
fn workbook(rows: &[[&str; 5]]) -> Vec<u8> {
    let mut b = rust_xlsxwriter::Workbook::new();
    let ws = b.add_worksheet();
    for (c, h) in ["名称", "所属区县", "类型", "批次", "推荐理由"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            ws.write_string(r as u32 + 1, c as u16, *cell).unwrap();
        }
    }
    b.save_to_buffer().unwrap()
}

fn upload(c: &Client, server: &Server, csrf: &str, bytes: Vec<u8>) -> reqwest::blocking::Response {
    let part = multipart::Part::bytes(bytes).file_name("申报表.xlsx");
    let form = multipart::Form::new()
        .text("csrf", csrf.to_string())
        .part("list", part);
    c.post(server.at("/district/upload"))
        .multipart(form)
        .send()
        .unwrap()
}

fn decide(
    c: &Client,
    server: &Server,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::blocking::Response {
    c.post(server.at(path)).form(fields).send().unwrap()
}

#[test]
fn districts_apply_and_the_office_decides_within_the_task_numbers() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    archive(dir);
    scoped_accounts(dir);
    // 五华区's 第一阶段任务数 is 4: WH-001 and these two leave one place.
    for (id, name) in [("WH-002", "华山社区"), ("WH-003", "龙翔社区")] {
        run(dir, &crate::util::community_add(id, name, "五华区"), None);
    }
    let server = Server::start(dir, &[]);

    // 五华区 proposes one community by form (a district in the form is
    // ignored) and two in a workbook.
    let (wh, wh_csrf) = sign_in(&server, WUHUA);
    let res = wh
        .post(server.at("/district/apply"))
        .form(&[
            ("csrf", wh_csrf.as_str()),
            ("district", "盘龙区"),
            ("name", "大观社区"),
            ("kind", "城市社区"),
            ("batch", "第一阶段"),
            ("households", "3200"),
            ("area", "650.5"),
            ("situation", "老城区，居民自治基础好"),
            ("reason", "议事协商机制健全"),
        ])
        .send()
        .unwrap();
    assert_eq!(res.status(), 303, "{}", res.text().unwrap());
    assert_eq!(res.headers()["location"], "/district#applications");
    let res = upload(
        &wh,
        &server,
        &wh_csrf,
        workbook(&[
            ["西坝社区", "五华区", "城市社区", "第一阶段", "特色鲜明"],
            ["普吉社区", "", "“村改居”社区", "第二阶段", "村改居转型典型"],
        ]),
    );
    assert_eq!(res.status(), 303, "{}", res.text().unwrap());
    let page = wh
        .get(server.at("/district"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    for name in ["大观社区", "西坝社区", "普吉社区", "待审核"] {
        assert!(page.contains(name), "{name} not on the page:\n{page}");
    }
    assert!(page.contains("待审核申报 3 项"), "{page}");
    let apps: Vec<_> = log(dir)
        .into_iter()
        .filter(|r| r["kind"] == "application")
        .collect();
    assert_eq!(apps.len(), 3, "{apps:?}");
    assert!(apps.iter().all(|r| r["data"]["district"] == "五华区"));
    assert!(apps.iter().all(|r| r["account"] == WUHUA.0), "{apps:?}");

    // 盘龙区 does not see them, and a row of 五华区 in its list is refused.
    let (pl, pl_csrf) = sign_in(&server, PANLONGQU);
    let page = pl
        .get(server.at("/district"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(
        !page.contains("大观社区") && !page.contains("西坝社区"),
        "{page}"
    );
    let res = upload(
        &pl,
        &server,
        &pl_csrf,
        workbook(&[["金星社区", "五华区", "城市社区", "第一阶段", "理由"]]),
    );
    assert_eq!(res.status(), 422);
    let text = res.text().unwrap();
    assert!(
        text.contains("申报表.xlsx") && text.contains("盘龙区"),
        "{text}"
    );
    // Nor may it decide.
    let res = decide(
        &pl,
        &server,
        "/office/approve",
        &[("csrf", &pl_csrf), ("number", "1"), ("community", "WH-010")],
    );
    assert_eq!(res.status(), 403);

    // A community account may not apply.
    let (cu, cu_csrf) = sign_in(&server, CUIHU);
    let res = cu
        .post(server.at("/district/apply"))
        .form(&[("csrf", cu_csrf.as_str()), ("name", "x"), ("reason", "y")])
        .send()
        .unwrap();
    assert_eq!(res.status(), 403);
    assert_eq!(cu.get(server.at("/district")).send().unwrap().status(), 403);

    // The office: within the numbers.
    let (of, csrf) = sign_in(&server, OFFICE);
    let page = of.get(server.at("/office")).send().unwrap().text().unwrap();
    assert!(
        page.contains("大观社区") && page.contains("approve-form"),
        "{page}"
    );
    assert_eq!(
        page.matches("<tr><td>").count(),
        18,
        "one quota row a district"
    );
    let res = decide(
        &of,
        &server,
        "/office/approve",
        &[("csrf", &csrf), ("number", "1"), ("community", "WH-010")],
    );
    assert_eq!(res.status(), 303, "{}", res.text().unwrap());
    assert_eq!(res.headers()["location"], "/office#applications");
    assert!(registered(dir).contains(&"WH-010".to_string()));

    // Beyond 第一阶段任务数 only with a reason.
    let before = registered(dir);
    let res = decide(
        &of,
        &server,
        "/office/approve",
        &[
            ("csrf", &csrf),
            ("number", "2"),
            ("community", "WH-011"),
            ("over_quota", " "),
        ],
    );
    assert_eq!(res.status(), 422);
    let text = res.text().unwrap();
    assert!(text.contains("第一阶段任务数"), "{text}");
    assert_eq!(registered(dir), before, "nothing registered");
    let res = decide(
        &of,
        &server,
        "/office/approve",
        &[
            ("csrf", &csrf),
            ("number", "2"),
            ("community", "WH-011"),
            ("over_quota", "市领导小组会议同意"),
        ],
    );
    assert_eq!(res.status(), 303, "{}", res.text().unwrap());
    assert!(registered(dir).contains(&"WH-011".to_string()));

    // Unknown and decided applications.
    let res = decide(
        &of,
        &server,
        "/office/return",
        &[("csrf", &csrf), ("number", "99"), ("reason", "x")],
    );
    assert_eq!(res.status(), 404);
    let res = decide(
        &of,
        &server,
        "/office/return",
        &[("csrf", &csrf), ("number", "1"), ("reason", "x")],
    );
    assert_eq!(res.status(), 409);

    // Returned with a reason, which the district then sees.
    let res = decide(
        &of,
        &server,
        "/office/return",
        &[
            ("csrf", &csrf),
            ("number", "3"),
            ("reason", "请补充社区基本情况"),
        ],
    );
    assert_eq!(res.status(), 303, "{}", res.text().unwrap());
    let decisions: Vec<_> = log(dir)
        .into_iter()
        .filter(|r| r["kind"] == "application-decision")
        .collect();
    assert_eq!(decisions.len(), 3, "{decisions:?}");
    assert!(decisions.iter().all(|r| r["account"] == OFFICE.0));
    let page = follow(&wh, &server, wh.get(server.at("/district")).send().unwrap());
    assert!(page.contains("退回理由：请补充社区基本情况"), "{page}");
    assert!(page.contains("已登记为 WH-010"), "{page}");
    assert!(
        page.contains("超出任务数批准：市领导小组会议同意"),
        "{page}"
    );
}
