//! `verify`: re-hashes every stored object and checks every manifest and
//! the log against them. Each missing or altered object is named together
//! with every submission that references it.

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;

use super::lock::WriterLock;
use super::manifest::{self, Manifest};
use super::store::{Digest, ObjectState};
use super::{Archive, ArchiveError, Submission};
use crate::event::{Event, Quarantined};
use crate::meter::{Meter, Unit};

mod keys;
mod problem;
pub use problem::{Problem, Version};

/// What `verify` found.
#[derive(Debug, Default)]
pub struct VerifyReport {
    /// Submissions whose manifests were checked.
    pub submissions: usize,
    /// Objects re-hashed.
    pub objects: usize,
    /// Bytes re-hashed.
    pub bytes: u64,
    /// Objects whose recorded SM3 digest was checked too.
    pub sm3: usize,
    /// Everything wrong; empty when the archive is intact.
    pub problems: Vec<Problem>,
    /// Things worth knowing that are not damage (interrupted writes).
    pub notes: Vec<String>,
    /// The template overrides in the archive's `templates/` folder, with
    /// their hashes: documents rendered from them say so in the register.
    pub template_overrides: Vec<crate::render::templates::TemplateUse>,
    /// Objects whose content no longer matches their hash, with what is
    /// wrong (to be set aside by [`set_aside`]).
    pub damaged: Vec<(Digest, String)>,
}

/// Moves damaged objects into `quarantine/` and logs each: a damaged copy
/// is never trusted as "already stored", so the next ingest of the same
/// content stores a good copy and every version that uses it is whole
/// again. Returns the log records' data. The caller holds the writer lock.
pub fn set_aside(
    archive: &Archive,
    lock: &WriterLock,
    damaged: &[(Digest, String)],
) -> Result<Vec<Quarantined>, ArchiveError> {
    let mut out = Vec::new();
    for (d, reason) in damaged {
        // Checked again under the lock: only what is still damaged moves.
        if !matches!(archive.store().check(d), Ok(ObjectState::Altered { .. })) {
            continue;
        }
        let to = archive
            .store()
            .quarantine(d)
            .map_err(super::io_at(&archive.store().path_of(d)))?;
        let q = Quarantined {
            sha256: d.hex(),
            moved_to: to
                .strip_prefix(archive.root())
                .unwrap_or(&to)
                .display()
                .to_string(),
            reason: reason.clone(),
        };
        archive
            .log()
            .append(lock, Event::Quarantine(q.clone()))
            .map_err(ArchiveError::from)?;
        out.push(q);
    }
    Ok(out)
}

/// `kaoping repair`: re-hashes every stored object and sets aside those
/// that are damaged (see [`set_aside`]).
pub fn repair(
    archive: &Archive,
    lock: &WriterLock,
    progress: &dyn Meter,
) -> Result<Vec<Quarantined>, ArchiveError> {
    let all = archive
        .store()
        .list()
        .map_err(super::io_at(archive.root()))?;
    progress.start("校验文件", all.len() as u64, Unit::Items);
    let damaged: Vec<(Digest, String)> = all
        .par_iter()
        .filter_map(|d| {
            let state = archive.store().check(d);
            progress.advance(1);
            matches!(state, Ok(ObjectState::Altered { .. }))
                .then(|| (*d, "内容与哈希不符".to_string()))
        })
        .collect();
    progress.finish();
    set_aside(archive, lock, &damaged)
}

impl VerifyReport {
    /// Whether nothing is wrong.
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

fn label(s: &Submission) -> Version {
    Version {
        community: s.record.community.clone(),
        version: s.record.version,
    }
}

/// Checks one submission's folder; returns its manifest if readable.
fn check_submission(
    archive: &Archive,
    s: &Submission,
    problems: &mut Vec<Problem>,
) -> Option<Manifest> {
    let r = &s.record;
    let dir = manifest::version_dir(archive.root(), &r.community, r.version);
    let m = match archive.manifest(s) {
        Ok(m) => m,
        Err(ArchiveError::Io { source, .. }) => {
            problems.push(Problem::ManifestUnreadable {
                version: label(s),
                path: dir.join(manifest::MANIFEST_FILE),
                cause: source.to_string(),
            });
            return None;
        }
        Err(e) => {
            problems.push(Problem::ManifestInvalid {
                version: label(s),
                message: e.to_string(),
            });
            return None;
        }
    };
    if m.community.id != r.community || m.version != r.version {
        problems.push(Problem::WrongVersion(label(s)));
    }
    let count = m.files.len() as u64;
    let bytes: u64 = m.files.iter().map(|f| f.size).sum();
    if count != r.file_count
        || bytes != r.total_bytes
        || count != m.file_count
        || bytes != m.total_bytes
    {
        problems.push(Problem::WrongCounts(label(s)));
    }
    let objects = dir.join(manifest::OBJECTS_FILE);
    match manifest::read_objects_list(archive.root(), &r.community, r.version) {
        Ok(text) if text == m.objects_list() => {}
        Ok(_) => problems.push(Problem::ObjectsList {
            version: label(s),
            path: objects,
        }),
        Err(e) => problems.push(Problem::ObjectsListUnreadable {
            version: label(s),
            path: objects,
            cause: e.to_string(),
        }),
    }
    Some(m)
}

/// Which submissions and records use each object (label and path), and
/// the size each expects.
type Users = BTreeMap<Digest, Vec<(String, String)>>;

/// Verifies the whole archive, or only what `community` references.
pub fn verify(
    archive: &Archive,
    community: Option<&str>,
    progress: &dyn Meter,
) -> Result<VerifyReport, ArchiveError> {
    let mut report = VerifyReport::default();
    let templates = archive.root().join(crate::config::storage::TEMPLATES_DIR);
    match crate::render::templates::Templates::overrides(&templates) {
        Ok(list) => report.template_overrides = list,
        Err(e) => report.problems.push(Problem::Templates {
            dir: templates,
            cause: e.to_string(),
        }),
    }
    // The one full check of the chain: lookups elsewhere only parse it.
    let chain = archive.log().verify();
    if let Err(e) = &chain {
        report.problems.push(Problem::Log(e.to_string()));
    }
    let subs = match archive.submissions(community) {
        Ok(s) => s,
        Err(e @ (ArchiveError::Log(_) | ArchiveError::Corrupt { .. })) => {
            if chain.is_ok() {
                report.problems.push(Problem::Log(e.to_string()));
            }
            Vec::new()
        }
        Err(e) => return Err(e),
    };
    if let Some(c) = community {
        archive.communities()?.get(c)?;
    }
    let (users, sizes) = object_users(archive, &subs, community, &mut report);
    let mut digests: BTreeSet<Digest> = users.keys().copied().collect();
    if community.is_none() {
        let all = archive
            .store()
            .list()
            .map_err(super::io_at(archive.root()))?;
        digests.extend(all);
    }
    check_objects(archive, &digests, &users, &sizes, progress, &mut report);
    if community.is_none()
        && let Ok(records) = &chain
    {
        check_sm3(archive, records, &mut report);
        keys::check(archive, &mut report);
    }
    // Without a readable log every version folder would look unlogged.
    check_version_dirs(archive, &subs, community, chain.is_err(), &mut report)?;
    Ok(report)
}

/// Checks each submission's manifest and gathers who uses which object.
fn object_users(
    archive: &Archive,
    subs: &[Submission],
    community: Option<&str>,
    report: &mut VerifyReport,
) -> (Users, BTreeMap<Digest, u64>) {
    // Which submissions use which object, and at which paths.
    let mut users: Users = BTreeMap::new();
    let mut sizes: BTreeMap<Digest, u64> = BTreeMap::new();
    for s in subs {
        report.submissions += 1;
        let Some(m) = check_submission(archive, s, &mut report.problems) else {
            continue;
        };
        for f in &m.files {
            match Digest::from_hex(&f.sha256) {
                Some(d) => {
                    users
                        .entry(d)
                        .or_default()
                        .push((label(s).to_string(), f.path.clone()));
                    sizes.insert(d, f.size);
                }
                None => report.problems.push(Problem::FileHash {
                    version: label(s),
                    path: f.path.clone(),
                }),
            }
        }
    }
    // Other log records (issued documents, assessment results) name the
    // objects they rely on in `data.objects`.
    if community.is_none() {
        for (label, sha, size) in referenced_by_records(archive) {
            match Digest::from_hex(&sha) {
                Some(d) => {
                    users.entry(d).or_default().push((label, String::new()));
                    sizes.insert(d, size);
                }
                None => report.problems.push(Problem::RecordHash(label)),
            }
        }
    }
    (users, sizes)
}

/// Objects checked at once when they come from a bucket.
const REMOTE_CHECKS: usize = 16;

/// Checks every object in `digests` (in parallel) against its hash and
/// the size its users expect; reports each bad one with its users.
fn check_objects(
    archive: &Archive,
    digests: &BTreeSet<Digest>,
    users: &Users,
    sizes: &BTreeMap<Digest, u64>,
    progress: &dyn Meter,
    report: &mut VerifyReport,
) {
    progress.start("校验文件", digests.len() as u64, Unit::Items);
    let check = || -> Vec<(Digest, std::io::Result<(ObjectState, u64)>)> {
        digests
            .par_iter()
            .map(|d| {
                let r = archive.store().check_sized(d);
                progress.advance(1);
                (*d, r)
            })
            .collect()
    };
    // Objects from a bucket wait on the network, not the processor: many
    // downloads at once (as rclone's checkers do), not one per core.
    let pool = archive
        .backend()
        .ok()
        .and_then(|b| b.read_pool(REMOTE_CHECKS));
    let results = match pool {
        Some(pool) => pool.install(check),
        None => check(),
    };
    progress.finish();
    for (d, state) in results {
        report.objects += 1;
        let what = match state {
            Ok((ObjectState::Intact, actual)) => {
                report.bytes += actual;
                if let Some(&expected) = sizes.get(&d) {
                    if actual != expected {
                        format!("大小应为 {expected} 字节，实为 {actual} 字节")
                    } else {
                        continue;
                    }
                } else {
                    continue;
                }
            }
            Ok((ObjectState::Missing, _)) => "缺失".to_string(),
            Ok((ObjectState::Altered { size }, _)) => {
                let what = match sizes.get(&d) {
                    Some(&expected) if size < expected => {
                        format!("内容被改动（被截断：应为 {expected} 字节，只剩 {size} 字节）")
                    }
                    _ => "内容被改动（与哈希不符）".to_string(),
                };
                report.damaged.push((d, what.clone()));
                what
            }
            Err(e) => format!("无法读取（{e}）"),
        };
        report.problems.push(Problem::Object {
            object: super::store::ObjectStore::relative_path(&d).to_string(),
            what,
            users: users.get(&d).cloned(),
        });
    }
}

/// Version folders the log does not know (left by an interrupted write)
/// and completion markers that disagree with the log; none when the log
/// itself is broken.
fn check_version_dirs(
    archive: &Archive,
    subs: &[Submission],
    community: Option<&str>,
    log_broken: bool,
    report: &mut VerifyReport,
) -> Result<(), ArchiveError> {
    if log_broken {
        return Ok(());
    }
    let subs_dir = archive.root().join("submissions");
    let stored = archive
        .backend()
        .and_then(|b| b.stored_versions())
        .map_err(super::io_at(&subs_dir))?;
    for v in stored
        .iter()
        .filter(|v| community.is_none_or(|x| x == v.community))
    {
        let sub = v.version.and_then(|n| {
            subs.iter()
                .find(|s| s.record.community == v.community && s.record.version == n)
        });
        match (v.version, sub, &v.committed) {
            (Some(n), None, Ok(Some(m))) => report.problems.push(Problem::LostRecord {
                community: v.community.clone(),
                version: n,
                log_seq: m.log_seq,
            }),
            (Some(n), None, _) => report.notes.push(unlogged_note(v, n)),
            (Some(_), Some(s), Ok(Some(m)))
                if m.log_seq != s.seq
                    || (!m.root_hash.is_empty() && m.root_hash != s.record.root_hash) =>
            {
                report.problems.push(Problem::MarkerMismatch {
                    version: label(s),
                    marker_seq: m.log_seq,
                    log_seq: s.seq,
                })
            }
            (None, _, _) if v.name.starts_with(".tmp-") => report.notes.push(format!(
                "{} 是中断的提交留下的临时文件夹；下次写入时会删除",
                v.place.display()
            )),
            _ => {}
        }
    }
    Ok(())
}

/// The note on a stored version without its log record.
fn unlogged_note(v: &crate::storage::backend::StoredVersion, n: u32) -> String {
    if v.folder {
        format!(
            "{} 没有日志记录（提交被中断，未生效）；下次写入时会移到 interrupted/",
            v.place.display()
        )
    } else {
        format!(
            "数据库中社区 {} 第 {n} 版没有日志记录（提交被中断，未生效）；下次写入这一版时会被替换",
            v.community
        )
    }
}

/// Feeds what is written into an SM3 hasher.
struct Sm3Sink(sm3::Sm3);

impl std::io::Write for Sm3Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        sm3::Digest::update(&mut self.0, buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Checks the SM3 digest recorded beside SHA-256 (issued documents) of
/// every intact object that has one; older records without SM3 pass.
fn check_sm3(
    archive: &Archive,
    records: &[crate::archive::log::Record],
    report: &mut VerifyReport,
) {
    let damaged: BTreeSet<Digest> = report.damaged.iter().map(|(d, _)| *d).collect();
    for rec in records {
        let Some((name, objects)) = rec.event.objects() else {
            continue;
        };
        for o in objects {
            let (Some(want), Some(d)) = (&o.sm3, Digest::from_hex(&o.sha256)) else {
                continue;
            };
            if damaged.contains(&d) {
                continue;
            }
            let mut sink = Sm3Sink(<sm3::Sm3 as sm3::Digest>::new());
            if archive.store().copy_verified(&d, &mut sink).is_err() {
                continue; // reported by the SHA-256 check
            }
            report.sm3 += 1;
            if hex::encode(sm3::Digest::finalize(sink.0)) != *want {
                report.problems.push(Problem::Object {
                    object: super::store::ObjectStore::relative_path(&d).to_string(),
                    what: format!(
                        "SM3 与日志第 {} 行的{}记录 {name} 不符",
                        rec.seq,
                        rec.event.name()
                    ),
                    users: None,
                });
            }
        }
    }
}

/// Objects named by log records other than submissions (documents and
/// assessments), labelled for messages.
fn referenced_by_records(archive: &Archive) -> Vec<(String, String, u64)> {
    let Ok(records) = archive.log().verify() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for rec in records {
        let Some((name, objects)) = rec.event.objects() else {
            continue;
        };
        let label = format!("日志第 {} 行的{}记录 {name}", rec.seq, rec.event.name());
        for o in objects {
            out.push((label.clone(), o.sha256.clone(), o.size));
        }
    }
    out
}
