//! The trait-level contract of a [`Backend`], run on the local backend
//! (the distributed one needs its engines: the integration tests under
//! `tests/distributed` run the same paths through the archive).

use std::collections::BTreeMap;
use std::io::Write;

use super::backend::{Committed, Held, LockFailure, LogPos, LogWrite, VersionBytes, VersionFile};
use super::db::log::Commits;
use super::{Backend, Digest};

fn pending(tmp: &std::path::Path, bytes: &[u8]) -> (Digest, tempfile::TempPath) {
    std::fs::create_dir_all(tmp).unwrap();
    let mut f = tempfile::NamedTempFile::new_in(tmp).unwrap();
    f.write_all(bytes).unwrap();
    (Digest::of(bytes), f.into_temp_path())
}

fn objects(b: &dyn Backend, tmp: &std::path::Path) {
    let (d, path) = pending(tmp, b"hello");
    assert_eq!(b.object_size(&d).unwrap(), None);
    b.store_objects(tmp, BTreeMap::from([(d, path)])).unwrap();
    assert_eq!(b.object_size(&d).unwrap(), Some(5));
    assert_eq!(b.list_objects().unwrap(), vec![d]);
    let mut out = Vec::new();
    assert_eq!(b.copy_object(&d, &mut out).unwrap(), 5);
    assert_eq!(out, b"hello");
    let mut again = Vec::new();
    std::io::Read::read_to_end(&mut b.open_object(&d, tmp).unwrap(), &mut again).unwrap();
    assert_eq!(again, b"hello");
    b.quarantine_object(&d, 1).unwrap();
    assert_eq!(b.object_size(&d).unwrap(), None);
    assert!(b.list_objects().unwrap().is_empty());
}

fn registers(b: &dyn Backend) {
    assert_eq!(b.register("accounts.json").unwrap(), None);
    b.put_register("accounts.json", b"[1]").unwrap();
    b.put_register("accounts.json", b"[2]").unwrap();
    assert_eq!(
        b.register("accounts.json").unwrap().as_deref(),
        Some(&b"[2]"[..])
    );
}

fn log(b: &dyn Backend, held: &Held) {
    assert!(b.log_bytes().unwrap().is_empty());
    assert_eq!(b.log_last_line().unwrap(), None);
    let lines = vec![(1, b"{\"seq\":1}".to_vec()), (2, b"{\"seq\":2}".to_vec())];
    b.log_write(held, LogWrite::Append, &lines, &Commits::default())
        .unwrap();
    b.log_write(
        held,
        LogWrite::Append,
        &[(3, b"{\"seq\":3}".to_vec())],
        &Commits::default(),
    )
    .unwrap();
    assert_eq!(
        b.log_bytes().unwrap(),
        b"{\"seq\":1}\n{\"seq\":2}\n{\"seq\":3}\n"
    );
    assert_eq!(b.log_last_line().unwrap().unwrap(), b"{\"seq\":3}\n");
    let mut pos = LogPos::default();
    assert_eq!(b.log_after(&mut pos).unwrap().len(), 3);
    pos.seq = 3;
    assert!(b.log_after(&mut pos).unwrap().is_empty());
    assert!(!b.log_cut_torn_tail().unwrap());
}

fn versions(b: &dyn Backend) {
    let v = |objects| VersionBytes {
        community: "WH-001",
        n: 1,
        manifest: b"{}",
        objects,
    };
    b.put_version(v("x  objects/sha256/aa/x\n")).unwrap();
    assert!(b.put_version(v("")).is_err(), "never replaced");
    assert_eq!(
        b.version_file("WH-001", 1, VersionFile::Manifest).unwrap(),
        b"{}"
    );
    let c = Committed {
        log_seq: 3,
        root_hash: Digest::of(b"{}").hex(),
    };
    b.mark_committed("WH-001", 1, &c).unwrap();
    let stored = b.stored_versions().unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].version, Some(1));
    assert_eq!(
        stored[0]
            .committed
            .as_ref()
            .unwrap()
            .as_ref()
            .unwrap()
            .log_seq,
        3
    );
    b.recover(&|| Ok(vec![("WH-001".into(), 1, c.clone())]))
        .unwrap();
}

fn sessions(b: &dyn Backend) {
    let s = b.sessions();
    let row = ("a".to_string(), "stamp".to_string(), "csrf".to_string());
    s.start("id1", row.clone(), 60, 120).unwrap();
    assert_eq!(s.touch("id1", 60, 120).unwrap(), Some(row));
    s.end("id1").unwrap();
    assert_eq!(s.touch("id1", 60, 120).unwrap(), None);
}

/// Every operation of the trait, in the order an archive uses them.
fn contract(b: &dyn Backend, tmp: &std::path::Path) {
    let held = b.lock(false, "test\n", &mut |_| {}).unwrap();
    match b.lock(false, "second\n", &mut |_| {}) {
        Err(LockFailure::Busy(holder)) => assert_eq!(holder, "test"),
        other => panic!("a second writer must be refused: {other:?}"),
    }
    objects(b, tmp);
    registers(b);
    log(b, &held);
    versions(b);
    sessions(b);
}

#[test]
fn the_local_backend_keeps_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    let local = super::local::Local::new(dir.path());
    contract(&local, &dir.path().join("tmp"));
    assert_eq!(local.local_cache_dir().as_deref(), Some(dir.path()));
    assert!(local.read_pool(4).is_none());
    // The on-disk layout is the one old archives have.
    for p in [
        "log.jsonl",
        "accounts.json",
        "submissions/WH-001/v0001/manifest.json",
    ] {
        assert!(dir.path().join(p).is_file(), "{p}");
    }
    assert!(
        dir.path()
            .join("submissions/WH-001/v0001/committed")
            .is_file()
    );
    assert!(dir.path().join("quarantine").is_dir());
}

#[test]
fn a_torn_last_line_is_cut_at_the_last_newline() {
    let dir = tempfile::tempdir().unwrap();
    let local = super::local::Local::new(dir.path());
    let log = dir.path().join("log.jsonl");
    assert!(!local.log_cut_torn_tail().unwrap(), "no log yet");
    // A torn line longer than one read block, after whole lines.
    let whole = b"{\"seq\":1}\n{\"seq\":2}\n".to_vec();
    let mut torn = whole.clone();
    torn.extend(std::iter::repeat_n(b'x', 100_000));
    std::fs::write(&log, &torn).unwrap();
    assert!(local.log_cut_torn_tail().unwrap());
    assert_eq!(std::fs::read(&log).unwrap(), whole);
    assert!(!local.log_cut_torn_tail().unwrap(), "nothing left to cut");
    std::fs::write(&log, b"no newline at all").unwrap();
    assert!(local.log_cut_torn_tail().unwrap());
    assert!(std::fs::read(&log).unwrap().is_empty());
}
