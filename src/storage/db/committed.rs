//! Committed versions kept in memory by the process: a version's
//! `manifest.json` and `objects.sha256` never change once its log record
//! committed it (the row is never replaced), so a page that shows every
//! community's latest version reads each from the database once per
//! process, not once per request. Bounded: past the budget the kept rows
//! are dropped and read again when asked.

use std::collections::HashMap;
use std::sync::Mutex;

use super::rows::ManifestRow;

/// The most bytes of manifests kept.
const BUDGET: usize = 64 << 20;

/// The rows kept, by (community, version), and their bytes in all.
type Kept = (usize, HashMap<(String, u32), ManifestRow>);

/// Committed rows by (community, version).
#[derive(Default)]
pub struct Committed {
    rows: Mutex<Kept>,
}

impl Committed {
    /// The row of a committed version, if kept.
    pub fn get(&self, community: &str, version: u32) -> Option<ManifestRow> {
        let kept = self.rows.lock().ok()?;
        kept.1.get(&(community.to_string(), version)).cloned()
    }

    /// Keeps `row` if it is committed (an uncommitted one may still be
    /// replaced by the next writer of that version).
    pub fn keep(&self, row: &ManifestRow) {
        if row.log_seq.is_none() {
            return;
        }
        let Ok(mut kept) = self.rows.lock() else {
            return;
        };
        let size = row.manifest.len() + row.objects.len();
        if kept.0 + size > BUDGET {
            *kept = (0, HashMap::new());
        }
        if size <= BUDGET {
            kept.0 += size;
            kept.1
                .insert((row.community.clone(), row.version), row.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(version: u32, log_seq: Option<u64>, bytes: usize) -> ManifestRow {
        ManifestRow {
            community: "WH-001".into(),
            version,
            manifest: vec![b'x'; bytes],
            objects: String::new(),
            log_seq,
        }
    }

    /// Only committed rows are kept, and past the budget the kept ones
    /// are dropped (read again when asked) rather than memory growing.
    #[test]
    fn only_committed_rows_are_kept_within_the_budget() {
        let kept = Committed::default();
        kept.keep(&row(1, None, 10));
        assert!(kept.get("WH-001", 1).is_none(), "not committed yet");
        kept.keep(&row(1, Some(5), 10));
        assert_eq!(kept.get("WH-001", 1), Some(row(1, Some(5), 10)));
        kept.keep(&row(2, Some(6), BUDGET - 5));
        assert!(kept.get("WH-001", 1).is_none(), "dropped to make room");
        assert!(kept.get("WH-001", 2).is_some());
        kept.keep(&row(3, Some(7), BUDGET + 1));
        assert!(kept.get("WH-001", 3).is_none(), "larger than the budget");
    }
}
