//! Tests of the module above.
use super::*;

fn line(seq: u64, kind: &str, community: &str) -> (u64, Vec<u8>) {
    let text = format!(
        r#"{{"seq":{seq},"prev":"x","time":"t","kind":"{kind}","data":{{"community":"{community}","n":{seq}}}}}"#
    );
    (seq, text.into_bytes())
}

fn seqs(local: &Local, key: &LogKey) -> Option<Vec<u64>> {
    let lines = local.log_lines_of(key).unwrap()?;
    Some(lines.into_iter().map(|(n, _)| n).collect())
}

/// An archive folder with its index cached inside the same temp folder.
fn archive() -> (tempfile::TempDir, Local) {
    let dir = tempfile::tempdir().unwrap();
    let mut local = Local::new(dir.path());
    local.index_base = Some(dir.path().join("cache"));
    (dir, local)
}

/// Lines 1 (WH-001's) and 2 (PL-002's) appended.
fn two_lines(local: &Local) {
    local
        .log_append(&[
            line(1, "submission", "WH-001"),
            line(2, "assessment", "PL-002"),
        ])
        .unwrap();
}

fn head(local: &Local) -> Head {
    let dir = local.index().unwrap().dir;
    serde_json::from_slice(&fs::read(dir.join(HEAD_FILE)).unwrap()).unwrap()
}

/// The index answers by community and by kind, takes in what is
/// appended after it, and the lines it names are the log's own.
#[test]
fn lines_by_key_follow_the_log() {
    let (_dir, local) = archive();
    let a = LogKey::Community("WH-001".into());
    assert_eq!(seqs(&local, &a), Some(vec![]), "no log yet");
    two_lines(&local);
    assert_eq!(seqs(&local, &a), Some(vec![1]));
    assert_eq!(head(&local).lines, 2);
    local
        .log_append(&[
            line(3, "assessment", "WH-001"),
            line(4, "submission", "PL-002"),
        ])
        .unwrap();
    assert_eq!(seqs(&local, &a), Some(vec![1, 3]));
    assert_eq!(
        seqs(&local, &LogKey::Kind("submission".into())),
        Some(vec![1, 4])
    );
    assert_eq!(head(&local).lines, 4, "brought up to date");
    let got = local.log_lines_of(&a).unwrap().unwrap();
    assert_eq!(got[1], line(3, "assessment", "WH-001"));
}

/// Building an index anew removes the indexes of archives whose
/// folder is gone, and keeps those of archives still there.
#[test]
fn indexes_of_archives_gone_are_pruned() {
    let cache = tempfile::tempdir().unwrap();
    let make = |root: &std::path::Path| {
        let mut local = Local::new(root);
        local.index_base = Some(cache.path().to_path_buf());
        local
            .log_append(&[line(1, "submission", "WH-001")])
            .unwrap();
        local.index().unwrap().dir
    };
    let gone = tempfile::tempdir().unwrap();
    let kept = tempfile::tempdir().unwrap();
    let (gone_index, kept_index) = (make(gone.path()), make(kept.path()));
    assert!(gone_index.join(HEAD_FILE).exists());
    drop(gone);
    let third = tempfile::tempdir().unwrap();
    make(third.path());
    assert!(!gone_index.exists(), "the index of a deleted archive");
    assert!(kept_index.join(HEAD_FILE).exists());
}

/// A log changed under the index (its last covered line edited, the
/// log cut short) is answered from the log, and the next append
/// rebuilds the index; an entry pointing at another community's line
/// is refused (the caller reads the whole log) and the index dropped.
#[test]
fn an_index_that_does_not_match_the_log_is_rebuilt() {
    let (dir, local) = archive();
    let a = LogKey::Community("WH-001".into());
    two_lines(&local);
    assert_eq!(seqs(&local, &a), Some(vec![1]));
    // The last covered line edited, same length: read from the log,
    // and the reader writes nothing.
    let log = dir.path().join(super::super::LOG_FILE);
    let text = fs::read_to_string(&log)
        .unwrap()
        .replace("PL-002", "WH-001");
    fs::write(&log, &text).unwrap();
    let before = head(&local);
    assert_eq!(seqs(&local, &a), Some(vec![1, 2]), "read from the log");
    assert_eq!(head(&local), before, "a reader changes nothing");
    // The next append rebuilds it.
    local
        .log_append(&[line(3, "assessment", "WH-001")])
        .unwrap();
    assert_eq!(head(&local).lines, 3);
    assert_eq!(seqs(&local, &a), Some(vec![1, 2, 3]));
    // Cut short: read anew.
    let first: String = text.lines().take(1).map(|l| format!("{l}\n")).collect();
    fs::write(&log, first).unwrap();
    assert_eq!(seqs(&local, &a), Some(vec![1]));
    // An entry of another community's line in this community's file.
    local
        .log_append(&[line(2, "assessment", "PL-002")])
        .unwrap();
    assert_eq!(seqs(&local, &a), Some(vec![1]));
    let wrong = Entry {
        seq: 2,
        offset: fs::read(&log)
            .unwrap()
            .iter()
            .position(|&b| b == b'\n')
            .unwrap() as u64
            + 1,
        len: line(2, "assessment", "PL-002").1.len() as u32,
    };
    let file = local.index().unwrap().dir.join(file_name(&a));
    let mut bytes = fs::read(&file).unwrap();
    bytes.extend_from_slice(&encode(&wrong));
    fs::write(&file, bytes).unwrap();
    assert_eq!(seqs(&local, &a), None, "the line is not this community's");
    assert_eq!(seqs(&local, &a), Some(vec![1]));
    // An entry claiming a line longer than the log: refused before
    // anything that size is allocated.
    local
        .log_append(&[line(3, "assessment", "WH-001")])
        .unwrap();
    let huge = Entry {
        seq: 3,
        offset: 0,
        len: u32::MAX,
    };
    let mut bytes = fs::read(&file).unwrap();
    bytes.truncate(ENTRY);
    bytes.extend_from_slice(&encode(&huge));
    fs::write(&file, bytes).unwrap();
    assert_eq!(seqs(&local, &a), None);
    assert_eq!(seqs(&local, &a), Some(vec![1, 3]));
}
