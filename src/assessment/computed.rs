//! The three standards whose verdict follows from numbers (Attachment 2):
//! Ⅱ-4 standard 1 (community social organisations: at least 10 for an
//! urban community, 5 for a “村改居” one), Ⅱ-11 standard 1 (at least 30 m²
//! of service facilities per 100 households) and Ⅱ-16 standard 1
//! (certified social workers growing at least 3% a year). Each result
//! carries the arithmetic so the report can show it.

use super::{Facts, Verdict};

pub use crate::community::CommunityKind;

/// Minimum social organisations per community (Ⅱ-4 standard 1).
pub fn min_social_organisations(kind: CommunityKind) -> u32 {
    match kind {
        CommunityKind::Urban => 10,
        CommunityKind::VillageToResidence => 5,
    }
}

/// Minimum service-facility area per 100 households, m² (Ⅱ-11 standard 1).
pub const MIN_AREA_PER_100_HOUSEHOLDS: f64 = 30.0;
/// Minimum yearly growth of certified social workers (Ⅱ-16 standard 1).
pub const MIN_SOCIAL_WORKER_GROWTH: f64 = 0.03;

/// A verdict computed from facts.
#[derive(Debug, Clone, PartialEq)]
pub struct Computed {
    /// Indicator code.
    pub indicator: &'static str,
    /// Standard number.
    pub standard: u32,
    /// The verdict the numbers give.
    pub verdict: Verdict,
    /// The arithmetic, in Chinese, for the report.
    pub arithmetic: String,
}

/// Computes every verdict the given facts allow.
pub fn compute(facts: &Facts, kind: CommunityKind) -> Vec<Computed> {
    [
        social_organisations(facts, kind),
        facility_area(facts),
        social_worker_growth(facts),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Ⅱ-4 standard 1: enough community social organisations for the kind of
/// community.
fn social_organisations(facts: &Facts, kind: CommunityKind) -> Option<Computed> {
    let n = facts.social_organisations?;
    let min = min_social_organisations(kind);
    let kind_name = match kind {
        CommunityKind::Urban => "城市社区",
        CommunityKind::VillageToResidence => "“村改居”社区",
    };
    let ok = n >= min;
    Some(Computed {
        indicator: "Ⅱ-4",
        standard: 1,
        verdict: pass_if(ok),
        arithmetic: format!(
            "社区社会组织 {n} 个，{kind_name}要求不少于 {min} 个，{}",
            if ok {
                "达到要求"
            } else {
                "未达到要求"
            }
        ),
    })
}

/// Ⅱ-11 standard 1: enough service-facility area per 100 households.
fn facility_area(facts: &Facts) -> Option<Computed> {
    let (area, households) = (facts.facility_area?, facts.households?);
    if households == 0 {
        return None;
    }
    let per100 = area / f64::from(households) * 100.0;
    let ok = per100 >= MIN_AREA_PER_100_HOUSEHOLDS;
    Some(Computed {
        indicator: "Ⅱ-11",
        standard: 1,
        verdict: pass_if(ok),
        arithmetic: format!(
            "综合服务设施 {} 平方米 ÷ {households} 户 × 100 = 每百户 {:.1} 平方米，要求不低于 {} 平方米，{}",
            trim_number(area),
            per100,
            MIN_AREA_PER_100_HOUSEHOLDS,
            if ok {
                "达到要求"
            } else {
                "未达到要求"
            }
        ),
    })
}

/// Ⅱ-16 standard 1: certified social workers growing fast enough between
/// every two years given.
fn social_worker_growth(facts: &Facts) -> Option<Computed> {
    let mut years: Vec<(i32, u32)> = facts
        .certified_social_workers
        .iter()
        .filter_map(|(y, n)| y.trim().parse::<i32>().ok().map(|y| (y, *n)))
        .collect();
    years.sort_unstable();
    if years.len() < 2 {
        return None;
    }
    let mut ok = true;
    let mut steps = Vec::new();
    for pair in years.windows(2) {
        let ((y1, c1), (y2, c2)) = (pair[0], pair[1]);
        let span = f64::from(y2 - y1);
        let (text, good) = if c1 == 0 {
            (format!("{y1}年 0 人 → {y2}年 {c2} 人"), c2 > 0)
        } else {
            let rate = (f64::from(c2) / f64::from(c1)).powf(1.0 / span) - 1.0;
            (
                format!(
                    "{y1}年 {c1} 人 → {y2}年 {c2} 人，年增长 {:.1}%",
                    rate * 100.0
                ),
                rate + 1e-9 >= MIN_SOCIAL_WORKER_GROWTH,
            )
        };
        ok &= good;
        steps.push(text);
    }
    Some(Computed {
        indicator: "Ⅱ-16",
        standard: 1,
        verdict: pass_if(ok),
        arithmetic: format!(
            "持证社工：{}；要求每年增长不低于 3%，{}",
            steps.join("；"),
            if ok {
                "达到要求"
            } else {
                "未达到要求"
            }
        ),
    })
}

fn pass_if(ok: bool) -> Verdict {
    if ok { Verdict::Pass } else { Verdict::Fail }
}

fn trim_number(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> Facts {
        Facts::default()
    }

    #[test]
    fn social_organisations_threshold_depends_on_kind() {
        let f = Facts {
            social_organisations: Some(7),
            ..facts()
        };
        let urban = compute(&f, CommunityKind::Urban);
        assert_eq!(urban[0].verdict, Verdict::Fail);
        assert!(urban[0].arithmetic.contains("不少于 10 个"));
        let village = compute(&f, CommunityKind::VillageToResidence);
        assert_eq!(village[0].verdict, Verdict::Pass);
        assert!(village[0].arithmetic.contains("不少于 5 个"));
    }

    #[test]
    fn facility_area_per_hundred_households() {
        let f = Facts {
            households: Some(1200),
            facility_area: Some(360.0),
            ..facts()
        };
        let c = &compute(&f, CommunityKind::Urban)[0];
        assert_eq!(
            (c.indicator, c.standard, c.verdict),
            ("Ⅱ-11", 1, Verdict::Pass)
        );
        assert!(
            c.arithmetic.contains("每百户 30.0 平方米"),
            "{}",
            c.arithmetic
        );
        let f = Facts {
            households: Some(1200),
            facility_area: Some(359.0),
            ..facts()
        };
        assert_eq!(compute(&f, CommunityKind::Urban)[0].verdict, Verdict::Fail);
    }

    #[test]
    fn social_worker_growth_every_year() {
        let mut f = facts();
        f.certified_social_workers = [("2017", 100), ("2018", 103), ("2019", 107)]
            .into_iter()
            .map(|(y, n)| (y.to_string(), n))
            .collect();
        let c = &compute(&f, CommunityKind::Urban)[0];
        assert_eq!(c.verdict, Verdict::Pass, "{}", c.arithmetic);
        f.certified_social_workers.insert("2020".into(), 109);
        let c = &compute(&f, CommunityKind::Urban)[0];
        assert_eq!(c.verdict, Verdict::Fail, "{}", c.arithmetic);
        assert!(c.arithmetic.contains("2019年 107 人 → 2020年 109 人"));
    }

    #[test]
    fn nothing_computed_without_enough_facts() {
        let mut f = Facts {
            facility_area: Some(100.0),
            ..facts()
        };
        f.certified_social_workers.insert("2019".into(), 5);
        assert!(compute(&f, CommunityKind::Urban).is_empty());
    }
}
