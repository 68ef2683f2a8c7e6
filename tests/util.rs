//! Helpers every area of the tests shares: a temporary archive driven by
//! the real binary ([`TestArchive`]), the binary itself ([`kaoping`]),
//! whether an external tool is there (a test that needs one skips with the
//! reason locally and fails under `CI=true`, where `.ci/run` installs it)
//! and the text of a PDF.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The `kaoping` binary run in `dir`, with no archive from the
/// environment.
pub fn kaoping(dir: &Path) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("kaoping").expect("binary built");
    cmd.current_dir(dir).env_remove("KAOPING_ARCHIVE");
    cmd
}

/// A temporary folder with an archive root `archive/` inside.
pub struct TestArchive {
    /// The folder (removed when dropped).
    pub dir: tempfile::TempDir,
}

impl TestArchive {
    /// A fresh archive (made by `kaoping init`).
    pub fn new() -> TestArchive {
        let t = TestArchive {
            dir: tempfile::tempdir().unwrap(),
        };
        t.cmd().arg("init").assert().success();
        t
    }

    /// The archive root.
    pub fn archive(&self) -> PathBuf {
        self.dir.path().join("archive")
    }

    /// A path in the temporary folder.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// `kaoping --archive <root> …`, run in the temporary folder.
    pub fn cmd(&self) -> assert_cmd::Command {
        let mut c = kaoping(self.dir.path());
        c.arg("--archive").arg(self.archive());
        c
    }

    /// Registers community `id` (named `{id}社区`) in 五华区.
    pub fn community(&self, id: &str) {
        let name = format!("{id}社区");
        self.cmd()
            .args(community_add(id, &name, "五华区"))
            .assert()
            .success();
    }

    /// Ingests `source` (relative to the temporary folder) for
    /// `community`, with `extra` options; returns stdout.
    pub fn ingest(&self, source: &str, community: &str, extra: &[&str]) -> String {
        let mut args = vec!["ingest", source, "--community", community];
        args.extend_from_slice(extra);
        self.ok(&args)
    }

    /// Runs a command expected to succeed and returns its stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.cmd().args(args).output().unwrap();
        assert!(
            out.status.success(),
            "kaoping {args:?} failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs a command expected to fail and returns its stderr.
    pub fn fails(&self, args: &[&str]) -> String {
        let out = self.cmd().args(args).output().unwrap();
        assert!(
            !out.status.success(),
            "kaoping {args:?} should fail:\n{}",
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8(out.stderr).unwrap()
    }

    /// Every file under the archive root except the lock, with contents.
    pub fn snapshot(&self) -> Vec<(PathBuf, Vec<u8>)> {
        let mut out = Vec::new();
        for e in walkdir::WalkDir::new(self.archive()).sort_by_file_name() {
            let e = e.unwrap();
            if e.file_type().is_file() && e.file_name() != "lock" {
                out.push((e.path().to_path_buf(), fs::read(e.path()).unwrap()));
            }
        }
        out
    }
}

/// Whether the tests run in CI, where every external tool is required.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// Whether `tool` can be run (`tool --version` or `-v`). Missing: panics
/// in CI; elsewhere prints why the check is skipped and returns false.
pub fn require(tool: &str, package: &str) -> bool {
    let ok = ["--version", "-v"]
        .iter()
        .any(|flag| Command::new(tool).arg(flag).output().is_ok());
    if !ok {
        assert!(!in_ci(), "{package} ({tool}) is required in CI");
        eprintln!("skipping a check: {tool} is not installed ({package})");
    }
    ok
}

/// Runs an external tool (openssl, xmllint, a Python reader …),
/// asserting that it succeeds, and returns its stdout as text.
pub fn tool_stdout(cmd: &mut Command) -> String {
    let (ok, stdout, stderr) = tool_run(cmd);
    assert!(ok, "{cmd:?} failed:\n{stderr}");
    stdout
}

/// Runs an external tool expected to pass or refuse: whether it
/// succeeded, its stdout (which must be UTF-8) and its stderr, as text.
pub fn tool_run(cmd: &mut Command) -> (bool, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.success(),
        String::from_utf8(out.stdout).expect("UTF-8 output"),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The text of a PDF by poppler's `pdftotext`, white space removed; `None`
/// when poppler is missing outside CI.
pub fn pdf_text(pdf: &Path) -> Option<String> {
    if !require("pdftotext", "poppler-utils") {
        return None;
    }
    let out = Command::new("pdftotext").arg(pdf).arg("-").output().ok()?;
    assert!(
        out.status.success(),
        "pdftotext failed on {}",
        pdf.display()
    );
    let text = String::from_utf8_lossy(&out.stdout);
    Some(text.chars().filter(|c| !c.is_whitespace()).collect())
}

/// The arguments of `kaoping community add` for an urban 第一阶段 pilot.
pub fn community_add<'a>(id: &'a str, name: &'a str, district: &'a str) -> [&'a str; 12] {
    [
        "community",
        "add",
        "--id",
        id,
        "--name",
        name,
        "--district",
        district,
        "--type",
        "城市社区",
        "--batch",
        "第一阶段",
    ]
}

/// Submits the lower levels of 评估验收 for `community` from `sheet` (a
/// file in `dir`), so that a final result may be recorded: 社区自查, 县区初评
/// and one 专家评估 by expert `zjlv` (made and assigned here when missing).
/// The archive is `dir/archive`, or `archive` when given.
pub fn submit_levels(dir: &Path, archive: Option<&Path>, community: &str, sheet: &str) {
    let root = archive.map_or_else(|| dir.join("archive"), Path::to_path_buf);
    let run = |args: &[&str]| {
        let mut cmd = kaoping(dir);
        cmd.arg("--archive").arg(&root).args(args);
        cmd
    };
    let accounts = fs::read_to_string(root.join("accounts.json")).unwrap_or_default();
    if !accounts.contains("\"zjlv\"") {
        run(&[
            "user",
            "add",
            "zjlv",
            "--role",
            "expert",
            "--password-stdin",
        ])
        .write_stdin("secret-pass-1\n")
        .assert()
        .success();
    }
    run(&["expert", "assign", "zjlv", "--community", community])
        .assert()
        .success();
    for level in [&["自查"][..], &["初评"], &["专家", "--expert", "zjlv"]] {
        let mut args = vec![
            "assess",
            "import",
            sheet,
            "--community",
            community,
            "--level",
        ];
        args.extend_from_slice(level);
        let out = run(&args).output().unwrap();
        assert!(
            out.status.success(),
            "{level:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
