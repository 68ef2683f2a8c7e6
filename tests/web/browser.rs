//! End to end in headless Chromium over WebDriver (chromedriver): staff
//! sign in, upload an evidence folder through the folder picker and see
//! coverage change and submit the 社区自查; the district submits its 初评
//! and the assigned expert a 专家评估 sheet through the community page;
//! the office imports results, generates a report,
//! downloads it, and the downloaded PDF's text is checked. A screenshot of
//! every page is saved under `target/tmp/e2e-screenshots/`.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`.ci/run` installs
//! them); without them the test says so and passes, except in CI.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

use crate::web::util::*;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

pub(super) struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub(super) fn start_driver(scratch: &Path) -> Option<(Driver, String)> {
    if !Path::new(CHROMIUM).exists() || !Path::new(CHROMEDRIVER).exists() {
        assert!(!in_ci(), "CI must install chromium and chromium-driver");
        eprintln!("skipping the browser test: {CHROMIUM} or {CHROMEDRIVER} is not installed");
        return None;
    }
    let port = free_port();
    // Chromium's own scratch folders go with the test's, not into /tmp.
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .env("TMPDIR", scratch)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let driver = Driver(child);
    let until = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < until, "chromedriver did not listen");
        std::thread::sleep(Duration::from_millis(100));
    }
    Some((driver, format!("http://127.0.0.1:{port}")))
}

pub(super) async fn browser(webdriver: &str, profile: &Path, downloads: &Path) -> Client {
    let caps = json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=1280,1600",
                format!("--user-data-dir={}", profile.display()),
            ],
            "prefs": {
                "download.default_directory": downloads.display().to_string(),
                "download.prompt_for_download": false,
            },
        },
    });
    let serde_json::Value::Object(caps) = caps else {
        unreachable!()
    };
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(webdriver)
        .await
        .expect("a Chromium session")
}

/// Saves a screenshot of the page as `NN-name.png`.
struct Shots {
    dir: PathBuf,
    n: usize,
}

impl Shots {
    async fn take(&mut self, c: &Client, name: &str) {
        self.n += 1;
        let png = c.screenshot().await.unwrap();
        let path = self.dir.join(format!("{:02}-{name}.png", self.n));
        std::fs::write(&path, png).unwrap();
        eprintln!("screenshot: {}", path.display());
    }
}

pub(super) async fn text_of(c: &Client, css: &str) -> String {
    c.wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"))
        .text()
        .await
        .unwrap()
}

pub(super) async fn sign_in_as(c: &Client, url: &str, (name, pw): (&str, &str)) {
    c.goto(&format!("{url}/login")).await.unwrap();
    c.find(Locator::Id("name"))
        .await
        .unwrap()
        .send_keys(name)
        .await
        .unwrap();
    c.find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys(pw)
        .await
        .unwrap();
    c.find(Locator::Id("login-submit"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

pub(super) async fn wait_path(c: &Client, prefix: &str) {
    let until = Instant::now() + Duration::from_secs(60);
    loop {
        let url = c.current_url().await.unwrap();
        if url.path().starts_with(prefix) {
            return;
        }
        assert!(Instant::now() < until, "still at {url}, expected {prefix}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until the page is the one a form redirected to `…#fragment`.
async fn wait_fragment(c: &Client, fragment: &str) {
    let until = Instant::now() + Duration::from_secs(60);
    loop {
        let url = c.current_url().await.unwrap();
        if url.fragment() == Some(fragment) {
            return;
        }
        assert!(
            Instant::now() < until,
            "still at {url}, expected #{fragment}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn missing(text: &str) -> usize {
    text.trim().parse().unwrap()
}

#[test]
fn staff_and_office_in_a_real_browser() {
    let t = tempfile::tempdir().unwrap();
    let Some((_driver, webdriver)) = start_driver(t.path()) else {
        return;
    };
    archive(t.path());
    scoped_accounts(t.path());
    let folder = evidence(t.path(), "WH-001");
    let server = Server::start(t.path(), &[]);
    let shots_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("e2e-screenshots");
    let _ = std::fs::remove_dir_all(&shots_dir);
    std::fs::create_dir_all(&shots_dir).unwrap();
    let downloads = t.path().join("downloads");
    std::fs::create_dir_all(&downloads).unwrap();
    let sheet = t.path().join("考评结果.csv");
    run(
        t.path(),
        &[
            "assess",
            "template",
            "--community",
            "WH-001",
            "-o",
            sheet.to_str().unwrap(),
        ],
        None,
    );
    std::fs::write(&sheet, fill(&std::fs::read(&sheet).unwrap())).unwrap();

    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let c = browser(&webdriver, &t.path().join("profile"), &downloads).await;
        let mut shots = Shots {
            dir: shots_dir.clone(),
            n: 0,
        };
        let url = server.url.clone();

        // Community staff: sign in, see what is missing, upload the folder.
        c.goto(&format!("{url}/c/WH-001")).await.unwrap();
        wait_path(&c, "/login").await;
        shots.take(&c, "login").await;
        sign_in_as(&c, &url, CUIHU).await;
        wait_path(&c, "/c/WH-001").await;
        let before = missing(&text_of(&c, "#missing-count").await);
        shots.take(&c, "community-before").await;
        c.find(Locator::Id("folder-input"))
            .await
            .unwrap()
            .send_keys(folder.to_str().unwrap())
            .await
            .unwrap();
        // Note in the tab's session storage (which outlives the redirect)
        // when the progress bar appears.
        c.execute(
            "const box = document.getElementById('upload-progress');
             new MutationObserver(() => {
               if (!box.hidden) sessionStorage.setItem('progress-shown', '1');
             }).observe(box, {attributes: true});",
            vec![],
        )
        .await
        .unwrap();
        c.find(Locator::Id("upload-submit"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_path(&c, "/c/WH-001/v/1").await;
        let shown = c
            .execute("return sessionStorage.getItem('progress-shown');", vec![])
            .await
            .unwrap();
        assert_eq!(shown, json!("1"), "the progress bar never appeared");
        let saved = text_of(&c, "#saved").await;
        assert!(saved.contains("已保存"), "{saved}");
        shots.take(&c, "ingest-result").await;
        c.goto(&format!("{url}/c/WH-001")).await.unwrap();
        let after = missing(&text_of(&c, "#missing-count").await);
        assert!(
            after < before,
            "coverage did not change: {before} → {after}"
        );
        shots.take(&c, "community-after").await;
        c.find(Locator::Css("button.link"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_path(&c, "/login").await;

        // 评估验收 in levels: the community's 自查, the district's 初评 and
        // the assigned expert's sheet, each from the community page.
        for (who, landing, state) in [
            (CUIHU, "/c/WH-001", "自查已提交"),
            (WUHUA, "/district", "初评已提交"),
            (EXPERT, "/expert", "专家评估中"),
        ] {
            sign_in_as(&c, &url, who).await;
            wait_path(&c, landing).await;
            c.goto(&format!("{url}/c/WH-001")).await.unwrap();
            c.find(Locator::Css("#level-form input[type=file]"))
                .await
                .unwrap()
                .send_keys(sheet.to_str().unwrap())
                .await
                .unwrap();
            c.find(Locator::Id("level-submit"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            wait_fragment(&c, "levels").await;
            let shown = text_of(&c, "#level-state").await;
            assert_eq!(shown, state, "{}", who.0);
            shots.take(&c, &format!("level-{}", who.0)).await;
            c.find(Locator::Css("button.link"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            wait_path(&c, "/login").await;
        }

        // The office: overview, import the sheet, generate the report.
        sign_in_as(&c, &url, OFFICE).await;
        wait_path(&c, "/office").await;
        let overview = text_of(&c, "#progress").await;
        assert!(overview.contains("五华区"), "{overview}");
        shots.take(&c, "office").await;
        c.find(Locator::Id("assess-community"))
            .await
            .unwrap()
            .select_by_value("WH-001")
            .await
            .unwrap();
        c.find(Locator::Id("sheet-input"))
            .await
            .unwrap()
            .send_keys(sheet.to_str().unwrap())
            .await
            .unwrap();
        c.find(Locator::Id("assess-submit"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let assessed = text_of(&c, "#assessed").await;
        assert!(assessed.contains("总分"), "{assessed}");
        shots.take(&c, "assessed").await;
        c.goto(&format!("{url}/office")).await.unwrap();
        c.find(Locator::Id("issue-kind"))
            .await
            .unwrap()
            .select_by_value("report")
            .await
            .unwrap();
        c.find(Locator::Id("issue-community"))
            .await
            .unwrap()
            .select_by_value("WH-001")
            .await
            .unwrap();
        c.find(Locator::Id("issue-submit"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let issued = text_of(&c, "#issued").await;
        assert!(issued.contains("考评报告"), "{issued}");
        shots.take(&c, "issued").await;
        c.find(Locator::Css("a.download"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let pdf = wait_download(&downloads).await;
        c.goto(&format!("{url}/office/register")).await.unwrap();
        text_of(&c, "#register").await;
        shots.take(&c, "register").await;
        c.close().await.unwrap();

        let bytes = std::fs::read(&pdf).unwrap();
        assert!(bytes.starts_with(b"%PDF"));
        if let Some(text) = pdf_text(&bytes) {
            assert!(text.contains("翠湖社区"), "{text}");
            assert!(text.contains("考评情况的报告"), "{text}");
        }
    });
    assert!(std::fs::read_dir(&shots_dir).unwrap().count() >= 7);
    verify_clean(t.path());
}

/// Waits for a finished PDF in the download folder.
async fn wait_download(dir: &Path) -> PathBuf {
    let until = Instant::now() + Duration::from_secs(60);
    loop {
        let done = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().is_some_and(|e| e == "pdf"));
        if let Some(p) = done {
            return p;
        }
        assert!(Instant::now() < until, "no PDF downloaded");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The blank sheet with every row 达标.
fn fill(sheet: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(sheet);
    let mut r = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let mut w = csv::Writer::from_writer(vec![]);
    w.write_record(r.headers().unwrap()).unwrap();
    for rec in r.records() {
        let mut cells: Vec<String> = rec.unwrap().iter().map(String::from).collect();
        cells[5] = "达标".into();
        cells[7] = "王明".into();
        cells[8] = "2026-11-20".into();
        cells[9] = "经核实达标".into();
        w.write_record(&cells).unwrap();
    }
    w.into_inner().unwrap()
}

/// Done-when of the survey issue: a resident opens a copy's link on a
/// phone-sized window, answers every question by touch and sends it; the
/// page fits the phone's width and the answer is in the log.
#[test]
fn a_resident_answers_a_copy_through_its_link_on_a_phone() {
    let t = tempfile::tempdir().unwrap();
    let Some((_driver, webdriver)) = start_driver(t.path()) else {
        return;
    };
    archive(t.path());
    let cfg = t.path().join("archive/kaoping.toml");
    let text = std::fs::read_to_string(&cfg).unwrap().replace(
        "# base_url = \"https://kaoping.example.cn\"",
        "base_url = \"https://kp.example.cn\"",
    );
    std::fs::write(&cfg, text).unwrap();
    run(
        t.path(),
        &[
            "survey",
            "print",
            "--community",
            "WH-001",
            "--copies",
            "1",
            "-o",
            "c.pdf",
            "--links",
            "l.csv",
        ],
        None,
    );
    let links = std::fs::read_to_string(t.path().join("l.csv")).unwrap();
    let link = links
        .lines()
        .nth(1)
        .unwrap()
        .rsplit(',')
        .next()
        .unwrap()
        .to_string();
    let server = Server::start(t.path(), &[]);
    let shots_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("e2e-screenshots-survey");
    let _ = std::fs::remove_dir_all(&shots_dir);
    std::fs::create_dir_all(&shots_dir).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let c = browser(&webdriver, &t.path().join("profile"), t.path()).await;
        c.set_window_size(390, 844).await.unwrap();
        let mut shots = Shots {
            dir: shots_dir.clone(),
            n: 0,
        };
        c.goto(&link.replace("https://kp.example.cn", &server.url))
            .await
            .unwrap();
        assert!(
            text_of(&c, "#survey-number")
                .await
                .starts_with("WH-001-01-0001-")
        );
        shots.take(&c, "survey-phone").await;
        let width = c
            .execute("return document.documentElement.scrollWidth;", vec![])
            .await
            .unwrap();
        assert!(
            width.as_u64().unwrap() <= 400,
            "wider than the phone: {width}"
        );
        for i in 1..=9 {
            c.find(Locator::Css(&format!("#q-Q{i} input")))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
        }
        c.find(Locator::Css("textarea"))
            .await
            .unwrap()
            .send_keys("路灯 <i>修好</i> #了")
            .await
            .unwrap();
        c.find(Locator::Id("survey-submit"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let title = text_of(&c, "#survey-title").await;
        shots.take(&c, "survey-thanks").await;
        assert!(title.contains("提交成功"), "{title}");
        c.close().await.unwrap();
    });
    let answer = log(t.path())
        .into_iter()
        .find(|r| r["kind"] == "survey-answer")
        .unwrap();
    assert_eq!(answer["data"]["answers"]["Q1"], "非常满意");
    assert_eq!(answer["data"]["open"], "路灯 <i>修好</i> #了");
}

/// The on-site page in the browser: a verdict and a remark survive a
/// reload (the draft is kept in the browser), and a photo chosen in the
/// page's camera input is uploaded at once and listed with its hash.
#[test]
fn an_assessor_uploads_a_photo_from_the_on_site_page() {
    let t = tempfile::tempdir().unwrap();
    let Some((_driver, webdriver)) = start_driver(t.path()) else {
        return;
    };
    archive(t.path());
    scoped_accounts(t.path());
    run(
        t.path(),
        &[
            "point",
            "add",
            "--community",
            "WH-001",
            "--name",
            "翠湖社区综合服务中心",
            "--kind",
            "社区综合服务中心",
            "--lat",
            "25.0431",
            "--lon",
            "102.7062",
        ],
        None,
    );
    let jpg = crate::field::util::photo(
        t.path(),
        "现场照片.jpg",
        Some((0, Some(crate::field::util::AT))),
        3,
    );
    let server = Server::start(t.path(), &[]);
    let downloads = t.path().join("downloads");
    std::fs::create_dir_all(&downloads).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let c = browser(&webdriver, &t.path().join("profile"), &downloads).await;
        let url = server.url.clone();
        sign_in_as(&c, &url, WUHUA).await;
        wait_path(&c, "/district").await;
        c.goto(&format!("{url}/c/WH-001/field?point=P1")).await.unwrap();
        text_of(&c, "#capture h2").await;
        c.find(Locator::Css(r#"input[name="v:Ⅱ-6/1"][value="基本达标"]"#)).await.unwrap().click().await.unwrap();
        c.find(Locator::Css(r#"textarea[name="r:Ⅱ-6/1"]"#)).await.unwrap().send_keys("公示栏未更新").await.unwrap();
        c.refresh().await.unwrap();
        text_of(&c, "#capture h2").await;
        let restored = c
            .execute(
                r#"return [document.querySelector('input[name="v:Ⅱ-6/1"][value="基本达标"]').checked,
                           document.querySelector('textarea[name="r:Ⅱ-6/1"]').value];"#,
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(restored, json!([true, "公示栏未更新"]), "the draft survives a reload");
        let input = c.find(Locator::Css(r#"fieldset[data-standard="Ⅱ-6/1"] input.photo-input"#)).await.unwrap();
        input.send_keys(jpg.to_str().unwrap()).await.unwrap();
        let shown = text_of(&c, r#"fieldset[data-standard="Ⅱ-6/1"] li.photo-ok"#).await;
        assert!(shown.contains("已保存照片") && shown.contains("现场照片.jpg"), "{shown}");
        // Its thumbnail, made by the server from the stored original, loads.
        let mut width = json!(0);
        for _ in 0..50 {
            width = c
                .execute(
                    r#"var i = document.querySelector('fieldset[data-standard="Ⅱ-6/1"] li.photo-ok img');
                       return i && i.complete ? i.naturalWidth : 0;"#,
                    vec![],
                )
                .await
                .unwrap();
            if width.as_u64().unwrap_or(0) > 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(width, json!(96), "the thumbnail shows on the phone page");
        c.find(Locator::Id("finish-submit")).await.unwrap().click().await.unwrap();
        // The visit goes through the outbox: wait for the server's answer.
        let mut state = String::new();
        for _ in 0..300 {
            state = text_of(&c, "#draft-state").await;
            if state.contains("已完成") {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(state.contains("已完成"), "{state}");
        c.close().await.unwrap();
    });
    let photos: Vec<_> = log(t.path())
        .into_iter()
        .filter(|r| r["kind"] == "field-photo")
        .collect();
    assert_eq!(photos.len(), 1);
    let sha = photos[0]["data"]["file"]["object"]["sha256"]
        .as_str()
        .unwrap();
    assert_eq!(
        sha,
        hex_sha(&std::fs::read(&jpg).unwrap()),
        "the original bytes are kept"
    );
    let visit = log(t.path())
        .into_iter()
        .find(|r| r["kind"] == "field-visit")
        .expect("the visit is recorded");
    assert_eq!(visit["data"]["rows"][0]["verdict"], "基本达标");
    assert_eq!(visit["data"]["rows"][0]["remark"], "公示栏未更新");
    verify_clean(t.path());
}

pub(super) fn hex_sha(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}
