//! What the field records of a community add up to: everything gathered
//! at once ([`Evidence::load`]), the coverage per standard and method
//! (files for 材料审核, on-site records and photos for 实地考评, grid
//! data, media captures for 网络（媒体）调查), the citation lines the
//! 考评报告 prints, and the files the BagIt export carries.

use serde::Serialize;

use super::{FieldError, StdKey, grid, media, photo, point, visit};
use crate::archive::Archive;
use crate::archive::manifest::Manifest;
use crate::catalog::{Catalog, Method};

/// Every field record of one community.
#[derive(Debug, Clone, Default)]
pub struct Evidence {
    /// Points.
    pub points: Vec<point::Point>,
    /// Photos.
    pub photos: Vec<photo::PhotoRecord>,
    /// Visits, with the log time of each.
    pub visits: Vec<(String, visit::VisitRecord)>,
    /// Scanned forms.
    pub scans: Vec<visit::ScanRecord>,
    /// Media records.
    pub media: Vec<media::MediaRecord>,
    /// Grid imports.
    pub grids: Vec<grid::GridRecord>,
    /// Survey answers counted for the community (numbered copies and open
    /// links), the evidence of its 问卷调查 standards.
    pub survey_answers: usize,
    /// Survey verdicts recorded into its assessment results.
    pub survey_records: usize,
}

/// How the sheet of recorded survey verdicts is named
/// ([`crate::survey::record`]).
pub const SURVEY_SHEET: &str = "问卷调查结论-";

impl Evidence {
    /// Reads the log once for `community`'s records.
    pub fn load(archive: &Archive, community: &str) -> Result<Evidence, FieldError> {
        use crate::event::Event;
        let mut e = Evidence {
            points: point::list(archive, community)?,
            ..Evidence::default()
        };
        for rec in archive.records()?.iter() {
            match &rec.event {
                Event::FieldPhoto(p) if p.community == community => e.photos.push(p.clone()),
                Event::FieldVisit(v) if v.community == community => {
                    e.visits.push((rec.time.clone(), v.clone()))
                }
                Event::FieldScan(s) if s.community == community => e.scans.push(s.clone()),
                Event::MediaCapture(m) if m.community == community => e.media.push(m.clone()),
                Event::GridData(g) if g.community == community => e.grids.push(g.clone()),
                Event::FieldPhotoFlags(f) => super::reflag::apply(&mut e.photos, f),
                Event::SurveyAnswer(a) if a.community == community && a.invalid.is_none() => {
                    e.survey_answers += 1
                }
                Event::SurveyOpenAnswer(a)
                    if a.answer.community == community && a.answer.invalid.is_none() =>
                {
                    e.survey_answers += 1
                }
                Event::Assessment(r)
                    if r.community == community && r.sheet.starts_with(SURVEY_SHEET) =>
                {
                    e.survey_records += 1
                }
                _ => {}
            }
        }
        Ok(e)
    }

    /// Whether there is nothing.
    pub fn is_empty(&self) -> bool {
        self.photos.is_empty()
            && self.visits.is_empty()
            && self.scans.is_empty()
            && self.media.is_empty()
            && self.grids.is_empty()
    }

    fn point_name(&self, id: &str) -> String {
        self.points
            .iter()
            .find(|p| p.id == id)
            .map_or(id.to_string(), |p| format!("{id} {}", p.name))
    }

    /// A photo's short hash, with its flags when it has any.
    fn photo_cite(&self, point: &str, key: &StdKey, assessor: &str, sha: &str) -> String {
        let short = &sha[..sha.len().min(12)];
        let flags: Vec<&str> = self
            .photos
            .iter()
            .filter(|p| {
                p.point == point
                    && p.key == *key
                    && p.assessor == assessor
                    && p.file.object.sha256 == sha
            })
            .flat_map(|p| p.flags.iter().map(|f| f.detail.as_str()))
            .collect();
        if flags.is_empty() {
            short.to_string()
        } else {
            format!("{short}（⚠ {}）", flags.join("；"))
        }
    }

    /// The 实地考评 citations of `key`: per visit the point, assessor,
    /// level, time, photo count and short hashes; then the grid data
    /// linked to it.
    pub fn onsite_lines(&self, key: &StdKey, time: &crate::config::TimeSettings) -> Vec<String> {
        let mut out: Vec<String> = self
            .visits
            .iter()
            .filter_map(|(at, v)| v.rows.iter().find(|r| r.key == *key).map(|r| (at, v, r)))
            .map(|(at, v, r)| {
                let shorts: Vec<String> = r
                    .photos
                    .iter()
                    .map(|h| self.photo_cite(&v.point, key, &v.assessor, h))
                    .collect();
                let photos = if shorts.is_empty() {
                    "无照片".to_string()
                } else {
                    format!("照片 {} 张（{}）", shorts.len(), shorts.join("、"))
                };
                format!(
                    "考评点 {}，{}（{}），{}，{}，{}",
                    self.point_name(&v.point),
                    v.assessor,
                    v.level.name(),
                    time.show(at),
                    r.verdict,
                    photos
                )
            })
            .collect();
        out.extend(
            self.grids
                .iter()
                .filter(|g| g.standards.contains(key))
                .map(|g| {
                    format!(
                        "网格化考评数据 {}（{}）：共 {} 件，已办结 {:.1}%",
                        g.file.name,
                        g.file.short(),
                        g.summary.total,
                        g.summary.resolved_percent()
                    )
                }),
        );
        out
    }

    /// The 网络（媒体）调查 citations of `key`.
    pub fn media_lines(&self, key: &StdKey) -> Vec<String> {
        self.media
            .iter()
            .filter(|m| m.key == *key)
            .map(|m| {
                format!(
                    "{}《{}》{}，核查于 {}：{}（存档 {} {}）",
                    m.platform.name(),
                    m.title,
                    m.url,
                    m.checked,
                    m.finding,
                    serde_json::to_value(m.format)
                        .ok()
                        .and_then(|v| v.as_str().map(String::from))
                        .unwrap_or_default(),
                    m.file.short()
                )
            })
            .collect()
    }
}

/// One standard and method's evidence.
#[derive(Debug, Clone, Serialize)]
pub struct CoverageLine {
    /// The standard.
    #[serde(flatten)]
    pub key: StdKey,
    /// The method.
    pub method: Method,
    /// Files of the latest submission (材料审核).
    pub files: usize,
    /// On-site findings (实地考评).
    pub records: usize,
    /// On-site photos.
    pub photos: usize,
    /// Grid imports linked to it.
    pub grid: usize,
    /// Media captures (网络（媒体）调查).
    pub media: usize,
    /// Valid survey answers (问卷调查).
    pub answers: usize,
    /// Survey verdicts recorded at a level (问卷调查).
    pub verdicts: usize,
}

impl CoverageLine {
    /// Whether any evidence exists for it.
    pub fn covered(&self) -> bool {
        match self.method {
            Method::MaterialReview => self.files > 0,
            Method::OnSite => self.records + self.photos + self.grid > 0,
            Method::NetworkSurvey => self.media > 0,
            Method::Questionnaire => self.answers + self.verdicts > 0,
        }
    }
}

/// Per standard and method, what evidence exists.
pub fn coverage(catalog: &Catalog, e: &Evidence, manifest: Option<&Manifest>) -> Vec<CoverageLine> {
    let mut out = Vec::new();
    for (_, ind, s) in catalog.standards() {
        let key = StdKey {
            indicator: ind.code.clone(),
            standard: s.number,
        };
        for m in &s.methods {
            let files = manifest.map_or(0, |m| {
                m.files
                    .iter()
                    .filter(|f| f.indicator == ind.code && f.standard == Some(s.number))
                    .count()
            });
            let onsite = *m == Method::OnSite;
            let survey = *m == Method::Questionnaire;
            out.push(CoverageLine {
                key: key.clone(),
                method: *m,
                files: if *m == Method::MaterialReview {
                    files
                } else {
                    0
                },
                records: if onsite {
                    e.visits
                        .iter()
                        .filter(|(_, v)| v.rows.iter().any(|r| r.key == key))
                        .count()
                } else {
                    0
                },
                photos: if onsite {
                    e.photos.iter().filter(|p| p.key == key).count()
                } else {
                    0
                },
                grid: if onsite {
                    e.grids
                        .iter()
                        .filter(|g| g.standards.contains(&key))
                        .count()
                } else {
                    0
                },
                media: e.media.iter().filter(|x| x.key == key).count(),
                answers: if survey { e.survey_answers } else { 0 },
                verdicts: if survey { e.survey_records } else { 0 },
            });
        }
    }
    out
}

pub use crate::archive::bagit::BagFile;

/// The field records as a bag carries them (记录.json).
#[derive(Serialize)]
struct BagRecords<'a> {
    grid: &'a [grid::GridRecord],
    media: &'a [media::MediaRecord],
    photos: &'a [photo::PhotoRecord],
    points: &'a [point::Point],
    scans: &'a [visit::ScanRecord],
    visits: Vec<TimedVisit<'a>>,
}

/// A visit with the time it was recorded.
#[derive(Serialize)]
struct TimedVisit<'a> {
    time: &'a str,
    visit: &'a visit::VisitRecord,
}

/// The community's field evidence (实地考评 photos and records, media
/// captures, grid data) as the files its BagIt export carries beside the
/// submission.
pub fn bag_extra(
    archive: &crate::archive::Archive,
    community: &str,
) -> Result<Vec<BagFile>, crate::archive::ArchiveError> {
    match Evidence::load(archive, community) {
        Ok(e) => Ok(bag_files(&e)),
        Err(super::FieldError::Archive(e)) => Err(e),
        Err(other) => Err(crate::archive::ArchiveError::Corrupt {
            path: archive.root().to_path_buf(),
            reason: other.to_string(),
        }),
    }
}

/// Folder of the field evidence inside a bag's payload.
pub const BAG_FOLDER: &str = "实地考评与网络调查";

/// The files of the community's field evidence for its BagIt export:
/// every photo, scan, capture and grid export under
/// `实地考评与网络调查/`, and the records themselves as `记录.json`.
pub fn bag_files(e: &Evidence) -> Vec<BagFile> {
    if e.is_empty() && e.points.is_empty() {
        return Vec::new();
    }
    let safe = |s: &str| crate::fsutil::safe_name(s);
    let mut out = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    let mut obj = |folder: &str, f: &super::StoredFile| {
        let place = format!("{BAG_FOLDER}/{folder}/{}-{}", f.short(), safe(&f.name));
        if seen.insert(place.clone()) {
            out.push(BagFile::Object(
                place,
                f.object.sha256.clone(),
                f.object.size,
            ));
        }
    };
    for p in &e.photos {
        obj(&format!("照片/{}", safe(&p.point)), &p.file);
    }
    for s in &e.scans {
        obj("考评表扫描件", &s.file);
    }
    for m in &e.media {
        obj("网络媒体存档", &m.file);
    }
    for g in &e.grids {
        obj("网格化考评数据", &g.file);
    }
    let records = BagRecords {
        grid: &e.grids,
        media: &e.media,
        photos: &e.photos,
        points: &e.points,
        scans: &e.scans,
        visits: e
            .visits
            .iter()
            .map(|(time, visit)| TimedVisit { time, visit })
            .collect(),
    };
    // Through a `Value`, whose maps sort their keys at every level: the
    // file is written as bags before this type had it.
    let bytes = serde_json::to_value(&records)
        .and_then(|v| serde_json::to_vec_pretty(&v))
        .unwrap_or_default();
    out.push(BagFile::Bytes(format!("{BAG_FOLDER}/记录.json"), bytes));
    out
}
