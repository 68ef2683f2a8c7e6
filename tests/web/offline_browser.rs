//! The on-site page without a signal, in headless Chromium at a phone's
//! size (390×844): the page is opened once with the network, then the
//! browser goes offline (Chromium's own network emulation, DevTools
//! `Network.emulateNetworkConditions`; the server keeps running), three
//! verdicts and two photos are recorded, the page is reloaded (the service
//! worker answers from its copy and says it is offline; the outbox still
//! lists the three records as waiting), the network comes back and the
//! outbox is sent by itself: the server holds exactly those records, once
//! each, and `verify` is clean. A second run stops the server instead
//! (the phone reaches nothing at all, and the restarted server has
//! forgotten the session).
//!
//! Needs Debian's `chromium` and `chromium-driver`, as the other browser
//! tests; without them it says so and passes, except in CI.

use std::time::Duration;

use fantoccini::{Client, Locator};
use serde_json::{Value, json};

use super::browser::{browser, sign_in_as, start_driver, text_of, wait_path};
use super::cdp::network;
use super::util::{Server, WUHUA, archive, log, run, scoped_accounts, verify_clean};

/// Runs `script` until it returns true (at most `secs` seconds).
pub(super) async fn until(c: &Client, secs: u64, script: &str) {
    for _ in 0..secs * 10 {
        if c.execute(script, vec![]).await.unwrap() == json!(true) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let outbox = c
        .execute(
            r#"var o = document.getElementById("outbox"); return o ? o.innerText : "";"#,
            vec![],
        )
        .await
        .unwrap_or_default();
    panic!("still not true after {secs} s: {script}\n{outbox}");
}

async fn text(c: &Client, css: &str) -> String {
    text_of(c, css).await
}

/// How the phone loses its signal.
#[derive(Clone, Copy, PartialEq)]
enum NoSignal {
    /// Chromium's network emulation; the server keeps running.
    Emulated,
    /// The server stops, and comes back having forgotten the session.
    ServerGone,
}

#[test]
fn the_on_site_page_works_offline_and_syncs_each_record_once() {
    offline_then_sync(NoSignal::Emulated);
}

#[test]
fn a_server_that_went_away_and_came_back_gets_each_record_once() {
    offline_then_sync(NoSignal::ServerGone);
}

fn offline_then_sync(mode: NoSignal) {
    let t = tempfile::tempdir().unwrap();
    let Some((_driver, webdriver)) = start_driver(t.path()) else {
        return;
    };
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
            "翠湖小区",
            "--kind",
            "小区",
        ],
        None,
    );
    let at = Some((0, Some(crate::field::util::AT)));
    let photos = [
        crate::field::util::photo(dir, "门口.jpg", at, 21),
        crate::field::util::photo(dir, "公示栏.jpg", at, 22),
    ];
    let server = Server::start(dir, &[]);
    let listen = server.url.trim_start_matches("http://").to_string();
    let url = server.url.clone();
    let downloads = dir.join("downloads");
    std::fs::create_dir_all(&downloads).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(async {
        let c = browser(&webdriver, &dir.join("profile"), &downloads).await;
        c.set_window_size(390, 844).await.unwrap();
        sign_in_as(&c, &url, WUHUA).await;
        wait_path(&c, "/district").await;
        let page = format!("{url}/c/WH-001/field?point=P1");
        c.goto(&page).await.unwrap();
        text(&c, "#outbox-count").await;
        // The worker takes the page, and keeps a copy of it.
        until(&c, 30, "return !!navigator.serviceWorker.controller;").await;
        c.refresh().await.unwrap();
        until(&c, 30, "return !!navigator.serviceWorker.controller;").await;
        let persist = text(&c, "#persist-state").await;
        assert!(persist.contains("长期保存"), "{persist}");

        // No signal.
        let server = match mode {
            NoSignal::Emulated => {
                network(&c, false).await;
                Some(server)
            }
            NoSignal::ServerGone => {
                server.terminate();
                None
            }
        };
        for (p, std) in photos.iter().zip(["Ⅱ-6/1", "Ⅱ-6/2"]) {
            let input = format!(r#"fieldset[data-standard="{std}"] input.photo-input"#);
            c.find(Locator::Css(&input)).await.unwrap().send_keys(p.to_str().unwrap()).await.unwrap();
        }
        until(&c, 30, r#"return document.getElementById("outbox-count").textContent.indexOf("2 条待上传") === 0;"#).await;
        for (i, std) in ["Ⅱ-6/1", "Ⅱ-6/2", "Ⅱ-7/1"].iter().enumerate() {
            let verdict = ["达标", "基本达标", "未达标"][i];
            let radio = format!(r#"input[name="v:{std}"][value="{verdict}"]"#);
            c.find(Locator::Css(&radio)).await.unwrap().click().await.unwrap();
        }
        c.find(Locator::Css(r#"textarea[name="r:Ⅱ-6/2"]"#)).await.unwrap().send_keys("公示栏未更新").await.unwrap();
        c.find(Locator::Id("finish-submit")).await.unwrap().click().await.unwrap();
        until(&c, 30, r#"return document.getElementById("outbox-count").textContent.indexOf("3 条待上传") === 0;"#).await;

        // Reloaded without a network: the kept copy, the outbox intact.
        c.refresh().await.unwrap();
        let fetched = text(&c, "#fetched").await;
        assert!(fetched.contains("当前离线") && fetched.contains("获取的数据"), "{fetched}");
        until(&c, 30, r#"return document.getElementById("outbox-count").textContent.indexOf("3 条待上传") === 0;"#).await;
        let waiting = c
            .execute(r#"return document.querySelectorAll('#outbox-list [data-state="待上传"]').length;"#, vec![])
            .await
            .unwrap();
        assert_eq!(waiting, json!(3));
        assert!(text(&c, "#sync-state").await.contains("暂时无法上传"));

        // The signal is back. Emulated: the page sends the outbox by
        // itself. Server gone: the same address again, and 立即上传; a
        // restarted server has forgotten the session, so signed in again,
        // the page sends the outbox when it opens.
        let server = match server {
            Some(server) => {
                network(&c, true).await;
                server
            }
            None => {
                let server = Server::start_at(dir, &listen);
                c.find(Locator::Id("sync-now")).await.unwrap().click().await.unwrap();
                until(&c, 30, r#"return document.getElementById("sync-state").textContent.indexOf("暂时无法上传（登录已过期") === 0;"#).await;
                sign_in_as(&c, &url, WUHUA).await;
                wait_path(&c, "/district").await;
                c.goto(&page).await.unwrap();
                server
            }
        };
        until(&c, 60, r#"return document.getElementById("outbox-count").textContent.indexOf("0 条待上传") === 0;"#).await;
        let sent = c
            .execute(r#"return document.querySelectorAll('#outbox-list [data-state="已上传"]').length;"#, vec![])
            .await
            .unwrap();
        assert!(sent.as_u64().unwrap() <= 3, "{sent}");
        // Sent again by hand: nothing new.
        c.find(Locator::Id("sync-now")).await.unwrap().click().await.unwrap();
        until(&c, 30, r#"return document.getElementById("sync-state").textContent.indexOf("没有待上传") === 0;"#).await;
        c.close().await.unwrap();
        server
    });
    drop(server);
    let records = log(dir);
    let of = |kind: &str| -> Vec<&Value> { records.iter().filter(|r| r["kind"] == kind).collect() };
    let visits = of("field-visit");
    assert_eq!(visits.len(), 1, "one visit");
    let rows = visits[0]["data"]["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 3, "three verdicts");
    assert_eq!(rows[1]["remark"], "公示栏未更新");
    assert_eq!(
        rows[0]["photos"].as_array().unwrap().len(),
        1,
        "the photo taken before"
    );
    assert!(visits[0]["data"]["client"]["id"].as_str().unwrap().len() == 36);
    let stored = of("field-photo");
    assert_eq!(stored.len(), 2, "two photos, once each");
    for (p, r) in photos.iter().zip(&stored) {
        let bytes = std::fs::read(p).unwrap();
        assert_eq!(
            r["data"]["file"]["object"]["sha256"],
            super::browser::hex_sha(&bytes).as_str()
        );
        assert!(r["data"]["client"]["phone_time"].is_string());
    }
    verify_clean(dir);
}
