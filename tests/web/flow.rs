//! Issue 25 on the web: times are Beijing time and labelled so (item
//! 12); a page offers the download or the choice instead of telling the
//! user to run a command (frictions); a document dated after today is
//! refused (item 10).

use reqwest::blocking::multipart;

use super::util::{
    CUIHU, OFFICE, Server, WUHUA, archive, evidence, run, scoped_accounts, sign_in, verify_clean,
};

#[test]
fn pages_show_beijing_time_and_offer_downloads_not_commands() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    archive(d);
    scoped_accounts(d);
    let folder = evidence(d, "WH-001");
    run(
        d,
        &["ingest", folder.to_str().unwrap(), "--community", "WH-001"],
        None,
    );
    run(d, &["receipt", "--community", "WH-001", "-o", "out"], None);
    let server = Server::start(d, &[]);

    // The office's register and the community page label their times.
    let (office, _) = sign_in(&server, OFFICE);
    for path in ["/office/register", "/c/WH-001"] {
        let page = office.get(server.at(path)).send().unwrap().text().unwrap();
        assert!(page.contains("（北京时间）"), "{path}: no label");
        assert!(!page.contains("UTC"), "{path} says UTC");
        assert!(!page.contains("T0") || !page.contains(":00Z"), "{path}");
    }

    // A district downloads the blank 申报表 from its page.
    let (district, _) = sign_in(&server, WUHUA);
    let page = district
        .get(server.at("/district"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(page.contains("/district/apply-template.xlsx"), "{page}");
    assert!(!page.contains("kaoping apply template"));
    let res = district
        .get(server.at("/district/apply-template.xlsx"))
        .send()
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.bytes().unwrap().starts_with(b"PK"));
    // Not for a community account.
    let (community, csrf) = sign_in(&server, CUIHU);
    let res = community
        .get(server.at("/district/apply-template.xlsx"))
        .send()
        .unwrap();
    assert_eq!(res.status(), 403);

    // The same material again: refused with the choice on the page, not a
    // command-line option; with the box ticked it is saved.
    let upload = |allow: bool| {
        let mut form = multipart::Form::new()
            .text("csrf", csrf.clone())
            .text("submitter", "张三");
        if allow {
            form = form.text("allow_identical", "1");
        }
        for (rel, bytes) in super::util::files_of(&folder) {
            form = form.text("path", rel.clone()).part(
                "file",
                multipart::Part::bytes(bytes)
                    .file_name(rel.rsplit('/').next().unwrap().to_string()),
            );
        }
        community
            .post(server.at("/c/WH-001/upload"))
            .multipart(form)
            .send()
            .unwrap()
    };
    let res = upload(false);
    assert_eq!(res.status(), 422);
    let text = res.text().unwrap();
    assert!(
        text.contains("勾选") && !text.contains("--allow-identical"),
        "{text}"
    );
    let res = upload(true);
    assert_eq!(res.status(), 303, "{}", res.text().unwrap());
    drop(server);
    verify_clean(d);
}
