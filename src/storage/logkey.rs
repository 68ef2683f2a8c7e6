//! The keys a log line is found by without reading the whole log: its
//! kind (`kind` on disk) and the community its data names
//! (`data.community`). Both backends index lines by them: the local one
//! in its cache folder, the database in table `log_keys`, written with
//! the line.

use serde::Deserialize;

/// What a reader of part of the log asks for (see
/// [`super::Backend::log_lines_of`]): the records of one kind, or those
/// whose `data.community` is one community.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogKey {
    /// One kind of record, as written on disk (`submission`).
    Kind(String),
    /// The records whose data names this community.
    Community(String),
}

impl LogKey {
    /// The key as one string: `k:submission`, `c:WH-001` (the database's
    /// `log_keys.key`).
    pub fn text(&self) -> String {
        match self {
            LogKey::Kind(k) => format!("k:{k}"),
            LogKey::Community(c) => format!("c:{c}"),
        }
    }

    /// A line's number and keys; `None` for a line that is no record.
    pub fn of_line(line: &[u8]) -> Option<(u64, Vec<LogKey>)> {
        #[derive(Deserialize)]
        struct Peek {
            seq: u64,
            kind: String,
            #[serde(default)]
            data: Option<PeekData>,
        }
        #[derive(Deserialize)]
        struct PeekData {
            #[serde(default)]
            community: Option<String>,
        }
        #[derive(Deserialize)]
        struct Bare {
            seq: u64,
            kind: String,
        }
        let peek: Peek = serde_json::from_slice(line).ok().or_else(|| {
            // `data` that is no object, or a community that is no string.
            let bare: Bare = serde_json::from_slice(line).ok()?;
            Some(Peek {
                seq: bare.seq,
                kind: bare.kind,
                data: None,
            })
        })?;
        let mut keys = vec![LogKey::Kind(peek.kind)];
        if let Some(c) = peek.data.and_then(|d| d.community) {
            keys.push(LogKey::Community(c));
        }
        Some((peek.seq, keys))
    }
}
