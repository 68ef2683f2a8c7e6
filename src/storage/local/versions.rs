//! Versions as folders `submissions/<community>/vNNNN/` holding
//! `manifest.json`, `objects.sha256` and, once logged, `committed`;
//! written whole through a temp folder, and tidied after a crash.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::{COMMITTED_FILE, Local, MANIFEST_FILE, OBJECTS_FILE};
use crate::fsutil;
use crate::storage::backend::{Committed, Recovery, StoredVersion, VersionBytes, VersionFile};

/// Folder holding all versions of a community.
pub fn community_dir(root: &Path, community: &str) -> PathBuf {
    root.join("submissions").join(community)
}

/// Folder name of version `n`.
pub fn version_name(n: u32) -> String {
    format!("v{n:04}")
}

/// Folder of version `n` of a community.
pub fn version_dir(root: &Path, community: &str, n: u32) -> PathBuf {
    community_dir(root, community).join(version_name(n))
}

/// Parses `vNNNN`.
pub fn parse_version(name: &str) -> Option<u32> {
    name.strip_prefix('v')?.parse().ok()
}

/// Every entry `submissions/<community>/<name>` as (community, path, name).
pub fn list_version_dirs(subs: &Path) -> io::Result<Vec<(String, PathBuf, String)>> {
    let mut out = Vec::new();
    let Some(communities) = crate::fsutil::present(fs::read_dir(subs))? else {
        return Ok(out);
    };
    for c in communities {
        let c = c?;
        if !c.file_type()?.is_dir() {
            continue;
        }
        let community = c.file_name().to_string_lossy().into_owned();
        for v in fs::read_dir(c.path())? {
            let v = v?;
            let name = v.file_name().to_string_lossy().into_owned();
            out.push((community.clone(), v.path(), name));
        }
    }
    out.sort();
    Ok(out)
}

/// Reads the `committed` marker of a version folder, if any.
pub fn read_committed(dir: &Path) -> io::Result<Option<Committed>> {
    let Some(b) = crate::fsutil::present(fs::read(dir.join(COMMITTED_FILE)))? else {
        return Ok(None);
    };
    serde_json::from_slice(&b)
        .map(Some)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

fn at(path: &Path) -> impl FnOnce(io::Error) -> Recovery + '_ {
    move |source| Recovery::Io {
        path: path.to_path_buf(),
        source,
    }
}

impl Local {
    /// Writes a version folder whole: into a temp folder, every file
    /// fsynced, then renamed to `vNNNN` (which must not exist) and the
    /// parent fsynced.
    pub(super) fn put_version(&self, v: VersionBytes<'_>) -> io::Result<()> {
        let VersionBytes {
            community,
            n,
            manifest,
            objects,
        } = v;
        let parent = community_dir(&self.root, community);
        fsutil::create_dir_durable(&parent)?;
        let tmp = tempfile::Builder::new()
            .prefix(".tmp-")
            .tempdir_in(&parent)?;
        for (name, bytes) in [
            (MANIFEST_FILE, manifest),
            (OBJECTS_FILE, objects.as_bytes()),
        ] {
            let path = tmp.path().join(name);
            fs::write(&path, bytes)?;
            let f = fs::File::open(&path)?;
            let mut perms = f.metadata()?.permissions();
            perms.set_readonly(true);
            f.set_permissions(perms)?;
            f.sync_all()?;
        }
        fsutil::sync_dir(tmp.path())?;
        let dest = parent.join(version_name(n));
        if dest.exists() {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!("{} 已存在", dest.display()),
            ));
        }
        let tmp_path = tmp.keep();
        fs::rename(&tmp_path, &dest)?;
        fsutil::sync_dir(&parent)
    }

    pub(super) fn put_version_copy(&self, v: VersionBytes<'_>) -> io::Result<()> {
        let dir = version_dir(&self.root, v.community, v.n);
        fs::create_dir_all(&dir)?;
        fsutil::write_new_atomic(&dir.join(MANIFEST_FILE), v.manifest)?;
        fsutil::write_new_atomic(&dir.join(OBJECTS_FILE), v.objects.as_bytes())
    }

    pub(super) fn version_file(&self, c: &str, n: u32, which: VersionFile) -> io::Result<Vec<u8>> {
        let name = match which {
            VersionFile::Manifest => MANIFEST_FILE,
            VersionFile::Objects => OBJECTS_FILE,
        };
        fs::read(version_dir(&self.root, c, n).join(name))
    }

    /// Writes the `committed` marker of a version (no-op if present).
    pub(super) fn mark_committed(&self, c: &str, n: u32, m: &Committed) -> io::Result<()> {
        let mut text = serde_json::to_vec(m).map_err(io::Error::other)?;
        text.push(b'\n');
        let path = version_dir(&self.root, c, n).join(COMMITTED_FILE);
        match fsutil::write_new_atomic(&path, &text) {
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
            other => other,
        }
    }

    pub(super) fn stored_versions(&self) -> io::Result<Vec<StoredVersion>> {
        let subs = self.root.join("submissions");
        Ok(list_version_dirs(&subs)?
            .into_iter()
            .map(|(community, dir, name)| StoredVersion {
                community,
                version: parse_version(&name),
                committed: read_committed(&dir).map_err(|e| e.to_string()),
                name,
                place: dir,
                folder: true,
            })
            .collect())
    }

    /// Deletes temp files of atomic rewrites cut short, moves unlogged
    /// version folders to `interrupted/`, and writes the markers a crash
    /// kept from being written after their log record.
    pub(super) fn recover(&self, logged: &[(String, u32, Committed)]) -> Result<(), Recovery> {
        let root = &self.root;
        for entry in fs::read_dir(root).map_err(at(root))? {
            let entry = entry.map_err(at(root))?;
            if entry.file_name().to_string_lossy().starts_with(".tmp-")
                && entry.file_type().is_ok_and(|t| t.is_file())
            {
                fs::remove_file(entry.path()).map_err(at(&entry.path()))?;
            }
        }
        let subs = root.join("submissions");
        for (community, dir, name) in list_version_dirs(&subs).map_err(at(&subs))? {
            if name.starts_with(".tmp-") {
                fs::remove_dir_all(&dir).map_err(at(&dir))?;
                continue;
            }
            let Some(v) = parse_version(&name) else {
                continue;
            };
            if logged.iter().any(|(c, n, _)| *c == community && *n == v) {
                continue;
            }
            if read_committed(&dir).map_err(at(&dir))?.is_some() {
                // Committed once, now missing from the log: never paper
                // over that by writing on.
                return Err(Recovery::LostRecord {
                    community,
                    version: v,
                });
            }
            self.set_aside(&community, &dir, &name)?;
        }
        for (c, n, marker) in logged {
            let dir = version_dir(root, c, *n);
            if dir.is_dir() && read_committed(&dir).map_err(at(&dir))?.is_none() {
                self.mark_committed(c, *n, marker).map_err(at(&dir))?;
            }
        }
        Ok(())
    }

    fn set_aside(&self, community: &str, dir: &Path, name: &str) -> Result<(), Recovery> {
        let target_dir = self.root.join("interrupted");
        fsutil::create_dir_durable(&target_dir).map_err(at(&target_dir))?;
        let target = target_dir.join(format!(
            "{community}-{name}-{}",
            chrono::Utc::now().format("%Y%m%dT%H%M%S%.f")
        ));
        fs::rename(dir, &target).map_err(at(dir))?;
        fsutil::sync_dir(&target_dir).map_err(at(&target_dir))?;
        let subs = self.root.join("submissions");
        fsutil::sync_dir(&subs.join(community)).map_err(at(&subs))
    }
}
