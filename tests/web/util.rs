//! Helpers: an archive with two communities and three accounts, the
//! server as a child process, a signed-in HTTP client, evidence folders.

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use reqwest::blocking::{Client, Response};
use reqwest::redirect::Policy;

pub const OFFICE: (&str, &str) = ("kaopingban", "office-pass-1");
pub const CUIHU: (&str, &str) = ("cuihu", "cuihu-pass-1");
pub const OTHER: (&str, &str) = ("panlong", "panlong-pass-1");
pub const WUHUA: (&str, &str) = ("wuhua", "wuhua-pass-1");
pub const PANLONGQU: (&str, &str) = ("panlongqu", "panlongqu-pass-1");
pub const EXPERT: (&str, &str) = ("expert-wh", "expert-wh-pass-1");
pub const EXPERT_PL: (&str, &str) = ("expert-pl", "expert-pl-pass-1");
/// A 街道 account of 五华区华山街道, the 街道 of WH-001 (see [`scoped_accounts`]).
pub const HUASHAN: (&str, &str) = ("huashan", "huashan-pass-1");

/// The `kaoping` binary.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_kaoping"))
}

/// Runs kaoping in `dir` (archive `./archive`), asserting success.
pub fn run(dir: &Path, args: &[&str], stdin: Option<&str>) -> String {
    let mut child = Command::new(bin())
        .current_dir(dir)
        .env_remove("KAOPING_ARCHIVE")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kaoping starts");
    if let Some(s) = stdin {
        child.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
    }
    drop(child.stdin.take());
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "kaoping {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A fresh archive in `dir/archive`: 翠湖社区 (WH-001, 五华区) and 拓东社区
/// (PL-001, 盘龙区); an office account and one account per community.
pub fn archive(dir: &Path) {
    run(dir, &["init"], None);
    for (id, name, district) in [
        ("WH-001", "翠湖社区", "五华区"),
        ("PL-001", "拓东社区", "盘龙区"),
    ] {
        run(dir, &crate::util::community_add(id, name, district), None);
    }
    let add = |(name, pw): (&str, &str), extra: &[&str]| {
        let mut args = vec!["user", "add", name, "--password-stdin"];
        args.extend_from_slice(extra);
        run(dir, &args, Some(&format!("{pw}\n")));
    };
    add(OFFICE, &["--role", "office"]);
    add(CUIHU, &["--role", "community", "--community", "WH-001"]);
    add(OTHER, &["--role", "community", "--community", "PL-001"]);
}

/// Adds to [`archive`] a district account each for 五华区 and 盘龙区 and
/// two experts, one assigned WH-001 and one PL-001.
pub fn scoped_accounts(dir: &Path) {
    for ((name, pw), extra) in [
        (
            WUHUA,
            ["--role", "district", "--district", "五华区"].as_slice(),
        ),
        (PANLONGQU, &["--role", "district", "--district", "盘龙区"]),
        (EXPERT, &["--role", "expert"]),
        (EXPERT_PL, &["--role", "expert"]),
    ] {
        let mut args = vec!["user", "add", name, "--password-stdin"];
        args.extend_from_slice(extra);
        run(dir, &args, Some(&format!("{pw}\n")));
    }
    run(
        dir,
        &["expert", "assign", EXPERT.0, "--community", "WH-001"],
        None,
    );
    // WH-001 is in 华山街道, which has an account of its own.
    let mut again = crate::util::community_add("WH-001", "翠湖社区", "五华区").to_vec();
    again.extend(["--street", "华山街道"]);
    run(dir, &again, None);
    run(
        dir,
        &[
            "user",
            "add",
            HUASHAN.0,
            "--password-stdin",
            "--role",
            "street",
            "--district",
            "五华区",
            "--street",
            "华山街道",
        ],
        Some(&format!("{}\n", HUASHAN.1)),
    );
    run(
        dir,
        &["expert", "assign", EXPERT_PL.0, "--community", "PL-001"],
        None,
    );
}

/// The server, stopped when dropped.
pub struct Server {
    child: Child,
    pub url: String,
}

impl Server {
    /// Starts `kaoping serve` on a random port with `extra` options.
    pub fn start(dir: &Path, extra: &[&str]) -> Server {
        Server::start_with(dir, extra, &[])
    }

    /// [`Server::start`] listening at `listen` (`127.0.0.1:PORT`): a
    /// server started again where a browser expects it.
    pub fn start_at(dir: &Path, listen: &str) -> Server {
        Server::spawn(dir, listen, &[], &[])
    }

    /// [`Server::start`] with environment variables set (e.g. a fixed
    /// `KAOPING_TODAY`).
    pub fn start_with(dir: &Path, extra: &[&str], envs: &[(&str, &str)]) -> Server {
        Server::spawn(dir, "127.0.0.1:0", extra, envs)
    }

    fn spawn(dir: &Path, listen: &str, extra: &[&str], envs: &[(&str, &str)]) -> Server {
        let mut child = Command::new(bin())
            .current_dir(dir)
            .env_remove("KAOPING_ARCHIVE")
            .envs(envs.iter().copied())
            .args(["serve", "--listen", listen])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("server starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let start = line.find("http://").expect("address printed");
        let url = line[start..]
            .split_whitespace()
            .next()
            .unwrap()
            .trim_end_matches('/')
            .to_string();
        Server { child, url }
    }

    /// The server's peak resident memory so far, in MB (Linux).
    pub fn peak_rss_mb(&self) -> Option<u64> {
        let status = fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let kb: u64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))?
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .ok()?;
        Some(kb / 1024)
    }

    /// Sends SIGTERM and waits (at most 10 s) for the server to exit.
    pub fn terminate(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        let until = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(std::time::Instant::now() < until, "server ignored SIGTERM");
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }

    pub fn at(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A client that keeps cookies and does not follow redirects.
pub fn client() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap()
}

/// The value of the first hidden input `name` in a page.
pub fn hidden(html: &str, name: &str) -> String {
    let key = format!("name=\"{name}\" value=\"");
    let at = html
        .find(&key)
        .unwrap_or_else(|| panic!("no {name} in page:\n{html}"))
        + key.len();
    html[at..].split('"').next().unwrap().to_string()
}

/// Signs in; returns the client and the session's CSRF token.
pub fn sign_in(server: &Server, (name, pw): (&str, &str)) -> (Client, String) {
    let c = client();
    let page = c.get(server.at("/login")).send().unwrap().text().unwrap();
    let token = hidden(&page, "token");
    let res = c
        .post(server.at("/login"))
        .form(&[
            ("name", name),
            ("password", pw),
            ("token", &token),
            ("next", "/"),
        ])
        .send()
        .unwrap();
    assert_eq!(
        res.status(),
        303,
        "sign-in of {name} failed: {}",
        res.text().unwrap()
    );
    let home = follow(&c, server, res);
    let csrf = hidden(&home, "csrf");
    (c, csrf)
}

/// Follows redirects by hand (the client does not) and returns the page.
pub fn follow(c: &Client, server: &Server, mut res: Response) -> String {
    while res.status().is_redirection() {
        let to = res.headers()["location"].to_str().unwrap().to_string();
        res = c.get(server.at(&to)).send().unwrap();
    }
    assert!(res.status().is_success(), "{}", res.status());
    res.text().unwrap()
}

/// An evidence folder: one file for every standard folder of indicators
/// Ⅱ-1 to Ⅱ-3, laid out as `kaoping scaffold` makes it.
pub fn evidence(dir: &Path, id: &str) -> PathBuf {
    let folder = dir.join(format!("材料-{id}"));
    run(
        dir,
        &["scaffold", folder.to_str().unwrap(), "--community", id],
        None,
    );
    for ind in fs::read_dir(&folder).unwrap() {
        let ind = ind.unwrap().path();
        let name = ind.file_name().unwrap().to_string_lossy().to_string();
        if !["Ⅱ-01 ", "Ⅱ-02 ", "Ⅱ-03 "]
            .iter()
            .any(|p| name.starts_with(p))
        {
            fs::remove_dir_all(&ind).unwrap();
            continue;
        }
        for std in fs::read_dir(&ind).unwrap() {
            let std = std.unwrap().path();
            fs::write(std.join("工作台账.txt"), format!("{name} 台账")).unwrap();
        }
    }
    folder
}

/// Every file under `folder` as (path relative to its parent, bytes).
pub fn files_of(folder: &Path) -> Vec<(String, Vec<u8>)> {
    let base = folder.parent().unwrap();
    walkdir::WalkDir::new(folder)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(base)
                .unwrap()
                .to_string_lossy()
                .to_string();
            (rel, fs::read(e.path()).unwrap())
        })
        .collect()
}

/// The log's records.
pub fn log(dir: &Path) -> Vec<serde_json::Value> {
    fs::read_to_string(dir.join("archive/log.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Whether `kaoping verify` passes.
pub fn verify_clean(dir: &Path) {
    let out = Command::new(bin())
        .current_dir(dir)
        .env_remove("KAOPING_ARCHIVE")
        .arg("verify")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "verify failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

pub use crate::util::in_ci;

/// The text of a PDF's bytes (white space removed), or `None` without
/// poppler outside CI.
pub fn pdf_text(bytes: &[u8]) -> Option<String> {
    let tmp = tempfile::NamedTempFile::new().unwrap();
    fs::write(tmp.path(), bytes).unwrap();
    crate::util::pdf_text(tmp.path())
}
