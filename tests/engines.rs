//! Real engines for the distributed storage tests: a throwaway PostgreSQL
//! cluster ([`Postgres`]) and a three-node Garage cluster ([`Garage`]),
//! each started once per run of the test binary on first use and shared
//! ([`postgres`], [`garage`], [`engines`]); every test makes its own
//! database and bucket. A test that stops a server or a node starts its
//! own ([`private_postgres`], [`private_garage`]). When an engine is
//! missing the tests skip with the reason, and fail under `CI=true`
//! (where `.ci/run` installs both). The smoke tests below prove the
//! engines themselves work.

// The helpers are public for the distributed-storage tests; not every one
// is used by the smoke tests here.
#![allow(dead_code)]

mod garage;
mod postgres;
mod server;
mod tls;

use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub use garage::{Garage, REMOTE};
pub use postgres::{Postgres, dbname};
pub use server::wait_until;
pub use tls::{TestCa, TlsFront};

use crate::util;

/// The shared PostgreSQL cluster, or `None` (after printing the reason;
/// panicking under `CI=true`) when it cannot run here.
pub fn postgres() -> Option<&'static Postgres> {
    static PG: OnceLock<Result<Postgres, String>> = OnceLock::new();
    available(PG.get_or_init(Postgres::start).as_ref())
}

/// The shared Garage cluster (and rclone, which its checks use), or `None`
/// as for [`postgres`].
pub fn garage() -> Option<&'static Garage> {
    static GARAGE: OnceLock<Result<Garage, String>> = OnceLock::new();
    if !util::require("rclone", "rclone") {
        return None;
    }
    available(GARAGE.get_or_init(Garage::start).as_ref())
}

/// Both shared engines, or `None` when either is missing.
pub fn engines() -> Option<(&'static Postgres, &'static Garage)> {
    Some((postgres()?, garage()?))
}

/// A private PostgreSQL cluster (for a test that stops the server), or
/// `None` as for [`postgres`].
pub fn private_postgres() -> Option<Postgres> {
    available(Postgres::start())
}

/// A private PostgreSQL cluster taking TLS connections only, with a
/// server certificate of `ca`, or `None` as for [`postgres`].
pub fn tls_postgres(ca: &TestCa) -> Option<Postgres> {
    available(Postgres::start_tls(ca))
}

/// A test CA (see [`TestCa::new`]), or `None` as for [`postgres`].
pub fn test_ca(name: &str) -> Option<TestCa> {
    available(TestCa::new(name))
}

/// A TLS front for `to_port` (see [`TlsFront::start`]), or `None` as for
/// [`postgres`].
pub fn tls_front(ca: &TestCa, to_port: u16) -> Option<TlsFront> {
    available(TlsFront::start(ca, to_port))
}

/// A private Garage cluster (for a test that stops nodes), or `None` as
/// for [`postgres`].
pub fn private_garage() -> Option<Garage> {
    if !util::require("rclone", "rclone") {
        return None;
    }
    available(Garage::start())
}

/// The engine, or `None` after the skip of tests/util.rs's `require` with
/// the engine's own reason (a panic under `CI=true`).
fn available<T, E: std::fmt::Display>(engine: Result<T, E>) -> Option<T> {
    match engine {
        Ok(engine) => Some(engine),
        Err(reason) => {
            assert!(!util::in_ci(), "required in CI: {reason}");
            eprintln!("skipped: {reason}");
            None
        }
    }
}

#[test]
fn engines_postgres_gives_each_test_an_empty_database_and_ends_connections() {
    let Some(pg) = postgres() else { return };
    let (a, b) = (pg.create_database(), pg.create_database());
    assert_ne!(a, b);
    let db = dbname(&a);
    assert!(a.starts_with(&format!(
        "host=127.0.0.1 port={} user=kaoping dbname=kp_",
        pg.port()
    )));
    assert_eq!(pg.sql(db, "select 1"), "1\n");
    let tables = "select count(*) from pg_tables where schemaname = 'public'";
    assert_eq!(pg.sql(db, tables), "0\n");

    // A connection held by another client is ended, and that client fails.
    let mut sleeper = pg.psql_command(db);
    sleeper.args(["-c", "select pg_sleep(60)"]);
    let mut sleeper = sleeper.stderr(std::process::Stdio::null()).spawn().unwrap();
    let waiting = format!("select count(*) from pg_stat_activity where datname = '{db}'");
    let connected = || pg.sql("postgres", &waiting) == "1\n";
    assert!(wait_until(Duration::from_secs(10), connected));
    assert_eq!(pg.terminate_connections(db), 1);
    let status = sleeper.wait().unwrap();
    assert!(!status.success(), "psql survived pg_terminate_backend");
}

#[test]
fn engines_postgres_restarts_with_its_data() {
    let Some(mut pg) = private_postgres() else {
        return;
    };
    let conninfo = pg.create_database();
    let db = dbname(&conninfo);
    pg.sql(db, "create table t (n int); insert into t values (7)");
    pg.stop();
    assert!(!pg.psql(db, "select 1").status.success());
    pg.start_again().unwrap();
    assert_eq!(pg.sql(db, "select n from t"), "7\n");
}

#[test]
fn engines_garage_keeps_reading_and_writing_with_one_node_stopped() {
    let started = Instant::now();
    let Some(mut g) = private_garage() else {
        return;
    };
    eprintln!("three-node Garage cluster up in {:.1?}", started.elapsed());
    let health = g.health();
    assert_eq!(health["status"], "healthy", "{health}");
    assert_eq!(health["storageNodesUp"], 3, "{health}");
    let status = String::from_utf8(g.cli(&["status"]).stdout).unwrap();
    let healthy = status.split("====").nth(2).unwrap_or_default();
    assert_eq!(healthy.matches("127.0.0.1:").count(), 3, "{status}");

    let bucket = g.create_bucket();
    assert_eq!(g.list_objects(&bucket), vec![]);
    put(&g, &bucket, "evidence/a.txt", "first");
    assert_eq!(g.list_objects(&bucket), vec![("evidence/a.txt".into(), 5)]);

    // Straight after the kill, when the others may not have noticed yet.
    g.stop_node(1);
    put(&g, &bucket, "evidence/b.txt", "second one");
    let listed = g.list_objects(&bucket);
    assert_eq!(
        listed,
        vec![("evidence/a.txt".into(), 5), ("evidence/b.txt".into(), 10)]
    );
    for (name, body) in [("a.txt", "first"), ("b.txt", "second one")] {
        let out = g.rclone(&["cat", &format!("{REMOTE}:{bucket}/evidence/{name}")]);
        assert_eq!(String::from_utf8_lossy(&out.stdout), body);
    }

    let noticed = || g.health()["storageNodesUp"] == 2;
    assert!(wait_until(Duration::from_secs(30), noticed));
    let restarted = Instant::now();
    g.start_node(1);
    eprintln!("node 1 back in the cluster in {:.1?}", restarted.elapsed());
    assert_eq!(g.health()["storageNodesUp"], 3);
}

#[test]
fn engines_shared_garage_gives_each_test_its_own_bucket() {
    let Some(g) = garage() else { return };
    assert_eq!(g.region(), "garage");
    assert!(g.key_id().starts_with("GK"), "{}", g.key_id());
    assert_eq!(g.endpoints().len(), 3);
    assert_eq!(g.endpoint(), g.endpoints()[0]);
    let env = g.aws_env();
    assert!(env.contains(&("AWS_ENDPOINT", g.endpoint())), "{env:?}");
    let (a, b) = (g.create_bucket(), g.create_bucket());
    assert_ne!(a, b);
    put(g, &a, "x", "abc");
    assert_eq!(g.list_objects(&a), vec![("x".into(), 3)]);
    assert_eq!(g.list_objects(&b), vec![]);
}

/// Copies `body` into `bucket` as `key` with `rclone copyto`.
fn put(g: &Garage, bucket: &str, key: &str, body: &str) {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("body");
    std::fs::write(&src, body).unwrap();
    let dst = format!("{REMOTE}:{bucket}/{key}");
    let out = g.rclone(&["copyto", src.to_str().unwrap(), &dst]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
