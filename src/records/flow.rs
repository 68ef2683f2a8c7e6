//! The two runs that write: filing a phase (records given 档号, the
//! 归档-stage check, the 归档文件目录 and 检测报告 stored and logged) and
//! writing its 移交 package (封装包 signed with the office's key, the
//! 移交清单, the sender's check, the 移交接收登记表). The caller holds the
//! writer lock.

use std::path::{Path, PathBuf};

use super::check::{Report, Stage, package as pcheck};
use super::filing::{self, Plan};
use super::metadata::Metadata;
use super::package::{self as pkg, Catalogue, Writing};
use super::report;
use super::run::{describe, filing_check};
use super::{FiledAt, RecordsError, filed, io_at, phase_name, phase_number};
use crate::archive::Archive;
use crate::archive::lock::WriterLock;
use crate::config::Config;
use crate::event::community::Batch;
use crate::event::records::{FiledItem, Filing, Transferred};
use crate::event::{Event, ObjectRef};
use crate::meter::{Meter, Unit};
use crate::render::Engine;

/// What a filing did.
#[derive(Debug, Clone)]
pub struct Filed {
    /// The phase.
    pub phase: Batch,
    /// Records given a 档号 now.
    pub new: Vec<FiledItem>,
    /// Records of the phase filed in all.
    pub total: usize,
    /// The 归档-stage check.
    pub report: Report,
    /// The copies written for the office.
    pub written: Vec<PathBuf>,
}

/// The file names of a filing's papers, in the order they are stored.
fn filing_names(phase: Batch) -> [String; 4] {
    let p = phase_name(phase);
    [
        format!("{p}归档文件目录.xlsx"),
        format!("{p}归档文件目录.pdf"),
        format!("{p}归档四性检测报告.pdf"),
        format!("{p}归档四性检测结果.json"),
    ]
}

fn now_text() -> String {
    crate::clock::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The papers of a filing: catalogue workbook and PDF, report PDF and JSON.
fn filing_papers(
    config: &Config,
    engine: &Engine,
    phase: Batch,
    metas: &[Metadata],
    r: &Report,
) -> Result<[Vec<u8>; 4], RecordsError> {
    let unit = &config.archives.unit;
    let json = serde_json::to_vec_pretty(r).map_err(|e| RecordsError::Invalid(e.to_string()))?;
    Ok([
        report::catalogue_xlsx(metas)?,
        report::render(
            engine,
            &report::catalogue(unit, phase_name(phase), metas),
            unit,
        )?,
        report::render(engine, &report::check_paper(r), unit)?,
        json,
    ])
}

/// Files every record of `phase` not filed yet. Writes copies of the
/// papers into `out` (which must not hold files of the same names).
pub fn file_phase(
    archive: &Archive,
    lock: &WriterLock,
    config: &Config,
    phase: Batch,
    out: &Path,
    progress: &dyn Meter,
) -> Result<Filed, RecordsError> {
    let settings = &config.archives;
    let plan: Plan = filing::plan(archive, settings, phase)?;
    if plan.new.is_empty() {
        return Err(RecordsError::Invalid(format!(
            "{}没有尚未归档的公文或考评材料（已归档 {} 件）：无需再次归档",
            phase_name(phase),
            plan.earlier.len()
        )));
    }
    let names = filing_names(phase);
    let targets: Vec<PathBuf> = names.iter().map(|n| out.join(n)).collect();
    for t in &targets {
        crate::outfile::refuse_existing(t, false)
            .map_err(|e| RecordsError::Invalid(e.to_string()))?;
    }
    let now = now_text();
    let all = plan.all(&now);
    let others: Vec<FiledAt> = filed(&archive.records()?)
        .into_iter()
        .filter(|f| f.phase != phase)
        .collect();
    let subject = format!(
        "{}{}（{} 件）",
        settings.fonds_name,
        phase_name(phase),
        all.len()
    );
    let (report, metas) = filing_check(archive, settings, &all, &others, progress, subject)?;
    let engine = Engine::for_archive(archive.root(), config)?;
    let papers = filing_papers(config, &engine, phase, &metas, &report)?;
    let io = io_at(archive.root());
    let mut objects = Vec::with_capacity(papers.len());
    for bytes in &papers {
        let put = archive.store().put_bytes(bytes).map_err(&io)?;
        objects.push(ObjectRef {
            sha256: put.digest.hex(),
            size: put.size,
            sm3: Some(crate::sign::sm::sm3_hex(bytes)),
        });
    }
    archive.store().flush().map_err(&io)?;
    std::fs::create_dir_all(out).map_err(io_at(out))?;
    for (t, bytes) in targets.iter().zip(&papers) {
        crate::outfile::write(t, bytes, false).map_err(|e| RecordsError::Invalid(e.to_string()))?;
    }
    let event = Event::Filing(Filing {
        phase,
        items: plan.new.clone(),
        passed: report.passed,
        objects,
    });
    if let Err(e) = archive.log().append(lock, event) {
        for t in &targets {
            let _ = std::fs::remove_file(t);
        }
        return Err(crate::archive::ArchiveError::from(e).into());
    }
    Ok(Filed {
        phase,
        new: plan.new,
        total: all.len(),
        report,
        written: targets,
    })
}

/// What a transfer wrote.
#[derive(Debug, Clone)]
pub struct Sent {
    /// The package folder.
    pub package: PathBuf,
    /// The sender's check.
    pub report: Report,
    /// SM3 of the 移交清单, as printed on the 移交接收登记表.
    pub catalogue_sm3: String,
    /// Records and bytes.
    pub totals: (u64, u64),
}

/// The phase's filed records, refusing when some are still unfiled.
fn ready(archive: &Archive, config: &Config, phase: Batch) -> Result<Vec<FiledAt>, RecordsError> {
    let plan = filing::plan(archive, &config.archives, phase)?;
    let n = phase_name(phase);
    if let Some(first) = plan.new.first() {
        return Err(RecordsError::Invalid(format!(
            "{n}还有 {} 件公文或考评材料没有归档（如《{}》）：请先运行 kaoping file --phase {}，再移交",
            plan.new.len(),
            first.title,
            phase_number(phase)
        )));
    }
    if plan.earlier.is_empty() {
        return Err(RecordsError::Invalid(format!(
            "{n}还没有归档：请先运行 kaoping file --phase {}",
            phase_number(phase)
        )));
    }
    let mut all = plan.earlier;
    all.sort_by(|a, b| a.item.code.cmp(&b.item.code));
    Ok(all)
}

/// Writes the 封装包 of every record into `w`; their metadata and the
/// catalogue entries.
fn write_packages(
    archive: &Archive,
    config: &Config,
    key: &crate::sign::keys::OrganKey,
    all: &[FiledAt],
    w: &Writing,
    progress: &dyn Meter,
) -> Result<(Vec<Metadata>, Vec<pkg::Entry>), RecordsError> {
    let records = archive.records()?;
    let roster = archive.communities()?;
    let now = now_text();
    let (mut metas, mut entries) = (Vec::with_capacity(all.len()), Vec::with_capacity(all.len()));
    progress.start("写入封装包", all.len() as u64, Unit::Items);
    for f in all {
        let (meta, parts) = describe(archive, &records, &roster, &config.archives, f)?;
        let copy = |i: usize, sink: &mut dyn std::io::Write| match parts.get(i) {
            Some(p) => archive.store().copy_verified(&p.digest, &mut &mut *sink),
            None => Err(std::io::Error::other("没有这个文件")),
        };
        let path = w.dir().join(pkg::eep_name(&meta.code.code));
        let written = super::eep_write::write_to(&meta, &now, key, &now, &copy, &path)
            .map_err(RecordsError::Invalid)?;
        entries.push(pkg::entry(&meta, &written));
        metas.push(meta);
        progress.advance(1);
    }
    progress.finish();
    Ok((metas, entries))
}

/// Writes the 移交 package of `phase` at `target` (a folder that must not
/// exist), checks it as the 档案馆 will, and logs it.
pub fn transfer_phase(
    archive: &Archive,
    lock: &WriterLock,
    config: &Config,
    phase: Batch,
    target: &Path,
    progress: &dyn Meter,
) -> Result<Sent, RecordsError> {
    let all = ready(archive, config, phase)?;
    let organ = config
        .issuers()
        .first()
        .map(|o| o.name.clone())
        .ok_or_else(|| {
            RecordsError::Invalid("kaoping.toml 没有发文机关，无法对移交包签名".into())
        })?;
    let key = crate::sign::Keyring::new(archive.root(), config).key(&organ)?;
    let engine = Engine::for_archive(archive.root(), config)?;
    let w = Writing::start(target)?;
    let result = write_all(archive, config, &engine, &key, phase, &all, &w, progress);
    let (report, sm3, totals) = match result {
        Ok(r) => r,
        Err(e) => {
            w.abandon();
            return Err(e);
        }
    };
    let package = w.finish()?;
    let name = package
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let event = Event::Transfer(Transferred {
        phase,
        package: name,
        items: totals.0,
        bytes: totals.1,
        catalogue_sm3: sm3.clone(),
        passed: report.passed,
    });
    archive
        .log()
        .append(lock, event)
        .map_err(crate::archive::ArchiveError::from)?;
    Ok(Sent {
        package,
        report,
        catalogue_sm3: sm3,
        totals,
    })
}

#[allow(clippy::too_many_arguments)]
fn write_all(
    archive: &Archive,
    config: &Config,
    engine: &Engine,
    key: &crate::sign::keys::OrganKey,
    phase: Batch,
    all: &[FiledAt],
    w: &Writing,
    progress: &dyn Meter,
) -> Result<(Report, String, (u64, u64)), RecordsError> {
    let s = &config.archives;
    let (metas, entries) = write_packages(archive, config, key, all, w, progress)?;
    let bytes: u64 = entries.iter().map(|e| e.bytes).sum();
    let catalogue = Catalogue {
        from: s.unit.clone(),
        to: s.archive_name.clone(),
        fonds_code: s.fonds_code.clone(),
        fonds: s.fonds_name.clone(),
        section: s.section.clone(),
        phase: phase_name(phase).to_string(),
        time: now_text(),
        count: entries.len() as u64,
        bytes,
        entries,
    };
    let xml = catalogue.to_xml()?;
    w.put(pkg::CATALOGUE, xml.as_bytes())?;
    w.put(
        pkg::CATALOGUE_SIG,
        &pkg::sign_catalogue(key, xml.as_bytes())?,
    )?;
    w.put(pkg::CATALOGUE_XLSX, &report::catalogue_xlsx(&metas)?)?;
    let sm3 = crate::sign::sm::sm3_hex(xml.as_bytes());
    let opts = pcheck::Options {
        stage: Stage::Transfer,
        expected_sm3: Some(&sm3),
        virus_db: s.clamav_database.as_deref(),
    };
    let mut r = pcheck::check(w.dir(), opts, progress)?;
    r.subject = format!(
        "{}{}移交包（{} 件）",
        s.fonds_name,
        phase_name(phase),
        metas.len()
    );
    w.put(
        pkg::REPORT_PDF,
        &report::render(engine, &report::check_paper(&r), &s.unit)?,
    )?;
    let json = serde_json::to_vec_pretty(&r).map_err(|e| RecordsError::Invalid(e.to_string()))?;
    w.put(pkg::REPORT_JSON, &json)?;
    let h = report::Handover {
        from: s.unit.clone(),
        to: s.archive_name.clone(),
        phase: phase_name(phase).to_string(),
        totals: (metas.len() as u64, bytes),
        range: (
            metas
                .first()
                .map(|m| m.code.code.clone())
                .unwrap_or_default(),
            metas
                .last()
                .map(|m| m.code.code.clone())
                .unwrap_or_default(),
        ),
        catalogue_sm3: sm3.clone(),
        conclusion: report::conclusion(&r),
    };
    w.put(
        pkg::HANDOVER_PDF,
        &report::render(engine, &report::handover_paper(&h), &s.unit)?,
    )?;
    Ok((r, sm3, (metas.len() as u64, bytes)))
}

/// The receiving side's check of the package at `dir`; writes the report
/// PDF and JSON into `out` (beside the package, never inside it).
pub fn check_package(
    dir: &Path,
    opts: pcheck::Options,
    engine: &Engine,
    out: &Path,
    progress: &dyn Meter,
) -> Result<(Report, Vec<PathBuf>), RecordsError> {
    if inside(out, dir) {
        return Err(RecordsError::Invalid(format!(
            "检测报告不能写进移交包 {} 里面（会成为多余文件）：请用 -o 指定移交包以外的文件夹",
            dir.display()
        )));
    }
    // A package delivered as a ZIP is checked unpacked; the report names
    // the ZIP.
    std::fs::create_dir_all(out).map_err(io_at(out))?;
    let zipped = dir
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"))
        && dir.is_file();
    let unpacked = match zipped {
        true => Some(tempfile::tempdir_in(out).map_err(io_at(out))?),
        false => None,
    };
    let folder = match &unpacked {
        Some(tmp) => super::unzip::unpack(dir, tmp.path())?,
        None => dir.to_path_buf(),
    };
    let mut r = pcheck::check(&folder, opts, progress)?;
    r.subject = dir.display().to_string();
    drop(unpacked);
    let pdf = out.join("接收四性检测报告.pdf");
    let json = out.join("接收四性检测结果.json");
    let paper = report::render(engine, &report::check_paper(&r), "")?;
    let data = serde_json::to_vec_pretty(&r).map_err(|e| RecordsError::Invalid(e.to_string()))?;
    for (path, bytes) in [(&pdf, &paper), (&json, &data)] {
        crate::outfile::write(path, bytes, true)
            .map_err(|e| RecordsError::Invalid(e.to_string()))?;
    }
    Ok((r, vec![pdf, json]))
}

/// Whether `path` (which may not exist yet) lies inside folder `dir`.
fn inside(path: &Path, dir: &Path) -> bool {
    let Ok(dir) = std::fs::canonicalize(dir) else {
        return false;
    };
    let mut probe = path.to_path_buf();
    while !probe.exists() {
        match probe.parent() {
            Some(p) => {
                probe = if p.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    p.to_path_buf()
                };
            }
            _ => return false,
        }
    }
    std::fs::canonicalize(&probe).is_ok_and(|p| p.starts_with(&dir))
}

/// The 长期保存-stage 四性检测 of what is filed (of `phase`, or of every
/// phase), re-reading every record from the archive; logs nothing. The
/// report's PDF and JSON go into `out`.
pub fn keep_check(
    archive: &Archive,
    config: &Config,
    phase: Option<Batch>,
    out: &Path,
    progress: &dyn Meter,
) -> Result<(Report, Vec<PathBuf>), RecordsError> {
    let all = filed(&archive.records()?);
    let (mine, others): (Vec<FiledAt>, Vec<FiledAt>) = all
        .into_iter()
        .partition(|f| phase.is_none_or(|p| f.phase == p));
    if mine.is_empty() {
        let what = phase.map_or("档案库".to_string(), |p| phase_name(p).to_string());
        return Err(RecordsError::Invalid(format!(
            "{what}还没有归档的档案：请先运行 kaoping file --phase 阶段"
        )));
    }
    let s = &config.archives;
    let what = phase.map_or("全部阶段", phase_name);
    let subject = format!("{}{what}已归档电子档案（{} 件）", s.fonds_name, mine.len());
    let (mut r, _) = filing_check(archive, s, &mine, &others, progress, subject)?;
    r.stage = Stage::Keeping;
    let engine = Engine::for_archive(archive.root(), config)?;
    let day = crate::clock::today().format("%Y%m%d");
    std::fs::create_dir_all(out).map_err(io_at(out))?;
    let pdf = out.join(format!("{what}长期保存四性检测报告-{day}.pdf"));
    let json = out.join(format!("{what}长期保存四性检测结果-{day}.json"));
    let paper = report::render(&engine, &report::check_paper(&r), &s.unit)?;
    let data = serde_json::to_vec_pretty(&r).map_err(|e| RecordsError::Invalid(e.to_string()))?;
    for (path, bytes) in [(&pdf, &paper), (&json, &data)] {
        crate::outfile::write(path, bytes, true)
            .map_err(|e| RecordsError::Invalid(e.to_string()))?;
    }
    Ok((r, vec![pdf, json]))
}
