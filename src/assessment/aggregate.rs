//! The 专家组 result of one standard and method from the experts' own
//! verdicts, by the rule the office sets in `kaoping.toml`
//! (`[assessment] aggregate`), with the arithmetic kept so the report can
//! show how it was reached.
//!
//! Verdicts count as points 达标 2, 基本达标 1, 未达标 0.
//! - `majority`: the verdict most experts gave; a tie goes to the less
//!   favourable of the tied verdicts.
//! - `mean`: the verdict whose points are nearest the mean; a mean exactly
//!   between two goes to the lower one.
//! - `trimmed-mean`: as `mean`, after dropping one highest and one lowest
//!   verdict, but only when at least [`TRIM_MIN_PANEL`] experts gave one;
//!   a tie for highest or lowest drops only one of them.
//!
//! Every rule needs at least one verdict.

use serde::Serialize;

use super::Verdict;

/// Panels smaller than this are not trimmed.
pub const TRIM_MIN_PANEL: usize = 5;

pub use crate::config::Rule;

/// The combined verdict with how it was reached.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Aggregate {
    /// The 专家组 verdict.
    pub verdict: Verdict,
    /// The arithmetic, in Chinese, e.g. “均值 (2+2+0)/3 = 1.33 → 基本达标”.
    pub arithmetic: String,
}

fn points(v: Verdict) -> u32 {
    match v {
        Verdict::Pass => 2,
        Verdict::Partial => 1,
        Verdict::Fail => 0,
    }
}

fn from_points(p: u32) -> Verdict {
    match p {
        2 => Verdict::Pass,
        1 => Verdict::Partial,
        _ => Verdict::Fail,
    }
}

/// Combines `verdicts` by `rule`; `None` when there are none.
pub fn aggregate(rule: Rule, verdicts: &[Verdict]) -> Option<Aggregate> {
    if verdicts.is_empty() {
        return None;
    }
    Some(match rule {
        Rule::Majority => majority(verdicts),
        Rule::Mean => mean(verdicts, "均值"),
        Rule::TrimmedMean if verdicts.len() >= TRIM_MIN_PANEL => trimmed(verdicts),
        Rule::TrimmedMean => {
            let mut a = mean(verdicts, "均值");
            a.arithmetic = format!(
                "{} 位专家，不足 {TRIM_MIN_PANEL} 位不去掉最高和最低：{}",
                verdicts.len(),
                a.arithmetic
            );
            a
        }
    })
}

fn majority(verdicts: &[Verdict]) -> Aggregate {
    let count = |v: Verdict| verdicts.iter().filter(|x| **x == v).count();
    // Least favourable first, so that a tie keeps the first one found.
    let order = [Verdict::Fail, Verdict::Partial, Verdict::Pass];
    let best =
        order.iter().copied().fold(
            Verdict::Fail,
            |best, v| if count(v) > count(best) { v } else { best },
        );
    let counts: Vec<String> = order
        .iter()
        .rev()
        .filter(|v| count(**v) > 0)
        .map(|v| format!("{v} {} 票", count(*v)))
        .collect();
    Aggregate {
        verdict: best,
        arithmetic: format!("多数：{} → {best}", counts.join("，")),
    }
}

fn mean(verdicts: &[Verdict], label: &str) -> Aggregate {
    let pts: Vec<u32> = verdicts.iter().map(|v| points(*v)).collect();
    let sum: u32 = pts.iter().sum();
    let n = pts.len() as u32;
    // Nearest verdict to sum/n, half-way to the lower: the largest p with
    // 2·p·n ≤ 2·sum + n − 1, i.e. p ≤ sum/n + 1/2 strictly below half-way.
    let p = (0..=2u32)
        .rev()
        .find(|p| 2 * p * n < 2 * sum + n)
        .unwrap_or(0);
    let verdict = from_points(p);
    let terms: Vec<String> = pts.iter().map(u32::to_string).collect();
    Aggregate {
        verdict,
        arithmetic: format!(
            "{label} ({})/{n} = {:.2} → {verdict}",
            terms.join("+"),
            f64::from(sum) / f64::from(n)
        ),
    }
}

fn trimmed(verdicts: &[Verdict]) -> Aggregate {
    let mut sorted = verdicts.to_vec();
    sorted.sort_by_key(|v| points(*v));
    let kept = &sorted[1..sorted.len() - 1];
    let mut a = mean(kept, "去掉一个最高、一个最低后的均值");
    a.arithmetic = format!(
        "{} 位专家：去掉 {} 和 {}，{}",
        verdicts.len(),
        sorted[sorted.len() - 1],
        sorted[0],
        a.arithmetic
    );
    a
}

#[cfg(test)]
mod tests {
    use super::*;
    use Verdict::{Fail as F, Partial as P, Pass as A};

    fn v(rule: Rule, vs: &[Verdict]) -> Verdict {
        aggregate(rule, vs).unwrap().verdict
    }

    #[test]
    fn majority_by_hand() {
        assert_eq!(v(Rule::Majority, &[A, A]), A);
        assert_eq!(
            v(Rule::Majority, &[A, F]),
            F,
            "a tie of two goes to the lower"
        );
        assert_eq!(v(Rule::Majority, &[A, A, F]), A);
        assert_eq!(v(Rule::Majority, &[A, P, F]), F, "three-way tie");
        assert_eq!(v(Rule::Majority, &[A, A, P, P, F]), P, "tie 达标/基本达标");
        assert_eq!(v(Rule::Majority, &[A, A, A, P, P, F, F]), A);
        let a = aggregate(Rule::Majority, &[A, A, F]).unwrap();
        assert_eq!(a.arithmetic, "多数：达标 2 票，未达标 1 票 → 达标");
    }

    #[test]
    fn mean_by_hand() {
        // (2+1)/2 = 1.5: half-way, to the lower.
        assert_eq!(v(Rule::Mean, &[A, P]), P);
        // (2+2+0)/3 = 1.33 → 1.
        assert_eq!(v(Rule::Mean, &[A, A, F]), P);
        // (2+2+1)/3 = 1.67 → 2.
        assert_eq!(v(Rule::Mean, &[A, A, P]), A);
        // (2+0)/2 = 1.
        assert_eq!(v(Rule::Mean, &[A, F]), P);
        // (1+0)/2 = 0.5: half-way, to the lower.
        assert_eq!(v(Rule::Mean, &[P, F]), F);
        // (2+2+2+0+0)/5 = 1.2 → 1.
        assert_eq!(v(Rule::Mean, &[A, A, A, F, F]), P);
        let a = aggregate(Rule::Mean, &[A, A, F]).unwrap();
        assert_eq!(a.arithmetic, "均值 (2+2+0)/3 = 1.33 → 基本达标");
    }

    #[test]
    fn trimmed_mean_by_hand() {
        // Below five experts: the plain mean.
        assert_eq!(v(Rule::TrimmedMean, &[A, A, F]), P);
        assert!(
            aggregate(Rule::TrimmedMean, &[A, A, F])
                .unwrap()
                .arithmetic
                .contains("不足 5 位")
        );
        // Five: drop one 达标 and one 未达标 → (2+2+0)/3 = 1.33 → 1.
        assert_eq!(v(Rule::TrimmedMean, &[A, A, A, F, F]), P);
        // Five with one outlier: (2,2,2,2,0) → drop a 2 and the 0 → 2.
        assert_eq!(v(Rule::TrimmedMean, &[A, A, A, A, F]), A);
        // Seven: (2,2,2,1,1,0,0) → drop 2 and 0 → (2+2+1+1+0)/5 = 1.2 → 1.
        assert_eq!(v(Rule::TrimmedMean, &[A, A, A, P, P, F, F]), P);
        // Ties for highest drop only one: (2,2,2,2,2,2,0) → (2·5)/5 = 2.
        assert_eq!(v(Rule::TrimmedMean, &[A, A, A, A, A, A, F]), A);
        assert_eq!(aggregate(Rule::TrimmedMean, &[]), None);
    }

    proptest::proptest! {
        #[test]
        fn identical_sheets_aggregate_to_that_sheet(
            n in 1usize..9,
            which in proptest::sample::select(vec![A, P, F]),
            rule in proptest::sample::select(vec![Rule::Majority, Rule::Mean, Rule::TrimmedMean]),
        ) {
            let all = vec![which; n];
            proptest::prop_assert_eq!(v(rule, &all), which);
        }
    }
}
