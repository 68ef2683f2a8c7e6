//! Shared fixtures: a temp archive, the binary, evidence trees and ZIPs.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use zip::write::SimpleFileOptions;

/// A temp directory with an archive root inside.
pub struct Env {
    pub dir: tempfile::TempDir,
}

impl Env {
    /// A fresh archive (made by `kaoping init`).
    pub fn new() -> Env {
        let env = Env {
            dir: tempfile::tempdir().unwrap(),
        };
        env.kaoping().arg("init").assert().success();
        env
    }

    pub fn archive(&self) -> PathBuf {
        self.dir.path().join("archive")
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// `kaoping --archive <root> …`
    pub fn kaoping(&self) -> Command {
        let mut c = Command::cargo_bin("kaoping").unwrap();
        c.env_remove("KAOPING_ARCHIVE")
            .arg("--archive")
            .arg(self.archive())
            .current_dir(self.dir.path());
        c
    }

    /// Registers community `id` in 五华区.
    pub fn community(&self, id: &str) {
        self.kaoping()
            .args([
                "community",
                "add",
                "--id",
                id,
                "--name",
                &format!("{id}社区"),
            ])
            .args([
                "--district",
                "五华区",
                "--type",
                "城市社区",
                "--batch",
                "第一阶段",
            ])
            .assert()
            .success();
    }

    /// Runs a command expected to succeed and returns its stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.kaoping().args(args).output().unwrap();
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
        let out = self.kaoping().args(args).output().unwrap();
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

/// Writes a file, creating its folders.
pub fn write(path: &Path, bytes: &[u8]) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, bytes).unwrap();
}

/// A small evidence tree in the forms people type.
pub fn evidence(dir: &Path) {
    write(
        &dir.join("Ⅱ-01 党组织领导核心作用/标准1/会议记录.txt"),
        "2019年党委会议记录".as_bytes(),
    );
    write(&dir.join("II-2/标准 1/政策文件.txt"), b"policy");
    write(&dir.join("2-2/标准2/经费保障.txt"), b"money");
    write(
        &dir.join("党组织领导核心作用/总体说明.txt"),
        b"whole indicator",
    );
    write(
        &dir.join("Ⅱ—3 发挥群众自治组织作用/1/照片/活动.jpg"),
        &[0xFF, 0xD8, 0xFF, 1, 2, 3],
    );
}

/// SHA-256 hex of bytes.
pub fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// Builds a ZIP from (raw name, content) pairs; names are written as given
/// (no UTF-8 flag for names that are not UTF-8).
pub fn zip_raw(path: &Path, entries: &[(&[u8], &[u8])]) {
    let mut z = zip::ZipWriter::new(fs::File::create(path).unwrap());
    for (name, data) in entries {
        let opts = SimpleFileOptions::default().name(name);
        z.start_file_with_options(opts).unwrap();
        z.write_all(data).unwrap();
    }
    z.finish().unwrap();
}
