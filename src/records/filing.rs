//! Which records a phase's filing takes and the 档号 each gets: every
//! issued document about the phase's communities (and each office-wide
//! document not filed before), every version of their evidence
//! submissions and of their 街道's shared evidence; 件号 run on per 年度 and 保管期限 from earlier filings.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};

use super::RecordsError;
use crate::archive::Archive;
use crate::archive::log::Record;
use crate::community::Roster;
use crate::config::{ArchivesSettings, Retention};
use crate::event::Event;
use crate::event::community::Batch;
use crate::event::records::{FiledItem, FiledSource};

/// A record the filing takes, before it has a 件号.
#[derive(Debug, Clone)]
struct Candidate {
    source: FiledSource,
    title: String,
    date: NaiveDate,
    retention: Retention,
    files: u64,
    bytes: u64,
}

/// What a filing of one phase will record.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The phase.
    pub phase: Batch,
    /// Records filed by earlier filings of this phase (unchanged).
    pub earlier: Vec<super::FiledAt>,
    /// Records this filing gives a 档号.
    pub new: Vec<FiledItem>,
}

impl Plan {
    /// Every record of the phase with the time it is (or was) filed,
    /// earlier and new, in 档号 order.
    pub fn all(&self, now: &str) -> Vec<super::FiledAt> {
        let mut all: Vec<super::FiledAt> = self.earlier.clone();
        all.extend(self.new.iter().map(|i| super::FiledAt {
            phase: self.phase,
            time: now.to_string(),
            item: i.clone(),
        }));
        all.sort_by(|a, b| a.item.code.cmp(&b.item.code));
        all
    }
}

/// The 档号 of a record: 全宗号-年度-保管期限代码-[机构或问题-]件号.
pub fn code(settings: &ArchivesSettings, year: i32, retention: Retention, piece: u32) -> String {
    let mut parts = vec![
        settings.fonds_code.clone(),
        year.to_string(),
        retention.code().to_string(),
    ];
    if !settings.section.is_empty() {
        parts.push(settings.section.clone());
    }
    parts.push(format!("{piece:04}"));
    parts.join("-")
}

/// The Beijing day of an RFC 3339 time.
fn day_of(time: &str) -> Option<NaiveDate> {
    chrono::DateTime::parse_from_rfc3339(time)
        .ok()
        .map(|t| t.with_timezone(&crate::clock::BEIJING).date_naive())
}

fn documents(
    records: &[Record],
    roster: &Roster,
    phase: Batch,
    s: &ArchivesSettings,
) -> Vec<Candidate> {
    let batch_of = |id: &str| roster.get(id).ok().map(|c| c.batch);
    crate::issuance::entries_of(records)
        .into_iter()
        .filter(|e| match e.record.community.as_deref() {
            Some(id) => batch_of(id) == Some(phase),
            None => true,
        })
        .map(|e| Candidate {
            retention: s.retention_of(e.record.kind.name()),
            source: FiledSource::Document {
                number: e.record.number.clone(),
            },
            title: e.record.title.clone(),
            date: e.record.date,
            files: e.record.objects.len() as u64,
            bytes: e.record.objects.iter().map(|o| o.size).sum(),
        })
        .collect()
}

/// The earliest phase among a 街道's pilot communities.
fn street_phase(roster: &Roster, district: &str, street: &str) -> Option<Batch> {
    roster
        .all()
        .filter(|c| c.district == district && c.street.as_deref() == Some(street))
        .map(|c| c.batch)
        .min()
}

/// Every version of the phase's communities' evidence and of their
/// 街道's shared evidence.
fn evidence(
    records: &[Record],
    roster: &Roster,
    phase: Batch,
    s: &ArchivesSettings,
) -> Vec<Candidate> {
    records
        .iter()
        .filter_map(|r| {
            let (source, title, files, bytes) = match &r.event {
                Event::Submission(sub) => {
                    let c = roster
                        .get(&sub.community)
                        .ok()
                        .filter(|c| c.batch == phase)?;
                    let source = FiledSource::Submission {
                        community: sub.community.clone(),
                        version: sub.version,
                    };
                    let title = format!("{}{}考评材料（第{}版）", c.district, c.name, sub.version);
                    (source, title, sub.file_count, sub.total_bytes)
                }
                Event::Street(e) => {
                    (street_phase(roster, &e.district, &e.street) == Some(phase)).then_some(())?;
                    let title = format!(
                        "{}{}共享考评材料（第{}版）",
                        e.district, e.street, e.version
                    );
                    let source = FiledSource::Street {
                        district: e.district.clone(),
                        street: e.street.clone(),
                        version: e.version,
                    };
                    (
                        source,
                        title,
                        e.files.len() as u64,
                        e.objects.iter().map(|o| o.size).sum(),
                    )
                }
                _ => return None,
            };
            Some(Candidate {
                source,
                title,
                date: day_of(&r.time).unwrap_or_else(crate::clock::today),
                retention: s.retention_of("材料"),
                files,
                bytes,
            })
        })
        .collect()
}

/// What filing `phase` now would record. Office-wide documents (no
/// community) go with the first filing after they are issued.
pub fn plan(
    archive: &Archive,
    settings: &ArchivesSettings,
    phase: Batch,
) -> Result<Plan, RecordsError> {
    let records = archive.records()?;
    let roster = archive.communities()?;
    let filed = super::filed(&records);
    let done: BTreeSet<&FiledSource> = filed.iter().map(|f| &f.item.source).collect();
    let mut pieces: BTreeMap<(i32, Retention), u32> = BTreeMap::new();
    for i in filed.iter().map(|f| &f.item) {
        let p = pieces.entry((i.year, i.retention)).or_default();
        *p = (*p).max(i.piece);
    }
    let mut candidates = documents(&records, &roster, phase, settings);
    candidates.extend(evidence(&records, &roster, phase, settings));
    candidates.retain(|c| !done.contains(&c.source));
    candidates.sort_by(|a, b| (a.date, &a.source).cmp(&(b.date, &b.source)));
    let new = candidates
        .into_iter()
        .map(|c| {
            let year = c.date.year();
            let p = pieces.entry((year, c.retention)).or_default();
            *p += 1;
            FiledItem {
                code: code(settings, year, c.retention, *p),
                year,
                retention: c.retention,
                piece: *p,
                source: c.source,
                title: c.title,
                date: c.date,
                files: c.files,
                bytes: c.bytes,
            }
        })
        .collect();
    let earlier = filed.into_iter().filter(|f| f.phase == phase).collect();
    Ok(Plan {
        phase,
        earlier,
        new,
    })
}
