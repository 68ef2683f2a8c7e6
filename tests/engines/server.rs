//! One server process of the test engines (the PostgreSQL postmaster, a
//! Garage node) behind a guard shell that never lets it outlive the test
//! binary, plus the small helpers the engines share: free loopback ports,
//! bounded polling and the tail of a log.
//!
//! Why a guard shell: the shared clusters live in `static`s, whose `Drop`
//! never runs, and a test binary can also be killed outright. So every
//! server is started as `sh -c GUARD` with its stdin a pipe held by the
//! test process. The shell starts the server in the background and blocks
//! reading that pipe; the kernel closes the pipe when the test process ends
//! in any way (normal exit, panic, SIGKILL), the `read` sees end of file,
//! and the shell stops the server (PostgreSQL: SIGINT, a fast shutdown;
//! Garage: SIGTERM), waits for it and removes its folder. No libc, no
//! process groups, nothing left behind. The shell ignores SIGINT, so a
//! Ctrl-C to the terminal's process group ends in the same cleanup. A line
//! on the pipe instead asks for a stop that keeps the folder (`stop`: the
//! same signal; `crash`: SIGKILL), which is how a test stops a node and
//! starts it again.

use std::ffi::OsString;
use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

/// `$1` the server's folder, `$2` its log, `$3` the stop signal, then the
/// server's command line.
const GUARD: &str = r#"trap "" INT
dir=$1 log=$2 sig=$3
shift 3
"$@" >>"$log" 2>&1 &
pid=$!
read -r cmd
if [ "$cmd" = crash ]; then kill -KILL "$pid"; else kill -"$sig" "$pid"; fi 2>/dev/null
wait "$pid"
[ -n "$cmd" ] || rm -rf "$dir"
"#;

/// A running server under its guard shell.
pub struct Server {
    guard: Child,
    stdin: Option<ChildStdin>,
}

impl Server {
    /// Starts `argv` in `dir` (run as `user` through `runuser` when given),
    /// appending its output to `log`; `signal` (e.g. `INT`) stops it.
    pub fn spawn(
        user: Option<&str>,
        dir: &Path,
        log: &Path,
        signal: &str,
        argv: &[OsString],
    ) -> Result<Server, String> {
        let mut cmd = as_user(user, "sh");
        cmd.args(["-c", GUARD, "sh"])
            .arg(dir)
            .arg(log)
            .arg(signal)
            .args(argv)
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let mut guard = cmd
            .spawn()
            .map_err(|e| format!("cannot start {:?}: {e}", argv.first()))?;
        let stdin = guard.stdin.take();
        Ok(Server { guard, stdin })
    }

    /// Stops the server with its own signal; its folder stays.
    pub fn stop(mut self) {
        self.finish("stop");
    }

    /// Kills the server (SIGKILL, like a crash); its folder stays.
    pub fn crash(mut self) {
        self.finish("crash");
    }

    /// Sends `line` (none: end of file, which also removes the folder) and
    /// waits up to 30 s for the guard shell to finish.
    fn finish(&mut self, line: &str) {
        let Some(mut stdin) = self.stdin.take() else {
            return;
        };
        if !line.is_empty() {
            let _ = writeln!(stdin, "{line}");
        }
        drop(stdin);
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if !matches!(self.guard.try_wait(), Ok(None)) {
                return;
            }
            sleep(Duration::from_millis(20));
        }
        let _ = self.guard.kill();
        let _ = self.guard.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.finish("");
    }
}

/// `program`, run as `user` through `runuser` when given.
pub fn as_user(user: Option<&str>, program: impl Into<OsString>) -> Command {
    match user {
        Some(user) => {
            let mut cmd = Command::new("runuser");
            cmd.args(["-u", user, "--"]).arg(program.into());
            cmd
        }
        None => Command::new(program.into()),
    }
}

/// Whether the tests run as root (then servers that refuse root, like
/// PostgreSQL, run as another user).
pub fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// `n` distinct loopback ports that were free a moment ago.
pub fn free_ports(n: usize) -> Vec<u16> {
    let listeners: Vec<TcpListener> = (0..n)
        .map(|_| TcpListener::bind("127.0.0.1:0").expect("a free loopback port"))
        .collect();
    listeners
        .iter()
        .map(|l| l.local_addr().expect("bound address").port())
        .collect()
}

/// Polls `ready` every 100 ms until it holds or `limit` has passed.
pub fn wait_until(limit: Duration, mut ready: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    loop {
        if ready() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        sleep(Duration::from_millis(100));
    }
}

/// The last `lines` lines of a log file (or why it cannot be read).
pub fn log_tail(log: &Path, lines: usize) -> String {
    match std::fs::read_to_string(log) {
        Ok(text) => {
            let all: Vec<&str> = text.lines().collect();
            all[all.len().saturating_sub(lines)..].join("\n")
        }
        Err(e) => format!("(no log at {}: {e})", log.display()),
    }
}

/// A fresh folder under the system temp dir named `prefix…`, not removed
/// automatically (the guard shell or the engine's `Drop` removes it).
pub fn temp_dir(prefix: &str) -> Result<PathBuf, String> {
    tempfile::Builder::new()
        .prefix(prefix)
        .tempdir()
        .map(|d| d.keep())
        .map_err(|e| format!("cannot make a temporary folder: {e}"))
}
