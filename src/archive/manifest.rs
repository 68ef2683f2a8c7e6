//! A submission version on disk: `submissions/<community>/vNNNN/` holding
//! `manifest.json` (every file handed in: original path, size, SHA-256,
//! indicator, standard) and `objects.sha256` (the objects it uses, in the
//! format `sha256sum -c` reads, paths relative to the archive root).
//!
//! A version's root hash is the SHA-256 of its `manifest.json` bytes; the
//! log records it. Versions are written to a temp folder and renamed into
//! place whole, then recorded in the log: the log record is the commit.

use std::collections::BTreeSet;
use std::io;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::store::{Digest, ObjectStore};
use crate::community::Community;

/// Format tag written into every manifest.
pub const FORMAT: &str = "kaoping-submission/1";
pub use crate::storage::local::{
    COMMITTED_FILE, MANIFEST_FILE, OBJECTS_FILE, community_dir, read_committed, version_dir,
    version_name,
};
pub use crate::storage::{Committed, VersionFile};

fn backend(root: &Path) -> io::Result<std::sync::Arc<dyn crate::storage::Backend>> {
    crate::storage::open_io(root)
}

/// Writes the `committed` marker of a version (no-op if present).
pub fn write_committed(root: &Path, community: &str, n: u32, c: &Committed) -> io::Result<()> {
    backend(root)?.mark_committed(community, n, c)
}

/// One file of a submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileEntry {
    /// The path as handed in, relative to the folder or ZIP (bytes that
    /// are not UTF-8 shown as `\xNN`).
    pub path: String,
    /// The exact bytes of `path` in hex, only when they are not UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_bytes: Option<String>,
    /// Where the file sits in the evidence tree: canonical indicator
    /// folder, standard folder, then the rest of the original path.
    pub placed: String,
    /// The indicator's code, e.g. `Ⅱ-1`.
    pub indicator: String,
    /// The standard's number; absent for material of the whole indicator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standard: Option<u32>,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256 of the content (hex).
    pub sha256: String,
}

/// Something left out of a submission, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Skipped {
    /// The path as handed in.
    pub path: String,
    /// Why it was left out.
    pub reason: SkipReason,
}

/// Why a file was left out of a submission. On disk each is its Chinese
/// sentence, as manifests have always recorded it; a sentence this
/// version does not know reads as [`SkipReason::Other`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum SkipReason {
    /// A symbolic link.
    #[serde(rename = "符号链接（快捷方式），不跟随、不保存")]
    Symlink,
    /// A device, pipe or other special file.
    #[serde(rename = "不是普通文件（设备、管道等），不保存")]
    Special,
    /// macOS's `__MACOSX` folder in a ZIP.
    #[serde(rename = "macOS 压缩时附带的 __MACOSX 文件夹")]
    MacosxFolder,
    /// `.DS_Store`.
    #[serde(rename = "macOS 的文件夹设置文件 .DS_Store")]
    DsStore,
    /// `Thumbs.db`, `ehthumbs.db`.
    #[serde(rename = "Windows 的缩略图缓存")]
    Thumbnails,
    /// `desktop.ini`.
    #[serde(rename = "Windows 的文件夹设置文件 desktop.ini")]
    DesktopIni,
    /// `~$…`, Office's lock file.
    #[serde(rename = "Office 打开文档时的临时锁文件")]
    OfficeLock,
    /// `._…`, macOS resource forks.
    #[serde(rename = "macOS 附带的资源文件")]
    ResourceFork,
    /// An unchanged 说明.txt of `kaoping scaffold`.
    #[serde(rename = "scaffold 生成的说明文件（未修改）")]
    ScaffoldNote,
    /// A BagIt tag file of an ingested bag.
    #[serde(rename = "BagIt 标签文件")]
    BagTagFile,
    /// A reason written by another version.
    #[serde(untagged)]
    Other(String),
}

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::String(s)) => f.write_str(&s),
            _ => Ok(()),
        }
    }
}

impl Skipped {
    /// Whether this is an unchanged scaffold note (expected, not worth
    /// listing one by one).
    pub fn is_scaffold_note(&self) -> bool {
        self.reason == SkipReason::ScaffoldNote
    }
}

/// The manifest of one submission version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Always [`FORMAT`].
    pub format: String,
    /// The community, as registered when it handed the material in.
    pub community: Community,
    /// Version number, from 1.
    pub version: u32,
    /// When it was recorded (RFC 3339, UTC).
    pub created: String,
    /// Who handed it in, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submitter: Option<String>,
    /// The folder or ZIP file name it came from.
    pub source: String,
    /// Number of files.
    pub file_count: u64,
    /// Total bytes.
    pub total_bytes: u64,
    /// The files, ordered by `placed`.
    pub files: Vec<FileEntry>,
    /// What was left out (junk, links, scaffold notes).
    pub skipped: Vec<Skipped>,
}

impl Manifest {
    /// The canonical bytes of `manifest.json`.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(self).unwrap_or_default();
        v.push(b'\n');
        v
    }

    /// The distinct objects this manifest uses.
    pub fn digests(&self) -> BTreeSet<String> {
        self.files.iter().map(|f| f.sha256.clone()).collect()
    }

    /// The text of `objects.sha256` for this manifest.
    pub fn objects_list(&self) -> String {
        let mut out = String::new();
        for hex in self.digests() {
            let rel = Digest::from_hex(&hex)
                .map(|d| ObjectStore::relative_path(&d))
                .unwrap_or_default();
            out.push_str(&format!("{hex}  {rel}\n"));
        }
        out
    }
}

/// Writes a version whole (a folder renamed into place, or a row); the
/// version must not exist yet. Returns the root hash. The caller holds the
/// writer lock.
pub fn write_version(root: &Path, m: &Manifest) -> io::Result<Digest> {
    let manifest = m.to_bytes();
    backend(root)?.put_version(crate::storage::VersionBytes {
        community: &m.community.id,
        n: m.version,
        manifest: &manifest,
        objects: &m.objects_list(),
    })?;
    Ok(Digest::of(&manifest))
}

/// Writes a version's exact bytes (a copy of another archive's), not yet
/// committed. The caller holds the writer lock.
pub fn write_raw(
    root: &Path,
    community: &str,
    n: u32,
    manifest: &[u8],
    objects: &str,
) -> io::Result<()> {
    backend(root)?.put_version_copy(crate::storage::VersionBytes {
        community,
        n,
        manifest,
        objects,
    })
}

/// Reads a version's `objects.sha256` text.
pub fn read_objects_list(root: &Path, community: &str, n: u32) -> io::Result<String> {
    let bytes = backend(root)?.version_file(community, n, VersionFile::Objects)?;
    String::from_utf8(bytes).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

/// Reads a version's manifest bytes.
pub fn read_manifest_bytes(root: &Path, community: &str, n: u32) -> io::Result<Vec<u8>> {
    backend(root)?.version_file(community, n, VersionFile::Manifest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skip_reasons_keep_their_sentences_on_disk() {
        for (r, s) in [
            (
                SkipReason::ScaffoldNote,
                "\"scaffold 生成的说明文件（未修改）\"",
            ),
            (SkipReason::BagTagFile, "\"BagIt 标签文件\""),
            (SkipReason::Other("以后的理由".into()), "\"以后的理由\""),
        ] {
            assert_eq!(serde_json::to_string(&r).unwrap(), s);
            assert_eq!(serde_json::from_str::<SkipReason>(s).unwrap(), r);
        }
        assert_eq!(
            SkipReason::DsStore.to_string(),
            "macOS 的文件夹设置文件 .DS_Store"
        );
    }
}
