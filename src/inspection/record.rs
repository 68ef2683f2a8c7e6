//! Recording one 督查 or 调研: every field checked against the registers,
//! the catalogue and the limits before anything is stored; then its
//! evidence stored, and its record with the rectification items its
//! problems open appended in one log write.

use std::collections::BTreeSet;
use std::path::Path;

use chrono::NaiveDate;

use super::{
    Finding, InspectionError, InspectionKind, InspectionRecord, MAX_COMMUNITIES, MAX_FILE_BYTES,
    MAX_FILES, MAX_FINDINGS, MAX_TEXT, Way,
};
use crate::accounts::Accounts;
use crate::archive::lock::WriterLock;
use crate::archive::{Archive, ArchiveError};
use crate::catalog::Catalog;
use crate::community::Roster;
use crate::districts::DistrictTable;
use crate::event::Event;
use crate::event::archive::ObjectRef;
use crate::rectify::act::{Evidence, name_is_bad};
use crate::rectify::{Item, Opened, Problem};

/// A 督查 or 调研 as the recorder describes it.
#[derive(Debug, Clone)]
pub struct NewInspection<'a> {
    /// Its kind.
    pub kind: InspectionKind,
    /// On site, or by phone or from a report.
    pub way: Way,
    /// The theme (required for a 专项督查).
    pub theme: String,
    /// The day it took place.
    pub date: NaiveDate,
    /// The accounts who went.
    pub by: Vec<String>,
    /// Districts covered besides those of the communities.
    pub districts: Vec<String>,
    /// Communities covered besides those with findings.
    pub communities: Vec<String>,
    /// What was found (`item` is filled in when recorded).
    pub findings: Vec<Finding>,
    /// 整改期限 of the problems (required when there is one).
    pub deadline: Option<NaiveDate>,
    /// Evidence files.
    pub files: Vec<Evidence<'a>>,
}

/// Who records: the office, or a district account for its own district.
#[derive(Debug, Clone, Copy)]
pub enum Recorder<'a> {
    /// The office (its console or an office account).
    Office,
    /// A district's account: 调研 of its own communities only.
    District(&'a str),
}

/// What the registers say a record must agree with.
pub struct Registers<'a> {
    /// The pilot communities.
    pub roster: &'a Roster,
    /// The accounts.
    pub accounts: &'a Accounts,
    /// Attachment 2.
    pub catalog: &'a Catalog,
    /// Today (nothing recorded may lie after it).
    pub today: NaiveDate,
}

fn too_long(what: impl Into<String>, text: &str) -> Result<(), InspectionError> {
    let chars = text.chars().count();
    if chars > MAX_TEXT {
        return Err(InspectionError::TooLong {
            what: what.into(),
            chars,
            max: MAX_TEXT,
        });
    }
    Ok(())
}

fn too_many(what: &'static str, count: usize, max: usize) -> Result<(), InspectionError> {
    if count > max {
        return Err(InspectionError::TooMany { what, count, max });
    }
    Ok(())
}

/// Checks `new` and puts it in canonical form (district names, indicator
/// codes, the communities and districts covered). Refuses what the
/// recorder may not record.
pub fn check(
    new: &mut NewInspection,
    reg: &Registers,
    recorder: Recorder,
) -> Result<(), InspectionError> {
    too_many("发现情况", new.findings.len(), MAX_FINDINGS)?;
    too_many("社区", new.communities.len(), MAX_COMMUNITIES)?;
    too_many("证明材料", new.files.len(), MAX_FILES)?;
    check_head(new, reg, recorder)?;
    for (n, f) in new.findings.iter_mut().enumerate() {
        check_finding(n + 1, f, reg.catalog)?;
    }
    cover(new, reg.roster, recorder)?;
    check_files(&new.files)
}

fn check_head(
    new: &mut NewInspection,
    reg: &Registers,
    recorder: Recorder,
) -> Result<(), InspectionError> {
    let kind = new.kind.name();
    if matches!(recorder, Recorder::District(_)) && new.kind == InspectionKind::Special {
        return Err(InspectionError::NotAllowed(
            "专项督查由考评办组织和记录；县区请记录为定期调研或不定期调研".into(),
        ));
    }
    new.theme = new.theme.trim().to_string();
    if new.kind == InspectionKind::Special && new.theme.is_empty() {
        return Err(InspectionError::Missing {
            what: "督查主题",
            fix: "专项督查要写明主题，例如“社区综合服务设施”",
        });
    }
    too_long("督查主题", &new.theme)?;
    if new.date > reg.today {
        return Err(InspectionError::Future {
            what: "日期",
            date: new.date,
            today: reg.today,
        });
    }
    new.by.retain(|b| !b.trim().is_empty());
    if new.by.is_empty() {
        return Err(InspectionError::Missing {
            what: "参加人员",
            fix: "请写明参加的人员（账号登录名，多个用逗号分开）",
        });
    }
    too_many("参加人员", new.by.len(), MAX_COMMUNITIES)?;
    for b in &mut new.by {
        *b = b.trim().to_string();
        if reg.accounts.get(b).is_none() {
            return Err(InspectionError::UnknownAccount { name: b.clone() });
        }
    }
    let problems = new.findings.iter().any(|f| f.problem);
    match new.deadline {
        None if problems => Err(InspectionError::Missing {
            what: "整改期限",
            fix: "发现了问题，请写明整改期限（--deadline）",
        }),
        Some(deadline) if deadline <= new.date => Err(InspectionError::Deadline {
            kind,
            deadline,
            date: new.date,
        }),
        _ => Ok(()),
    }
}

fn check_finding(n: usize, f: &mut Finding, catalog: &Catalog) -> Result<(), InspectionError> {
    f.community = f.community.trim().to_string();
    f.text = f.text.trim().to_string();
    f.item = None;
    if f.text.is_empty() {
        return Err(InspectionError::Missing {
            what: "发现情况",
            fix: "每条发现情况都要写明看到了什么、存在什么问题",
        });
    }
    too_long(format!("第 {n} 条发现情况"), &f.text)?;
    let bad = |e: crate::catalog::CatalogError| InspectionError::Standard {
        n,
        reason: e.to_string(),
    };
    match (&f.indicator, f.standard) {
        (Some(code), Some(number)) => {
            let (_, ind, _) = catalog.standard(code, number).map_err(bad)?;
            f.indicator = Some(ind.code.clone());
        }
        (Some(code), None) => {
            let (_, ind) = catalog.indicator(code).map_err(bad)?;
            f.indicator = Some(ind.code.clone());
        }
        (None, Some(_)) => {
            return Err(InspectionError::Standard {
                n,
                reason: "写了标准序号却没有写指标；请写成“指标-标准”，例如 Ⅱ-2-1".into(),
            });
        }
        (None, None) => {}
    }
    Ok(())
}

/// Fills in the communities and districts covered and checks them (and
/// that a district records only its own).
fn cover(
    new: &mut NewInspection,
    roster: &Roster,
    recorder: Recorder,
) -> Result<(), InspectionError> {
    let mut communities: BTreeSet<String> = new
        .communities
        .iter()
        .map(|c| c.trim().to_string())
        .collect();
    communities.extend(new.findings.iter().map(|f| f.community.clone()));
    communities.retain(|c| !c.is_empty());
    if communities.is_empty() && new.districts.is_empty() {
        return Err(InspectionError::Missing {
            what: "督查调研的对象",
            fix: "请写明涉及的社区（社区编号）或县（市、区）",
        });
    }
    too_many("社区", communities.len(), MAX_COMMUNITIES)?;
    let table = DistrictTable::builtin();
    let mut districts = Vec::new();
    for d in &new.districts {
        districts.push(table.find(d)?.name.clone());
    }
    for id in &communities {
        districts.push(roster.get(id)?.district.clone());
    }
    let order = |name: &String| table.districts.iter().position(|d| &d.name == name);
    districts.sort_by_key(order);
    districts.dedup();
    if let Recorder::District(own) = recorder
        && let Some(other) = districts.iter().find(|d| d.as_str() != own)
    {
        return Err(InspectionError::NotAllowed(format!(
            "县区账号只能记录本县区（{own}）的调研，{other}不在其中"
        )));
    }
    let mut communities: Vec<String> = communities.into_iter().collect();
    communities.sort_by_cached_key(|id| {
        let d = roster.get(id).ok().map(|c| c.district.clone());
        (d.as_ref().and_then(order), id.clone())
    });
    new.communities = communities;
    new.districts = districts;
    Ok(())
}

fn check_files(files: &[Evidence]) -> Result<(), InspectionError> {
    for f in files {
        if name_is_bad(&f.name) {
            return Err(InspectionError::BadFileName {
                name: f.name.escape_debug().to_string(),
            });
        }
        let size = std::fs::metadata(f.path)
            .map_err(|source| read_err(f.path, source))?
            .len();
        if size > MAX_FILE_BYTES {
            return Err(InspectionError::FileTooLarge {
                path: f.path.to_path_buf(),
                size,
                max: MAX_FILE_BYTES,
            });
        }
    }
    Ok(())
}

fn read_err(path: &Path, source: std::io::Error) -> InspectionError {
    InspectionError::Read {
        path: path.to_path_buf(),
        source,
    }
}

/// Records `new` (checked with [`check`]) under `lock`: stores its
/// evidence, gives each problem its item (a new one, or the open item that
/// already lists the same standard for that community) and appends the
/// record and the new items in one write.
pub fn record(
    archive: &Archive,
    lock: &WriterLock,
    new: NewInspection,
) -> Result<InspectionRecord, InspectionError> {
    let records = archive.records()?;
    let id = super::next_id(&records, new.kind);
    let items = crate::rectify::fold(&records);
    let mut serial = crate::rectify::next_serial(&records);
    let objects = store_files(archive, &new.files)?;
    let mut rec = InspectionRecord {
        id,
        kind: new.kind,
        way: new.way,
        theme: new.theme,
        date: new.date,
        by: new.by,
        districts: new.districts,
        communities: new.communities,
        findings: new.findings,
        deadline: new.deadline,
        files: new
            .files
            .iter()
            .map(|f| f.name.trim().to_string())
            .collect(),
        objects,
    };
    let mut opened: Vec<Opened> = Vec::new();
    let deadline = rec.deadline.unwrap_or(rec.date);
    let source = super::source_of(rec.kind);
    for f in rec.findings.iter_mut().filter(|f| f.problem) {
        if let Some(id) = already_listed(f, items.values(), &opened) {
            f.item = Some(id);
            continue;
        }
        let item = crate::rectify::item_id(serial);
        serial += 1;
        f.item = Some(item.clone());
        opened.push(Opened {
            id: item,
            community: f.community.clone(),
            notice: rec.id.clone(),
            deadline,
            problem: Problem {
                indicator: f.indicator.clone(),
                standard: f.standard,
                method: None,
                verdict: None,
                level: None,
                remark: f.text.clone(),
            },
            source,
        });
    }
    let mut events = vec![Event::Inspection(rec.clone())];
    events.extend(opened.into_iter().map(Event::RectifyOpen));
    archive
        .log()
        .append_all(lock, events)
        .map_err(ArchiveError::from)?;
    Ok(rec)
}

/// The open item (in the log, or opened by this record) that lists the
/// finding's standard for its community already.
fn already_listed<'a>(
    f: &Finding,
    items: impl Iterator<Item = &'a Item>,
    opened: &[Opened],
) -> Option<String> {
    let (Some(ind), Some(st)) = (f.indicator.as_deref(), f.standard) else {
        return None;
    };
    let same = |o: &Opened| {
        o.community == f.community && crate::rectify::same_problem(&o.problem, ind, st, None)
    };
    items
        .filter(|i| i.is_open())
        .map(|i| &i.opened)
        .chain(opened)
        .find(|o| same(o))
        .map(|o| o.id.clone())
}

fn store_files(archive: &Archive, files: &[Evidence]) -> Result<Vec<ObjectRef>, InspectionError> {
    let paths = files.iter().map(|f| f.path);
    crate::archive::put_files(archive, paths, MAX_FILE_BYTES, read_err)
}
