//! The 专家组 result of a community: each assigned expert's latest sheet,
//! and per standard and method the verdicts side by side with their
//! aggregate by the office's rule ([`super::aggregate`]).

use serde::Serialize;

use super::Verdict;
use super::aggregate::{self, Aggregate, Rule};
use super::level::Level;
use super::store::{self, AssessmentError};
use crate::archive::Archive;
use crate::catalog::Method;

/// One standard and method across the panel.
#[derive(Debug, Clone, Serialize)]
pub struct PanelRow {
    /// Indicator code.
    pub indicator: String,
    /// Standard number.
    pub standard: u32,
    /// Method.
    pub method: Method,
    /// Each expert's verdict, in the order the experts first submitted.
    pub verdicts: Vec<(String, Verdict)>,
    /// Each expert's remark where they wrote one, in the same order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remarks: Vec<(String, String)>,
    /// The 专家组 verdict with its arithmetic.
    pub aggregate: Aggregate,
}

/// The panel of `community` under `rule`: empty when no expert has
/// submitted. An expert's later sheet replaces their earlier one.
pub fn panel(
    archive: &Archive,
    community: &str,
    rule: Rule,
) -> Result<Vec<PanelRow>, AssessmentError> {
    let mut latest: Vec<(String, store::StoredAssessment)> = Vec::new();
    for (time, rec) in store::all_records(archive, Some(community))? {
        if rec.level != Level::Expert {
            continue;
        }
        let who = rec.expert.clone().unwrap_or_default();
        let loaded = store::load(archive, time, rec)?;
        match latest.iter_mut().find(|(w, _)| *w == who) {
            Some(slot) => slot.1 = loaded,
            None => latest.push((who, loaded)),
        }
    }
    let Some((_, first)) = latest.first() else {
        return Ok(Vec::new());
    };
    let mut rows = Vec::new();
    for r in &first.assessment.results {
        let same: Vec<(&String, &super::ResultRow)> = latest
            .iter()
            .filter_map(|(who, s)| {
                s.assessment
                    .results
                    .iter()
                    .find(|x| {
                        x.indicator == r.indicator
                            && x.standard == r.standard
                            && x.method == r.method
                    })
                    .map(|x| (who, x))
            })
            .collect();
        let verdicts: Vec<(String, Verdict)> = same
            .iter()
            .map(|(w, x)| ((*w).clone(), x.verdict))
            .collect();
        let remarks: Vec<(String, String)> = same
            .iter()
            .filter(|(_, x)| !x.remark.trim().is_empty())
            .map(|(w, x)| ((*w).clone(), x.remark.trim().to_string()))
            .collect();
        let only: Vec<Verdict> = verdicts.iter().map(|(_, v)| *v).collect();
        if let Some(aggregate) = aggregate::aggregate(rule, &only) {
            rows.push(PanelRow {
                indicator: r.indicator.clone(),
                standard: r.standard,
                method: r.method,
                verdicts,
                remarks,
                aggregate,
            });
        }
    }
    Ok(rows)
}
