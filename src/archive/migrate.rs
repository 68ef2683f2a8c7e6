//! `kaoping migrate`: copies a whole archive from one backend to the other
//! through the storage trait
//! — a local archive into a database and a bucket, or a distributed one
//! out into a folder (the exit path, and a backup) — then checks the copy:
//! the same object set, the same log bytes, and a clean `verify`.
//!
//! Stages: objects (streamed, a batch at a time), version manifests (their
//! exact bytes), the log (its exact lines, so the chain is the same), then
//! the registers. The target must be empty; the source is only read.

use std::io;
use std::path::Path;

use super::store::Digest;
use super::{Archive, ArchiveError, manifest};
use crate::meter::{Meter, Unit};
use crate::storage::register::COPIED as REGISTERS;

/// Objects copied between two flushes of the target store.
const BATCH: usize = 256;

/// What a migration copied and found.
#[derive(Debug, Default)]
pub struct Migrated {
    /// Objects copied (and already present in the target).
    pub objects: usize,
    /// Their bytes.
    pub bytes: u64,
    /// Submission versions.
    pub versions: usize,
    /// Log records.
    pub records: usize,
    /// Registers.
    pub registers: usize,
    /// The target's verify report.
    pub verify: super::verify::VerifyReport,
}

/// Why a migration stopped.
#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    /// The target already holds an archive.
    #[error("目标 {target} 已有内容（{what}）。迁移只写入空的目标，请换一个空的数据库、桶或文件夹")]
    NotEmpty {
        /// The target.
        target: String,
        /// What was found.
        what: String,
    },
    /// The source or target failed.
    #[error(transparent)]
    Archive(#[from] ArchiveError),
    /// After copying, the copy differs from the source.
    #[error("迁移后的核对未通过：{0}。源档案库没有改动；请修复后重试")]
    Mismatch(String),
}

fn io_at(path: &Path) -> impl FnOnce(io::Error) -> ArchiveError + '_ {
    move |source| ArchiveError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Copies the archive at `from` into the empty archive root `to` (whose
/// `kaoping.toml` says where its bytes go), then verifies the copy.
pub fn copy(from: &Path, to: &Path, progress: &dyn Meter) -> Result<Migrated, MigrateError> {
    let (src, dst) = (Archive::new(from), Archive::new(to));
    let lock = dst.lock(false, |_| {})?;
    let target = to.display().to_string();
    if !dst.log().raw().map_err(ArchiveError::from)?.is_empty() {
        return Err(MigrateError::NotEmpty {
            target,
            what: "日志已有记录".into(),
        });
    }
    let mut out = Migrated::default();
    copy_objects(&src, &dst, progress, &mut out)?;
    let log = src.log().raw().map_err(ArchiveError::from)?;
    out.versions = copy_versions(&src, to)?;
    dst.log()
        .write_raw(&lock, &log)
        .map_err(ArchiveError::from)?;
    out.records = log.iter().filter(|&&b| b == b'\n').count();
    for name in REGISTERS {
        let (a, b) = (
            src.backend().map_err(io_at(from))?,
            dst.backend().map_err(io_at(to))?,
        );
        if let Some(bytes) = a.register(name).map_err(io_at(from))? {
            b.put_register(name, &bytes).map_err(io_at(to))?;
            out.registers += 1;
        }
    }
    mark_committed(&dst, to)?;
    drop(lock);
    check(&src, &dst, &log, progress, &mut out)?;
    Ok(out)
}

fn copy_objects(
    src: &Archive,
    dst: &Archive,
    progress: &dyn Meter,
    out: &mut Migrated,
) -> Result<(), ArchiveError> {
    let list = src.store().list().map_err(io_at(src.root()))?;
    progress.start("复制对象", list.len() as u64, Unit::Items);
    for chunk in list.chunks(BATCH) {
        for d in chunk {
            // One pass: read from the source, hashed and stored by the
            // target; a content that no longer matches its name is refused.
            let from = src.store().open(d).map_err(io_at(src.root()))?;
            let put = dst.store().put_reader(from).map_err(io_at(dst.root()))?;
            if put.digest != *d {
                return Err(ArchiveError::Corrupt {
                    path: src.root().join(super::store::ObjectStore::relative_path(d)),
                    reason: "内容与哈希不符，请先运行 kaoping verify 处理损坏的文件".into(),
                });
            }
            out.bytes += put.size;
            out.objects += 1;
            progress.advance(1);
        }
        dst.store().flush().map_err(io_at(dst.root()))?;
    }
    progress.finish();
    Ok(())
}

/// Copies every logged version's manifest and object list, byte for byte.
fn copy_versions(src: &Archive, to: &Path) -> Result<usize, ArchiveError> {
    let subs = src.submissions(None)?;
    for s in &subs {
        let (c, v) = (&s.record.community, s.record.version);
        let m = manifest::read_manifest_bytes(src.root(), c, v).map_err(io_at(src.root()))?;
        let o = manifest::read_objects_list(src.root(), c, v).map_err(io_at(src.root()))?;
        manifest::write_raw(to, c, v, &m, &o).map_err(io_at(to))?;
    }
    Ok(subs.len())
}

/// Writes the local `committed` markers (a database sets them with the log).
fn mark_committed(dst: &Archive, to: &Path) -> Result<(), ArchiveError> {
    for s in dst.submissions(None)? {
        let c = manifest::Committed {
            log_seq: s.seq,
            root_hash: s.record.root_hash.clone(),
        };
        manifest::write_committed(to, &s.record.community, s.record.version, &c)
            .map_err(io_at(to))?;
    }
    Ok(())
}

fn check(
    src: &Archive,
    dst: &Archive,
    log: &[u8],
    progress: &dyn Meter,
    out: &mut Migrated,
) -> Result<(), MigrateError> {
    let a: Vec<Digest> = src.store().list().map_err(io_at(src.root()))?;
    let b: Vec<Digest> = dst.store().list().map_err(io_at(dst.root()))?;
    if a != b {
        return Err(MigrateError::Mismatch(format!(
            "对象集合不同（源 {} 个，目标 {} 个）",
            a.len(),
            b.len()
        )));
    }
    if dst.log().raw().map_err(ArchiveError::from)? != log {
        return Err(MigrateError::Mismatch("日志内容不同".into()));
    }
    out.verify = super::verify::verify(dst, None, progress)?;
    if !out.verify.ok() {
        return Err(MigrateError::Mismatch(format!(
            "目标档案库校验发现 {} 个问题",
            out.verify.problems.len()
        )));
    }
    Ok(())
}
