//! The virus scan of the 安全性 check, through ClamAV's own `clamscan`
//! (Debian's `clamav`): kaoping does not scan for viruses itself. Run on
//! a folder of the records' files with the signature database the office
//! points at (or ClamAV's default one).

use std::path::{Path, PathBuf};
use std::process::Command;

/// What a scan found.
#[derive(Debug, Clone)]
pub struct Scan {
    /// Infected files and the signature that matched.
    pub found: Vec<(PathBuf, String)>,
    /// `clamscan --version`.
    pub version: String,
}

/// Why no scan was made.
#[derive(Debug, Clone)]
pub struct NotScanned(pub String);

fn version() -> Option<String> {
    let out = Command::new("clamscan").arg("--version").output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Scans every file under `dir` with `clamscan`, using `database` (a file
/// or folder of signatures) when given.
pub fn scan(dir: &Path, database: Option<&Path>) -> Result<Scan, NotScanned> {
    let version = version().ok_or_else(|| {
        NotScanned("本机没有安装 ClamAV（clamscan），未做病毒检测；请安装 clamav 后重新检测".into())
    })?;
    let mut cmd = Command::new("clamscan");
    cmd.args(["--no-summary", "--infected", "--recursive", "--stdout"]);
    if let Some(db) = database {
        cmd.arg(format!("--database={}", db.display()));
    }
    cmd.arg(dir);
    let out = cmd
        .output()
        .map_err(|e| NotScanned(format!("无法运行 clamscan：{e}")))?;
    let text = String::from_utf8_lossy(&out.stdout);
    match out.status.code() {
        Some(0) | Some(1) => Ok(Scan {
            found: found_lines(&text),
            version,
        }),
        _ => {
            let err = String::from_utf8_lossy(&out.stderr);
            let why = err
                .lines()
                .chain(text.lines())
                .find(|l| !l.trim().is_empty())
                .unwrap_or("");
            Err(NotScanned(format!(
                "clamscan 未能完成扫描（{}）；若提示没有病毒库，请在 kaoping.toml 的 [archives] 写 病毒库 = \"病毒库目录\"，或用 --virus-db 指定",
                why.trim()
            )))
        }
    }
}

/// `path: Signature FOUND` lines.
fn found_lines(text: &str) -> Vec<(PathBuf, String)> {
    text.lines()
        .filter_map(|l| l.strip_suffix(" FOUND"))
        .filter_map(|l| l.rsplit_once(": "))
        .map(|(p, sig)| (PathBuf::from(p), sig.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn found_lines_name_file_and_signature() {
        let got = super::found_lines("/t/a b.txt: Eicar-Test-Signature FOUND\n/t/c: OK\n");
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, std::path::PathBuf::from("/t/a b.txt"));
        assert_eq!(got[0].1, "Eicar-Test-Signature");
    }
}
