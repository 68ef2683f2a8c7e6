//! What the office's overview shows, computed in one place: per district
//! the progress against both Attachment 1 quotas, and per community its
//! latest submission, the standards still missing evidence, its score and
//! the documents it has. The web page only lays this out.

use serde::Serialize;

use crate::accounts::Account;
use crate::archive::{Archive, coverage};
use crate::assessment::score::{self, round1};
use crate::assessment::store::{self, AssessmentError};
use crate::catalog::Catalog;
use crate::community::{Batch, Community};
use crate::config::Config;
use crate::documents::progress::{self, Row};
use crate::issuance::{self, DocKind};

/// The overview.
#[derive(Debug, Serialize)]
pub struct Overview {
    /// One line per district and a total line last.
    pub districts: Vec<DistrictLine>,
    /// One line per registered community.
    pub communities: Vec<CommunityLine>,
    /// The 18 district names, for choosing one.
    pub district_names: Vec<String>,
    /// The 工作步骤 of each phase with their dates and where they stand.
    pub timeline: crate::phases::timeline::Timeline,
}

/// A district's progress against its quotas.
#[derive(Debug, Serialize)]
pub struct DistrictLine {
    /// Against the total quota.
    #[serde(flatten)]
    pub row: Row,
    /// The 第一阶段 quota.
    pub phase1_quota: u32,
    /// Whether this is the 总计 line.
    pub total: bool,
}

/// A community's state.
#[derive(Debug, Serialize)]
pub struct CommunityLine {
    /// The community.
    pub c: Community,
    /// Its latest submission version.
    pub version: Option<u32>,
    /// Standards of 材料审核 without evidence in that version.
    pub missing: Option<usize>,
    /// Its latest assessment.
    pub assessed: Option<Assessed>,
    /// Its documents other than receipts.
    pub docs: Vec<DocLink>,
}

/// A community's latest score.
#[derive(Debug, Clone, Serialize)]
pub struct Assessed {
    /// Total marks.
    pub total: f64,
    /// Full marks.
    pub max: f64,
    /// Grade name.
    pub grade: String,
    /// Whether the grade may be named.
    pub named: bool,
    /// Whether a rectification notice is due.
    pub notice: bool,
}

/// An issued document to link to.
#[derive(Debug, Serialize)]
pub struct DocLink {
    /// Its kind.
    pub kind: DocKind,
    /// Its number.
    pub number: String,
    /// SHA-256 of its PDF.
    pub sha: String,
}

/// Computes the overview, reading each list from the log once.
pub fn office(archive: &Archive, config: &Config) -> Result<Overview, AssessmentError> {
    let reg = archive.communities()?;
    let register = issuance::entries(archive)?;
    let subs = archive.submissions(None)?;
    let records = store::standing_records(archive, None)?;
    let facts = progress::Facts::new(&reg, &register, &subs, &records)
        .with_items(crate::rectify::items(archive, None)?)
        .with_plans(&crate::plans::all(archive)?)
        .with_phases(crate::phases::latest(archive)?);
    let phase1 = progress::rows(&facts, Some(Batch::First));
    let all = progress::rows(&facts, None);
    let timeline = timeline(&facts, &phase1);
    let count = all.len();
    let districts = all
        .into_iter()
        .zip(phase1.iter().cloned())
        .enumerate()
        .map(|(i, (row, p))| DistrictLine {
            row,
            phase1_quota: p.quota,
            total: i + 1 == count,
        })
        .collect();
    let communities = lines(archive, config, reg.all(), &register, &subs, &records)?;
    let district_names = crate::districts::DistrictTable::builtin()
        .districts
        .iter()
        .map(|d| d.name.clone())
        .collect();
    Ok(Overview {
        districts,
        communities,
        district_names,
        timeline,
    })
}

/// The timeline on today, each phase judged on its own communities.
fn timeline(facts: &progress::Facts<'_>, phase1: &[Row]) -> crate::phases::timeline::Timeline {
    let figures = |rows: &[Row]| {
        let t = rows.last().cloned().unwrap_or_default();
        crate::phases::timeline::Figures {
            tasks: t.quota,
            registered: t.registered,
            submitted: t.submitted,
            assessed: t.assessed,
            named: t.named,
        }
    };
    let second = progress::rows(facts, Some(Batch::Second));
    let third = progress::rows(facts, Some(Batch::Third));
    crate::phases::timeline::build(
        facts.phases.as_ref(),
        [figures(phase1), figures(&second), figures(&third)],
        crate::dates::today(),
    )
}

/// The lines of the registered communities `account` may see (see
/// [`crate::scope::visible`]), for the district and expert pages.
pub fn visible(
    archive: &Archive,
    config: &Config,
    account: &Account,
) -> Result<Vec<CommunityLine>, AssessmentError> {
    let reg = archive.communities()?;
    let register = issuance::entries(archive)?;
    let subs = archive.submissions(None)?;
    let records = store::standing_records(archive, None)?;
    let shown = crate::scope::visible(account, &reg);
    lines(archive, config, shown, &register, &subs, &records)
}

/// One line per community of `shown`.
fn lines<'a>(
    archive: &Archive,
    config: &Config,
    shown: impl IntoIterator<Item = &'a Community>,
    register: &[issuance::Entry],
    subs: &[crate::archive::Submission],
    records: &[(String, store::AssessmentRecord)],
) -> Result<Vec<CommunityLine>, AssessmentError> {
    let catalog = Catalog::builtin();
    let scheme = serde_json::to_string(&config.scoring).unwrap_or_default();
    let mut communities = Vec::new();
    let shown: Vec<&Community> = shown.into_iter().collect();
    // The log is read for 街道 evidence only when a community has a 街道.
    let log = match shown.iter().any(|c| c.street.is_some()) {
        true => archive.records()?,
        false => Default::default(),
    };
    for c in shown {
        let latest = subs.iter().rev().find(|s| s.record.community == c.id);
        let missing = match latest {
            Some(s) => {
                let own = coverage::coverage(catalog, &archive.manifest(s)?);
                let shared = crate::streets::shared_for(&log, c);
                Some(
                    coverage::with_shared(own, shared.as_ref())
                        .missing()
                        .count(),
                )
            }
            None => None,
        };
        let assessed = match records.iter().rev().find(|(_, r)| r.community == c.id) {
            Some((time, record)) => Some(scored(archive, config, &scheme, time, record)?),
            None => None,
        };
        let docs = register
            .iter()
            .filter(|e| e.record.community.as_deref() == Some(c.id.as_str()))
            .filter(|e| e.record.kind != DocKind::Receipt)
            .map(|e| DocLink {
                kind: e.record.kind.clone(),
                number: e.record.number.clone(),
                sha: e.record.sha256().to_string(),
            })
            .collect();
        communities.push(CommunityLine {
            c: c.clone(),
            version: latest.map(|s| s.record.version),
            missing,
            assessed,
            docs,
        });
    }
    Ok(communities)
}

/// Scores already computed in this process, by the results object's
/// SHA-256 and the scoring scheme: a results object never changes, so a
/// page shown again scores only what is new.
fn score_cache() -> &'static std::sync::Mutex<std::collections::HashMap<(String, String), Assessed>>
{
    static CACHE: std::sync::OnceLock<
        std::sync::Mutex<std::collections::HashMap<(String, String), Assessed>>,
    > = std::sync::OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// The score of one final record, from the cache or computed.
fn scored(
    archive: &Archive,
    config: &Config,
    scheme: &str,
    time: &str,
    record: &store::AssessmentRecord,
) -> Result<Assessed, AssessmentError> {
    let key = (
        record
            .objects
            .get(1)
            .map(|o| o.sha256.clone())
            .unwrap_or_default(),
        scheme.to_string(),
    );
    if let Some(hit) = score_cache().lock().ok().and_then(|m| m.get(&key).cloned()) {
        return Ok(hit);
    }
    let s = store::load(archive, time.to_string(), record.clone())?;
    let card = score::score(&s.assessment, Catalog::builtin(), config);
    let a = Assessed {
        total: card.total,
        max: round1(card.max),
        grade: card.grade.name.clone(),
        named: card.named(),
        notice: card.needs_notice(),
    };
    if let Ok(mut m) = score_cache().lock() {
        // Bounded: a long-running server starts over past this many.
        if m.len() >= 100_000 {
            m.clear();
        }
        m.insert(key, a.clone());
    }
    Ok(a)
}
