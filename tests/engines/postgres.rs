//! A throwaway PostgreSQL cluster for the tests: `initdb` into a temporary
//! folder (owned by and run as the `postgres` user when the tests run as
//! root, since the server refuses root), trust authentication, a free
//! loopback port and the unix socket in that folder. Each test asks for
//! its own empty database.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use super::server::{Server, as_user, free_ports, is_root, log_tail, temp_dir, wait_until};

/// The superuser `initdb` creates; tests connect as it.
const USER: &str = "kaoping";

/// A running throwaway PostgreSQL cluster (stopped and removed on drop).
pub struct Postgres {
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
    user: Option<&'static str>,
    server: Option<Server>,
    next_db: AtomicUsize,
    /// `-c` settings beyond the defaults (TLS).
    settings: Vec<String>,
}

impl Postgres {
    /// Makes and starts a cluster; `Err` says why PostgreSQL is missing
    /// or did not start (a skip reason).
    pub fn start() -> Result<Postgres, String> {
        let mut pg = Postgres::init()?;
        pg.start_again()?;
        Ok(pg)
    }

    /// A cluster that takes TCP connections over TLS only (`ssl = on`
    /// with `ca`'s server certificate, `hostnossl … reject`), started.
    pub fn start_tls(ca: &super::TestCa) -> Result<Postgres, String> {
        let mut pg = Postgres::init()?;
        let data = pg.data();
        for (from, to) in [(ca.cert(), "server.crt"), (ca.key(), "server.key")] {
            std::fs::copy(from, data.join(to)).map_err(|e| e.to_string())?;
        }
        let hba = "local all all trust\nhostssl all all 127.0.0.1/32 trust\nhostnossl all all 127.0.0.1/32 reject\n";
        std::fs::write(data.join("pg_hba.conf"), hba).map_err(|e| e.to_string())?;
        if let Some(user) = pg.user {
            run(Command::new("chown")
                .arg("-R")
                .arg(format!("{user}:"))
                .arg(&data))?;
        }
        run(Command::new("chmod")
            .arg("600")
            .arg(data.join("server.key")))?;
        pg.settings = vec![
            "ssl=on".into(),
            "ssl_cert_file=server.crt".into(),
            "ssl_key_file=server.key".into(),
        ];
        pg.start_again()?;
        Ok(pg)
    }

    /// A new cluster on disk, not started.
    fn init() -> Result<Postgres, String> {
        let bin = bin_dir()?;
        let user = if is_root() { Some("postgres") } else { None };
        let dir = temp_dir("kp-pg-")?;
        if let Some(user) = user {
            run(Command::new("chown").arg(format!("{user}:")).arg(&dir))?;
        }
        let pg = Postgres {
            bin,
            dir,
            port: free_ports(1)[0],
            user,
            server: None,
            next_db: AtomicUsize::new(1),
            settings: Vec::new(),
        };
        run(as_user(user, pg.bin.join("initdb"))
            .args(["--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"])
            .arg(format!("--username={USER}"))
            .arg("-D")
            .arg(pg.data())
            .current_dir(&pg.dir))?;
        Ok(pg)
    }

    /// A connection string (libpq key=value form) for a new empty
    /// database, e.g. `host=127.0.0.1 port=5433 user=kaoping dbname=kp_3`.
    pub fn create_database(&self) -> String {
        let name = format!("kp_{}", self.next_db.fetch_add(1, Ordering::SeqCst));
        self.sql("postgres", &format!("create database {name}"));
        self.conninfo(&name)
    }

    /// The key=value connection string of database `dbname`.
    pub fn conninfo(&self, dbname: &str) -> String {
        format!(
            "host=127.0.0.1 port={} user={USER} dbname={dbname}",
            self.port
        )
    }

    /// The same as a URL (`postgres://kaoping@127.0.0.1:PORT/DBNAME`).
    pub fn url(&self, dbname: &str) -> String {
        format!("postgres://{USER}@127.0.0.1:{}/{dbname}", self.port)
    }

    /// The server's TCP port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Ends every backend connected to `dbname` (except the one asking)
    /// with `pg_terminate_backend`; returns how many were ended.
    pub fn terminate_connections(&self, dbname: &str) -> usize {
        assert!(
            dbname
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_'),
            "not a test database name: {dbname}"
        );
        let sql = format!(
            "select count(pg_terminate_backend(pid)) from pg_stat_activity \
             where datname = '{dbname}' and pid <> pg_backend_pid()"
        );
        let out = self.sql("postgres", &sql);
        out.trim().parse().expect("a count")
    }

    /// Runs `sql` in `dbname` through `psql`; its unaligned output.
    /// Panics (with psql's message) when it fails.
    pub fn sql(&self, dbname: &str, sql: &str) -> String {
        let out = self.psql(dbname, sql);
        assert!(
            out.status.success(),
            "psql in {dbname} failed on {sql:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// `psql` with `sql` in `dbname` (unaligned, tuples only, stop on
    /// error); the raw output.
    pub fn psql(&self, dbname: &str, sql: &str) -> Output {
        self.psql_command(dbname)
            .args(["-c", sql])
            .output()
            .expect("psql runs")
    }

    /// `pg_dump` of `dbname` as plain SQL into `out` (how an office backs
    /// up the database; see the README's restore drill).
    pub fn dump(&self, dbname: &str, out: &std::path::Path) {
        let done = Command::new(self.bin.join("pg_dump"))
            .args(["--no-owner", "--no-privileges", "-w", "-f"])
            .arg(out)
            .arg(self.conninfo(dbname))
            .output()
            .expect("pg_dump runs");
        assert!(
            done.status.success(),
            "pg_dump failed: {}",
            String::from_utf8_lossy(&done.stderr)
        );
    }

    /// `psql` connected to `dbname`, for a test that wants to hold a
    /// connection (e.g. spawn it and then terminate its backend).
    pub fn psql_command(&self, dbname: &str) -> Command {
        let mut cmd = Command::new(self.bin.join("psql"));
        cmd.args(["-X", "-q", "-A", "-t", "-w", "-v", "ON_ERROR_STOP=1"])
            .arg(self.conninfo(dbname))
            .env("PGCONNECT_TIMEOUT", "5");
        cmd
    }

    /// Stops the server (fast shutdown); the cluster stays on disk.
    pub fn stop(&mut self) {
        if let Some(server) = self.server.take() {
            server.stop();
        }
    }

    /// Starts the server again (same folder and port) and waits until it
    /// answers, at most 30 s.
    pub fn start_again(&mut self) -> Result<(), String> {
        self.stop();
        let data = self.data();
        let mut argv: Vec<OsString> = vec![self.bin.join("postgres").into(), "-D".into()];
        argv.push(data.into());
        argv.extend(["-p".into(), self.port.to_string().into(), "-k".into()]);
        argv.push(self.dir.clone().into());
        let defaults = [
            "listen_addresses=127.0.0.1",
            "fsync=off",
            "max_connections=200",
        ];
        for setting in defaults
            .iter()
            .map(|s| s.to_string())
            .chain(self.settings.clone())
        {
            argv.extend(["-c".into(), setting.into()]);
        }
        let log = self.dir.join("postgres.log");
        self.server = Some(Server::spawn(self.user, &self.dir, &log, "INT", &argv)?);
        let up = wait_until(Duration::from_secs(30), || {
            self.psql("postgres", "select 1").status.success()
        });
        if up {
            Ok(())
        } else {
            Err(format!(
                "PostgreSQL did not answer within 30 s; its log:\n{}",
                log_tail(&log, 20)
            ))
        }
    }

    fn data(&self) -> PathBuf {
        self.dir.join("data")
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        drop(self.server.take());
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The folder of `initdb`/`postgres`/`psql`: `$KAOPING_PG_BIN`, the newest
/// Debian `/usr/lib/postgresql/N/bin`, or the one holding `initdb` on PATH.
fn bin_dir() -> Result<PathBuf, String> {
    if let Some(dir) = std::env::var_os("KAOPING_PG_BIN") {
        return has_initdb(Path::new(&dir))
            .then(|| PathBuf::from(&dir))
            .ok_or_else(|| format!("PostgreSQL not found: no initdb in KAOPING_PG_BIN={dir:?}"));
    }
    let mut debian: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin"))))
        .filter(|(_, bin)| has_initdb(bin))
        .collect();
    debian.sort();
    if let Some((_, bin)) = debian.pop() {
        return Ok(bin);
    }
    std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .find(|dir| has_initdb(dir))
        .ok_or_else(|| {
            "PostgreSQL not found: no initdb in /usr/lib/postgresql/*/bin or on PATH \
             (apt-get install postgresql)"
                .to_string()
        })
}

fn has_initdb(dir: &Path) -> bool {
    dir.join("initdb").is_file() && dir.join("postgres").is_file() && dir.join("psql").is_file()
}

/// Runs `cmd`; `Err` carries its output when it fails.
fn run(cmd: &mut Command) -> Result<(), String> {
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{cmd:?} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// The database name in a key=value connection string of
/// [`Postgres::create_database`].
pub fn dbname(conninfo: &str) -> &str {
    conninfo
        .split_whitespace()
        .find_map(|kv| kv.strip_prefix("dbname="))
        .expect("a dbname= in the connection string")
}
