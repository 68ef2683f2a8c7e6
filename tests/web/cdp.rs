//! Chrome DevTools commands for the browser tests, sent through
//! chromedriver's `goog/cdp/execute` endpoint: the phone losing its
//! signal (network emulation) or keeping too weak a one to upload
//! (blocked addresses).

use fantoccini::Client;
use fantoccini::wd::WebDriverCompatibleCommand;
use serde_json::{Value, json};

/// A Chrome DevTools command sent through chromedriver's
/// `goog/cdp/execute` endpoint.
#[derive(Debug)]
struct Cdp(&'static str, Value);

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!(
            "session/{}/goog/cdp/execute",
            session.unwrap_or("")
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({ "cmd": self.0, "params": self.1 });
        (http::Method::POST, Some(body.to_string()))
    }
}

/// Turns the page's network off or on, as a phone losing its signal.
pub async fn network(c: &Client, online: bool) {
    c.issue_cmd(Cdp("Network.enable", json!({}))).await.unwrap();
    let conditions = json!({
        "offline": !online,
        "latency": 0,
        "downloadThroughput": -1,
        "uploadThroughput": -1,
    });
    c.issue_cmd(Cdp("Network.emulateNetworkConditions", conditions))
        .await
        .unwrap();
}

/// Makes the page's sends fail (a signal too weak to upload), or lets
/// them through again (`blocked` empty).
pub async fn block(c: &Client, blocked: &[&str]) {
    c.issue_cmd(Cdp("Network.setBlockedURLs", json!({ "urls": blocked })))
        .await
        .unwrap();
}
