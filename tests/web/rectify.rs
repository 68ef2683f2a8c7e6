//! 整改 on the web with the clock fixed: the community answers its items
//! with evidence and reports, another community is refused (403/404), the
//! district closes and returns, the office closes and is refused a second
//! closing, overdue items show on the district's and office's pages and get
//! a 督办通知, and the 命名决定 names only the community whose items are
//! closed, its certificate citing the decision.

use std::path::Path;
use std::process::Command;

use reqwest::blocking::multipart::{Form, Part};
use reqwest::blocking::{Client, Response};

use super::util::{
    CUIHU, OFFICE, OTHER, PANLONGQU, Server, WUHUA, archive, bin, evidence, log, pdf_text, run,
    scoped_accounts, sign_in, verify_clean,
};

/// Runs kaoping with the clock at `today`, asserting success.
fn run_on(dir: &Path, today: &str, args: &[&str]) -> String {
    let out = Command::new(bin())
        .current_dir(dir)
        .env_remove("KAOPING_ARCHIVE")
        .env("KAOPING_TODAY", today)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// WH-001 and PL-001 assessed with two shortfalls each, and noticed.
fn noticed(dir: &Path) {
    for id in ["WH-001", "PL-001"] {
        let folder = evidence(dir, id);
        run(
            dir,
            &["ingest", folder.to_str().unwrap(), "--community", id],
            None,
        );
    }
    let mut rows = crate::workbooks::filled_rows(dir);
    for (i, r) in rows.iter_mut().enumerate().skip(1) {
        r[5] = if i <= 2 { "基本达标" } else { "达标" }.into();
        r[9] = if i <= 2 {
            format!("问题{i}")
        } else {
            "现场核实".into()
        };
    }
    std::fs::write(dir.join("sheet.csv"), crate::workbooks::csv_text(&rows)).unwrap();
    for id in ["WH-001", "PL-001"] {
        crate::util::submit_levels(dir, None, id, "sheet.csv");
        run(
            dir,
            &["assess", "import", "sheet.csv", "--community", id],
            None,
        );
    }
    run_on(
        dir,
        "2026-11-28",
        &[
            "notice",
            "--all",
            "--deadline",
            "2026-12-20",
            "--date",
            "2026-11-27",
            "-o",
            "out",
        ],
    );
}

fn answer(c: &Client, s: &Server, csrf: &str, at: &str, item: &str, text: &str) -> Response {
    let form = Form::new()
        .text("csrf", csrf.to_string())
        .text("item", item.to_string())
        .text("text", text.to_string())
        .part(
            "evidence",
            Part::bytes(b"photo".to_vec()).file_name("整改照片.jpg"),
        );
    c.post(s.at(&format!("/c/{at}/rectify/upload")))
        .multipart(form)
        .send()
        .unwrap()
}

fn check(c: &Client, s: &Server, csrf: &str, item: &str, outcome: &str, remark: &str) -> Response {
    c.post(s.at("/c/WH-001/rectify/check"))
        .form(&[
            ("csrf", csrf),
            ("item", item),
            ("outcome", outcome),
            ("remark", remark),
        ])
        .send()
        .unwrap()
}

fn status_of(page: &str, item: &str) -> String {
    let at = page.find(&format!("id=\"item-{item}\"")).expect("item row");
    let rest = &page[at..];
    let s = rest.find("class=\"status\">").unwrap() + 15;
    rest[s..].split('<').next().unwrap().to_string()
}

#[test]
fn rectification_goes_to_closing_and_naming_on_the_web() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    archive(dir);
    scoped_accounts(dir);
    noticed(dir);
    // WH-001's items are ZG003 and ZG004 (PL-001 comes first by id).
    let server = Server::start_with(dir, &[], &[("KAOPING_TODAY", "2026-12-25")]);
    let (cu, cu_csrf) = sign_in(&server, CUIHU);
    let (pl, pl_csrf) = sign_in(&server, OTHER);
    let (wh, wh_csrf) = sign_in(&server, WUHUA);
    let (plq, plq_csrf) = sign_in(&server, PANLONGQU);
    let (o, o_csrf) = sign_in(&server, OFFICE);
    let page = |c: &Client| {
        c.get(server.at("/c/WH-001/rectify"))
            .send()
            .unwrap()
            .text()
            .unwrap()
    };

    let p = page(&cu);
    assert_eq!(status_of(&p, "ZG003"), "逾期", "{p}");
    assert!(p.contains("answer-form") && !p.contains("check-form"));

    // Another community cannot answer WH-001's item, by either path (by
    // its own, the item reads as unknown).
    let before = log(dir).len();
    assert_eq!(
        answer(&pl, &server, &pl_csrf, "WH-001", "ZG003", "x").status(),
        403
    );
    assert_eq!(
        answer(&pl, &server, &pl_csrf, "PL-001", "ZG003", "x").status(),
        404
    );
    assert_eq!(log(dir).len(), before, "a refused answer writes nothing");

    // The community answers both, then reports.
    assert_eq!(
        answer(&cu, &server, &cu_csrf, "WH-001", "ZG003", "已整改第一项").status(),
        303
    );
    let res = answer(&cu, &server, &cu_csrf, "WH-001", "ZG003", "again");
    assert_eq!(res.status(), 409);
    assert!(res.text().unwrap().contains("已经答复"));
    assert_eq!(
        answer(&cu, &server, &cu_csrf, "WH-001", "ZG004", "已整改第二项").status(),
        303
    );
    let res = cu
        .post(server.at("/c/WH-001/rectify/report"))
        .form(&[("csrf", cu_csrf.as_str())])
        .send()
        .unwrap();
    assert_eq!(res.status(), 200);
    let issued = res.text().unwrap();
    assert!(
        issued.contains("整改情况报告") && issued.contains("翠湖社区〔2026〕1号"),
        "{issued}"
    );

    // Re-check: another district is refused; 五华区 closes one, returns one.
    assert_eq!(
        check(&plq, &server, &plq_csrf, "ZG003", "close", "好").status(),
        403
    );
    assert_eq!(
        check(&cu, &server, &cu_csrf, "ZG003", "close", "好").status(),
        403
    );
    assert_eq!(
        check(&wh, &server, &wh_csrf, "ZG003", "close", "现场核实已整改").status(),
        303
    );
    assert_eq!(
        check(&wh, &server, &wh_csrf, "ZG004", "return", "照片不清楚").status(),
        303
    );
    let p = page(&wh);
    assert_eq!(status_of(&p, "ZG003"), "已销号");
    assert_eq!(status_of(&p, "ZG004"), "逾期");
    assert!(p.contains("照片不清楚"));
    // The evidence is stored and served to those who may see WH-001.
    let url = "/c/WH-001/rectify/evidence?item=ZG003&n=1&f=0";
    let file = wh.get(server.at(url)).send().unwrap();
    assert_eq!(file.status(), 200);
    assert_eq!(file.bytes().unwrap().as_ref(), b"photo");
    assert_eq!(plq.get(server.at(url)).send().unwrap().status(), 403);
    assert!(p.contains("整改照片.jpg"), "{p}");
    assert_eq!(
        answer(&cu, &server, &cu_csrf, "WH-001", "ZG004", "重新拍照").status(),
        303
    );
    assert_eq!(
        check(&o, &server, &o_csrf, "ZG004", "close", "复查合格").status(),
        303
    );
    let res = check(&o, &server, &o_csrf, "ZG004", "close", "再销一次");
    assert_eq!(res.status(), 409);
    assert!(res.text().unwrap().contains("已经销号"));

    // Overdue lists: 五华区 has none left, the office sees PL-001's two.
    let district = wh
        .get(server.at("/rectify"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(
        district.contains("没有逾期未销号") && !district.contains("PL-001"),
        "{district}"
    );
    let office = o.get(server.at("/rectify")).send().unwrap().text().unwrap();
    assert!(
        office.contains("ZG001") && office.contains("ZG002") && office.contains("supervise-form"),
        "{office}"
    );
    let res = o
        .post(server.at("/office/supervise"))
        .form(&[
            ("csrf", o_csrf.as_str()),
            ("district", "盘龙区"),
            ("deadline", "2026-12-01"),
        ])
        .send()
        .unwrap();
    assert_eq!(res.status(), 422, "a new deadline in the past");
    let res = o
        .post(server.at("/office/supervise"))
        .form(&[
            ("csrf", o_csrf.as_str()),
            ("district", "盘龙区"),
            ("deadline", "2027-01-20"),
        ])
        .send()
        .unwrap();
    assert_eq!(res.status(), 200);
    let issued = res.text().unwrap();
    assert!(
        issued.contains("督办通知") && issued.contains("盘龙区"),
        "{issued}"
    );

    // The decision names WH-001 only; its certificate cites it.
    let res = o
        .post(server.at("/office/naming"))
        .form(&[("csrf", o_csrf.as_str()), ("phase", "1")])
        .send()
        .unwrap();
    assert_eq!(res.status(), 200);
    let issued = res.text().unwrap();
    assert!(
        issued.contains("命名决定") && issued.contains("命名证书"),
        "{issued}"
    );
    assert!(
        issued.contains("PL-001") && issued.contains("没有销号"),
        "{issued}"
    );
    let docs: Vec<serde_json::Value> = log(dir)
        .into_iter()
        .filter(|r| r["kind"] == "document")
        .map(|r| r["data"].clone())
        .collect();
    let decision = docs.iter().find(|d| d["kind"] == "命名决定").unwrap();
    let cert = docs.iter().find(|d| d["kind"] == "命名证书").unwrap();
    assert_eq!(cert["community"], "WH-001");
    assert_eq!(cert["basis"], decision["number"]);
    let res = o
        .post(server.at("/office/naming"))
        .form(&[("csrf", o_csrf.as_str()), ("phase", "1")])
        .send()
        .unwrap();
    assert_eq!(res.status(), 409, "nothing left to name");
    verify_clean(dir);

    let sha = cert["objects"][0]["sha256"].as_str().unwrap();
    let pdf = o
        .get(server.at(&format!("/documents/{sha}")))
        .send()
        .unwrap()
        .bytes()
        .unwrap();
    let Some(text) = pdf_text(&pdf) else {
        return;
    };
    let number = decision["number"].as_str().unwrap();
    assert!(text.contains(&format!("命名文件：{number}")), "{text}");
}

/// A probe of one route with an item id.
type Probe<'a> = Box<dyn Fn(&str) -> (u16, String) + 'a>;

/// Status and body of a request.
fn answer_of(res: Response) -> (u16, String) {
    (res.status().as_u16(), res.text().unwrap())
}

/// Issue 26, item 8: another community's item (or document) and one that
/// does not exist are answered alike on every route taking its id, so ids
/// cannot be probed; no community is named.
#[test]
fn other_communities_items_and_documents_read_as_unknown() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    archive(dir);
    scoped_accounts(dir);
    noticed(dir);
    // PL-001's items are ZG001 and ZG002; ZG999 does not exist.
    let server = Server::start_with(dir, &[], &[("KAOPING_TODAY", "2026-12-25")]);
    let (cu, cu_csrf) = sign_in(&server, CUIHU);
    let (wh, wh_csrf) = sign_in(&server, WUHUA);
    let before = log(dir).len();
    let probes: Vec<(&str, Probe)> = vec![
        (
            "answer",
            Box::new(|item: &str| answer_of(answer(&cu, &server, &cu_csrf, "WH-001", item, "x"))),
        ),
        (
            "evidence",
            Box::new(|item: &str| {
                let url = format!("/c/WH-001/rectify/evidence?item={item}&n=1&f=0");
                answer_of(cu.get(server.at(&url)).send().unwrap())
            }),
        ),
        (
            "check",
            Box::new(|item: &str| answer_of(check(&wh, &server, &wh_csrf, item, "close", "好"))),
        ),
    ];
    for (route, probe) in &probes {
        let (other, unknown) = (probe("ZG001"), probe("ZG999"));
        assert_eq!(other, unknown, "{route}");
        assert_eq!(other.0, 404, "{route}: {}", other.1);
        assert!(
            !other.1.contains("PL-001") && !other.1.contains("ZG001"),
            "{route}: {}",
            other.1
        );
    }
    assert_eq!(log(dir).len(), before, "nothing was written");
    // Documents: PL-001's 整改通知书 and a made-up hash.
    let notice = log(dir)
        .into_iter()
        .filter(|r| r["kind"] == "document" && r["data"]["community"] == "PL-001")
        .map(|r| {
            r["data"]["objects"][0]["sha256"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .next()
        .expect("PL-001 has a notice");
    let doc = |sha: &str| {
        answer_of(
            cu.get(server.at(&format!("/documents/{sha}")))
                .send()
                .unwrap(),
        )
    };
    let (other, unknown) = (doc(&notice), doc(&"0".repeat(64)));
    assert_eq!(other, unknown);
    assert_eq!(other.0, 404);
    assert!(!other.1.contains("PL-001"), "{}", other.1);
}

/// Issue 26, item 9: the office re-checks what a community hands in, so it
/// may neither answer a community's item nor hand in evidence as one; it
/// is told why, and nothing is written.
#[test]
fn the_office_cannot_hand_in_for_a_community() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    archive(dir);
    noticed(dir);
    let server = Server::start_with(dir, &[], &[("KAOPING_TODAY", "2026-12-25")]);
    let (o, o_csrf) = sign_in(&server, OFFICE);
    let before = log(dir).len();
    let (status, text) = answer_of(answer(&o, &server, &o_csrf, "WH-001", "ZG003", "代答"));
    assert_eq!(status, 403, "{text}");
    assert!(text.contains("考评办账号不能代社区 WH-001"), "{text}");
    let res = o
        .post(server.at("/c/WH-001/rectify/report"))
        .form(&[("csrf", o_csrf.as_str())])
        .send()
        .unwrap();
    assert_eq!(res.status(), 403);
    let form = Form::new()
        .text("csrf", o_csrf.clone())
        .text("path", "Ⅱ-01 社区党组织/a.pdf")
        .part(
            "file",
            Part::bytes(b"%PDF-1.4 x".to_vec()).file_name("a.pdf"),
        );
    let res = o
        .post(server.at("/c/WH-001/upload"))
        .multipart(form)
        .send()
        .unwrap();
    assert_eq!(res.status(), 403);
    assert!(res.text().unwrap().contains("不能代社区"));
    assert_eq!(log(dir).len(), before, "a refused hand-in writes nothing");
    // The office still sees the community's page and items, without the
    // forms to hand in.
    let page = o
        .get(server.at("/c/WH-001/rectify"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(
        page.contains("ZG003") && !page.contains("answer-form"),
        "{page}"
    );
    let page = o
        .get(server.at("/c/WH-001"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(!page.contains("upload-form"), "{page}");
}
