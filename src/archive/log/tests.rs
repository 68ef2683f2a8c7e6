//! Tests of the module above.
use super::*;
use crate::event::{DocumentCheck, Event};

fn check(i: u32) -> Event {
    Event::VerifyDoc(DocumentCheck {
        sha256: format!("{i:064}"),
        registered: None,
    })
}

/// A log in a temp folder with three records, its writer lock held.
fn three_records() -> (tempfile::TempDir, WriterLock, Log) {
    let dir = tempfile::tempdir().unwrap();
    let lock = WriterLock::acquire(dir.path(), false, |_| {}).unwrap();
    let log = Log::new(dir.path());
    for i in 0..3 {
        log.append(&lock, check(i)).unwrap();
    }
    (dir, lock, log)
}

/// Reading again parses only what was appended, and a log changed
/// anywhere before its end is read anew: the cache never changes what
/// is read.
#[test]
fn reading_again_sees_appends_and_edits() {
    let (dir, lock, log) = three_records();
    assert_eq!(log.records().unwrap().len(), 3);
    log.append(&lock, check(3)).unwrap();
    let after = log.records().unwrap();
    assert_eq!(*after, log.verify().unwrap(), "the appended record is read");
    assert_eq!(after.len(), 4);
    // The same length, one earlier line edited: read anew.
    let text = std::fs::read_to_string(log.path()).unwrap();
    let edited = text.replace(&format!("{:064}", 1), &format!("{:064}", 7));
    assert_eq!(edited.len(), text.len());
    std::fs::write(log.path(), &edited).unwrap();
    // The handle keeps its snapshot until a writer lock or an append in
    // this process; a new handle (a new request or command) reads anew.
    assert_eq!(log.records().unwrap(), after, "the handle's snapshot");
    let again = Log::new(dir.path()).records().unwrap();
    assert_eq!(again.len(), 4);
    assert_ne!(again[1], after[1], "the edit is seen");
    // Shorter (a line removed): read anew.
    let first: String = edited.lines().take(2).map(|l| format!("{l}\n")).collect();
    std::fs::write(log.path(), first).unwrap();
    assert_eq!(Log::new(dir.path()).records().unwrap().len(), 2);
    // After a writer lock is taken anywhere in the process, the old
    // handle reads anew too.
    written();
    assert_eq!(log.records().unwrap().len(), 2);
    // A bad line appended is reported with its line number.
    let mut bad = std::fs::read(log.path()).unwrap();
    bad.extend_from_slice(b"not json\n");
    std::fs::write(log.path(), bad).unwrap();
    let err = Log::new(dir.path()).records().unwrap_err().to_string();
    assert!(err.contains("第 3 行"), "{err}");
}

#[test]
fn chain_detects_edits_and_removals() {
    let (dir, lock, log) = three_records();
    assert_eq!(log.verify().unwrap().len(), 3);
    assert_eq!(*log.records().unwrap(), log.verify().unwrap());
    let text = std::fs::read_to_string(log.path()).unwrap();
    let lines: Vec<&str> = text.lines().collect();

    // Edit the middle record's data.
    let edited = text.replace(&format!("{:064}", 1), &format!("{:064}", 7));
    std::fs::write(log.path(), &edited).unwrap();
    let err = log.verify().unwrap_err().to_string();
    assert!(err.contains("第 3 行"), "{err}");

    // Remove the first record.
    std::fs::write(log.path(), format!("{}\n{}\n", lines[1], lines[2])).unwrap();
    assert!(log.verify().is_err());

    // A torn last line: no record to readers, refused by appends.
    std::fs::write(log.path(), &text[..text.len() - 3]).unwrap();
    assert!(log.verify().is_err());
    assert_eq!(Log::new(dir.path()).records().unwrap().len(), 2);
    assert!(log.append(&lock, check(9)).is_err());
}

#[test]
fn a_batch_is_appended_in_one_piece_and_chains_on() {
    let dir = tempfile::tempdir().unwrap();
    let lock = WriterLock::acquire(dir.path(), false, |_| {}).unwrap();
    let log = Log::new(dir.path());
    log.append(&lock, check(0)).unwrap();
    let batch = log.append_all(&lock, (1..=4).map(check).collect()).unwrap();
    assert_eq!(
        batch.iter().map(|r| r.seq).collect::<Vec<_>>(),
        [2, 3, 4, 5]
    );
    let all = log.verify().unwrap();
    assert_eq!(all.len(), 5);
    assert_eq!(all[1..], batch[..]);
    assert!(log.append_all(&lock, Vec::new()).unwrap().is_empty());
}

#[test]
fn the_head_is_found_behind_long_lines() {
    let dir = tempfile::tempdir().unwrap();
    let lock = WriterLock::acquire(dir.path(), false, |_| {}).unwrap();
    let log = Log::new(dir.path());
    let long = Event::Download(crate::event::Download {
        community: "x".repeat(200_000),
        version: 1,
        what: "BagIt".into(),
    });
    log.append(&lock, long.clone()).unwrap();
    log.append(&lock, long).unwrap();
    log.append(&lock, check(1)).unwrap();
    assert_eq!(log.verify().unwrap().len(), 3);
}
