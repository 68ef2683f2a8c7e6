//! Signed documents checked by tools that are not ours: poppler's
//! `pdfsig`, pyHanko (`pyhanko sign validate`) and `qpdf --check` judge
//! every demo document; one changed byte or a page appended after signing
//! makes them, and `kaoping verify-doc` without an archive, say so; an
//! organ without a usable key is refused before any number is taken; an
//! RSA key made by openssl with a passphrase signs; a joint document
//! carries one signature per organ; the seal sits where GB/T 9704 §7.3.5
//! puts it. Without the tools the tests skip locally and fail under
//! `CI=true`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::documents_layout::{output, pdfs};
use crate::util::{TestArchive, kaoping, require};

fn tools() -> bool {
    require("pdfsig", "poppler-utils")
        && require("qpdf", "qpdf")
        && require("pyhanko", "pyhanko-cli (PyPI)")
}

/// The demo's certificates (every organ that signed).
fn demo_certs() -> Vec<PathBuf> {
    let keys = output().parent().unwrap().join("archive/keys");
    let mut v: Vec<PathBuf> = fs::read_dir(keys)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".cert.pem"))
        .collect();
    v.sort();
    v
}

fn run(cmd: &mut Command) -> (bool, String) {
    let out = cmd.output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn pdfsig(pdf: &Path) -> String {
    run(Command::new("pdfsig").arg(pdf)).1
}

fn pyhanko(pdf: &Path, certs: &[PathBuf]) -> (bool, String) {
    let mut cmd = Command::new("pyhanko");
    cmd.args(["sign", "validate"]);
    for c in certs {
        cmd.arg("--trust").arg(c);
    }
    run(cmd.arg(pdf))
}

#[test]
fn every_demo_document_is_signed_valid_and_whole() {
    if !tools() {
        return;
    }
    let certs = demo_certs();
    assert!(!certs.is_empty());
    let empty = tempfile::tempdir().unwrap();
    for pdf in pdfs() {
        let sig = pdfsig(&pdf);
        assert!(
            sig.contains("Signature is Valid"),
            "{}: {sig}",
            pdf.display()
        );
        assert!(
            sig.contains("Total document signed"),
            "{}: {sig}",
            pdf.display()
        );
        let (ok, text) = pyhanko(&pdf, &certs);
        assert!(
            ok && text.contains("INTACT:TRUSTED,UNTOUCHED"),
            "{}: {text}",
            pdf.display()
        );
        let (ok, text) = run(Command::new("qpdf").arg("--check").arg(&pdf));
        assert!(ok, "{}: {text}", pdf.display());
        // Anyone can check it without the archive.
        let out = kaoping(empty.path())
            .arg("verify-doc")
            .arg(&pdf)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{}: {text}", pdf.display());
        assert!(text.contains("签名有效，覆盖整个文件"), "{text}");
        assert!(text.contains("测试证书"), "{text}");
    }
}

/// A copy of `pdf` with one character of its title changed inside the
/// signed bytes (the file still parses).
fn tampered(pdf: &Path, to: &Path) {
    let mut bytes = fs::read(pdf).unwrap();
    let at = bytes
        .windows(8)
        .position(|w| w == b"/Creator")
        .expect("a /Creator entry");
    let open = at + bytes[at..].iter().position(|&b| b == b'(').unwrap() + 1;
    bytes[open] = if bytes[open] == b'X' { b'Y' } else { b'X' };
    fs::write(to, bytes).unwrap();
}

/// A copy of `pdf` with a blank page added by an incremental update after
/// the signature (the signed bytes untouched).
fn with_page_appended(pdf: &Path, to: &Path) {
    let bytes = fs::read(pdf).unwrap();
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    let pages_id = doc
        .catalog()
        .unwrap()
        .get(b"Pages")
        .unwrap()
        .as_reference()
        .unwrap();
    let mut inc = lopdf::IncrementalDocument::create_from(bytes, doc);
    let mut page = lopdf::Dictionary::new();
    page.set("Type", lopdf::Object::Name(b"Page".to_vec()));
    page.set("Parent", lopdf::Object::Reference(pages_id));
    page.set(
        "MediaBox",
        lopdf::Object::Array(vec![0.into(), 0.into(), 595.into(), 842.into()]),
    );
    let page_id = inc.new_document.add_object(page);
    inc.opt_clone_object_to_new_document(pages_id).unwrap();
    let pages = inc
        .new_document
        .get_object_mut(pages_id)
        .unwrap()
        .as_dict_mut()
        .unwrap();
    let mut kids = pages.get(b"Kids").unwrap().as_array().unwrap().clone();
    kids.push(lopdf::Object::Reference(page_id));
    let count = kids.len() as i64;
    pages.set("Kids", lopdf::Object::Array(kids));
    pages.set("Count", lopdf::Object::Integer(count));
    let mut out = Vec::new();
    inc.save_to(&mut out).unwrap();
    fs::write(to, out).unwrap();
}

#[test]
fn a_changed_byte_or_an_appended_page_is_caught() {
    if !tools() {
        return;
    }
    let certs = demo_certs();
    let original = pdfs()
        .into_iter()
        .find(|p| p.to_string_lossy().contains("进度汇总表"))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let changed = dir.path().join("改过.pdf");
    tampered(&original, &changed);
    let sig = pdfsig(&changed);
    assert!(!sig.contains("Signature is Valid"), "{sig}");
    let (_, text) = pyhanko(&changed, &certs);
    assert!(!text.contains("INTACT"), "{text}");
    let out = kaoping(dir.path())
        .arg("verify-doc")
        .arg(&changed)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("签名无效"));

    let appended = dir.path().join("加页.pdf");
    with_page_appended(&original, &appended);
    let sig = pdfsig(&appended);
    assert!(!sig.contains("Total document signed"), "{sig}");
    let (_, text) = pyhanko(&appended, &certs);
    assert!(!text.contains("UNTOUCHED"), "{text}");
    let out = kaoping(dir.path())
        .arg("verify-doc")
        .arg(&appended)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("追加"));
}

/// Issues the 进度汇总表 into `out`; the command's output.
fn progress(t: &TestArchive, out: &str) -> std::process::Output {
    t.cmd().args(["progress", "-o", out]).output().unwrap()
}

#[test]
fn an_organ_without_its_key_is_refused_and_no_number_is_used() {
    let t = TestArchive::new();
    let config = t.archive().join("kaoping.toml");
    let text = fs::read_to_string(&config).unwrap();
    fs::write(&config, format!("{text}\n[signing]\ntest_keys = false\n")).unwrap();
    let out = progress(&t, "a");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("没有签名密钥") && err.contains("kaoping keys init"),
        "{err}"
    );
    let register =
        String::from_utf8_lossy(&t.cmd().arg("register").output().unwrap().stdout).to_string();
    assert!(!register.contains("〔"), "{register}");

    let made = t
        .cmd()
        .args(["keys", "init", "--organ", "昆社治办"])
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let shown = String::from_utf8_lossy(&t.cmd().args(["keys", "show"]).output().unwrap().stdout)
        .to_string();
    assert!(
        shown.contains("测试证书") && shown.contains("有效期至"),
        "{shown}"
    );
    // A second init of the same organ keeps the key unless forced.
    assert!(
        !t.cmd()
            .args(["keys", "init", "--organ", "昆社治办"])
            .output()
            .unwrap()
            .status
            .success()
    );
    let out = progress(&t, "b");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let register =
        String::from_utf8_lossy(&t.cmd().arg("register").output().unwrap().stdout).to_string();
    assert!(
        register.contains("〔") && register.contains("1号"),
        "{register}"
    );
}

#[test]
fn an_openssl_rsa_key_with_a_passphrase_signs() {
    if !tools() || !require("openssl", "openssl") {
        return;
    }
    let t = TestArchive::new();
    let keys = t.archive().join("ca");
    fs::create_dir_all(&keys).unwrap();
    let ok = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-days",
            "30",
            "-subj",
            "/CN=kaoping rsa test",
        ])
        .arg("-keyout")
        .arg(keys.join("k.pem"))
        .arg("-out")
        .arg(keys.join("c.pem"))
        .args(["-passout", "pass:mima-123"])
        .output()
        .unwrap();
    assert!(ok.status.success());
    let config = t.archive().join("kaoping.toml");
    let text = fs::read_to_string(&config).unwrap().replacen(
        "prefix = \"昆社治办\"\n",
        "prefix = \"昆社治办\"\nsigning_key = \"ca/k.pem\"\ncertificate = \"ca/c.pem\"\npassphrase_env = \"KAOPING_TEST_MIMA\"\n",
        1,
    );
    fs::write(&config, text).unwrap();
    let out = t
        .cmd()
        .env_remove("KAOPING_TEST_MIMA")
        .args(["progress", "-o", "a"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("KAOPING_TEST_MIMA"));
    let out = t
        .cmd()
        .env("KAOPING_TEST_MIMA", "mima-123")
        .args(["progress", "-o", "b"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pdf = fs::read_dir(t.path("b"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "pdf"))
        .unwrap();
    assert!(pdfsig(&pdf).contains("Signature is Valid"));
    let (ok, text) = pyhanko(&pdf, &[keys.join("c.pem")]);
    assert!(ok && text.contains("INTACT:TRUSTED,UNTOUCHED"), "{text}");
}

#[test]
fn a_joint_document_carries_one_signature_per_organ_in_order() {
    if !tools() {
        return;
    }
    let t = TestArchive::new();
    let config = t.archive().join("kaoping.toml");
    let text = fs::read_to_string(&config)
        .unwrap()
        .replacen(
            "[documents]\nissuers = [\"shezhiban\"]",
            "[[organs]]\nkey = \"minzheng\"\nname = \"昆明市民政局\"\nheader = \"昆明市民政局文件\"\nprefix = \"昆民\"\n\n[documents]\nissuers = [\"shezhiban\", \"minzheng\"]",
            1,
        );
    fs::write(&config, text).unwrap();
    let out = progress(&t, "a");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pdf = fs::read_dir(t.path("a"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "pdf"))
        .unwrap();
    let sig = pdfsig(&pdf);
    let first = sig.find("Signature #1").unwrap();
    let second = sig.find("Signature #2").expect("two signatures");
    assert!(
        sig[first..second].contains("昆明市城乡社区治理工作领导小组办公室"),
        "{sig}"
    );
    assert!(sig[second..].contains("昆明市民政局"), "{sig}");
    assert_eq!(sig.matches("Signature is Valid").count(), 2, "{sig}");
    let certs: Vec<PathBuf> = ["shezhiban", "minzheng"]
        .iter()
        .map(|k| t.archive().join(format!("keys/{k}.cert.pem")))
        .collect();
    let (_, text) = pyhanko(&pdf, &certs);
    assert_eq!(text.matches(":INTACT:TRUSTED").count(), 2, "{text}");
}

/// A word's box from `pdftotext -bbox`: text and (xMin, yMin, xMax, yMax)
/// in points, with its page.
struct Word {
    page: usize,
    text: String,
    b: [f64; 4],
}

fn words(pdf: &Path) -> Vec<Word> {
    let out = Command::new("pdftotext")
        .arg("-bbox")
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let num = |line: &str, key: &str| -> f64 {
        let k = format!("{key}=\"");
        let s = line.find(&k).unwrap() + k.len();
        line[s..s + line[s..].find('"').unwrap()].parse().unwrap()
    };
    let mut page = 0;
    let mut v = Vec::new();
    for line in text.lines() {
        if line.contains("<page ") {
            page += 1;
        } else if line.contains("<word ") {
            let t = &line[line.find('>').unwrap() + 1..line.rfind("</word>").unwrap()];
            v.push(Word {
                page,
                text: t.to_string(),
                b: ["xMin", "yMin", "xMax", "yMax"].map(|k| num(line, k)),
            });
        }
    }
    v
}

#[test]
fn the_seal_sits_over_the_signature_and_date_as_gbt_9704_says() {
    if !require("pdftoppm", "poppler-utils") {
        return;
    }
    let pdf = pdfs()
        .into_iter()
        .find(|p| p.to_string_lossy().contains("督查情况通报"))
        .unwrap();
    let all = words(&pdf);
    // The 署名 with the 成文日期 right below it (the 版记's 印发机关 line
    // names the organ too).
    let below = |n: &Word| {
        all.iter().find(|w| {
            w.page == n.page
                && w.b[1] > n.b[3]
                && w.b[1] - n.b[3] < 20.0
                && w.text.ends_with('日')
                && w.text.contains('年')
        })
    };
    let name = all
        .iter()
        .find(|w| w.text == "昆明市城乡社区治理工作领导小组办公室" && below(w).is_some())
        .expect("the 署名 over the 成文日期");
    let date = below(name).unwrap();
    let body_bottom = all
        .iter()
        .filter(|w| w.page == name.page && w.b[3] < name.b[1] - 1.0)
        .map(|w| w.b[3])
        .fold(0.0, f64::max);
    // The page at 100 dpi; the seal is the red below the body.
    let dir = tempfile::tempdir().unwrap();
    let stem = dir.path().join("p");
    let page = name.page.to_string();
    let ok = Command::new("pdftoppm")
        .args(["-r", "100", "-png", "-f", &page, "-l", &page])
        .arg(&pdf)
        .arg(&stem)
        .status()
        .unwrap();
    assert!(ok.success());
    let png = fs::read_dir(dir.path())
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let img = image::open(&png).unwrap().to_rgb8();
    let pt = |px: u32| f64::from(px) * 72.0 / 100.0;
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, 0.0f64, 0.0f64);
    for (x, y, p) in img.enumerate_pixels() {
        let [r, g, b] = p.0;
        if r > 180 && g < 100 && b < 100 && pt(y) > body_bottom - 60.0 {
            (x0, y0, x1, y1) = (x0.min(pt(x)), y0.min(pt(y)), x1.max(pt(x)), y1.max(pt(y)));
        }
    }
    let mm = 72.0 / 25.4;
    let width = x1 - x0;
    assert!(
        (width - 42.0 * mm).abs() < 3.0 * mm,
        "seal {width:.1} pt wide"
    );
    // 居中下压: centred on the 署名 and date, which sit in its lower middle.
    let centre = (x0 + x1) / 2.0;
    let date_centre = (date.b[0] + date.b[2]) / 2.0;
    let name_centre = (name.b[0] + name.b[2]) / 2.0;
    assert!(
        (centre - date_centre).abs() < 3.0 * mm,
        "seal centre {centre:.1}, date {date_centre:.1}"
    );
    // A 署名 too long to centre over the date stops at the right edge of
    // the text block; the seal still presses it.
    assert!(
        (centre - name_centre).abs() < 12.0 * mm && x0 < name.b[2] && x1 > name.b[0],
        "seal centre {centre:.1}, 署名 {name_centre:.1}"
    );
    let pair_middle = (name.b[1] + date.b[3]) / 2.0;
    assert!(
        pair_middle > (y0 + y1) / 2.0,
        "署名 and date below the seal's centre"
    );
    assert!(
        name.b[1] > y0 && date.b[3] < y1,
        "署名 and date inside the seal"
    );
    // 印章顶端应上距正文一行之内 (a line is 225 mm / 22).
    let line = 225.0 / 22.0 * mm;
    assert!(
        y0 > body_bottom - 2.0 && y0 - body_bottom < line,
        "seal top {y0:.1}, body ends {body_bottom:.1}"
    );
}

/// SM3 (GB/T 32905) of a file by Python's hashlib.
fn python_sm3(path: &Path) -> String {
    let out = Command::new("python3")
        .args(["-c", "import hashlib,sys; print(hashlib.new('sm3', open(sys.argv[1],'rb').read()).hexdigest())"])
        .arg(path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[test]
fn sm3_digests_match_openssl_and_python() {
    if !require("openssl", "openssl") || !require("python3", "python3") {
        return;
    }
    let t = TestArchive::new();
    let out = progress(&t, "a");
    assert!(out.status.success());
    let pdf = t.path("a/进度汇总表.pdf");
    let register: serde_json::Value = serde_json::from_slice(
        &t.cmd()
            .args(["register", "--json"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let recorded = register[0]["objects"][0]["sm3"]
        .as_str()
        .expect("SM3 in the register")
        .to_string();
    let openssl = run(Command::new("openssl")
        .args(["dgst", "-sm3", "-r"])
        .arg(&pdf))
    .1;
    assert!(openssl.starts_with(&recorded), "{openssl} vs {recorded}");
    assert_eq!(python_sm3(&pdf), recorded);
    let verified =
        String::from_utf8_lossy(&t.cmd().arg("verify").output().unwrap().stdout).to_string();
    assert!(verified.contains("SM3"), "{verified}");

    // A bag carries the SM3 of every payload file beside its SHA-256.
    t.community("A1");
    fs::create_dir_all(t.path("in/Ⅱ-1/标准1")).unwrap();
    fs::write(t.path("in/Ⅱ-1/标准1/会议记录.txt"), "党组织会议记录").unwrap();
    t.ingest("in", "A1", &[]);
    t.ok(&["export", "--community", "A1", "-o", "b.zip"]);
    let dir = t.path("bag");
    zip::ZipArchive::new(fs::File::open(t.path("b.zip")).unwrap())
        .unwrap()
        .extract(&dir)
        .unwrap();
    let bag = fs::read_dir(&dir).unwrap().next().unwrap().unwrap().path();
    let manifest = fs::read_to_string(bag.join("sm3-manifest.txt")).unwrap();
    let mut lines = 0;
    for line in manifest.lines() {
        let (digest, name) = line.split_once("  ").unwrap();
        assert_eq!(python_sm3(&bag.join(name)), digest, "{name}");
        lines += 1;
    }
    assert!(lines >= 1);
    let tags = fs::read_to_string(bag.join("tagmanifest-sha256.txt")).unwrap();
    assert!(tags.contains("sm3-manifest.txt"), "{tags}");
}

#[test]
fn an_sm2_key_adds_a_detached_signature_openssl_verifies() {
    if !require("openssl", "openssl") {
        return;
    }
    let t = TestArchive::new();
    let keys = t.archive().join("sm2");
    fs::create_dir_all(&keys).unwrap();
    let key = keys.join("sm2.pem");
    let public = keys.join("sm2-pub.pem");
    let gen_ok = Command::new("openssl")
        .args(["genpkey", "-algorithm", "SM2", "-out"])
        .arg(&key)
        .status()
        .unwrap();
    assert!(gen_ok.success());
    let pub_ok = Command::new("openssl")
        .args(["pkey", "-pubout", "-in"])
        .arg(&key)
        .arg("-out")
        .arg(&public)
        .status()
        .unwrap();
    assert!(pub_ok.success());
    let config = t.archive().join("kaoping.toml");
    let text = fs::read_to_string(&config).unwrap().replacen(
        "prefix = \"昆社治办\"\n",
        "prefix = \"昆社治办\"\nsm2_key = \"sm2/sm2.pem\"\n",
        1,
    );
    fs::write(&config, text).unwrap();
    let out = progress(&t, "a");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pdf = t.path("a/进度汇总表.pdf");
    let sig = t.path("a/进度汇总表.pdf.sig");
    let check = |file: &Path| {
        run(Command::new("openssl")
            .args(["dgst", "-sm3", "-verify"])
            .arg(&public)
            .args(["-sigopt", "distid:1234567812345678", "-signature"])
            .arg(&sig)
            .arg(file))
    };
    let (ok, text) = check(&pdf);
    assert!(ok && text.contains("Verified OK"), "{text}");
    // The signature is of these bytes only.
    let mut bytes = fs::read(&pdf).unwrap();
    bytes[100] ^= 1;
    let other = t.path("other.pdf");
    fs::write(&other, bytes).unwrap();
    let (ok, _) = check(&other);
    assert!(!ok);
    // The register keeps the signature with the PDF.
    let register: serde_json::Value = serde_json::from_slice(
        &t.cmd()
            .args(["register", "--json"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!(
        register[0]["objects"].as_array().unwrap().len(),
        2,
        "{register}"
    );
    assert!(t.cmd().arg("verify").output().unwrap().status.success());
}
