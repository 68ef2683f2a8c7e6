//! 街道（乡镇） on the web: a 街道 account sees its own pilot communities
//! only, hands in its shared evidence as a ZIP once, and each of its
//! communities' pages then counts it as 街道共享.

use std::io::Write;

use reqwest::blocking::multipart::{Form, Part};

use super::util::{HUASHAN, PANLONGQU, Server, archive, scoped_accounts, sign_in};

/// A ZIP holding one file for Ⅱ-2 标准2 (a 街道 standard).
fn zip_bytes() -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut z = zip::ZipWriter::new(&mut buf);
    let opts = zip::write::SimpleFileOptions::default();
    z.start_file("Ⅱ-2/标准2/双向评价办法.txt", opts).unwrap();
    z.write_all("华山街道履职履约双向评价办法".as_bytes())
        .unwrap();
    z.finish().unwrap();
    buf.into_inner()
}

fn form(csrf: &str) -> Form {
    Form::new()
        .text("csrf", csrf.to_string())
        .text("district", "五华区")
        .text("street", "华山街道")
        .part(
            "zip",
            Part::bytes(zip_bytes()).file_name("华山街道材料.zip"),
        )
}

#[test]
fn a_street_account_hands_in_for_its_communities_and_sees_no_others() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    archive(dir);
    scoped_accounts(dir);
    let server = Server::start(dir, &[]);
    let (hs, csrf) = sign_in(&server, HUASHAN);
    let home = hs.get(server.at("/")).send().unwrap();
    assert_eq!(home.headers()["location"], "/street");
    let page = hs.get(server.at("/street")).send().unwrap().text().unwrap();
    assert!(
        page.contains("华山街道") && page.contains("WH-001"),
        "{page}"
    );
    assert!(!page.contains("PL-001"), "{page}");
    assert_eq!(hs.get(server.at("/c/PL-001")).send().unwrap().status(), 403);
    assert_eq!(hs.get(server.at("/c/WH-001")).send().unwrap().status(), 200);

    // Another district's staff may not hand in for 华山街道.
    let (pl, pl_csrf) = sign_in(&server, PANLONGQU);
    let res = pl
        .post(server.at("/street/upload"))
        .multipart(form(&pl_csrf))
        .send()
        .unwrap();
    assert_eq!(res.status(), 403, "{}", res.text().unwrap());

    let res = hs
        .post(server.at("/street/upload"))
        .multipart(form(&csrf))
        .send()
        .unwrap();
    assert_eq!(res.status(), 303, "{}", res.text().unwrap());
    let page = hs.get(server.at("/street")).send().unwrap().text().unwrap();
    assert!(
        page.contains("共享材料第 1 版") && page.contains("标准2"),
        "{page}"
    );
    let community = hs
        .get(server.at("/c/WH-001"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(community.contains("街道共享 1"), "{community}");
    // The 街道 account reads; it hands in nothing for the community.
    assert!(!community.contains("upload-form"), "{community}");
}
