//! 督查调研 on the web: the office records a 专项督查 covering two
//! districts and issues its 通报; a district sees only its own
//! communities' findings, may record a 调研 of its own communities but
//! not a 专项督查 nor another district's; community accounts see nothing.

use reqwest::blocking::Client;
use reqwest::blocking::multipart::{Form, Part};

use super::util::{
    CUIHU, OFFICE, PANLONGQU, Server, WUHUA, archive, follow, run, scoped_accounts, sign_in,
};

/// Posts the record form as the page does (multipart), with one photo.
fn record(c: &Client, s: &Server, form: &[(&str, &str)]) -> reqwest::blocking::Response {
    let mut mp = Form::new();
    for (k, v) in form {
        mp = mp.text(k.to_string(), v.to_string());
    }
    let photo =
        Part::bytes(b"\xff\xd8\xff\xe0 inspection photo".to_vec()).file_name("现场照片.jpg");
    c.post(s.at("/inspections"))
        .multipart(mp.part("file", photo))
        .send()
        .unwrap()
}

#[test]
fn offices_record_inspections_and_districts_see_their_own() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    archive(dir);
    scoped_accounts(dir);
    let today = run(dir, &["inspection", "list"], None);
    assert!(today.contains("还没有督查或调研记录"), "{today}");
    let server = Server::start(dir, &[]);
    let (office, o_csrf) = sign_in(&server, OFFICE);
    let res = record(
        &office,
        &server,
        &[
            ("csrf", &o_csrf),
            ("kind", "专项督查"),
            ("theme", "社区综合服务设施"),
            ("date", "2019-03-15"),
            ("by", "kaopingban, wuhua"),
            (
                "problems",
                "WH-001:Ⅱ-2-1:活动室被挪作他用\nPL-001::台账缺失",
            ),
            ("notes", "WH-001:Ⅱ-4:议事会运转良好"),
            ("deadline", "2019-06-30"),
        ],
    );
    assert_eq!(res.status(), 303, "{}", res.text().unwrap());
    // The photo is kept as the record's evidence.
    let log = std::fs::read_to_string(dir.join("archive/log.jsonl")).unwrap();
    let line = log
        .lines()
        .find(|l| l.contains("\"kind\":\"inspection\""))
        .expect("an inspection record");
    assert!(line.contains("sha256"), "{line}");
    let page = follow(
        &office,
        &server,
        office.get(server.at("/inspections")).send().unwrap(),
    );
    for want in [
        "DC001",
        "活动室被挪作他用",
        "台账缺失",
        "ZG001",
        "ZG002",
        "report-form",
    ] {
        assert!(page.contains(want), "{want} missing: {page}");
    }
    // The 通报, issued and registered.
    let res = office
        .post(server.at("/office/inspection-report"))
        .form(&[("csrf", o_csrf.as_str()), ("ids", "DC001")])
        .send()
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.text().unwrap().contains("督查情况通报"));

    // 五华区 sees its own finding only.
    let (wuhua, w_csrf) = sign_in(&server, WUHUA);
    let page = wuhua
        .get(server.at("/inspections"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(
        page.contains("活动室被挪作他用") && page.contains("ZG001"),
        "{page}"
    );
    assert!(
        !page.contains("台账缺失") && !page.contains("ZG002"),
        "{page}"
    );
    assert!(!page.contains("report-form"), "{page}");
    // It may not record a 专项督查, nor a 调研 of 盘龙区.
    let special = record(
        &wuhua,
        &server,
        &[
            ("csrf", &w_csrf),
            ("kind", "专项督查"),
            ("theme", "x"),
            ("date", "2019-04-01"),
            ("by", "wuhua"),
            ("communities", "WH-001"),
        ],
    );
    assert_eq!(special.status(), 422);
    let other = record(
        &wuhua,
        &server,
        &[
            ("csrf", &w_csrf),
            ("kind", "不定期调研"),
            ("date", "2019-04-01"),
            ("by", "wuhua"),
            ("communities", "PL-001"),
        ],
    );
    assert_eq!(other.status(), 422);
    assert!(other.text().unwrap().contains("只能记录本县区"));
    // Its own 调研, learned by phone, opens an item for its community.
    let own = record(
        &wuhua,
        &server,
        &[
            ("csrf", &w_csrf),
            ("kind", "不定期调研"),
            ("date", "2019-04-02"),
            ("by", "wuhua"),
            ("remote", "1"),
            ("problems", "WH-001::网格员配备不足"),
            ("deadline", "2019-05-30"),
        ],
    );
    assert_eq!(own.status(), 303);
    let items = run(dir, &["rectify", "list", "--community", "WH-001"], None);
    assert!(
        items.contains("ZG003") && items.contains("调研 DY001"),
        "{items}"
    );
    // 盘龙区 does not see 五华区's 调研; a community account sees no page.
    let (panlong, _) = sign_in(&server, PANLONGQU);
    let page = panlong
        .get(server.at("/inspections"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(
        page.contains("台账缺失") && !page.contains("DY001"),
        "{page}"
    );
    let (cuihu, c_csrf) = sign_in(&server, CUIHU);
    assert_eq!(
        cuihu
            .get(server.at("/inspections"))
            .send()
            .unwrap()
            .status(),
        403
    );
    let res = record(
        &cuihu,
        &server,
        &[("csrf", &c_csrf), ("kind", "不定期调研")],
    );
    assert_eq!(res.status(), 403);
}
