//! The field page's files over HTTP: a points table imported from the
//! page (all or nothing, errors by sheet, row and cell), and the photos
//! shown as thumbnails made on the fly with their flags, the original
//! downloadable, only to readers of the community and only photos of it.

use std::path::Path;

use reqwest::blocking::multipart;

use super::util::{
    CUIHU, EXPERT, OFFICE, OTHER, PANLONGQU, Server, WUHUA, archive, log, run, scoped_accounts,
    sign_in,
};

fn count(dir: &Path, kind: &str) -> usize {
    log(dir).iter().filter(|r| r["kind"] == kind).count()
}

/// Adds a point to `community` and a photo of it through the command line
/// (as `wuhua` for WH-001, else `panlongqu`); returns the photo's SHA-256.
pub fn a_photo(dir: &Path, community: &str, seed: u32) -> String {
    let who = if community == "WH-001" {
        "wuhua"
    } else {
        "panlongqu"
    };
    run(
        dir,
        &[
            "point",
            "add",
            "--community",
            community,
            "--name",
            "服务中心",
            "--kind",
            "社区综合服务中心",
        ],
        None,
    );
    let file = dir.join(format!("photo-{seed}.jpg"));
    std::fs::write(&file, kaoping::field::exif::sample_jpeg(900, 700, seed)).unwrap();
    let points = run(dir, &["point", "list", "--community", community], None);
    let point = points.split_whitespace().next().unwrap().to_string();
    run(
        dir,
        &[
            "field",
            "photo",
            "--community",
            community,
            "--as",
            who,
            "--point",
            &point,
            "--standard",
            "Ⅱ-6/1",
            file.to_str().unwrap(),
        ],
        None,
    );
    log(dir)
        .iter()
        .rev()
        .find(|r| r["kind"] == "field-photo")
        .unwrap()["data"]["file"]["object"]["sha256"]
        .as_str()
        .unwrap()
        .to_string()
}

fn table_form(csrf: &str, name: &str, bytes: Vec<u8>) -> multipart::Form {
    multipart::Form::new().text("csrf", csrf.to_string()).part(
        "table",
        multipart::Part::bytes(bytes).file_name(name.to_string()),
    )
}

fn points_xlsx(rows: &[[&str; 3]]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("点位").unwrap();
    for (c, h) in ["名称", "类型", "地址"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32 + 1, c as u16, *v).unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

#[test]
fn points_are_imported_from_the_page_all_or_nothing() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    archive(dir);
    scoped_accounts(dir);
    let server = Server::start(dir, &[]);
    let (wuhua, csrf) = sign_in(&server, WUHUA);
    let page = wuhua
        .get(server.at("/c/WH-001/field"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(page.contains(r#"id="points-import-form""#), "{page}");
    let post = |c: &reqwest::blocking::Client, csrf: &str, name: &str, bytes: Vec<u8>| {
        c.post(server.at("/c/WH-001/points/upload"))
            .multipart(table_form(csrf, name, bytes))
            .send()
            .unwrap()
    };
    // A bad row: the sheet, row and cell are named, nothing is stored.
    let bad = points_xlsx(&[["一号小区", "小区", "翠湖北路1号"], ["坏点位", "学校", ""]]);
    let res = post(&wuhua, &csrf, "点位表.xlsx", bad);
    assert_eq!(res.status(), 422);
    let body = res.text().unwrap();
    for want in [
        "点位表.xlsx 的“点位”工作表 B3 单元格",
        "类型“学校”无效",
        "没有导入任何内容",
    ] {
        assert!(body.contains(want), "{want}: {body}");
    }
    assert!(!body.contains("/tmp"), "no server path: {body}");
    assert_eq!(count(dir, "kaoping-point"), 0);
    // Not a table at all.
    let res = post(&wuhua, &csrf, "点位.csv", b"\xff\xfe\x00garbage".to_vec());
    assert!(res.status().is_client_error(), "{}", res.status());
    assert_eq!(count(dir, "kaoping-point"), 0);
    // Others may not: the community itself, an expert, another district.
    for who in [CUIHU, EXPERT, PANLONGQU] {
        let (c, token) = sign_in(&server, who);
        let res = post(
            &c,
            &token,
            "点位表.xlsx",
            points_xlsx(&[["一号小区", "小区", ""]]),
        );
        assert!(matches!(res.status().as_u16(), 403 | 404), "{}", who.0);
    }
    assert_eq!(count(dir, "kaoping-point"), 0);
    // The district's good table; then the office's CSV.
    let good = points_xlsx(&[
        ["一号小区", "小区", "翠湖北路1号"],
        ["二号楼院", "楼院", "翠湖北路2号"],
    ]);
    let res = post(&wuhua, &csrf, "点位表.xlsx", good);
    assert_eq!(res.status(), 303, "{}", res.text().unwrap());
    assert_eq!(count(dir, "kaoping-point"), 2);
    let (office, ocsrf) = sign_in(&server, OFFICE);
    let csv = "名称,类型,地址,纬度,经度\n社区综合服务中心,社区综合服务中心,翠湖南路1号,25.0431,102.7062\n";
    let res = post(&office, &ocsrf, "点位.csv", csv.as_bytes().to_vec());
    assert_eq!(res.status(), 303, "{}", res.text().unwrap());
    let page = office
        .get(server.at("/c/WH-001/field"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    for want in ["一号小区", "二号楼院", "翠湖南路1号", "25.0431, 102.7062"] {
        assert!(page.contains(want), "{want}: {page}");
    }
}

#[test]
fn photos_show_as_thumbnails_with_flags_and_the_original_downloads() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    archive(dir);
    scoped_accounts(dir);
    let sha = a_photo(dir, "WH-001", 3);
    let other = a_photo(dir, "PL-001", 4);
    let original = std::fs::read(dir.join("photo-3.jpg")).unwrap();
    let server = Server::start(dir, &[]);
    let (expert, _) = sign_in(&server, EXPERT);
    let page = expert
        .get(server.at("/c/WH-001/field"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    let thumb_url = format!("/c/WH-001/field/photo/{sha}?thumb=1");
    assert!(
        page.contains(&format!(r#"<img src="{thumb_url}""#))
            && page.contains(&format!(r#"href="/c/WH-001/field/photo/{sha}""#)),
        "{page}"
    );
    assert!(
        page.contains("照片没有 EXIF 信息"),
        "the flag is shown: {page}"
    );
    // The thumbnail: a smaller JPEG made on the fly.
    let res = expert.get(server.at(&thumb_url)).send().unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/jpeg");
    let thumb = res.bytes().unwrap().to_vec();
    assert_ne!(thumb, original);
    let img = image::load_from_memory(&thumb).unwrap();
    assert!(
        img.width() <= 640 && img.height() <= 480,
        "{}x{}",
        img.width(),
        img.height()
    );
    // The original, byte for byte; it stays whole in the archive.
    let res = expert
        .get(server.at(&format!("/c/WH-001/field/photo/{sha}")))
        .send()
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.bytes().unwrap().to_vec(), original);
    // A photo of another community, a made-up hash, a document's hash: 404
    // under WH-001; a reader of another community: refused.
    for bad in [other.as_str(), &"0".repeat(64), "../../etc/passwd"] {
        let res = expert
            .get(server.at(&format!("/c/WH-001/field/photo/{bad}?thumb=1")))
            .send()
            .unwrap();
        assert_eq!(res.status(), 404, "{bad}");
    }
    let (panlong, _) = sign_in(&server, OTHER);
    let res = panlong
        .get(server.at(&format!("/c/WH-001/field/photo/{sha}")))
        .send()
        .unwrap();
    assert!(
        matches!(res.status().as_u16(), 403 | 404),
        "{}",
        res.status()
    );
    let res = panlong
        .get(server.at(&format!("/c/PL-001/field/photo/{other}?thumb=1")))
        .send()
        .unwrap();
    assert_eq!(res.status(), 200, "its own community's photo");
    super::util::verify_clean(dir);
}

#[test]
fn finishing_the_visit_on_the_page_judges_photos_against_the_visit_date() {
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
            "WH-001",
            "--name",
            "服务中心",
            "--kind",
            "小区",
        ],
        None,
    );
    let server = Server::start(dir, &[]);
    let (wuhua, csrf) = sign_in(&server, WUHUA);
    let mut flags = Vec::new();
    for (days, seed) in [(10, 21), (20, 22)] {
        let name = format!("{days}.jpg");
        let file = crate::field::util::photo(dir, &name, Some((days, None)), seed);
        let form = multipart::Form::new()
            .text("csrf", csrf.clone())
            .text("point", "P1")
            .text("standard", "Ⅱ-6/1")
            .part(
                "photo",
                multipart::Part::bytes(std::fs::read(file).unwrap()).file_name(name),
            );
        let v: serde_json::Value = wuhua
            .post(server.at("/c/WH-001/field/photo/upload"))
            .header("Accept", "application/json")
            .multipart(form)
            .send()
            .unwrap()
            .json()
            .unwrap();
        flags.push(v["photo"]["flags"].to_string());
    }
    assert!(flags.iter().all(|f| f.contains("按收到时间")), "{flags:?}");
    let day = (chrono::Local::now().date_naive() - chrono::Days::new(5)).to_string();
    let res = wuhua
        .post(server.at("/c/WH-001/field/finish"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("point", "P1"),
            ("date", day.as_str()),
            ("v:Ⅱ-6/1", "达标"),
            ("r:Ⅱ-6/1", ""),
        ])
        .send()
        .unwrap();
    assert_eq!(res.status(), 303);
    let page = wuhua
        .get(server.at("/c/WH-001/field"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(!page.contains("按收到时间"), "{page}");
    assert_eq!(
        page.matches(&format!("早于考评 7 天以上（按考评时间 {day} 计）"))
            .count(),
        1,
        "only the twenty-day-old photo stays too old: {page}"
    );
    assert_eq!(count(dir, "field-photo-flags"), 2);
}
