//! Statistics and verdicts of one community's survey: copies issued,
//! returned, valid and invalid (by reason), the response rate, each
//! question's distribution among valid answers, and per 问卷 standard its
//! 满意率 (the configured satisfied choices ÷ valid answers to its
//! satisfaction questions), 满意度指数 (Σ share × weight), the Wilson 95%
//! interval of the rate, and the verdict from the thresholds — or, with
//! fewer valid answers than the minimum, no verdict and the reason.

use std::collections::BTreeMap;

use serde::Serialize;

use super::answer::AnswerRecord;
use super::questionnaire::Questionnaire;
use super::state::Survey;
use crate::assessment::Verdict;
use crate::config::SurveySettings;

/// z for a two-sided 95% interval.
const Z95: f64 = 1.959_963_984_540_054;

/// The Wilson score interval (95%) of `hits` out of `n`.
pub fn wilson(hits: u32, n: u32) -> Option<(f64, f64)> {
    if n == 0 {
        return None;
    }
    let (n, p) = (f64::from(n), f64::from(hits) / f64::from(n));
    let z2 = Z95 * Z95;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = Z95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / (1.0 + z2 / n);
    Some(((centre - half).max(0.0), (centre + half).min(1.0)))
}

/// One point's counts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PointTally {
    /// The 考评点.
    pub point: String,
    /// Copies issued there.
    pub issued: u32,
    /// Answers returned.
    pub returned: u32,
    /// Valid answers.
    pub valid: u32,
}

/// One closed item's distribution among valid answers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemTally {
    /// Item id.
    pub id: String,
    /// The question.
    pub text: String,
    /// `Ⅱ-14/4` for assessment questions, empty for respondent items.
    pub standard: String,
    /// Each choice and how many chose it.
    pub counts: Vec<(String, u32)>,
    /// Valid answers that answered it.
    pub answered: u32,
}

/// One 问卷 standard's figures and verdict.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StandardTally {
    /// Indicator code.
    pub indicator: String,
    /// Standard number.
    pub standard: u32,
    /// Answers counted as satisfied (or, without a satisfaction question,
    /// as the best choice).
    pub hits: u32,
    /// Answers counted.
    pub n: u32,
    /// hits ÷ n.
    pub rate: Option<f64>,
    /// Wilson 95% interval of the rate.
    pub interval: Option<(f64, f64)>,
    /// 满意度指数, 0–100 (satisfaction questions only).
    pub index: Option<f64>,
    /// The verdict, if one may be given.
    pub verdict: Option<Verdict>,
    /// The arithmetic (or why there is no verdict), in Chinese.
    pub arithmetic: String,
}

/// The whole tally of a community.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tally {
    /// Community id.
    pub community: String,
    /// Copies issued.
    pub issued: u32,
    /// Answers returned (web and paper).
    pub returned: u32,
    /// Of which through the web.
    pub web: u32,
    /// Valid answers.
    pub valid: u32,
    /// Invalid answers by reason.
    pub invalid: BTreeMap<String, u32>,
    /// returned ÷ issued.
    pub response_rate: Option<f64>,
    /// By point.
    pub points: Vec<PointTally>,
    /// Every closed item.
    pub items: Vec<ItemTally>,
    /// Every 问卷 standard.
    pub standards: Vec<StandardTally>,
    /// Open answers of valid copies, as written.
    pub open: Vec<String>,
    /// Answers through per-point open links, tallied apart (lower trust).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open_link: Option<Box<Tally>>,
    /// Whether those answers are also in the figures above
    /// (`[survey] open_link_counts`).
    pub open_link_counted: bool,
    /// When the survey closed (no answer after it counts), if it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closed: Option<super::close::Closing>,
}

/// The reason's kind: the text before its colon (`疑似无效`).
fn reason_kind(reason: &str) -> String {
    reason.split('：').next().unwrap_or(reason).to_string()
}

/// Tallies `community` from the survey.
pub fn tally(survey: &Survey, q: &Questionnaire, s: &SurveySettings, community: &str) -> Tally {
    let copies: Vec<_> = survey.of(community).collect();
    let issued: Vec<&str> = copies.iter().map(|c| c.issued.point.as_str()).collect();
    let mut answers: Vec<(&str, &AnswerRecord)> = copies
        .iter()
        .filter_map(|c| c.answer.as_ref().map(|(_, a)| (c.issued.point.as_str(), a)))
        .collect();
    let open: Vec<(&str, &AnswerRecord)> = survey
        .open_of(community)
        .map(|a| (a.point.as_str(), &a.answer))
        .collect();
    if s.open_link_counts {
        answers.extend(open.iter().copied());
    }
    let mut t = compute(community, &issued, &answers, q, s);
    t.closed = survey.closed(community).cloned();
    if !open.is_empty() {
        t.open_link = Some(Box::new(compute(community, &[], &open, q, s)));
        t.open_link_counted = s.open_link_counts;
    }
    t
}

/// Tallies several communities together (a district, the city) under
/// `label`: the per-point rows become one row per community.
pub fn tally_area(
    survey: &Survey,
    q: &Questionnaire,
    s: &SurveySettings,
    label: &str,
    communities: &[(&str, &str)],
) -> Tally {
    let mut issued = Vec::new();
    let mut answers = Vec::new();
    for (id, name) in communities {
        for c in survey.of(id) {
            issued.push(*name);
            if let Some((_, a)) = &c.answer {
                answers.push((*name, a));
            }
        }
    }
    compute(label, &issued, &answers, q, s)
}

/// Tallies from the points of the copies issued and the answers (with
/// their copy's point).
pub fn compute(
    community: &str,
    issued: &[&str],
    answers: &[(&str, &AnswerRecord)],
    q: &Questionnaire,
    s: &SurveySettings,
) -> Tally {
    let valid: Vec<&AnswerRecord> = answers
        .iter()
        .filter(|(_, a)| a.invalid.is_none())
        .map(|(_, a)| *a)
        .collect();
    let mut invalid = BTreeMap::new();
    for (_, a) in answers {
        if let Some(r) = &a.invalid {
            *invalid.entry(reason_kind(r)).or_insert(0) += 1;
        }
    }
    let mut points: Vec<PointTally> = Vec::new();
    for p in issued {
        match points.iter_mut().find(|t| t.point == *p) {
            Some(t) => t.issued += 1,
            None => points.push(PointTally {
                point: p.to_string(),
                issued: 1,
                returned: 0,
                valid: 0,
            }),
        }
    }
    for (p, a) in answers {
        if let Some(t) = points.iter_mut().find(|t| t.point == *p) {
            t.returned += 1;
            t.valid += u32::from(a.invalid.is_none());
        }
    }
    let items = items(q, &valid);
    let standards = q
        .standards()
        .into_iter()
        .map(|(i, n)| super::verdicts::standard(s, &items, &i, n, valid.len() as u32))
        .collect();
    let returned = answers.len() as u32;
    Tally {
        community: community.to_string(),
        issued: issued.len() as u32,
        returned,
        web: answers
            .iter()
            .filter(|(_, a)| a.channel == super::answer::Channel::Web)
            .count() as u32,
        valid: valid.len() as u32,
        invalid,
        response_rate: (!issued.is_empty()).then(|| f64::from(returned) / issued.len() as f64),
        points,
        items,
        standards,
        open: valid
            .iter()
            .filter(|a| !a.open.is_empty())
            .map(|a| a.open.clone())
            .collect(),
        open_link: None,
        open_link_counted: false,
        closed: None,
    }
}

fn items(q: &Questionnaire, valid: &[&AnswerRecord]) -> Vec<ItemTally> {
    let closed = q
        .questions
        .iter()
        .map(|x| (&x.id, &x.text, x.standard.as_str()))
        .chain(q.respondent.iter().map(|r| (&r.id, &r.text, "")));
    closed
        .map(|(id, text, standard)| {
            let choices = q.choices(id).unwrap_or(&[]);
            let counts: Vec<(String, u32)> = choices
                .iter()
                .map(|c| {
                    let n = valid
                        .iter()
                        .filter(|a| a.answers.get(id) == Some(c))
                        .count();
                    (c.clone(), n as u32)
                })
                .collect();
            ItemTally {
                id: id.clone(),
                text: text.clone(),
                standard: standard.to_string(),
                answered: counts.iter().map(|(_, n)| n).sum(),
                counts,
            }
        })
        .collect()
}

/// `0.853` → `85.3%`.
pub fn percent(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::survey::answer::Channel;
    use crate::survey::questionnaire::BUILTIN;

    fn answer(q5: &str, invalid: Option<&str>) -> AnswerRecord {
        AnswerRecord {
            number: String::new(),
            community: "WH-001".into(),
            channel: Channel::Paper,
            answers: [("Q5".to_string(), q5.to_string())].into(),
            open: String::new(),
            seconds: None,
            invalid: invalid.map(String::from),
        }
    }

    /// Wilson 95% for 8 of 10, by hand: p = 0.8, z² = 3.8415,
    /// centre = (0.8 + 0.19207)/1.38415 = 0.71674,
    /// half = 1.96·√(0.016 + 0.0096036)/1.38415 = 0.22658.
    #[test]
    fn wilson_matches_the_hand_computation() {
        let (lo, hi) = wilson(8, 10).unwrap();
        assert!((lo - 0.4902).abs() < 1e-3, "{lo}");
        assert!((hi - 0.9433).abs() < 1e-3, "{hi}");
        assert_eq!(wilson(0, 0), None);
        let (lo, hi) = wilson(0, 5).unwrap();
        assert!(lo == 0.0 && hi > 0.4 && hi < 0.44, "{hi}");
    }

    /// 40 valid answers to Q5 (Ⅱ-14/4): 10 非常满意, 16 满意, 8 基本满意,
    /// 4 不满意, 2 非常不满意, plus 3 too fast. 满意率 = 34/40 = 85.0% (达标
    /// at 85%); 指数 = (10·100 + 16·80 + 8·60 + 4·30 + 2·0)/40 = 2880/40 = 72.0.
    #[test]
    fn rate_index_and_verdict_follow_the_hand_computed_numbers() {
        let q =
            Questionnaire::parse(BUILTIN, std::path::Path::new("q"), Catalog::builtin()).unwrap();
        let s = SurveySettings::default();
        let mut all = Vec::new();
        for (choice, n) in [
            ("非常满意", 10),
            ("满意", 16),
            ("基本满意", 8),
            ("不满意", 4),
            ("非常不满意", 2),
        ] {
            all.extend((0..n).map(|_| answer(choice, None)));
        }
        all.extend((0..3).map(|_| answer("满意", Some("疑似无效：填写用时 5 秒，少于 30 秒"))));
        let given: Vec<(&str, &AnswerRecord)> = all.iter().map(|a| ("甲", a)).collect();
        let issued = vec!["甲"; 50];
        let t = compute("WH-001", &issued, &given, &q, &s);
        assert_eq!((t.issued, t.returned, t.valid), (50, 43, 40));
        assert_eq!(t.invalid.get("疑似无效"), Some(&3));
        assert_eq!(t.response_rate, Some(0.86));
        let st = t
            .standards
            .iter()
            .find(|x| x.indicator == "Ⅱ-14" && x.standard == 4)
            .unwrap();
        assert_eq!((st.hits, st.n), (34, 40));
        assert_eq!(st.rate, Some(0.85));
        assert!((st.index.unwrap() - 72.0).abs() < 1e-9);
        assert_eq!(st.verdict, Some(Verdict::Pass));
        assert!(st.arithmetic.contains("34÷40 = 85.0%"), "{}", st.arithmetic);
        // Q6 (知晓) of the same standard is not answered: it does not dilute the rate.
        // Without the 10 非常满意: (16 + 8)/30 = 80.0%, 基本达标.
        let fewer: Vec<(&str, &AnswerRecord)> = given.iter().skip(10).copied().collect::<Vec<_>>();
        let t = compute("WH-001", &issued, &fewer, &q, &s);
        let st = t.standards.iter().find(|x| x.indicator == "Ⅱ-14").unwrap();
        assert_eq!((st.hits, st.n), (24, 30));
        assert_eq!(st.verdict, Some(Verdict::Partial));
        // Below the minimum of valid answers: no verdict, and why.
        let few: Vec<(&str, &AnswerRecord)> = given.iter().take(29).copied().collect();
        let t = compute("WH-001", &issued, &few, &q, &s);
        let st = t.standards.iter().find(|x| x.indicator == "Ⅱ-14").unwrap();
        assert_eq!(st.verdict, None);
        assert!(
            st.arithmetic.contains("少于 30 份，不作结论"),
            "{}",
            st.arithmetic
        );
    }

    #[test]
    fn an_awareness_only_standard_counts_the_first_choice() {
        let text = BUILTIN.replace("scale = \"满意度\"", "scale = \"知晓\"");
        let q = Questionnaire::parse(&text, std::path::Path::new("q"), Catalog::builtin()).unwrap();
        let mut a = answer("知晓", None);
        a.answers.insert("Q6".into(), "不知晓".into());
        let all = [a];
        let given: Vec<(&str, &AnswerRecord)> = all.iter().map(|a| ("甲", a)).collect();
        let t = compute("WH-001", &["甲"], &given, &q, &SurveySettings::default());
        let st = t.standards.iter().find(|x| x.indicator == "Ⅱ-14").unwrap();
        assert_eq!((st.hits, st.n, st.index), (1, 2, None));
    }
}
