//! The archive records of the log (submissions, downloads, quarantined
//! objects) and the object reference every record with files holds. The archive module re-exports them where they used to live.

use serde::{Deserialize, Serialize};

/// The `data` of a submission's log record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmissionRecord {
    /// Community id.
    pub community: String,
    /// Version number.
    pub version: u32,
    /// SHA-256 of the version's `manifest.json`.
    pub root_hash: String,
    /// Number of files.
    pub file_count: u64,
    /// Total bytes.
    pub total_bytes: u64,
    /// Who handed it in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submitter: Option<String>,
    /// Folder or ZIP name it came from.
    pub source: String,
}

/// A stored object referenced from a log record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectRef {
    /// SHA-256 (hex).
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
    /// SM3 (GB/T 32905, hex), recorded beside SHA-256 for issued
    /// documents; absent in older records.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sm3: Option<String>,
}

/// The data of a damaged object set aside.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quarantined {
    /// The hash the object should have.
    pub sha256: String,
    /// Where it was moved, relative to the archive root.
    pub moved_to: String,
    /// What was wrong with it.
    pub reason: String,
}

/// The data of a garbage collection (`kaoping gc`): objects no record
/// refers to are marked, and removed by a later run once they have stayed
/// unreferenced for the grace period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Collected {
    /// The grace period in seconds (`--older-than`).
    pub older_than_s: u64,
    /// Objects stored when it ran.
    pub stored: u64,
    /// Objects no record refers to, marked by this run.
    pub marked: u64,
    /// Their bytes.
    pub marked_bytes: u64,
    /// Marked earlier and still within the grace period.
    pub waiting: u64,
    /// Marked earlier but referenced again since: kept, unmarked.
    pub rescued: u64,
    /// Removed for good.
    pub removed: u64,
    /// Their bytes.
    pub removed_bytes: u64,
}

/// The data of a download.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Download {
    /// Community id.
    pub community: String,
    /// Submission version.
    pub version: u32,
    /// What was downloaded, e.g. `BagIt`.
    pub what: String,
}
