//! Signing a small package and checking it again: the round trip, the
//! same bytes for the same package, and each kind of change named.

use std::io::Write;

use super::*;
use crate::sign::keys::{self, Algorithm, KeyFiles};

const PAGE: &str = "Doc_0/Pages/Page_0/Content.xml";

fn key(dir: &std::path::Path, organ: &str, algorithm: Algorithm) -> OrganKey {
    let now = crate::sign::unix_now();
    let (key, cert) = keys::make_test(organ, algorithm, now, 30).unwrap();
    let files = KeyFiles {
        key: dir.join(format!("{organ}.key.pem")),
        certificate: dir.join(format!("{organ}.cert.pem")),
        passphrase_env: None,
    };
    std::fs::write(&files.key, key).unwrap();
    std::fs::write(&files.certificate, cert).unwrap();
    OrganKey::load(organ, &files, now).unwrap()
}

fn parts() -> Vec<(String, Vec<u8>)> {
    let entry = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ofd:OFD xmlns:ofd=\"{NS}\" Version=\"1.0\" DocType=\"OFD\"><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot><ofd:Signatures>{SIGNATURES}</ofd:Signatures></ofd:DocBody></ofd:OFD>"
    );
    vec![
        ("Doc_0/Document.xml".into(), b"<ofd:Document/>".to_vec()),
        (PAGE.into(), b"<ofd:Page Boundary=\"0 0 10 10\"/>".to_vec()),
        ("Doc_0/Res/font_1.otf".into(), vec![0u8, 1, 2, 3]),
        ("OFD.xml".into(), entry.into_bytes()),
    ]
}

fn zip(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in files {
        w.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// The package of `parts` signed by `keys`, with `edit` applied after
/// signing.
fn signed(keys: &[OrganKey], edit: impl FnOnce(&mut Vec<(String, Vec<u8>)>)) -> Vec<u8> {
    let mut files = parts();
    let date = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
    files.extend(signature_files(&files, keys, date).unwrap());
    edit(&mut files);
    zip(&files)
}

#[test]
fn signed_parts_check_and_each_change_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let keys = [
        key(dir.path(), "机关甲", Algorithm::P256),
        key(dir.path(), "机关乙", Algorithm::Rsa2048),
    ];
    let c = check_ofd(&signed(&keys, |_| {})).unwrap();
    assert!(c.valid(), "{c:?}");
    assert_eq!(c.signatures.len(), 2);
    assert_eq!(c.signatures[0].method, ECDSA_SHA256);
    assert_eq!(c.signatures[1].method, RSA_SHA256);
    assert!(c.signatures[1].signer.starts_with("机关乙"));
    assert_eq!(c.signatures[0].files, 4);
    assert_eq!(c.signatures[1].id, "s002");
    // Same package, same key, same date: the same bytes.
    assert_eq!(signed(&keys[..1], |_| {}), signed(&keys[..1], |_| {}));

    let page = |f: &mut Vec<(String, Vec<u8>)>| {
        let p = f.iter_mut().find(|(n, _)| n == PAGE).unwrap();
        p.1[20] ^= 1;
    };
    let c = check_ofd(&signed(&keys, page)).unwrap();
    assert!(!c.valid());
    assert!(
        c.signatures
            .iter()
            .all(|s| s.changed == [PAGE] && s.value_intact)
    );

    let c = check_ofd(&signed(&keys, |f| f.retain(|(n, _)| n != PAGE))).unwrap();
    assert!(c.signatures.iter().all(|s| s.missing == [PAGE]));
    assert!(!c.valid());

    let extra = |f: &mut Vec<(String, Vec<u8>)>| f.push(("Doc_0/Res/x.png".into(), vec![1]));
    let c = check_ofd(&signed(&keys, extra)).unwrap();
    assert_eq!(c.unsigned, ["Doc_0/Res/x.png"]);
    assert!(!c.valid());

    // The description changed (a CheckValue dropped): its CMS fails.
    let description = |f: &mut Vec<(String, Vec<u8>)>| {
        let d = f
            .iter_mut()
            .find(|(n, _)| n == "Doc_0/Signs/Sign_0/Signature.xml")
            .unwrap();
        let text = String::from_utf8(d.1.clone()).unwrap();
        let at = text.find("<ofd:Reference FileRef=\"/Doc_0/Res").unwrap();
        let end = text[at..].find("</ofd:Reference>").unwrap() + at + 16;
        d.1 = format!("{}{}", &text[..at], &text[end..]).into_bytes();
    };
    let c = check_ofd(&signed(&keys, description)).unwrap();
    assert!(!c.signatures[0].value_intact && c.signatures[1].value_intact);
    assert!(!c.valid());
}

#[test]
fn an_unsigned_package_has_no_signatures_and_other_digests_are_refused() {
    let mut files = parts();
    files[3].1 = String::from_utf8(files[3].1.clone())
        .unwrap()
        .replace(
            "<ofd:Signatures>Doc_0/Signs/Signatures.xml</ofd:Signatures>",
            "",
        )
        .into_bytes();
    let c = check_ofd(&zip(&files)).unwrap();
    assert!(c.signatures.is_empty() && !c.valid());

    let dir = tempfile::tempdir().unwrap();
    let keys = [key(dir.path(), "机关甲", Algorithm::P256)];
    let md5 = |f: &mut Vec<(String, Vec<u8>)>| {
        for (n, b) in f.iter_mut() {
            if n.ends_with("Signature.xml") {
                *b = String::from_utf8(b.clone())
                    .unwrap()
                    .replace(SM3_OID, "MD5")
                    .into_bytes();
            }
        }
    };
    let e = check_ofd(&signed(&keys, md5)).unwrap_err();
    assert!(e.to_string().contains("MD5"), "{e}");
    assert!(check_ofd(b"PK\x03\x04 not a zip").is_err());
}
