//! The levels side by side for one community: per standard and method the
//! 社区自查, 县区初评 and 专家组 verdicts beside the final one, flagged
//! where two levels are two steps apart (达标 against 未达标), and who
//! assessed at each level.

use serde::Serialize;

use super::level::Level;
use super::store::{self, AssessmentError, StoredAssessment};
use super::{ResultRow, Verdict};
use crate::archive::Archive;
use crate::catalog::Method;
use crate::config::Rule;

/// One standard and method across the levels.
#[derive(Debug, Clone, Serialize)]
pub struct Compared {
    /// Indicator code.
    pub indicator: String,
    /// Standard number.
    pub standard: u32,
    /// Method.
    pub method: Method,
    /// 社区自查.
    pub self_check: Option<Verdict>,
    /// 县区初评.
    pub district: Option<Verdict>,
    /// 专家组 (aggregated).
    pub panel: Option<Verdict>,
    /// The final verdict.
    pub final_verdict: Verdict,
    /// Whether two of the levels are two steps apart.
    pub apart: bool,
}

/// The comparison, and who assessed at each level (level name → names).
#[derive(Debug, Clone, Serialize, Default)]
pub struct Comparison {
    /// The rows, in the final sheet's order.
    pub rows: Vec<Compared>,
    /// Who assessed: (level, names).
    pub assessors: Vec<(String, Vec<String>)>,
}

fn latest_at(
    archive: &Archive,
    community: &str,
    level: Level,
) -> Result<Option<StoredAssessment>, AssessmentError> {
    let last = store::all_records(archive, Some(community))?
        .into_iter()
        .rfind(|(_, r)| r.level == level);
    last.map(|(t, r)| store::load(archive, t, r)).transpose()
}

fn find(s: Option<&StoredAssessment>, r: &ResultRow) -> Option<Verdict> {
    s?.assessment
        .results
        .iter()
        .find(|x| x.indicator == r.indicator && x.standard == r.standard && x.method == r.method)
        .map(|x| x.verdict)
}

fn names(s: Option<&StoredAssessment>) -> Vec<String> {
    let mut v: Vec<String> = s
        .map(|s| {
            s.assessment
                .results
                .iter()
                .map(|r| r.assessor.clone())
                .collect()
        })
        .unwrap_or_default();
    v.retain(|n| !n.trim().is_empty());
    v.sort();
    v.dedup();
    v
}

/// Compares the levels of `community` against its final sheet `last`;
/// `None` when no level below the final one was ever submitted (archives
/// from before levels, or a final result imported directly).
pub fn compare(
    archive: &Archive,
    community: &str,
    last: &StoredAssessment,
    rule: Rule,
) -> Result<Option<Comparison>, AssessmentError> {
    let own = latest_at(archive, community, Level::SelfCheck)?;
    let district = latest_at(archive, community, Level::District)?;
    let panel = super::panel::panel(archive, community, rule)?;
    if own.is_none() && district.is_none() && panel.is_empty() {
        return Ok(None);
    }
    let mut out = Comparison::default();
    for r in &last.assessment.results {
        let p = panel
            .iter()
            .find(|x| {
                x.indicator == r.indicator && x.standard == r.standard && x.method == r.method
            })
            .map(|x| x.aggregate.verdict);
        let all: Vec<Verdict> = [
            find(own.as_ref(), r),
            find(district.as_ref(), r),
            p,
            Some(r.verdict),
        ]
        .into_iter()
        .flatten()
        .collect();
        let apart = all.contains(&Verdict::Pass) && all.contains(&Verdict::Fail);
        out.rows.push(Compared {
            indicator: r.indicator.clone(),
            standard: r.standard,
            method: r.method,
            self_check: find(own.as_ref(), r),
            district: find(district.as_ref(), r),
            panel: p,
            final_verdict: r.verdict,
            apart,
        });
    }
    let experts: Vec<String> = store::all_records(archive, Some(community))?
        .into_iter()
        .filter(|(_, r)| r.level == Level::Expert)
        .filter_map(|(_, r)| r.expert)
        .fold(Vec::new(), |mut v, e| {
            if !v.contains(&e) {
                v.push(e);
            }
            v
        });
    out.assessors = vec![
        (Level::SelfCheck.name().into(), names(own.as_ref())),
        (Level::District.name().into(), names(district.as_ref())),
        (Level::Expert.name().into(), experts),
        (Level::Final.name().into(), names(Some(last))),
    ];
    Ok(Some(out))
}
