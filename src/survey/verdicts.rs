//! The figures and verdict of one 问卷 standard from its items' tallies:
//! the 满意率 over its satisfaction questions (or, for questions of
//! another scale, the share choosing the first, best choice), the
//! 满意度指数, the Wilson 95% interval, and the verdict from the
//! thresholds, with the arithmetic written out for the reader.

use super::stats::{ItemTally, StandardTally, percent, wilson};
use crate::assessment::Verdict;
use crate::config::SurveySettings;

/// Whether an item's choices are the 5-level satisfaction scale (they
/// contain every configured satisfied choice and number five).
fn is_satisfaction(t: &ItemTally, s: &SurveySettings) -> bool {
    t.counts.len() == s.weights.len()
        && s.satisfied
            .iter()
            .all(|c| t.counts.iter().any(|(x, _)| x == c))
}

/// The tally of standard `number` of `indicator`, from `items`, with
/// `valid` answers in all.
pub(super) fn standard(
    s: &SurveySettings,
    items: &[ItemTally],
    indicator: &str,
    number: u32,
    valid: u32,
) -> StandardTally {
    let code = format!("{indicator}/{number}");
    let mine: Vec<&ItemTally> = items.iter().filter(|t| t.standard == code).collect();
    let satisfaction: Vec<&ItemTally> = mine
        .iter()
        .copied()
        .filter(|t| is_satisfaction(t, s))
        .collect();
    let counted = if satisfaction.is_empty() {
        mine.clone()
    } else {
        satisfaction.clone()
    };
    let hits = hits(s, &counted, satisfaction.is_empty());
    let n: u32 = counted.iter().map(|t| t.answered).sum();
    let rate = (n > 0).then(|| f64::from(hits) / f64::from(n));
    let index = (!satisfaction.is_empty() && n > 0).then(|| {
        let sum: f64 = satisfaction
            .iter()
            .flat_map(|t| t.counts.iter().zip(&s.weights))
            .map(|((_, c), w)| f64::from(*c) * w)
            .sum();
        sum / f64::from(n)
    });
    let ids: Vec<&str> = counted.iter().map(|t| t.id.as_str()).collect();
    let label = if satisfaction.is_empty() {
        "选第一项（最好的一项）的".to_string()
    } else {
        format!("满意（{}）的", s.satisfied.join("、"))
    };
    let mut arithmetic = match rate {
        Some(r) => format!(
            "{} 题有效回答 {n} 个，其中{label} {hits} 个，{}率 {hits}÷{n} = {}",
            ids.join("、"),
            if satisfaction.is_empty() {
                "知晓"
            } else {
                "满意"
            },
            percent(r)
        ),
        None => format!("{} 题没有有效回答", ids.join("、")),
    };
    if let Some((lo, hi)) = wilson(hits, n) {
        arithmetic.push_str(&format!("（95% 区间 {}—{}）", percent(lo), percent(hi)));
    }
    if let Some(i) = index {
        arithmetic.push_str(&format!("；满意度指数 {i:.1}"));
    }
    let verdict = verdict(s, rate, valid, &mut arithmetic);
    StandardTally {
        indicator: indicator.to_string(),
        standard: number,
        hits,
        n,
        rate,
        interval: wilson(hits, n),
        index,
        verdict,
        arithmetic,
    }
}

/// The answers counted as hits: the satisfied choices of satisfaction
/// items, or (`first`) the first choice of other items.
fn hits(s: &SurveySettings, counted: &[&ItemTally], first: bool) -> u32 {
    counted
        .iter()
        .map(|t| {
            if first {
                t.counts.first().map_or(0, |(_, n)| *n)
            } else {
                t.counts
                    .iter()
                    .filter(|(c, _)| s.satisfied.contains(c))
                    .map(|(_, n)| n)
                    .sum()
            }
        })
        .sum()
}

/// The verdict for satisfaction `rate` out of `valid` answers, with its
/// reasoning added to `arithmetic`.
fn verdict(
    s: &SurveySettings,
    rate: Option<f64>,
    valid: u32,
    arithmetic: &mut String,
) -> Option<Verdict> {
    match rate {
        _ if valid < s.min_valid => {
            arithmetic.push_str(&format!(
                "；有效答卷 {valid} 份，少于 {} 份，不作结论",
                s.min_valid
            ));
            None
        }
        None => None,
        Some(r) => {
            let v = if r >= s.pass {
                Verdict::Pass
            } else if r >= s.partial {
                Verdict::Partial
            } else {
                Verdict::Fail
            };
            arithmetic.push_str(&format!(
                "；不低于 {} 为达标、不低于 {} 为基本达标，结论：{}",
                percent(s.pass),
                percent(s.partial),
                v.name()
            ));
            Some(v)
        }
    }
}
