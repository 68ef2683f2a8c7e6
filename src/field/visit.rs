//! An assessor's visit of a point (`field-visit`): per 实地考评 standard
//! checked there a verdict, a remark and the photos taken; a scanned
//! paper field form may be attached (`field-scan`). [`submit`] turns the
//! assessor's visits of a community into the sheet of the assessor's level
//! (县区初评 or 专家评估), method 实地考评, through
//! [`crate::assessment::store::import_at`], so the order of the levels,
//! their locks and the experts' aggregation apply unchanged.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;

use super::{FieldError, check_assessor, photo, point};
use crate::accounts::Account;
use crate::archive::Archive;
use crate::archive::lock::WriterLock;
use crate::assessment::level::Level;
use crate::assessment::store::{self, At, StoredAssessment};
use crate::assessment::{ResultRow, Verdict};
use crate::catalog::{Catalog, Method};
use crate::community::Community;
pub use crate::event::field::{ClientRef, ScanRecord, VisitRecord, VisitRow};
use crate::table::write::{Col, Out, Sheet};

/// One finding as typed: standard, verdict, remark.
#[derive(Debug, Clone, Default)]
pub struct Finding {
    /// Standard as typed.
    pub standard: String,
    /// Verdict as typed (empty: not assessed at this point).
    pub verdict: String,
    /// Remark.
    pub remark: String,
}

/// Every visit of `community`, in log order.
pub fn list(archive: &Archive, community: &str) -> Result<Vec<VisitRecord>, FieldError> {
    super::from_log(archive, |e| match e {
        crate::event::Event::FieldVisit(v) if v.community == community => Some(v.clone()),
        _ => None,
    })
}

/// Every scanned form of `community`, in log order.
pub fn scans(archive: &Archive, community: &str) -> Result<Vec<ScanRecord>, FieldError> {
    super::from_log(archive, |e| match e {
        crate::event::Event::FieldScan(v) if v.community == community => Some(v.clone()),
        _ => None,
    })
}

/// Records `account`'s visit of a point: each finding checked (a standard
/// checked at that point by 实地考评, a verdict); findings left without a
/// verdict are skipped; at least one is needed. The visit's photos then
/// have their 拍摄时间过早 flag judged against the visit
/// ([`super::reflag::after_visit`]).
pub fn record(
    at: super::Recording<'_>,
    (point_id, findings, date): (&str, &[Finding], NaiveDate),
) -> Result<VisitRecord, FieldError> {
    record_from(at, (point_id, findings, date, None))
}

/// [`record`], the record carrying `client`, the phone's own id of it
/// when it came through the offline outbox.
pub fn record_from(
    at: super::Recording<'_>,
    (point_id, findings, date, client): (&str, &[Finding], NaiveDate, Option<ClientRef>),
) -> Result<VisitRecord, FieldError> {
    let (archive, community, account) = (at.archive, at.community, at.account);
    let level = check_assessor(account, community)?;
    let p = point::get(archive, &community.id, point_id)?;
    let photos = photo::list(archive, &community.id)?;
    let mut rows: Vec<VisitRow> = Vec::new();
    for f in findings {
        if f.verdict.trim().is_empty() {
            continue;
        }
        let key = photo::standard_at(at.catalog, &p, &f.standard)?;
        let verdict = Verdict::parse(&f.verdict).ok_or_else(|| FieldError::BadField {
            field: "结论",
            value: f.verdict.clone(),
            why: format!("{key} 的结论只能是 达标、基本达标 或 未达标"),
        })?;
        if rows.iter().any(|r| r.key == key) {
            return Err(FieldError::BadField {
                field: "考评标准",
                value: key.to_string(),
                why: "同一标准只能填写一次".into(),
            });
        }
        let shas = photos
            .iter()
            .filter(|ph| ph.point == p.id && ph.key == key && ph.assessor == account.name)
            .map(|ph| ph.file.object.sha256.clone())
            .collect();
        rows.push(VisitRow {
            key,
            verdict,
            remark: f.remark.trim().to_string(),
            photos: shas,
        });
    }
    if rows.is_empty() {
        return Err(FieldError::BadField {
            field: "结论",
            value: String::new(),
            why: format!("考评点 {} 没有填写任何标准的结论，请至少填写一条", p.id),
        });
    }
    let today = crate::dates::today();
    if date > today {
        return Err(FieldError::BadField {
            field: "考评日期",
            value: date.to_string(),
            why: format!("在将来（今天是 {today}）"),
        });
    }
    let visit = VisitRecord {
        community: community.id.clone(),
        point: p.id,
        assessor: account.name.clone(),
        level,
        date,
        rows,
        client,
    };
    let done = super::append(
        archive,
        at.lock,
        crate::event::Event::FieldVisit(visit.clone()),
    )?;
    super::reflag::after_visit(archive, at.lock, at.checks, &visit, &done.time)?;
    Ok(visit)
}

/// Stores a scanned, filled field form of a point (a PDF or an image, by
/// content) as the evidence of its visit.
pub fn attach_scan(
    archive: &Archive,
    lock: &WriterLock,
    community: &Community,
    account: &Account,
    point_id: &str,
    path: &Path,
    name: &str,
) -> Result<ScanRecord, FieldError> {
    if account.role != crate::accounts::Role::Office {
        check_assessor(account, community)?;
    }
    let p = point::get(archive, &community.id, point_id)?;
    super::check_file_name(name)?;
    let bytes = super::read_file(path)?;
    if !bytes.starts_with(b"%PDF-") && super::exif::ImageFormat::sniff(&bytes).is_none() {
        return Err(FieldError::BadFile {
            name: name.to_string(),
            why: "按文件内容看既不是 PDF 也不是图片；扫描件请存为 PDF、JPEG 或 PNG".into(),
        });
    }
    if !bytes.starts_with(b"%PDF-") {
        super::picture::check_dimensions(path).map_err(|why| FieldError::BadFile {
            name: name.to_string(),
            why,
        })?;
    }
    let file = super::store_bytes(archive, name, &bytes)?;
    let rec = ScanRecord {
        community: community.id.clone(),
        point: p.id,
        assessor: account.name.clone(),
        file,
    };
    super::append(archive, lock, crate::event::Event::FieldScan(rec.clone()))?;
    Ok(rec)
}

/// The on-site rows of `account`'s visits of `community`: per standard
/// the least favourable verdict of the latest visit of each point, with
/// the points' remarks.
pub fn onsite_rows(
    visits: &[VisitRecord],
    points: &[point::Point],
    account: &str,
) -> Vec<ResultRow> {
    let mut latest: BTreeMap<&str, &VisitRecord> = BTreeMap::new();
    for v in visits.iter().filter(|v| v.assessor == account) {
        latest.insert(&v.point, v);
    }
    let mut by_std: BTreeMap<(u32, u32), ResultRow> = BTreeMap::new();
    for v in latest.values() {
        let name = points
            .iter()
            .find(|p| p.id == v.point)
            .map_or(v.point.as_str(), |p| p.name.as_str());
        for r in &v.rows {
            let at = (
                crate::catalog::code::number_of(&r.key.indicator),
                r.key.standard,
            );
            let remark = if r.remark.is_empty() {
                String::new()
            } else {
                format!("{name}：{}", r.remark)
            };
            let row = by_std.entry(at).or_insert_with(|| ResultRow {
                indicator: r.key.indicator.clone(),
                standard: r.key.standard,
                method: Method::OnSite,
                verdict: r.verdict,
                score: None,
                assessor: account.to_string(),
                date: Some(v.date),
                remark: String::new(),
            });
            row.verdict = row.verdict.max(r.verdict);
            row.date = row.date.max(Some(v.date));
            if !remark.is_empty() {
                if !row.remark.is_empty() {
                    row.remark.push('；');
                }
                row.remark.push_str(&remark);
            }
        }
    }
    by_std.into_values().collect()
}

/// The base rows, as text in [`COLUMNS`] order: from `base` (a sheet
/// file) if given, else from the assessor's own latest sheet at this
/// level; its 实地考评 rows of visited standards give way to the visits.
fn base_rows(
    archive: &Archive,
    community: &Community,
    account: &Account,
    level: Level,
    base: Option<&Path>,
) -> Result<Vec<Vec<String>>, FieldError> {
    if let Some(path) = base {
        let bytes = super::read_file(path)?;
        let raw =
            crate::assessment::sheet::read(path, &bytes).map_err(store::AssessmentError::from)?;
        return Ok(raw
            .rows
            .iter()
            .map(|r| COLUMNS.iter().map(|c| r.text(c).to_string()).collect())
            .collect());
    }
    let own = store::all_records(archive, Some(&community.id))?
        .into_iter()
        .rfind(|(_, r)| {
            r.level == level
                && (level != Level::Expert || r.expert.as_deref() == Some(&account.name))
        });
    let Some((time, rec)) = own else {
        return Ok(Vec::new());
    };
    let stored = store::load(archive, time, rec)?;
    Ok(stored.assessment.results.iter().map(row_text).collect())
}

const COLUMNS: [&str; 8] = [
    "指标编号",
    "标准序号",
    "考评方法",
    "结论",
    "得分",
    "考评人",
    "考评日期",
    "备注",
];

fn row_text(r: &ResultRow) -> Vec<String> {
    vec![
        r.indicator.clone(),
        r.standard.to_string(),
        r.method.name().to_string(),
        r.verdict.name().to_string(),
        r.score.map_or(String::new(), |s| s.to_string()),
        r.assessor.clone(),
        r.date.map_or(String::new(), |d| d.to_string()),
        r.remark.clone(),
    ]
}

/// Whether a base row (text cells in [`COLUMNS`] order) is the 实地考评
/// row of a standard the visits give.
fn replaced(row: &[String], onsite: &[ResultRow]) -> bool {
    Method::parse(&row[2]) == Some(Method::OnSite)
        && onsite.iter().any(|o| {
            crate::catalog::code::parse(&row[0]).map(|c| c.number)
                == Some(crate::catalog::code::number_of(&o.indicator))
                && row[1].trim_start_matches("标准").trim() == o.standard.to_string()
        })
}

/// Submits `account`'s on-site findings of `community` as the sheet of its
/// level: 实地考评 rows from its visits, the other methods' rows from
/// `base` or its own latest sheet at the level. The sheet is checked as
/// every sheet is; nothing is stored when it is refused (a missing
/// standard, a locked level…).
pub fn submit(
    archive: &Archive,
    lock: &WriterLock,
    catalog: &Catalog,
    community: &Community,
    account: &Account,
    base: Option<&Path>,
) -> Result<StoredAssessment, FieldError> {
    let level = check_assessor(account, community)?;
    let visits = list(archive, &community.id)?;
    let points = point::list(archive, &community.id)?;
    let onsite = onsite_rows(&visits, &points, &account.name);
    if onsite.is_empty() {
        return Err(FieldError::BadField {
            field: "实地考评记录",
            value: String::new(),
            why: format!(
                "账号 {} 还没有完成社区 {} 任何考评点的实地考评",
                account.name, community.id
            ),
        });
    }
    let mut sheet = Sheet::new("考评表", COLUMNS.iter().map(|c| Col::new(c)).collect());
    sheet.rows = base_rows(archive, community, account, level, base)?
        .into_iter()
        .filter(|r| !replaced(r, &onsite))
        .chain(onsite.iter().map(row_text))
        .map(|r| r.into_iter().map(Out::from).collect())
        .collect();
    let dir = tempfile::Builder::new()
        .prefix("field-sheet")
        .tempdir_in(archive.root())
        .map_err(super::io_err(archive))?;
    let path = dir
        .path()
        .join(format!("实地考评-{}-{}.csv", community.id, account.name));
    std::fs::write(&path, crate::table::write::csv(&sheet)).map_err(super::io_err(archive))?;
    let at = At {
        level,
        expert: (level == Level::Expert).then_some(account.name.as_str()),
        by: Some(account.name.as_str()),
    };
    let stored =
        store::import_at(archive, lock, catalog, community, &path, None, at).map_err(|mut e| {
            e.map_paths(&|p| p.file_name().map_or_else(|| p.to_path_buf(), |n| n.into()));
            e
        })?;
    Ok(stored)
}
