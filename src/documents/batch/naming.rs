//! Naming under a quota: the chosen communities ranked by their score,
//! and a tie at the edge of the quota refused.

use std::collections::BTreeMap;

use super::one::assessed;
use super::{BatchError, Drafted};
use crate::archive::Archive;
use crate::catalog::Catalog;
use crate::community::{Community, Roster};
use crate::config::Config;

/// Sorts communities by their latest total score, best first (those
/// without results last, by id); returns the scores.
pub(super) fn ranked(
    archive: &Archive,
    config: &Config,
    catalog: &Catalog,
    chosen: &mut [&Community],
) -> BTreeMap<String, f64> {
    let scores: BTreeMap<String, f64> = chosen
        .iter()
        .filter_map(|c| {
            let (_, card) = assessed(archive, config, catalog, c).ok()?;
            Some((c.id.clone(), card.total))
        })
        .collect();
    chosen.sort_by(|a, b| {
        let (sa, sb) = (scores.get(&a.id), scores.get(&b.id));
        sb.partial_cmp(&sa)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(|| a.id.cmp(&b.id))
    });
    scores
}

/// Refuses a naming batch where the quota runs out between two
/// communities of one district and phase with the same score: which one
/// is named is the office's decision, not the order of their ids.
pub(super) fn check_ties(
    reg: &Roster,
    out: &Drafted,
    scores: &BTreeMap<String, f64>,
) -> Result<(), BatchError> {
    let group = |id: &str| reg.get(id).ok().map(|c| (c.district.clone(), c.batch));
    for l in out.left.iter().filter(|l| l.over_quota) {
        let Some(score) = scores.get(&l.id) else {
            continue;
        };
        let tied = out.drafts.iter().find_map(|d| {
            let id = d.community.as_deref()?;
            (scores.get(id) == Some(score) && group(id) == group(&l.id)).then_some(id)
        });
        if let Some(named) = tied {
            return Err(BatchError::Tie {
                first: named.to_string(),
                second: l.id.clone(),
                score: *score,
            });
        }
    }
    Ok(())
}
