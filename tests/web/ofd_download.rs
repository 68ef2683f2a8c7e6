//! Issued OFDs on the web (issue 30): with `[documents] formats` naming
//! both, the register and the issued page link the OFD beside the PDF; the
//! download is the stored file under its `.ofd` name and OFD media type,
//! kept from those who may not see the document, and the batch ZIP holds
//! both files of each number. The 核验 pages check an OFD's signatures as
//! they do a PDF's, naming a file changed after signing.

use std::io::{Read as _, Write as _};

use reqwest::blocking::multipart::{Form, Part};

use serde_json::Value;

use crate::web::util::*;

const FIXTURE: &str = include_str!("../data/tongzhi-54.json");

/// An archive whose issuing writes PDF and OFD, with one 通知 issued on
/// the command line (`通知.pdf` and `通知.ofd` in `dir`).
fn issued_both(dir: &std::path::Path) {
    archive(dir);
    let config = dir.join("archive/kaoping.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(text.contains("[documents]\n"), "{text}");
    let text = text.replacen(
        "[documents]\n",
        "[documents]\nformats = [\"pdf\", \"ofd\"]\n",
        1,
    );
    std::fs::write(&config, text).unwrap();
    let mut data: Value = serde_json::from_str(FIXTURE).unwrap();
    let map = data.as_object_mut().unwrap();
    map.remove("number");
    map.remove("issuers");
    map.insert("date".into(), Value::from("2026-11-20"));
    std::fs::write(dir.join("data.json"), data.to_string()).unwrap();
    let args = ["render", "tongzhi", "--data", "data.json", "-o", "通知.pdf"];
    run(dir, &args, None);
}

/// `ofd` with one byte of page 1's content changed.
fn tampered(ofd: &[u8]) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(ofd.to_vec())).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        if name == "Doc_0/Pages/Page_0/Content.xml" {
            let at = bytes.windows(10).position(|w| w == b"Boundary=\"").unwrap() + 10;
            bytes[at] = if bytes[at] == b'1' { b'2' } else { b'1' };
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&bytes).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// The page answering a check of `bytes` at `path` (`/verify` or
/// `/office/verify-doc`).
fn checked(
    c: &reqwest::blocking::Client,
    server: &Server,
    path: &str,
    csrf: &str,
    bytes: Vec<u8>,
) -> String {
    let form = Form::new()
        .text("csrf", csrf.to_string())
        .part("pdf", Part::bytes(bytes).file_name("来文.ofd"));
    let res = c.post(server.at(path)).multipart(form).send().unwrap();
    assert_eq!(res.status(), 200);
    res.text().unwrap()
}

fn link_after<'a>(page: &'a str, marker: &str) -> &'a str {
    page.split(marker)
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_else(|| panic!("no link after {marker} in\n{page}"))
}

#[test]
fn the_register_offers_the_ofd_beside_the_pdf_to_those_who_may_see_it() {
    let t = tempfile::tempdir().unwrap();
    issued_both(t.path());
    let server = Server::start(t.path(), &[]);
    let (o, ocsrf) = sign_in(&server, OFFICE);
    let page = o.get(server.at("/office/register")).send().unwrap();
    let page = page.text().unwrap();
    let ofd_sha = link_after(&page, "class=\"ofd\" href=\"/documents/").to_string();
    let pdf_sha = link_after(&page, "<td><a href=\"/documents/").to_string();
    assert_ne!(ofd_sha, pdf_sha);

    let res = o
        .get(server.at(&format!("/documents/{ofd_sha}")))
        .send()
        .unwrap();
    assert_eq!(res.status(), 200);
    let header = |name: &str| res.headers()[name].to_str().unwrap().to_string();
    assert_eq!(header("content-type"), "application/ofd");
    assert!(header("content-disposition").contains(".ofd"));
    let bytes = res.bytes().unwrap();
    assert_eq!(
        bytes.as_ref(),
        std::fs::read(t.path().join("通知.ofd")).unwrap()
    );

    let res = o
        .get(server.at(&format!("/documents/{pdf_sha}")))
        .send()
        .unwrap();
    assert_eq!(res.headers()["content-type"], "application/pdf");

    // Anyone signed in checks the OFD's signatures; a changed page is
    // named. The office's check finds it in the register, or not.
    let (c, csrf) = sign_in(&server, CUIHU);
    let ofd = std::fs::read(t.path().join("通知.ofd")).unwrap();
    let page = checked(&c, &server, "/verify", &csrf, ofd.clone());
    assert!(page.contains("签名有效，覆盖"), "{page}");
    assert!(!page.contains("签名无效"), "{page}");
    let page = checked(&c, &server, "/verify", &csrf, tampered(&ofd)).replace("&#x2f;", "/");
    assert!(
        page.contains("签名无效") && page.contains("Doc_0/Pages/Page_0/Content.xml"),
        "{page}"
    );
    let page = checked(&o, &server, "/office/verify-doc", &ocsrf, ofd.clone());
    assert!(
        page.contains("是登记在册的公文") && page.contains("签名有效"),
        "{page}"
    );
    let page = checked(&o, &server, "/office/verify-doc", &ocsrf, tampered(&ofd));
    assert!(page.contains("与登记簿中任何一份公文都不相同"), "{page}");

    // A community account may not see the city's 通知: not found, as for
    // a hash that was never issued.
    let res = c
        .get(server.at(&format!("/documents/{ofd_sha}")))
        .send()
        .unwrap();
    assert_eq!(res.status(), 404);

    // The batch ZIP of register line 1 holds both files of the number.
    let res = o
        .get(server.at("/documents/batch.zip?first=1&last=1"))
        .send()
        .unwrap();
    assert_eq!(res.status(), 200);
    let bytes = res.bytes().unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let names: Vec<String> = (0..zip.len())
        .map(|i| zip.by_index(i).unwrap().name().unwrap().to_string())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names.iter().any(|n| n.ends_with(".pdf")), "{names:?}");
    let ofd_name = names.iter().find(|n| n.ends_with(".ofd")).unwrap().clone();
    let mut inside = Vec::new();
    zip.by_name(&ofd_name)
        .unwrap()
        .read_to_end(&mut inside)
        .unwrap();
    assert_eq!(inside, std::fs::read(t.path().join("通知.ofd")).unwrap());
    verify_clean(t.path());
}
