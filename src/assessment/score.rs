//! Scoring an assessment under the office's scheme (`[scoring]` in
//! `kaoping.toml`): item marks split over indicators (equally unless the
//! office set indicator marks), indicator marks split equally over
//! standards, each standard earning the mean of its rows' point rates;
//! then the grade, whether the community may be named, and whether it
//! needs a rectification notice.

use serde::Serialize;

use super::{Assessment, ResultRow, Verdict};
use crate::catalog::Catalog;
use crate::config::{Config, Grade};

/// Score of one standard.
#[derive(Debug, Clone, Serialize)]
pub struct StandardScore {
    /// Standard number.
    pub number: u32,
    /// Full marks.
    pub max: f64,
    /// Marks earned.
    pub score: f64,
    /// The rows (one per method) behind it.
    pub rows: Vec<ResultRow>,
}

/// Score of one indicator.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorScore {
    /// Indicator code.
    pub code: String,
    /// Indicator name.
    pub name: String,
    /// Full marks.
    pub max: f64,
    /// Marks earned.
    pub score: f64,
    /// Per standard.
    pub standards: Vec<StandardScore>,
}

/// Score of one item.
#[derive(Debug, Clone, Serialize)]
pub struct ItemScore {
    /// Item code.
    pub code: String,
    /// Item name.
    pub name: String,
    /// Full marks.
    pub max: f64,
    /// Marks earned (subtotal).
    pub score: f64,
    /// Per indicator.
    pub indicators: Vec<IndicatorScore>,
}

/// The scored assessment.
#[derive(Debug, Clone, Serialize)]
pub struct ScoreCard {
    /// Per item.
    pub items: Vec<ItemScore>,
    /// Full marks of the whole scheme.
    pub max: f64,
    /// Total marks, rounded to one decimal.
    pub total: f64,
    /// The grade reached.
    pub grade: Grade,
    /// Counts of rows by verdict: 达标, 基本达标, 未达标.
    pub verdict_counts: [usize; 3],
}

impl ScoreCard {
    /// Whether the community may be named a pilot.
    pub fn named(&self) -> bool {
        self.grade.named
    }

    /// Whether a rectification notice is due (any 基本达标 or 未达标).
    pub fn needs_notice(&self) -> bool {
        self.verdict_counts[1] + self.verdict_counts[2] > 0
    }
}

/// Rounds marks to one decimal place for display and grading.
pub fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// Scores an assessment.
pub fn score(assessment: &Assessment, catalog: &Catalog, config: &Config) -> ScoreCard {
    let points = &config.scoring.points;
    let rate = |r: &ResultRow| {
        r.score.unwrap_or(match r.verdict {
            Verdict::Pass => points.pass,
            Verdict::Partial => points.partial,
            Verdict::Fail => points.fail,
        }) / 100.0
    };
    let mut items = Vec::new();
    for it in &catalog.items {
        let item_max = config.item_weight(&it.code).unwrap_or(0.0);
        let n_ind = it.indicators.len().max(1) as f64;
        let mut indicators = Vec::new();
        for ind in &it.indicators {
            let ind_max = config
                .indicator_weight_override(&ind.code)
                .unwrap_or(item_max / n_ind);
            let std_max = ind_max / ind.standards.len().max(1) as f64;
            let standards = standard_scores(assessment, ind, std_max, &rate);
            indicators.push(IndicatorScore {
                code: ind.code.clone(),
                name: ind.name.clone(),
                max: ind_max,
                score: standards.iter().map(|s| s.score).sum(),
                standards,
            });
        }
        items.push(ItemScore {
            code: it.code.clone(),
            name: it.name.clone(),
            max: item_max,
            score: indicators.iter().map(|i| i.score).sum(),
            indicators,
        });
    }
    let max: f64 = items.iter().map(|i| i.max).sum();
    let total = round1(items.iter().map(|i| i.score).sum());
    ScoreCard {
        items,
        max,
        total,
        grade: grade(config, total),
        verdict_counts: verdict_counts(assessment),
    }
}

/// The scores of an indicator's standards, each `std_max` times the mean
/// rate of its rows (0 without rows).
fn standard_scores(
    assessment: &Assessment,
    ind: &crate::catalog::Indicator,
    std_max: f64,
    rate: &impl Fn(&ResultRow) -> f64,
) -> Vec<StandardScore> {
    ind.standards
        .iter()
        .map(|s| {
            let rows: Vec<ResultRow> = assessment
                .results
                .iter()
                .filter(|r| r.indicator == ind.code && r.standard == s.number)
                .cloned()
                .collect();
            let mean = if rows.is_empty() {
                0.0
            } else {
                rows.iter().map(rate).sum::<f64>() / rows.len() as f64
            };
            StandardScore {
                number: s.number,
                max: std_max,
                score: std_max * mean,
                rows,
            }
        })
        .collect()
}

/// The highest grade whose minimum `total` reaches (the lowest grade
/// otherwise, 未定等次 when the scheme has none).
fn grade(config: &Config, total: f64) -> Grade {
    let mut grades = config.scoring.grades.clone();
    grades.sort_by(|a, b| b.min.total_cmp(&a.min));
    grades
        .iter()
        .find(|g| total + 1e-9 >= g.min)
        .or(grades.last())
        .cloned()
        .unwrap_or(Grade {
            name: "未定等次".into(),
            min: 0.0,
            named: false,
        })
}

/// Counts of rows by verdict: 达标, 基本达标, 未达标.
fn verdict_counts(assessment: &Assessment) -> [usize; 3] {
    let mut verdict_counts = [0; 3];
    for r in &assessment.results {
        verdict_counts[Verdict::ALL
            .iter()
            .position(|v| *v == r.verdict)
            .unwrap_or(2)] += 1;
    }
    verdict_counts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assessment::Facts;

    fn all(verdict: Verdict) -> Assessment {
        let catalog = Catalog::builtin();
        let results = catalog
            .standards()
            .flat_map(|(_, ind, s)| {
                s.methods.iter().map(move |m| ResultRow {
                    indicator: ind.code.clone(),
                    standard: s.number,
                    method: *m,
                    verdict,
                    score: None,
                    assessor: "张三".into(),
                    date: None,
                    remark: String::new(),
                })
            })
            .collect();
        Assessment {
            results,
            facts: Facts::default(),
        }
    }

    #[test]
    fn all_pass_is_full_marks_and_named() {
        let c = score(&all(Verdict::Pass), Catalog::builtin(), &Config::default());
        assert_eq!(c.total, 100.0);
        assert_eq!(c.grade.name, "优秀");
        assert!(c.named() && !c.needs_notice());
        let sub: Vec<_> = c.items.iter().map(|i| round1(i.score)).collect();
        assert_eq!(sub, [30.0, 30.0, 20.0, 20.0]);
    }

    #[test]
    fn partial_everywhere_is_sixty_and_not_named() {
        let c = score(
            &all(Verdict::Partial),
            Catalog::builtin(),
            &Config::default(),
        );
        assert_eq!(c.total, 60.0);
        assert_eq!(c.grade.name, "不合格");
        assert!(!c.named() && c.needs_notice());
    }

    #[test]
    fn one_failed_standard_costs_its_share() {
        let mut a = all(Verdict::Pass);
        // Ⅱ-2 has two standards; Ⅰ-1 (30) has four indicators: 7.5 each,
        // so one Ⅱ-2 standard is worth 3.75.
        for r in a
            .results
            .iter_mut()
            .filter(|r| r.indicator == "Ⅱ-2" && r.standard == 1)
        {
            r.verdict = Verdict::Fail;
        }
        let c = score(&a, Catalog::builtin(), &Config::default());
        assert_eq!(c.total, round1(100.0 - 3.75));
        assert_eq!(c.verdict_counts, [a.results.len() - 1, 0, 1]);
        // Ⅱ-8 standards have two methods: one failing method halves it.
        let mut a = all(Verdict::Pass);
        let r = a
            .results
            .iter_mut()
            .find(|r| r.indicator == "Ⅱ-8" && r.standard == 1)
            .unwrap();
        r.verdict = Verdict::Fail;
        let c = score(&a, Catalog::builtin(), &Config::default());
        // Ⅰ-2 (30) / 5 indicators = 6; Ⅱ-8 has 4 standards: 1.5 each; half is 0.75.
        assert_eq!(c.total, round1(100.0 - 0.75));
    }

    #[test]
    fn an_explicit_score_replaces_the_verdict_rate() {
        let mut a = all(Verdict::Pass);
        for r in a.results.iter_mut().filter(|r| r.indicator == "Ⅱ-16") {
            r.score = Some(50.0);
        }
        let c = score(&a, Catalog::builtin(), &Config::default());
        // Ⅰ-4 (20) / 4 indicators = 5 for Ⅱ-16, half lost.
        assert_eq!(c.total, 97.5);
    }
}
