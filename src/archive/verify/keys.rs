//! The check of the database's log index (table `log_keys`) against the
//! log's lines: every key a line has must be there, and nothing else. A
//! backend that keeps its index as a cache (the local one checks it on
//! every read and rebuilds it) has nothing to check here.

use std::collections::BTreeSet;

use super::VerifyReport;
use super::problem::Problem;
use crate::archive::Archive;
use crate::storage::LogKey;

/// Compares the stored keys with those of the log's lines.
pub(super) fn check(archive: &Archive, report: &mut VerifyReport) {
    let stored = match archive.backend().and_then(|b| b.log_keys()) {
        Ok(Some(stored)) => stored,
        Ok(None) => return,
        Err(e) => {
            report
                .problems
                .push(Problem::LogKeys(format!("无法读取（{e}）")));
            return;
        }
    };
    let Ok(raw) = archive.log().raw() else {
        return;
    };
    let mut want = BTreeSet::new();
    for line in raw.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        if let Some((seq, keys)) = LogKey::of_line(line) {
            want.extend(keys.iter().map(|k| (k.text(), seq)));
        }
    }
    let have: BTreeSet<(String, u64)> = stored.into_iter().collect();
    if let Some((key, seq)) = want.difference(&have).next() {
        let n = want.difference(&have).count();
        report.problems.push(Problem::LogKeys(format!(
            "缺少 {n} 项，如日志第 {seq} 行的 {key}"
        )));
    }
    if let Some((key, seq)) = have.difference(&want).next() {
        let n = have.difference(&want).count();
        report.problems.push(Problem::LogKeys(format!(
            "多出 {n} 项，如日志第 {seq} 行的 {key}（该行没有这一项）"
        )));
    }
}
