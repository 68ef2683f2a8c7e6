//! 工作方案 on the web: a district files its own (a new version each
//! time), never another district's; the office sees who has filed.

use reqwest::blocking::multipart::{Form, Part};

use super::util::{OFFICE, PANLONGQU, Server, WUHUA, archive, scoped_accounts, sign_in};

fn form(csrf: &str, date: &str) -> Form {
    Form::new()
        .text("csrf", csrf.to_string())
        .text("kind", "工作方案")
        .text("date", date.to_string())
        .part(
            "file",
            Part::bytes(b"%PDF-1.4 plan".to_vec()).file_name("工作方案.pdf"),
        )
}

#[test]
fn a_district_files_its_plan_and_the_office_sees_who_has() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    archive(dir);
    scoped_accounts(dir);
    let server = Server::start(dir, &[]);
    let (wuhua, csrf) = sign_in(&server, WUHUA);
    let res = wuhua
        .post(server.at("/district/plan"))
        .multipart(form(&csrf, "2018-10-10"))
        .send()
        .unwrap();
    assert_eq!(res.status(), 303, "{}", res.text().unwrap());
    let page = wuhua
        .get(server.at("/plans"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(
        page.contains("第 1 版") && page.contains("plan-form"),
        "{page}"
    );
    assert!(!page.contains("盘龙区"), "{page}");
    let (office, o_csrf) = sign_in(&server, OFFICE);
    let page = office
        .get(server.at("/plans"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(
        page.contains("已报送工作方案 1 / 18") || page.contains("1 / 18"),
        "{page}"
    );
    assert!(page.contains("盘龙区") && page.contains("未报送"), "{page}");
    // The office files nothing here (it is the district's to file).
    let res = office
        .post(server.at("/district/plan"))
        .multipart(form(&o_csrf, "2018-10-10"))
        .send()
        .unwrap();
    assert_eq!(res.status(), 403);
    // A file of the wrong type is refused with the reason.
    let (panlong, p_csrf) = sign_in(&server, PANLONGQU);
    let bad = Form::new()
        .text("csrf", p_csrf.clone())
        .text("kind", "工作方案")
        .text("date", "2018-10-10")
        .part("file", Part::bytes(b"MZ".to_vec()).file_name("方案.exe"));
    let res = panlong
        .post(server.at("/district/plan"))
        .multipart(bad)
        .send()
        .unwrap();
    assert_eq!(res.status(), 422);
    assert!(res.text().unwrap().contains("方案.exe"));
}
