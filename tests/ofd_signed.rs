//! OFD signatures (GB/T 33190-2016 §18, issue 30), checked by tools that
//! are not ours: xmllint validates the signature parts against the
//! standard's schemas, openssl recomputes every `CheckValue` with SM3 and
//! verifies the CMS in `SignedValue.dat` over `Signature.xml`, ofdkit
//! still reads the signed OFD; and `kaoping verify-doc` names the file
//! changed after signing. Every OFD is issued by the real `kaoping render
//! … --format both` in an archive, with the archive's test key.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine as _;

use crate::ofd::{issue_both, python_has, tamper, unpack};
use crate::util::{TestArchive, kaoping, require, tool_run, tool_stdout};

const SIGNATURES: &str = "Doc_0/Signs/Signatures.xml";
const SIGNATURE: &str = "Doc_0/Signs/Sign_0/Signature.xml";
const SIGNED_VALUE: &str = "Doc_0/Signs/Sign_0/SignedValue.dat";
const PAGE: &str = "Doc_0/Pages/Page_0/Content.xml";

/// An issued (signed) OFD, unpacked beside it.
struct Issued {
    archive: TestArchive,
    ofd: PathBuf,
    root: PathBuf,
    names: Vec<String>,
}

fn issue() -> Issued {
    let archive = TestArchive::new();
    issue_both(&archive, "通知");
    let ofd = archive.path("通知.ofd");
    let root = archive.path("unpacked");
    let names = unpack(&ofd, &root);
    Issued {
        archive,
        ofd,
        root,
        names,
    }
}

/// `(FileRef, CheckValue)` of every `Reference` in `Signature.xml`.
fn references(xml: &str) -> Vec<(String, String)> {
    xml.split("<ofd:Reference FileRef=\"")
        .skip(1)
        .map(|r| {
            let (file, rest) = r.split_once('"').unwrap();
            let value = rest
                .split_once("<ofd:CheckValue>")
                .and_then(|(_, v)| v.split_once("</ofd:CheckValue>"))
                .unwrap()
                .0;
            (file.to_string(), value.to_string())
        })
        .collect()
}

/// The text of the first `<ofd:{name}>` element.
fn element<'a>(xml: &'a str, name: &str) -> &'a str {
    let open = format!("<ofd:{name}>");
    let (_, rest) = xml.split_once(&open).unwrap_or_else(|| panic!("{open}"));
    rest.split_once('<').unwrap().0
}

fn xmllint(schema: &Path, file: &Path) -> (bool, String) {
    let (ok, _, err) = tool_run(
        Command::new("xmllint")
            .args(["--noout", "--schema"])
            .arg(schema)
            .arg(file),
    );
    (ok, err)
}

#[test]
fn the_signature_parts_validate_against_the_gbt_33190_schemas() {
    if !require("xmllint", "libxml2-utils") {
        return;
    }
    let t = issue();
    for part in [SIGNATURES, SIGNATURE, SIGNED_VALUE] {
        assert!(t.names.iter().any(|n| n == part), "{part}: {:?}", t.names);
    }
    let xsd = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/ofd-xsd");
    // OFD.xml names the list after DocRoot, where the schema wants it.
    let entry = std::fs::read_to_string(t.root.join("OFD.xml")).unwrap();
    assert!(entry.contains("<ofd:Signatures>Doc_0/Signs/Signatures.xml</ofd:Signatures>"));
    for (schema, part) in [("OFD.xsd", "OFD.xml"), ("Signatures.xsd", SIGNATURES)] {
        let (ok, err) = xmllint(&xsd.join(schema), &t.root.join(part));
        assert!(ok, "{part}: {err}");
    }
    // The schema the standard prints allows only MD5 and SHA1 as the
    // CheckMethod, though its text asks for an industry's own algorithm:
    // SM3 by its OID is the only thing the unmodified schema rejects ...
    let (ok, err) = xmllint(&xsd.join("Signature.xsd"), &t.root.join(SIGNATURE));
    assert!(!ok);
    let errors: Vec<&str> = err.lines().filter(|l| l.contains("error")).collect();
    assert_eq!(errors.len(), 1, "{err}");
    assert!(
        errors[0].contains("CheckMethod") && errors[0].contains("1.2.156.10197.1.401"),
        "{err}"
    );
    // ... and with SM3 added to that enumeration the part validates.
    let widened = t.archive.path("xsd");
    std::fs::create_dir(&widened).unwrap();
    for entry in std::fs::read_dir(&xsd).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, widened.join(path.file_name().unwrap())).unwrap();
    }
    let schema = std::fs::read_to_string(xsd.join("Signature.xsd")).unwrap();
    let sha1 = "<xs:enumeration value=\"SHA1\" />";
    assert!(schema.contains(sha1));
    let schema = schema.replace(
        sha1,
        &format!("{sha1}<xs:enumeration value=\"1.2.156.10197.1.401\" />"),
    );
    std::fs::write(widened.join("Signature.xsd"), schema).unwrap();
    let (ok, err) = xmllint(&widened.join("Signature.xsd"), &t.root.join(SIGNATURE));
    assert!(ok, "{err}");
}

#[test]
fn every_check_value_is_the_sm3_openssl_computes() {
    if !require("openssl", "openssl") {
        return;
    }
    let t = issue();
    let xml = std::fs::read_to_string(t.root.join(SIGNATURE)).unwrap();
    assert!(xml.contains("<ofd:References CheckMethod=\"1.2.156.10197.1.401\">"));
    // The test key is ECDSA P-256; the date is the document's.
    assert_eq!(element(&xml, "SignatureMethod"), "1.2.840.10045.4.3.2");
    assert!(element(&xml, "SignatureDateTime").starts_with("2026-11-20"));
    assert!(xml.contains("ProviderName=\"kaoping\""));
    assert_eq!(
        element(&xml, "SignedValue"),
        "/Doc_0/Signs/Sign_0/SignedValue.dat"
    );
    let refs: BTreeMap<String, String> = references(&xml).into_iter().collect();
    // Every file of the package but the signature parts, in name order.
    let mut expected: Vec<String> = t
        .names
        .iter()
        .filter(|n| !n.starts_with("Doc_0/Signs/"))
        .map(|n| format!("/{n}"))
        .collect();
    expected.sort();
    let listed: Vec<String> = references(&xml).into_iter().map(|(f, _)| f).collect();
    assert_eq!(listed, expected);
    assert!(refs.contains_key("/OFD.xml") && refs.contains_key(&format!("/{PAGE}")));
    for (file, value) in &refs {
        let out = Command::new("openssl")
            .args(["dgst", "-sm3", "-r"])
            .arg(t.root.join(file.trim_start_matches('/')))
            .output()
            .unwrap();
        assert!(out.status.success(), "{file}");
        let text = String::from_utf8(out.stdout).unwrap();
        let openssl = text.split_whitespace().next().unwrap();
        let stated = base64::engine::general_purpose::STANDARD
            .decode(value)
            .unwrap();
        assert_eq!(hex::encode(stated), openssl, "{file}");
    }
}

/// `openssl cms -verify` of `SignedValue.dat` over `content`, with the
/// organ's self-signed test certificate as the trust anchor.
fn openssl_verify(t: &Issued, content: &Path) -> (bool, String) {
    let keys = t.archive.archive().join("keys");
    let cert = std::fs::read_dir(&keys)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(".cert.pem"))
        .unwrap();
    let (ok, _, err) = tool_run(
        Command::new("openssl")
            .args(["cms", "-verify", "-binary", "-inform", "DER", "-in"])
            .arg(t.root.join(SIGNED_VALUE))
            .arg("-content")
            .arg(content)
            .arg("-CAfile")
            .arg(cert)
            .args(["-out", "/dev/null"]),
    );
    (ok, err)
}

#[test]
fn openssl_verifies_the_cms_over_signature_xml_and_not_a_changed_one() {
    if !require("openssl", "openssl") {
        return;
    }
    let t = issue();
    let (ok, err) = openssl_verify(&t, &t.root.join(SIGNATURE));
    assert!(ok && err.contains("Verification successful"), "{err}");
    let mut bytes = std::fs::read(t.root.join(SIGNATURE)).unwrap();
    let at = bytes.windows(4).position(|w| w == b"Doc_").unwrap();
    bytes[at] = b'X';
    let changed = t.archive.path("Signature.xml");
    std::fs::write(&changed, bytes).unwrap();
    let (ok, err) = openssl_verify(&t, &changed);
    assert!(!ok, "{err}");
}

/// `ofd` packed again into `out` with `edit` applied to each file and
/// `extra` (name, bytes) added.
fn repack(
    ofd: &Path,
    out: &Path,
    extra: Option<(&str, &[u8])>,
    mut edit: impl FnMut(&str, &mut Vec<u8>),
) {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(ofd).unwrap()).unwrap();
    let mut files = Vec::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut bytes).unwrap();
        files.push((name, bytes));
    }
    files.extend(extra.map(|(n, b)| (n.to_string(), b.to_vec())));
    let mut writer = zip::ZipWriter::new(std::fs::File::create(out).unwrap());
    for (name, mut bytes) in files {
        edit(&name, &mut bytes);
        writer
            .start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut writer, &bytes).unwrap();
    }
    writer.finish().unwrap();
}

/// `kaoping verify-doc` of `file` without an archive (the signatures
/// alone): success, standard output, standard error.
fn verify_alone(file: &Path) -> (bool, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let out = kaoping(dir.path())
        .arg("verify-doc")
        .arg(file)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_changed_page_fails_verify_doc_which_names_the_file() {
    let t = issue();
    // Intact: signed by the organ, every CheckValue matching.
    let (ok, out, err) = verify_alone(&t.ofd);
    assert!(ok, "{out}{err}");
    assert!(out.contains("签名有效"), "{out}");
    assert!(out.contains("ECDSA"), "{out}");
    assert!(
        out.contains("昆明市城乡社区治理工作领导小组办公室"),
        "{out}"
    );
    assert!(out.contains("全部相符"), "{out}");
    // One byte of page 1: its CheckValue no longer matches.
    let bad = t.archive.path("改过.ofd");
    tamper(&t.ofd, &bad);
    let (ok, out, err) = verify_alone(&bad);
    assert!(!ok, "{out}");
    assert!(out.contains(&format!("{PAGE} 的 CheckValue")), "{out}");
    assert!(err.contains(PAGE), "{err}");
    // With the archive it is not the registered file either.
    let out = t
        .archive
        .cmd()
        .arg("verify-doc")
        .arg(&bad)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains(PAGE));
    // The page changed and its CheckValue rewritten to match: the
    // signature over Signature.xml no longer verifies.
    let forged = t.archive.path("改过签名描述.ofd");
    let page = std::fs::read(t.root.join(PAGE)).unwrap();
    let mut new_page = page.clone();
    let at = new_page
        .windows(10)
        .position(|w| w == b"Boundary=\"")
        .unwrap()
        + 10;
    new_page[at] = if new_page[at] == b'1' { b'2' } else { b'1' };
    let value = |b: &[u8]| {
        let out = Command::new("openssl")
            .args(["dgst", "-sm3", "-binary"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .and_then(|mut c| {
                std::io::Write::write_all(c.stdin.as_mut().unwrap(), b)?;
                c.wait_with_output()
            });
        out.ok()
            .map(|o| base64::engine::general_purpose::STANDARD.encode(o.stdout))
    };
    let (Some(old), Some(new)) = (value(&page), value(&new_page)) else {
        assert!(!crate::util::in_ci(), "openssl is required in CI");
        return;
    };
    repack(&t.ofd, &forged, None, |name, bytes| {
        if name == PAGE {
            *bytes = new_page.clone();
        } else if name == SIGNATURE {
            let text = String::from_utf8(bytes.clone()).unwrap();
            assert!(text.contains(&old));
            *bytes = text.replace(&old, &new).into_bytes();
        }
    });
    let (ok, out, err) = verify_alone(&forged);
    assert!(!ok, "{out}");
    assert!(out.contains("Signature.xml）被改动过"), "{out}");
    assert!(err.contains("签名值核验不通过"), "{err}");
    // A file added after signing is named as unprotected.
    let added = t.archive.path("加了文件.ofd");
    repack(
        &t.ofd,
        &added,
        Some(("Doc_0/Res/extra.png", b"unsigned")),
        |_, _| {},
    );
    let (ok, out, _) = verify_alone(&added);
    assert!(!ok, "{out}");
    assert!(out.contains("Doc_0/Res/extra.png"), "{out}");
}

#[test]
fn ofdkit_still_reads_the_signed_ofd() {
    if !python_has("ofdkit", "ofdkit") {
        return;
    }
    let t = issue();
    let text: String = tool_stdout(
        Command::new("python3")
            .args(["-m", "ofdkit", "text"])
            .arg(&t.ofd),
    )
    .chars()
    .filter(|c| !c.is_whitespace())
    .collect();
    assert!(text.contains("〔2026〕1号"), "{text}");
    assert!(text.contains("城乡社区治理创新试点建设工作方案"), "{text}");
    // The package it read is the signed one.
    assert!(t.names.iter().any(|n| n == SIGNATURES));
}

/// The `<ofd:{name}>` texts of every such element.
fn elements<'a>(xml: &'a str, name: &str) -> Vec<&'a str> {
    let open = format!("<ofd:{name}>");
    xml.split(&open)
        .skip(1)
        .map(|r| r.split_once('<').unwrap().0)
        .collect()
}

#[test]
fn a_joint_document_gets_one_signature_per_organ_with_its_own_algorithm() {
    if !require("openssl", "openssl") {
        return;
    }
    let t = TestArchive::new();
    // The second organ signs with an RSA key made by openssl.
    let ca = t.archive().join("ca");
    std::fs::create_dir_all(&ca).unwrap();
    tool_stdout(
        Command::new("openssl")
            .args([
                "req", "-x509", "-newkey", "rsa:2048", "-noenc", "-days", "30",
            ])
            .args(["-subj", "/CN=kaoping minzheng rsa"])
            .arg("-keyout")
            .arg(ca.join("k.pem"))
            .arg("-out")
            .arg(ca.join("c.pem")),
    );
    let config = t.archive().join("kaoping.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    let joint = "[[organs]]\nkey = \"minzheng\"\nname = \"昆明市民政局\"\nheader = \"昆明市民政局文件\"\nprefix = \"昆民\"\nsigning_key = \"ca/k.pem\"\ncertificate = \"ca/c.pem\"\n\n[documents]\nissuers = [\"shezhiban\", \"minzheng\"]";
    let changed = text.replacen("[documents]\nissuers = [\"shezhiban\"]", joint, 1);
    assert_ne!(text, changed);
    std::fs::write(&config, changed).unwrap();
    issue_both(&t, "联合");
    let ofd = t.path("联合.ofd");
    let root = t.path("unpacked");
    unpack(&ofd, &root);
    let list = std::fs::read_to_string(root.join(SIGNATURES)).unwrap();
    assert_eq!(elements(&list, "MaxSignId"), ["s002"]);
    assert!(list.contains("ID=\"s001\" Type=\"Sign\" BaseLoc=\"Sign_0/Signature.xml\""));
    assert!(list.contains("ID=\"s002\" Type=\"Sign\" BaseLoc=\"Sign_1/Signature.xml\""));
    let certs = [
        t.archive().join("keys/shezhiban.cert.pem"),
        ca.join("c.pem"),
    ];
    let methods = ["1.2.840.10045.4.3.2", "1.2.840.113549.1.1.11"];
    for (n, (cert, method)) in certs.iter().zip(methods).enumerate() {
        let dir = root.join(format!("Doc_0/Signs/Sign_{n}"));
        let xml = std::fs::read_to_string(dir.join("Signature.xml")).unwrap();
        assert_eq!(elements(&xml, "SignatureMethod"), [method]);
        let verify = |cert: &Path| {
            Command::new("openssl")
                .args(["cms", "-verify", "-binary", "-inform", "DER", "-in"])
                .arg(dir.join("SignedValue.dat"))
                .arg("-content")
                .arg(dir.join("Signature.xml"))
                .arg("-CAfile")
                .arg(cert)
                .args(["-out", "/dev/null"])
                .output()
                .unwrap()
                .status
                .success()
        };
        // Each signature is its own organ's: the other's certificate
        // does not vouch for it.
        assert!(verify(cert), "Sign_{n}");
        assert!(!verify(&certs[1 - n]), "Sign_{n} trusted the other organ");
    }
    let (ok, out, err) = verify_alone(&ofd);
    assert!(ok, "{out}{err}");
    assert!(out.contains("2 个"), "{out}");
    assert!(
        out.contains("RSA + SHA-256") && out.contains("ECDSA"),
        "{out}"
    );
    assert!(out.contains("kaoping minzheng rsa"), "{out}");
    assert_eq!(out.matches("结果：签名有效").count(), 2, "{out}");
}
