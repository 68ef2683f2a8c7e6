//! The on-site page's offline outbox against the real server: a record
//! sent twice (its answer lost) is stored once, the same id with other
//! content is a 409 that replaces nothing, a photo's chunks resume after a
//! server restart and its stored hash is the original's, and the exported
//! outbox taken in with `kaoping field import-outbox` (twice) adds nothing
//! the page already delivered.

use reqwest::blocking::Client;
use serde_json::{Value, json};

use super::util::{
    EXPERT_PL, Server, WUHUA, archive, log, run, scoped_accounts, sign_in, verify_clean,
};

const VISIT_ID: &str = "6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b";
const PHOTO_ID: &str = "7a2d3c4b-5e6f-4a71-9b8c-0d1e2f3a4b5c";

fn count(dir: &std::path::Path, kind: &str) -> usize {
    log(dir).iter().filter(|r| r["kind"] == kind).count()
}

/// An archive with 五华区's point P1 at WH-001.
fn field_archive(dir: &std::path::Path) {
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
            "翠湖小区",
            "--kind",
            "小区",
        ],
        None,
    );
}

fn visit(id: &str, remark: &str) -> Value {
    json!({
        "id": id, "phone_time": "2026-12-01T10:00:00+08:00", "point": "P1", "kind": "考评结论",
        "date": "2026-12-01",
        "findings": [{"standard": "Ⅱ-6/1", "verdict": "基本达标", "remark": remark}],
    })
}

fn photo_record(id: &str, sha: &str) -> Value {
    json!({
        "id": id, "phone_time": "2026-12-01T10:01:00+08:00", "point": "P1", "kind": "照片",
        "standard": "Ⅱ-6/1", "sha256": sha, "name": "现场.jpg",
    })
}

fn sync(c: &Client, server: &Server, csrf: &str, body: &Value) -> (u16, Value) {
    let res = c
        .post(server.at("/c/WH-001/field/sync"))
        .header("x-csrf-token", csrf)
        .json(body)
        .send()
        .unwrap();
    (res.status().as_u16(), res.json().unwrap())
}

fn state(c: &Client, server: &Server, sha: &str) -> Value {
    c.get(server.at(&format!("/c/WH-001/field/blob/{sha}")))
        .send()
        .unwrap()
        .json()
        .unwrap()
}

fn chunk(
    c: &Client,
    server: &Server,
    csrf: &str,
    sha: &str,
    all: &[u8],
    from: usize,
    to: usize,
) -> (u16, Value) {
    let res = c
        .post(server.at(&format!(
            "/c/WH-001/field/chunk/{sha}?offset={from}&total={}",
            all.len()
        )))
        .header("x-csrf-token", csrf)
        .body(all[from..to].to_vec())
        .send()
        .unwrap();
    (res.status().as_u16(), res.json().unwrap())
}

/// A JPEG with EXIF, padded after its end to about `size` bytes (decoders
/// stop at the end marker; the store keeps every byte).
fn big_photo(dir: &std::path::Path, size: usize) -> Vec<u8> {
    let p = crate::field::util::photo(
        dir,
        "大照片.jpg",
        Some((0, Some(crate::field::util::AT))),
        11,
    );
    let mut bytes = std::fs::read(p).unwrap();
    let mut x: u32 = 7;
    while bytes.len() < size {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        bytes.push((x >> 16) as u8);
    }
    bytes
}

fn sha_of(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

#[test]
fn a_record_sent_twice_is_stored_once_and_other_content_is_a_conflict() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    field_archive(dir);
    let server = Server::start(dir, &[]);
    let (c, csrf) = sign_in(&server, WUHUA);
    let (status, first) = sync(&c, &server, &csrf, &visit(VISIT_ID, "公示栏未更新"));
    assert_eq!(
        (status, first["outcome"].as_str()),
        (200, Some("已保存")),
        "{first}"
    );
    // The answer was lost: the phone sends it again.
    let (status, again) = sync(&c, &server, &csrf, &visit(VISIT_ID, "公示栏未更新"));
    assert_eq!(
        (status, again["outcome"].as_str()),
        (200, Some("此前已保存")),
        "{again}"
    );
    assert_eq!(count(dir, "field-visit"), 1);
    // The same id with other content: refused, nothing replaced.
    let (status, conflict) = sync(&c, &server, &csrf, &visit(VISIT_ID, "已整改"));
    assert_eq!(status, 409, "{conflict}");
    assert!(
        conflict["error"].as_str().unwrap().contains("不同的内容"),
        "{conflict}"
    );
    let visits: Vec<Value> = log(dir)
        .into_iter()
        .filter(|r| r["kind"] == "field-visit")
        .collect();
    assert_eq!(visits.len(), 1);
    assert_eq!(visits[0]["data"]["rows"][0]["remark"], "公示栏未更新");
    assert_eq!(visits[0]["data"]["client"]["id"], VISIT_ID);
    // No session token, or an expert of another community: refused.
    let res = c
        .post(server.at("/c/WH-001/field/sync"))
        .json(&visit(PHOTO_ID, "x"))
        .send()
        .unwrap();
    assert_eq!(res.status(), 403);
    let (other, other_csrf) = sign_in(&server, EXPERT_PL);
    let (status, _) = sync(&other, &server, &other_csrf, &visit(PHOTO_ID, "x"));
    assert_eq!(status, 403);
    // The on-site rules as online: a standard not checked by 实地考评.
    let mut wrong = visit(PHOTO_ID, "x");
    wrong["findings"][0]["standard"] = json!("Ⅰ-1/1");
    let (status, refused) = sync(&c, &server, &csrf, &wrong);
    assert_eq!(status, 422, "{refused}");
    assert_eq!(count(dir, "field-visit"), 1);
    verify_clean(dir);
}

#[test]
fn a_photo_resumes_after_a_restart_and_keeps_its_hash() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    field_archive(dir);
    let bytes = big_photo(dir, 5 << 20);
    let sha = sha_of(&bytes);
    let mib = 1 << 20;
    let server = Server::start(dir, &[]);
    let (c, csrf) = sign_in(&server, WUHUA);
    assert_eq!(
        state(&c, &server, &sha),
        json!({"have": false, "offset": 0})
    );
    // Over the limit: refused before anything is written.
    let res = c
        .post(server.at(&format!(
            "/c/WH-001/field/chunk/{sha}?offset=0&total={}",
            30u64 << 20
        )))
        .header("x-csrf-token", &csrf)
        .body(bytes[..10].to_vec())
        .send()
        .unwrap();
    assert_eq!(res.status(), 422);
    assert_eq!(state(&c, &server, &sha)["offset"], 0);
    let (status, s) = chunk(&c, &server, &csrf, &sha, &bytes, 0, mib);
    assert_eq!((status, s["offset"].as_u64()), (200, Some(mib as u64)));
    // The answer was lost and the chunk sent again: not written twice.
    let (_, s) = chunk(&c, &server, &csrf, &sha, &bytes, 0, mib);
    assert_eq!(s["offset"].as_u64(), Some(mib as u64));
    let (_, s) = chunk(&c, &server, &csrf, &sha, &bytes, mib, 2 * mib);
    assert_eq!(s["offset"].as_u64(), Some(2 * mib as u64));
    // The server stops mid-photo; a new one goes on where it stopped.
    drop(c);
    server.terminate();
    let server = Server::start(dir, &[]);
    let (c, csrf) = sign_in(&server, WUHUA);
    let mut at = state(&c, &server, &sha)["offset"].as_u64().unwrap() as usize;
    assert_eq!(at, 2 * mib);
    while at < bytes.len() {
        let (status, s) = chunk(
            &c,
            &server,
            &csrf,
            &sha,
            &bytes,
            at,
            (at + mib).min(bytes.len()),
        );
        assert_eq!(status, 200, "{s}");
        at = s["offset"].as_u64().unwrap() as usize;
    }
    assert_eq!(state(&c, &server, &sha)["have"], true);
    let (status, stored) = sync(&c, &server, &csrf, &photo_record(PHOTO_ID, &sha));
    assert_eq!(status, 200, "{stored}");
    assert_eq!(stored["photo"]["sha"], sha.as_str());
    let (_, again) = sync(&c, &server, &csrf, &photo_record(PHOTO_ID, &sha));
    assert_eq!(again["outcome"], "此前已保存");
    let photos: Vec<Value> = log(dir)
        .into_iter()
        .filter(|r| r["kind"] == "field-photo")
        .collect();
    assert_eq!(photos.len(), 1);
    assert_eq!(photos[0]["data"]["file"]["object"]["sha256"], sha.as_str());
    assert_eq!(photos[0]["data"]["file"]["object"]["size"], bytes.len());
    // A photo whose bytes do not match its hash is dropped, not kept.
    let fake = sha_of(b"another photo");
    let (status, bad) = chunk(&c, &server, &csrf, &fake, &bytes[..1000], 0, 1000);
    assert_eq!(status, 422, "{bad}");
    assert_eq!(
        state(&c, &server, &fake),
        json!({"have": false, "offset": 0})
    );
    verify_clean(dir);
}

#[test]
fn the_exported_outbox_imported_twice_adds_nothing_the_page_delivered() {
    use base64::Engine as _;
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    field_archive(dir);
    // The page delivered the visit before the phone lost its signal.
    let server = Server::start(dir, &[]);
    let (c, csrf) = sign_in(&server, WUHUA);
    assert_eq!(sync(&c, &server, &csrf, &visit(VISIT_ID, "好")).0, 200);
    drop(server);
    let jpg = std::fs::read(crate::field::util::photo(dir, "p.jpg", Some((0, None)), 5)).unwrap();
    let sha = sha_of(&jpg);
    let mut photo = photo_record(PHOTO_ID, &sha);
    photo["community"] = json!("WH-001");
    photo["photo_base64"] = json!(base64::engine::general_purpose::STANDARD.encode(&jpg));
    let mut old = visit(VISIT_ID, "好");
    old["community"] = json!("WH-001");
    let mut new = visit("8b3e4d5c-6f70-4b82-8c9d-1e2f3a4b5c6d", "另一点");
    new["community"] = json!("WH-001");
    let file = dir.join("待上传记录.json");
    let outbox = json!({"format": "kaoping-outbox", "version": 1, "exported": "2026-12-01T12:00:00Z",
        "records": [old, photo, new]});
    std::fs::write(&file, outbox.to_string()).unwrap();
    let f = file.to_str().unwrap();
    let out = run(dir, &["field", "import-outbox", f, "--as", WUHUA.0], None);
    assert!(
        out.contains("此前已保存") && out.contains("共 3 条记录"),
        "{out}"
    );
    let twice = run(dir, &["field", "import-outbox", f, "--as", WUHUA.0], None);
    assert_eq!(twice.matches("此前已保存").count(), 3, "{twice}");
    assert_eq!(count(dir, "field-visit"), 2);
    assert_eq!(count(dir, "field-photo"), 1);
    // A changed record under a delivered id: refused, with the reason.
    let mut changed = visit(VISIT_ID, "改过");
    changed["community"] = json!("WH-001");
    let outbox = json!({"format": "kaoping-outbox", "version": 1, "records": [changed]});
    std::fs::write(&file, outbox.to_string()).unwrap();
    let refused = crate::util::kaoping(dir)
        .args(["field", "import-outbox", f, "--as", WUHUA.0])
        .assert()
        .failure();
    let text = String::from_utf8_lossy(&refused.get_output().stdout).to_string();
    assert!(
        text.contains("被拒绝") && text.contains("不同的内容"),
        "{text}"
    );
    assert_eq!(count(dir, "field-visit"), 2);
    verify_clean(dir);
}
