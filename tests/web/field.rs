//! 实地考评 over HTTP: points added on the page, the phone page of a point,
//! photos stored as they are uploaded (JSON answers for the page's
//! script), refusals that store nothing, a visit finished, the media and
//! grid forms, and the field form download.

use reqwest::blocking::multipart;

use super::util::{
    EXPERT, EXPERT_PL, OFFICE, Server, WUHUA, archive, log, pdf_text, run, scoped_accounts, sign_in,
};
use crate::field::util::{AT, grid_csv, pdf, photo};

fn count(dir: &std::path::Path, kind: &str) -> usize {
    log(dir).iter().filter(|r| r["kind"] == kind).count()
}

fn photo_form(
    csrf: &str,
    point: &str,
    standard: &str,
    name: &str,
    bytes: Vec<u8>,
) -> multipart::Form {
    multipart::Form::new()
        .text("csrf", csrf.to_string())
        .text("point", point.to_string())
        .text("standard", standard.to_string())
        .part(
            "photo",
            multipart::Part::bytes(bytes).file_name(name.to_string()),
        )
}

#[test]
fn an_assessor_captures_a_point_from_the_phone_page() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    archive(dir);
    scoped_accounts(dir);
    run(
        dir,
        &[
            "point",
            "add",
            "--community",
            "PL-001",
            "--id",
            "PL-P1",
            "--name",
            "拓东小区",
            "--kind",
            "小区",
        ],
        None,
    );
    let server = Server::start(dir, &[]);
    let (wuhua, csrf) = sign_in(&server, WUHUA);
    // The district adds a point on the page.
    let res = wuhua
        .post(server.at("/c/WH-001/points"))
        .form(&[
            ("csrf", csrf.as_str()),
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
    let bad = wuhua
        .post(server.at("/c/WH-001/points"))
        .form(&[("csrf", csrf.as_str()), ("name", "x"), ("kind", "学校")])
        .send()
        .unwrap();
    assert_eq!(bad.status(), 422);
    assert!(bad.text().unwrap().contains("类型“学校”无效"));
    let page = wuhua
        .get(server.at("/c/WH-001/field"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(
        page.contains("翠湖社区综合服务中心") && page.contains("field?point=P1"),
        "{page}"
    );
    let phone = wuhua
        .get(server.at("/c/WH-001/field?point=P1"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(
        phone.contains(r#"accept="image/*" capture="environment""#),
        "{phone}"
    );
    assert!(
        phone.contains(r#"id="draft-state""#),
        "the draft is kept in the browser"
    );
    assert!(phone.contains("v:Ⅱ-6&#x2f;1"), "{phone}");

    // A photo: stored at once, answered in JSON.
    let jpg = std::fs::read(photo(dir, "现场.jpg", Some((0, Some(AT))), 7)).unwrap();
    let up = |c: &reqwest::blocking::Client,
              csrf: &str,
              point: &str,
              std: &str,
              name: &str,
              bytes: Vec<u8>| {
        c.post(server.at("/c/WH-001/field/photo/upload"))
            .header("Accept", "application/json")
            .multipart(photo_form(csrf, point, std, name, bytes))
            .send()
            .unwrap()
    };
    let res = up(&wuhua, &csrf, "P1", "Ⅱ-6/1", "现场.jpg", jpg.clone());
    assert_eq!(res.status(), 200);
    let v: serde_json::Value = res.json().unwrap();
    assert_eq!(v["ok"], true);
    assert_eq!(v["duplicate"], false);
    assert!(v["photo"]["flags"].as_array().unwrap().is_empty(), "{v}");
    let again: serde_json::Value = up(&wuhua, &csrf, "P1", "Ⅱ-6/1", "现场.jpg", jpg.clone())
        .json()
        .unwrap();
    assert_eq!(again["duplicate"], true);
    assert_eq!(count(dir, "field-photo"), 1);
    let plain: serde_json::Value = up(
        &wuhua,
        &csrf,
        "P1",
        "Ⅱ-6/1",
        "无EXIF.jpg",
        kaoping::field::exif::sample_jpeg(40, 30, 8),
    )
    .json()
    .unwrap();
    assert!(
        plain["photo"]["flags"][0]
            .as_str()
            .unwrap()
            .contains("没有 EXIF"),
        "{plain}"
    );
    assert_eq!(count(dir, "field-photo"), 2);

    // Refusals: a Chinese message, nothing stored.
    for (point, std, name, bytes, status, want) in [
        (
            "P1",
            "Ⅱ-6/1",
            "假.jpg",
            b"GIF? no, plain text".to_vec(),
            422,
            "不是照片",
        ),
        (
            "P1",
            "Ⅱ-2/1",
            "a.jpg",
            jpg.clone(),
            422,
            "不用“实地考评”考评",
        ),
        (
            "PL-P1",
            "Ⅱ-6/1",
            "a.jpg",
            jpg.clone(),
            422,
            "是社区 PL-001 的考评点",
        ),
    ] {
        let res = up(&wuhua, &csrf, point, std, name, bytes);
        assert_eq!(res.status(), status, "{point} {std}");
        let body: serde_json::Value = res.json().unwrap();
        assert!(body["error"].as_str().unwrap().contains(want), "{body}");
    }
    for who in [EXPERT_PL, OFFICE] {
        let (c, token) = sign_in(&server, who);
        let res = up(&c, &token, "P1", "Ⅱ-6/1", "a.jpg", jpg.clone());
        assert_eq!(res.status(), 403, "{}", who.0);
    }
    assert_eq!(count(dir, "field-photo"), 2);

    // The visit finished: verdicts and remarks of the page's form.
    let res = wuhua
        .post(server.at("/c/WH-001/field/finish"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("point", "P1"),
            ("date", ""),
            ("v:Ⅱ-6/1", "基本达标"),
            ("r:Ⅱ-6/1", "公示栏未更新"),
            ("v:Ⅱ-6/2", ""),
            ("r:Ⅱ-6/2", ""),
        ])
        .send()
        .unwrap();
    assert_eq!(res.status(), 303);
    assert!(
        res.headers()["location"]
            .to_str()
            .unwrap()
            .contains("done=1")
    );
    let visit = log(dir)
        .into_iter()
        .rev()
        .find(|r| r["kind"] == "field-visit")
        .unwrap();
    assert_eq!(visit["data"]["rows"].as_array().unwrap().len(), 1);
    assert_eq!(
        visit["data"]["rows"][0]["photos"].as_array().unwrap().len(),
        2
    );
    assert_eq!(visit["account"], "wuhua");

    // Media by the assigned expert; the address is only recorded.
    let (expert, ecsrf) = sign_in(&server, EXPERT);
    let capture = std::fs::read(pdf(dir, "存档.pdf")).unwrap();
    let form = multipart::Form::new()
        .text("csrf", ecsrf.clone())
        .text("standard", "Ⅱ-9/3")
        .text("url", "http://192.0.2.7/not-fetched")
        .text("title", "社区服务信息公开")
        .text("platform", "政府网站")
        .text("published", "")
        .text("checked", "")
        .text("finding", "服务事项已公开")
        .part(
            "capture",
            multipart::Part::bytes(capture).file_name("存档.pdf"),
        );
    let res = expert
        .post(server.at("/c/WH-001/media/upload"))
        .multipart(form)
        .send()
        .unwrap();
    assert_eq!(res.status(), 303, "{}", res.text().unwrap());
    assert_eq!(count(dir, "media-capture"), 1);

    // Grid data by the office.
    let (office, ocsrf) = sign_in(&server, OFFICE);
    let table = std::fs::read(grid_csv(dir)).unwrap();
    let form = multipart::Form::new()
        .text("csrf", ocsrf)
        .text("standards", "Ⅱ-6/1")
        .part(
            "table",
            multipart::Part::bytes(table).file_name("网格事件.csv"),
        );
    let res = office
        .post(server.at("/c/WH-001/grid/upload"))
        .multipart(form)
        .send()
        .unwrap();
    assert_eq!(res.status(), 303, "{}", res.text().unwrap());
    let page = office
        .get(server.at("/c/WH-001/field"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(page.contains("共 4 件，已办结 3 件（75.0%）"), "{page}");
    assert!(
        page.contains("社区服务信息公开") && page.contains("192.0.2.7"),
        "{page}"
    );
    assert!(page.contains("公示栏未更新"), "{page}");
    // Coverage per standard and method: Ⅱ-6 标准1 has its record, two
    // photos and the grid data; Ⅱ-9 标准3 its capture.
    assert!(page.contains("<tr><td>Ⅱ-6 标准1</td><td>实地考评</td><td>0</td><td>1</td><td>2</td><td>1</td><td>0</td><td>有证据</td></tr>"), "{page}");
    assert!(page.contains("<tr><td>Ⅱ-9 标准3</td><td>网络（媒体）调查</td><td>0</td><td>0</td><td>0</td><td>0</td><td>1</td><td>有证据</td></tr>"), "{page}");

    // The field form.
    let res = expert
        .get(server.at("/c/WH-001/field-form.pdf?point=P1"))
        .send()
        .unwrap();
    assert_eq!(res.status(), 200);
    let bytes = res.bytes().unwrap().to_vec();
    assert!(bytes.starts_with(b"%PDF"));
    if let Some(text) = pdf_text(&bytes) {
        assert!(
            text.contains("实地考评表") && text.contains("翠湖社区综合服务中心"),
            "{text}"
        );
    }
    super::util::verify_clean(dir);
}
