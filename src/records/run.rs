//! 归档 and 移交 run over a phase's records: each record assembled from the
//! archive (content, facts, metadata), the 归档-stage 四性检测 with the
//! papers it prints, and the 移交 package written and checked before it
//! leaves. The caller (the action) holds the writer lock and logs.

use std::path::Path;

use super::check::item::{check_record, detect};
use super::check::seen::{Probe, Seen};
use super::check::{CheckId, Checks, Report, Stage, clam};
use super::content::{self, Part};
use super::metadata::{self, Digests, FileProps, Metadata};
use super::{FiledAt, RecordsError, io_at};
use crate::archive::Archive;
use crate::archive::log::Record;
use crate::community::Roster;
use crate::config::ArchivesSettings;
use crate::event::records::FiledSource;
use crate::meter::{Meter, Unit};

/// One record as the checks see it: its metadata and what was seen of
/// each file (the files themselves are never all in memory).
#[derive(Debug, Clone)]
pub struct Assembled {
    /// The metadata.
    pub meta: Metadata,
    /// Each file's properties and what was seen of it, in order.
    pub files: Vec<(FileProps, Seen)>,
    /// An issued 公文.
    pub document: bool,
    /// Files that could not be read, with the reason.
    pub unreadable: Vec<(String, String)>,
}

/// Streams a stored part past a [`Probe`] (copying it to `stage` when
/// given), even when it no longer matches its hash (the digest check then
/// names the record); a missing object is an error.
fn see(archive: &Archive, part: &Part, stage: Option<&Path>) -> Result<Seen, String> {
    let to = match stage {
        Some(p) => {
            Some(std::fs::File::create(p).map_err(|e| format!("无法写入 {}：{e}", p.display()))?)
        }
        None => None,
    };
    let mut probe = Probe::new(to);
    match archive.store().copy_verified(&part.digest, &mut probe) {
        Ok(_) => Ok(probe.finish()),
        Err(e) if e.kind() == std::io::ErrorKind::InvalidData => Ok(probe.finish()),
        Err(e) => Err(format!("无法读取存储对象 {}：{e}", part.digest.hex())),
    }
}

/// The 电子属性 of a file from what was seen of it, with the digests as
/// recorded when known.
pub fn props_of(name: &str, seen: &Seen, sha256: Option<String>, sm3: Option<String>) -> FileProps {
    let (label, _) = detect(name, &seen.kept, seen.size);
    let pages = (seen.kept.starts_with(b"%PDF") && seen.whole())
        .then(|| super::check::pdf::inspect(&seen.kept).ok().map(|f| f.pages))
        .flatten();
    FileProps {
        name: name.to_string(),
        format: label,
        size: seen.size,
        pages,
        digests: Digests {
            sm3: sm3.unwrap_or_else(|| seen.sm3.clone()),
            sha256: sha256.unwrap_or_else(|| seen.sha256.clone()),
        },
    }
}

/// Reads one filed record from the archive, file by file; each file is
/// copied into `stage` (for the virus scan) as `{index:06}-{i:04}` when
/// a folder is given.
pub fn assemble(
    archive: &Archive,
    records: &[Record],
    roster: &Roster,
    settings: &ArchivesSettings,
    filed: &FiledAt,
    stage: Option<(&Path, usize)>,
) -> Result<Assembled, RecordsError> {
    let c = content::load(archive, records, roster, &filed.item)?;
    let mut files = Vec::with_capacity(c.parts.len());
    let mut unreadable = Vec::new();
    for (i, part) in c.parts.iter().enumerate() {
        let staged = stage.map(|(dir, index)| dir.join(format!("{index:06}-{i:04}")));
        match see(archive, part, staged.as_deref()) {
            Ok(seen) => {
                let props = props_of(&part.name, &seen, Some(part.digest.hex()), part.sm3.clone());
                files.push((props, seen));
            }
            Err(why) => unreadable.push((part.name.clone(), why)),
        }
    }
    let props = files.iter().map(|(p, _)| p.clone()).collect();
    let mut meta = metadata::build(settings, &filed.item, c.facts, props, &filed.time);
    meta.file_count = c.parts.len() as u64;
    Ok(Assembled {
        meta,
        files,
        document: matches!(filed.item.source, FiledSource::Document { .. }),
        unreadable,
    })
}

/// A record's metadata and parts (for writing its 封装包, which streams
/// the parts again).
pub fn describe(
    archive: &Archive,
    records: &[Record],
    roster: &Roster,
    settings: &ArchivesSettings,
    filed: &FiledAt,
) -> Result<(Metadata, Vec<Part>), RecordsError> {
    let a = assemble(archive, records, roster, settings, filed, None)?;
    if let Some((name, why)) = a.unreadable.first() {
        let why = format!("档号 {} 的 {name}：{why}", filed.item.code);
        return Err(RecordsError::Invalid(why));
    }
    let c = content::load(archive, records, roster, &filed.item)?;
    Ok((a.meta, c.parts))
}

/// 件号 gaps: within each 年度 and 保管期限, pieces from the first must
/// run on without a gap.
pub fn check_pieces(checks: &mut Checks, codes: &[(i32, String, u32)], from_one: bool) {
    let mut groups: std::collections::BTreeMap<(i32, String), Vec<u32>> = Default::default();
    for (year, retention, piece) in codes {
        checks.count(CheckId::PieceGaps);
        groups
            .entry((*year, retention.clone()))
            .or_default()
            .push(*piece);
    }
    for ((year, retention), mut pieces) in groups {
        pieces.sort_unstable();
        let mut want = if from_one { 1 } else { pieces[0] };
        for p in pieces {
            if p != want {
                checks.fail(
                    CheckId::PieceGaps,
                    &format!("{year} 年度 {retention}"),
                    format!("件号应为 {want:04}，实为 {p:04}（缺号或重号）"),
                );
            }
            want = p + 1;
        }
    }
}

/// The 档号 of `m` put together from its parts.
pub fn check_code(checks: &mut Checks, settings_section: &str, m: &Metadata) {
    checks.count(CheckId::CodeRule);
    let c = &m.code;
    let mut parts = vec![c.fonds.clone(), c.year.to_string(), c.retention.clone()];
    if !settings_section.is_empty() {
        parts.push(settings_section.to_string());
    }
    parts.push(format!("{:04}", c.piece));
    let retention_ok = ["Y", "D30", "D10"].contains(&c.retention.as_str());
    if parts.join("-") != c.code || !retention_ok {
        checks.fail(
            CheckId::CodeRule,
            &c.code,
            "档号与全宗号、年度、保管期限代码、件号不一致或不合 DA/T 13 规则",
        );
    }
}

/// Runs the virus scan over `dir` and records it; `names` maps the staged
/// file names (`index`) to 档号 and file.
pub fn scan(
    checks: &mut Checks,
    dir: &Path,
    database: Option<&Path>,
    names: &[(String, Vec<String>)],
) -> Option<String> {
    match clam::scan(dir, database) {
        Ok(scan) => {
            for (idx, (code, files)) in names.iter().enumerate() {
                for (i, f) in files.iter().enumerate() {
                    checks.count(CheckId::Virus);
                    let staged = format!("{idx:06}-{i:04}");
                    if let Some((_, sig)) = scan.found.iter().find(|(p, _)| p.ends_with(&staged)) {
                        checks.fail(
                            CheckId::Virus,
                            &format!("{code} / {f}"),
                            format!("发现病毒或恶意代码：{sig}"),
                        );
                    }
                }
            }
            Some(scan.version)
        }
        Err(clam::NotScanned(why)) => {
            checks.not_run(CheckId::Virus, why);
            None
        }
    }
}

/// The 归档-stage 四性检测 of `all` (this phase's records) with every
/// record filed before (for 件号), reading each record once.
pub fn filing_check(
    archive: &Archive,
    settings: &ArchivesSettings,
    all: &[FiledAt],
    others: &[FiledAt],
    progress: &dyn Meter,
    subject: String,
) -> Result<(Report, Vec<Metadata>), RecordsError> {
    let records = archive.records()?;
    let roster = archive.communities()?;
    let scan_dir = tempfile::tempdir().map_err(io_at(archive.root()))?;
    let mut checks = Checks::default();
    let mut metas = Vec::with_capacity(all.len());
    let mut names = Vec::with_capacity(all.len());
    let mut bytes = 0;
    progress.start("归档检测", all.len() as u64, Unit::Items);
    for (index, f) in all.iter().enumerate() {
        let a = assemble(
            archive,
            &records,
            &roster,
            settings,
            f,
            Some((scan_dir.path(), index)),
        )?;
        for (name, why) in &a.unreadable {
            checks.fail(
                CheckId::ContentPresent,
                &format!("{} / {name}", a.meta.code.code),
                why.clone(),
            );
        }
        check_record(&mut checks, &a.meta, &a.files, a.document);
        check_code(&mut checks, &settings.section, &a.meta);
        names.push((
            a.meta.code.code.clone(),
            a.files.iter().map(|(p, _)| p.name.clone()).collect(),
        ));
        bytes += a.files.iter().map(|(p, _)| p.size).sum::<u64>();
        metas.push(a.meta);
        progress.advance(1);
    }
    progress.finish();
    let every: Vec<(i32, String, u32)> = metas
        .iter()
        .map(|m| (m.code.year, m.code.retention.clone(), m.code.piece))
        .chain(others.iter().map(|f| {
            (
                f.item.year,
                f.item.retention.code().to_string(),
                f.item.piece,
            )
        }))
        .collect();
    check_pieces(&mut checks, &every, true);
    let version = scan(
        &mut checks,
        scan_dir.path(),
        settings.clamav_database.as_deref(),
        &names,
    );
    let mut report = checks.report(
        Stage::Filing,
        subject,
        (all.len() as u64, bytes),
        &FILING_CHECKS,
    );
    report.environment.extend(version);
    Ok((report, metas))
}

/// The checks every 归档 report lists.
pub const FILING_CHECKS: [CheckId; 13] = [
    CheckId::ContentDigest,
    CheckId::DocumentSignature,
    CheckId::Consistency,
    CheckId::CodeRule,
    CheckId::RequiredMetadata,
    CheckId::PieceGaps,
    CheckId::ContentPresent,
    CheckId::Actions,
    CheckId::ContentOpens,
    CheckId::Format,
    CheckId::Fonts,
    CheckId::NoEncryption,
    CheckId::Virus,
];
