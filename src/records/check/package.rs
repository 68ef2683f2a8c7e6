//! The 四性检测 of a 移交 package on its own, without the archive: what a
//! receiving 档案馆 runs (`kaoping transfer check`), and what the sender
//! runs on the package it has just written. Every 封装包 is read once,
//! one at a time.

use std::collections::BTreeSet;
use std::path::Path;

use sha2::{Digest as _, Sha256};

use super::item::check_record;
use super::{CheckId, Checks, Report, Stage};
use crate::meter::{Meter, Unit};
use crate::records::eep_read::{self, Scanned};
use crate::records::package::{self as pkg, Catalogue};
use crate::records::run::{check_code, check_pieces, scan};
use crate::records::{RecordsError, io_at};

/// Largest 移交清单 read.
const CATALOGUE_LIMIT: u64 = 256 << 20;

/// How to check.
#[derive(Debug, Clone, Copy)]
pub struct Options<'a> {
    /// The stage (移交 for the sender, 接收 for the archive).
    pub stage: Stage,
    /// The 移交清单's SM3 as printed on the 移交接收登记表.
    pub expected_sm3: Option<&'a str>,
    /// A ClamAV database.
    pub virus_db: Option<&'a Path>,
}

/// Every check a package report lists.
pub const PACKAGE_CHECKS: [CheckId; 20] = [
    CheckId::ContentDigest,
    CheckId::PackageDigest,
    CheckId::PackageSignature,
    CheckId::DocumentSignature,
    CheckId::Consistency,
    CheckId::CodeRule,
    CheckId::SameAsSent,
    CheckId::Totals,
    CheckId::RequiredMetadata,
    CheckId::PieceGaps,
    CheckId::ContentPresent,
    CheckId::Actions,
    CheckId::MetadataReadable,
    CheckId::ContentOpens,
    CheckId::Format,
    CheckId::Fonts,
    CheckId::NoEncryption,
    CheckId::Virus,
    CheckId::ExtraFiles,
    CheckId::Executable,
];

/// Refuses what is not a plain file (a link, a folder, a device).
fn plain_file(path: &Path) -> Result<u64, String> {
    let meta = std::fs::symlink_metadata(path).map_err(|_| "文件缺失".to_string())?;
    match meta.is_file() {
        true => Ok(meta.len()),
        false => Err("不是普通文件（可能是链接或文件夹）".into()),
    }
}

fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, String> {
    let len = plain_file(path)?;
    if len > limit {
        return Err(format!("文件过大（{} 字节，上限 {limit} 字节）", len));
    }
    std::fs::read(path).map_err(|e| format!("无法读取：{e}"))
}

/// Reads and checks the 移交清单 and its signature.
fn catalogue(checks: &mut Checks, dir: &Path, opts: &Options) -> Option<Catalogue> {
    checks.count(CheckId::MetadataReadable);
    let bytes = match read_limited(&dir.join(pkg::CATALOGUE), CATALOGUE_LIMIT) {
        Ok(b) => b,
        Err(why) => {
            checks.fail(CheckId::MetadataReadable, pkg::CATALOGUE, why);
            return None;
        }
    };
    checks.count(CheckId::SameAsSent);
    let sm3 = crate::sign::sm::sm3_hex(&bytes);
    match opts.expected_sm3 {
        Some(want) if !want.trim().eq_ignore_ascii_case(&sm3) => checks.fail(
            CheckId::SameAsSent,
            pkg::CATALOGUE,
            format!(
                "移交清单的 SM3 为 {sm3}，与登记表上的 {} 不符：移交包不是发出时的那一份",
                want.trim()
            ),
        ),
        Some(_) => {}
        None => checks.note(
            CheckId::SameAsSent,
            format!(
                "未提供登记表上的 SM3（--sm3），仅以移交清单的电子签名核对；移交清单 SM3：{sm3}"
            ),
        ),
    }
    checks.count(CheckId::PackageSignature);
    match read_limited(&dir.join(pkg::CATALOGUE_SIG), 1 << 20) {
        Ok(der) => match crate::sign::cms::check(&der, &Sha256::digest(&bytes)) {
            Ok(c) if c.intact => {}
            Ok(_) => checks.fail(
                CheckId::PackageSignature,
                pkg::CATALOGUE,
                "移交清单的签名与内容不符：清单在签名后被改动",
            ),
            Err(e) => checks.fail(CheckId::PackageSignature, pkg::CATALOGUE_SIG, e.to_string()),
        },
        Err(why) => checks.fail(CheckId::PackageSignature, pkg::CATALOGUE_SIG, why),
    }
    let text = String::from_utf8_lossy(&bytes);
    match quick_xml::de::from_str::<Catalogue>(&text) {
        Ok(c) => Some(c),
        Err(e) => {
            checks.fail(
                CheckId::MetadataReadable,
                pkg::CATALOGUE,
                format!("XML 无法解析：{e}"),
            );
            None
        }
    }
}

/// Files in the package that the catalogue does not account for, and
/// those it lists that are missing.
fn files(checks: &mut Checks, dir: &Path, cat: &Catalogue) -> Result<(), RecordsError> {
    let mut expected: BTreeSet<String> = [
        pkg::CATALOGUE,
        pkg::CATALOGUE_SIG,
        pkg::CATALOGUE_XLSX,
        pkg::REPORT_PDF,
        pkg::REPORT_JSON,
        pkg::HANDOVER_PDF,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    expected.extend(cat.entries.iter().map(|e| e.package.clone()));
    let mut seen = BTreeSet::new();
    for item in walkdir::WalkDir::new(dir).min_depth(1).sort_by_file_name() {
        let item = item.map_err(|e| RecordsError::Unreadable {
            path: dir.to_path_buf(),
            problem: e.to_string(),
        })?;
        if item.file_type().is_dir() {
            continue;
        }
        let rel = item.path().strip_prefix(dir).unwrap_or(item.path());
        let rel = rel.to_string_lossy().replace('\\', "/");
        checks.count(CheckId::ExtraFiles);
        if item.path_is_symlink() || !item.file_type().is_file() {
            checks.fail(CheckId::ExtraFiles, &rel, "移交包中有链接或特殊文件");
        } else if !expected.contains(&rel) {
            checks.fail(
                CheckId::ExtraFiles,
                &rel,
                "移交清单中没有这个文件（多余文件）",
            );
        }
        seen.insert(rel);
    }
    for missing in expected.difference(&seen) {
        if missing != pkg::REPORT_PDF && missing != pkg::REPORT_JSON && missing != pkg::HANDOVER_PDF
        {
            checks.fail(CheckId::ExtraFiles, missing, "移交清单列出的文件缺失");
        }
    }
    Ok(())
}

/// A 封装包's computer files (name, bytes) and its 档号 parts.
type Unpacked = (Vec<(String, u64)>, (i32, String, u32));

/// Reads one 封装包 (its files copied to `stage(i)`) and checks its digest
/// against the catalogue and its signature; `None` when it cannot be read
/// at all.
fn open_eep(
    checks: &mut Checks,
    dir: &Path,
    e: &pkg::Entry,
    stage: &dyn Fn(usize) -> Option<std::path::PathBuf>,
) -> Option<Scanned> {
    checks.count(CheckId::PackageDigest);
    checks.count(CheckId::ContentPresent);
    let path = dir.join(&e.package);
    if let Err(why) = plain_file(&path) {
        let why = format!("封装包 {}：{why}", e.package);
        checks.fail(CheckId::ContentPresent, &e.code, why);
        return None;
    }
    checks.count(CheckId::MetadataReadable);
    let read = match eep_read::scan(&path, stage) {
        Ok(r) => r,
        Err(why) => {
            checks.fail(CheckId::MetadataReadable, &e.code, why);
            return None;
        }
    };
    let (bytes, sm3, sha) = &read.file;
    if *sm3 != e.package_sm3 || *sha != e.package_sha256 || *bytes != e.package_bytes {
        let why = "封装包的数字摘要或大小与移交清单不符";
        checks.fail(CheckId::PackageDigest, &e.code, why);
    }
    checks.count(CheckId::PackageSignature);
    if let Err(why) = &read.signature {
        checks.fail(CheckId::PackageSignature, &e.code, why.clone());
    }
    Some(read)
}

/// Checks one 封装包 against its catalogue entry; returns its computer
/// files' names and sizes and its 档号 parts.
fn one(
    checks: &mut Checks,
    dir: &Path,
    cat: &Catalogue,
    e: &pkg::Entry,
    stage: &dyn Fn(usize) -> Option<std::path::PathBuf>,
) -> Option<Unpacked> {
    let read = open_eep(checks, dir, e, stage)?;
    let meta = &read.package.signed.content.files.entity.meta;
    checks.count(CheckId::Consistency);
    if meta.code.code != e.code || meta.content.title != e.title || meta.content.number != e.number
    {
        let why = format!(
            "移交清单中的档号、题名或文件编号与封装包元数据（{}《{}》）不符",
            meta.code.code, meta.content.title
        );
        checks.fail(CheckId::Consistency, &e.code, why);
    }
    if read.package.signed.content.business.actions.is_empty() {
        checks.count(CheckId::Actions);
        checks.fail(CheckId::Actions, &e.code, "封装包的业务实体块为空");
    }
    check_code(checks, &cat.section, meta);
    let mut files = Vec::new();
    for (name, decoded) in read.files {
        match decoded {
            Ok(seen) => files.push(seen),
            Err(why) => checks.fail(
                CheckId::ContentPresent,
                &format!("{} / {name}", e.code),
                why,
            ),
        }
    }
    let mut declared = meta.clone();
    if files.len() != meta.files.len() {
        declared.file_count = meta.files.len().max(files.len()) as u64 + 1;
    }
    let with_props: Vec<_> = meta.files.iter().cloned().zip(files).collect();
    check_record(
        checks,
        &declared,
        &with_props,
        meta.file_id.starts_with("公文:"),
    );
    let code = (meta.code.year, meta.code.retention.clone(), meta.code.piece);
    Some((
        with_props
            .into_iter()
            .map(|(p, s)| (p.name, s.size))
            .collect(),
        code,
    ))
}

/// Runs the 四性检测 on the package folder `dir`.
pub fn check(dir: &Path, opts: Options, progress: &dyn Meter) -> Result<Report, RecordsError> {
    if !dir.is_dir() {
        return Err(RecordsError::Unreadable {
            path: dir.to_path_buf(),
            problem: "不是一个文件夹：请给出移交包文件夹（内有 移交清单.xml）".into(),
        });
    }
    let mut checks = Checks::default();
    let subject = dir.display().to_string();
    let Some(cat) = catalogue(&mut checks, dir, &opts) else {
        return Ok(checks.report(opts.stage, subject, (0, 0), &PACKAGE_CHECKS));
    };
    files(&mut checks, dir, &cat)?;
    let scan_dir = tempfile::tempdir().map_err(io_at(dir))?;
    let (mut names, mut codes, mut bytes) = (Vec::new(), Vec::new(), 0u64);
    progress.start("检测封装包", cat.entries.len() as u64, Unit::Items);
    for e in &cat.entries {
        let index = names.len();
        let stage = |i: usize| Some(scan_dir.path().join(format!("{index:06}-{i:04}")));
        if let Some((files, code)) = one(&mut checks, dir, &cat, e, &stage) {
            bytes += files.iter().map(|(_, b)| *b).sum::<u64>();
            names.push((e.code.clone(), files.into_iter().map(|(n, _)| n).collect()));
            codes.push(code);
        }
        progress.advance(1);
    }
    progress.finish();
    totals(&mut checks, &cat, bytes);
    check_pieces(&mut checks, &codes, false);
    let version = scan(&mut checks, scan_dir.path(), opts.virus_db, &names);
    let mut report = checks.report(
        opts.stage,
        subject,
        (cat.entries.len() as u64, bytes),
        &PACKAGE_CHECKS,
    );
    report.environment.extend(version);
    Ok(report)
}

fn totals(checks: &mut Checks, cat: &Catalogue, bytes: u64) {
    checks.count(CheckId::Totals);
    let listed: u64 = cat.entries.iter().map(|e| e.bytes).sum();
    if cat.count != cat.entries.len() as u64 {
        checks.fail(
            CheckId::Totals,
            pkg::CATALOGUE,
            format!("声明 {} 件，清单实列 {} 件", cat.count, cat.entries.len()),
        );
    }
    if cat.bytes != bytes || listed != bytes {
        checks.fail(
            CheckId::Totals,
            pkg::CATALOGUE,
            format!(
                "声明总字节数 {}（逐条合计 {listed}），封装包中实有 {bytes} 字节",
                cat.bytes
            ),
        );
    }
}
