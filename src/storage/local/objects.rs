//! Objects in the root folder: read-only files named by their SHA-256
//! under `objects/sha256/<2 hex>/<64 hex>`, made durable in batches.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

use tempfile::TempPath;

use super::{Local, QUARANTINE_DIR};
use crate::fsutil;
use crate::storage::AgedObject;
use crate::storage::digest::Digest;

impl Local {
    /// Where the object with this digest lives.
    pub fn path_of(&self, d: &Digest) -> PathBuf {
        let hex = d.hex();
        self.objects.join(&hex[..2]).join(hex)
    }

    pub(super) fn object_size(&self, d: &Digest) -> io::Result<Option<u64>> {
        Ok(fsutil::present(fs::metadata(self.path_of(d)))?.map(|m| m.len()))
    }

    /// Flushes every temp file, renames each into place (never replacing
    /// an existing object), then flushes the new names.
    pub(super) fn store_objects(
        &self,
        tmp: &Path,
        pending: BTreeMap<Digest, TempPath>,
    ) -> io::Result<()> {
        // On Linux one syncfs flushes every temp file at the cost of a
        // single journal commit (as `sync` does after `cp`); elsewhere each
        // file is synced on its own.
        #[cfg(target_os = "linux")]
        rustix::fs::syncfs(File::open(tmp)?)?;
        #[cfg(not(target_os = "linux"))]
        for path in pending.values() {
            File::open(path)?.sync_all()?;
        }
        let _ = tmp;
        let mut shards = BTreeSet::new();
        for (digest, tmp) in pending {
            let dest = self.path_of(&digest);
            let shard = dest.parent().unwrap_or(&self.objects).to_path_buf();
            if shards.insert(shard.clone()) {
                fs::create_dir_all(&shard)?;
            }
            match tmp.persist_noclobber(&dest) {
                Ok(()) => {}
                Err(e) if e.error.kind() == io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(e.error),
            }
        }
        #[cfg(target_os = "linux")]
        rustix::fs::syncfs(File::open(&self.objects)?)?;
        #[cfg(not(target_os = "linux"))]
        {
            for d in &shards {
                fsutil::sync_dir(d)?;
            }
            fsutil::sync_dir(&self.objects)?;
        }
        if let Some(p) = self.objects.parent() {
            fsutil::sync_dir(p)?;
        }
        Ok(())
    }

    pub(super) fn remove_object(&self, d: &Digest) -> io::Result<()> {
        fsutil::present(fs::remove_file(self.path_of(d))).map(drop)
    }

    /// Moves a damaged object into `quarantine/` (kept, never deleted).
    pub(super) fn quarantine_object(&self, d: &Digest, stamp: u64) -> io::Result<PathBuf> {
        let dir = self.root.join(QUARANTINE_DIR);
        fs::create_dir_all(&dir)?;
        let mut dest = dir.join(format!("{}.{stamp}", d.hex()));
        let mut n = 1;
        while dest.exists() {
            dest = dir.join(format!("{}.{stamp}.{n}", d.hex()));
            n += 1;
        }
        fs::rename(self.path_of(d), &dest)?;
        fsutil::sync_dir(&dir)?;
        if let Some(shard) = self.path_of(d).parent() {
            fsutil::sync_dir(shard)?;
        }
        Ok(dest)
    }

    /// Every object file with its size and modification time.
    pub(super) fn list_objects_aged(&self) -> io::Result<Vec<AgedObject>> {
        let mut out = Vec::new();
        for d in self.list_objects()? {
            if let Some(m) = fsutil::present(fs::metadata(self.path_of(&d)))? {
                out.push(AgedObject {
                    digest: d,
                    size: m.len(),
                    modified: m.modified()?,
                });
            }
        }
        Ok(out)
    }

    /// Deletes object files for good, then makes the removals durable.
    pub(super) fn delete_objects(&self, ds: &[Digest]) -> io::Result<()> {
        let mut shards = BTreeSet::new();
        for d in ds {
            self.remove_object(d)?;
            if let Some(shard) = self.path_of(d).parent() {
                shards.insert(shard.to_path_buf());
            }
        }
        for shard in shards {
            fsutil::sync_dir(&shard)?;
        }
        Ok(())
    }

    /// Every object file, by digest (names that are not digests are
    /// ignored).
    pub(super) fn list_objects(&self) -> io::Result<Vec<Digest>> {
        let mut out = Vec::new();
        let Some(shards) = fsutil::present(fs::read_dir(&self.objects))? else {
            return Ok(out);
        };
        for shard in shards {
            let shard = shard?;
            if !shard.file_type()?.is_dir() {
                continue;
            }
            for entry in fs::read_dir(shard.path())? {
                if let Some(d) = entry?.file_name().to_str().and_then(Digest::from_hex) {
                    out.push(d);
                }
            }
        }
        out.sort();
        Ok(out)
    }
}
