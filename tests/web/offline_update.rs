//! The on-site page going offline the way a phone does — Chromium's own
//! network emulation (DevTools `Network.emulateNetworkConditions`, sent
//! through chromedriver), with the server still running — and a new
//! version of the page arriving while records wait in the outbox: the new
//! worker installs but waits, nothing queued is lost, and once the outbox
//! is sent it takes over. The server then holds each record once.
//!
//! Needs Debian's `chromium` and `chromium-driver`, as the other browser
//! tests; without them it says so and passes, except in CI.

use std::time::Duration;

use fantoccini::{Client, Locator};
use serde_json::{Value, json};

use super::browser::{browser, sign_in_as, start_driver, text_of, wait_path};
use super::cdp::{block, network};
use super::offline_browser::until;
use super::util::{Server, WUHUA, archive, log, run, scoped_accounts, verify_clean};

/// The page's outbox counter starts with `n` 条待上传.
fn waiting(n: usize) -> String {
    format!(
        r#"return document.getElementById("outbox-count").textContent.indexOf("{n} 条待上传") === 0;"#
    )
}

/// The names of the worker's caches.
async fn caches(c: &Client) -> Vec<String> {
    let keys = c
        .execute_async(
            "var done = arguments[0]; caches.keys().then(function (k) { done(k); });",
            vec![],
        )
        .await
        .unwrap();
    let mut keys: Vec<String> = serde_json::from_value(keys).unwrap();
    keys.retain(|k| k.starts_with("kaoping-field-"));
    keys
}

/// Sets `[field] page_edition` in the archive's configuration.
fn edition(dir: &std::path::Path, n: u32) {
    let config = dir.join("archive/kaoping.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    let at = text
        .find("\npage_edition = ")
        .expect("the configuration names the edition");
    let end = text[at + 1..].find('\n').map_or(text.len(), |e| at + 1 + e);
    let text = format!("{}\npage_edition = {n}{}", &text[..at], &text[end..]);
    std::fs::write(&config, text).unwrap();
}

#[test]
fn a_new_page_version_waits_for_the_outbox_and_loses_nothing() {
    let t = tempfile::tempdir().unwrap();
    let Some((_driver, webdriver)) = start_driver(t.path()) else {
        return;
    };
    let dir = t.path();
    archive(dir);
    scoped_accounts(dir);
    let point = [
        "point",
        "add",
        "--community",
        "WH-001",
        "--name",
        "翠湖小区",
    ];
    run(dir, &[&point[..], &["--kind", "小区"]].concat(), None);
    edition(dir, 1);
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
        text_of(&c, "#outbox-count").await;
        until(&c, 30, "return !!navigator.serviceWorker.controller;").await;
        let first = caches(&c).await;
        assert_eq!(first.len(), 1, "{first:?}");

        // No signal (the server keeps running): the point's three verdicts
        // queued as one record.
        network(&c, false).await;
        for (std, verdict) in [("Ⅱ-6/1", "达标"), ("Ⅱ-6/2", "基本达标"), ("Ⅱ-7/1", "未达标")] {
            let radio = format!(r#"input[name="v:{std}"][value="{verdict}"]"#);
            c.find(Locator::Css(&radio)).await.unwrap().click().await.unwrap();
        }
        c.find(Locator::Id("finish-submit")).await.unwrap().click().await.unwrap();
        until(&c, 30, &waiting(1)).await;
        c.find(Locator::Id("sync-now")).await.unwrap().click().await.unwrap();
        until(&c, 30, r#"return document.getElementById("sync-state").textContent.indexOf("暂时无法上传") === 0;"#).await;
        assert_eq!(log(dir).iter().filter(|r| r["kind"] == "field-visit").count(), 0);

        // A new version of the page is put up (the server restarted with
        // a raised edition) while the phone is still offline.
        server.terminate();
        edition(dir, 2);
        let server = Server::start_at(dir, &listen);

        // The signal returns, too weak to upload (the page's sends fail).
        // The restarted server has forgotten the session: signed in
        // again, the page opens with the outbox full and finds the new
        // worker; it waits.
        network(&c, true).await;
        block(&c, &["*/field/sync", "*/field/blob/*", "*/field/chunk/*"]).await;
        sign_in_as(&c, &url, WUHUA).await;
        wait_path(&c, "/district").await;
        c.goto(&page).await.unwrap();
        until(&c, 30, &waiting(1)).await;
        let update = "var done = arguments[0]; navigator.serviceWorker.getRegistration().then(function (r) { return r.update().then(function () { done(true); }); }).catch(function (e) { done(String(e)); });";
        assert_eq!(c.execute_async(update, vec![]).await.unwrap(), json!(true));
        until(&c, 30, r#"return document.getElementById("update-state").textContent.indexOf("页面有新版本") === 0;"#).await;
        let held = c
            .execute(r#"return document.querySelectorAll('#outbox-list [data-state="待上传"]').length;"#, vec![])
            .await
            .unwrap();
        assert_eq!(held, json!(1), "the queued record survives the new version");
        // The new worker has installed beside the old one, whose copies
        // still serve.
        let both = caches(&c).await;
        assert!(both.contains(&first[0]) && both.len() == 2, "{both:?}");

        // Sent: the outbox empties, and only then the new worker takes over.
        block(&c, &[]).await;
        c.find(Locator::Id("sync-now")).await.unwrap().click().await.unwrap();
        until(&c, 60, &waiting(0)).await;
        c.refresh().await.unwrap();
        until(&c, 30, &waiting(0)).await;
        let mut now = caches(&c).await;
        for _ in 0..100 {
            if now != first {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
            now = caches(&c).await;
        }
        assert_eq!(now.len(), 1, "{now:?}");
        assert_ne!(now, first, "the new worker took over once the outbox was empty");
        c.close().await.unwrap();
        server
    });
    drop(server);
    let records = log(dir);
    let visits: Vec<&Value> = records
        .iter()
        .filter(|r| r["kind"] == "field-visit")
        .collect();
    assert_eq!(visits.len(), 1, "one visit, once");
    assert_eq!(visits[0]["data"]["rows"].as_array().unwrap().len(), 3);
    verify_clean(dir);
}
