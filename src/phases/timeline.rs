//! The timeline of the programme (工作步骤): 第一阶段's steps with the
//! source's dates (`data/timeline.toml`), the later phases' from the
//! office's setting, and for each step whether it is done, under way,
//! late (its end passed while the phase's communities have not reached
//! it) or not started, judged on the phase's progress figures.

use std::sync::OnceLock;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{PhaseTasks, Span};
use crate::community::Batch;

const TIMELINE_TOML: &str = include_str!("../../data/timeline.toml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Data {
    steps: Vec<StepData>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StepData {
    name: String,
    start: String,
    end: String,
}

/// One dated step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// 宣传启动, 试点创建, 评估验收 or 总结命名.
    pub name: String,
    /// Its period.
    pub span: Span,
}

/// 第一阶段's steps as the source dates them (a bad data file is a bug
/// caught by the tests; its bad steps are left out).
pub fn first_phase() -> &'static [Step] {
    static STEPS: OnceLock<Vec<Step>> = OnceLock::new();
    STEPS.get_or_init(|| {
        let data: Data = toml::from_str(TIMELINE_TOML).unwrap_or(Data { steps: Vec::new() });
        data.steps
            .into_iter()
            .filter_map(|s| {
                let (a, b) = (super::dates::parse(&s.start)?, super::dates::parse(&s.end)?);
                Some(Step {
                    name: s.name,
                    span: Span {
                        start: a.start,
                        end: b.end,
                    },
                })
            })
            .collect()
    })
}

/// 第一阶段's 试点创建.
pub fn first_creation() -> Option<Span> {
    first_phase()
        .iter()
        .find(|s| s.name == "试点创建")
        .map(|s| s.span)
}

/// Where a step stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Status {
    /// Its start lies ahead.
    #[serde(rename = "未开始")]
    NotStarted,
    /// Between its start and end, not done.
    #[serde(rename = "进行中")]
    UnderWay,
    /// The phase's communities reached it.
    #[serde(rename = "已完成")]
    Done,
    /// Its end passed and it is not done.
    #[serde(rename = "已逾期")]
    Late,
}

/// A phase's progress figures (its communities only).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Figures {
    /// Its task count over all districts.
    pub tasks: u32,
    /// Communities registered in it.
    pub registered: u32,
    /// Of those, with evidence submitted.
    pub submitted: u32,
    /// Of those, assessed.
    pub assessed: u32,
    /// Of those, named.
    pub named: u32,
}

/// One step as the overview shows it.
#[derive(Debug, Clone, Serialize)]
pub struct StepLine {
    /// The step.
    pub name: String,
    /// Its period as the source writes it.
    pub when: String,
    /// Where it stands.
    pub status: Status,
}

/// One phase as the overview shows it.
#[derive(Debug, Clone, Serialize)]
pub struct PhaseLine {
    /// 第一阶段, 第二阶段 or 第三阶段.
    pub phase: &'static str,
    /// Whether its tasks and dates are set (always for 第一阶段).
    pub dated: bool,
    /// Whether its tasks are set.
    pub tasks_set: bool,
    /// Its figures.
    pub figures: Figures,
    /// Its steps, when dated.
    pub steps: Vec<StepLine>,
}

/// The whole timeline.
#[derive(Debug, Clone, Serialize)]
pub struct Timeline {
    /// The three phases in order.
    pub phases: Vec<PhaseLine>,
}

/// Whether the phase's communities reached step `name`.
fn reached(name: &str, f: &Figures) -> bool {
    let some = f.registered > 0;
    match name {
        "宣传启动" => some,
        "试点创建" => some && f.registered >= f.tasks && f.submitted >= f.registered,
        "评估验收" => some && f.assessed >= f.registered,
        "总结命名" => some && f.named >= f.registered,
        _ => false,
    }
}

/// Where step `name` of `span` stands on `today` with figures `f`.
pub fn status(name: &str, span: &Span, f: &Figures, today: NaiveDate) -> Status {
    if reached(name, f) {
        Status::Done
    } else if today > span.end {
        Status::Late
    } else if today >= span.start {
        Status::UnderWay
    } else {
        Status::NotStarted
    }
}

/// The timeline on `today`: `figures` are each phase's, in order.
pub fn build(set: Option<&PhaseTasks>, figures: [Figures; 3], today: NaiveDate) -> Timeline {
    let line = |name: &str, span: Span, f: &Figures| StepLine {
        name: name.to_string(),
        when: super::dates::show(&span),
        status: status(name, &span, f, today),
    };
    let phases = [Batch::First, Batch::Second, Batch::Third]
        .into_iter()
        .zip(figures)
        .map(|(batch, f)| {
            let steps: Vec<StepLine> = match batch {
                Batch::First => first_phase()
                    .iter()
                    .map(|s| line(&s.name, s.span, &f))
                    .collect(),
                _ => set
                    .and_then(|s| super::dates_of(s, batch))
                    .map(|d| {
                        vec![
                            line("试点创建", d.creation, &f),
                            line("评估验收", d.assessment, &f),
                            line("总结命名", d.naming, &f),
                        ]
                    })
                    .unwrap_or_default(),
            };
            PhaseLine {
                phase: batch.name(),
                dated: !steps.is_empty(),
                tasks_set: batch == Batch::First || set.is_some(),
                figures: f,
                steps,
            }
        })
        .collect();
    Timeline { phases }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_phase_has_the_sources_four_steps() {
        let names: Vec<&str> = first_phase().iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["宣传启动", "试点创建", "评估验收", "总结命名"]);
        let shown: Vec<String> = first_phase()
            .iter()
            .map(|s| super::super::dates::show(&s.span))
            .collect();
        assert_eq!(
            shown,
            [
                "2018年9月",
                "2018年10月—2019年9月",
                "2019年10月—11月",
                "2019年12月"
            ]
        );
    }

    #[test]
    fn a_step_past_its_end_with_unnamed_communities_is_late() {
        let f = Figures {
            tasks: 3,
            registered: 3,
            submitted: 3,
            assessed: 3,
            named: 2,
        };
        let t = build(None, [f, Figures::default(), Figures::default()], {
            NaiveDate::from_ymd_opt(2020, 1, 5).unwrap()
        });
        let first = &t.phases[0];
        let st: Vec<Status> = first.steps.iter().map(|s| s.status).collect();
        assert_eq!(st, [Status::Done, Status::Done, Status::Done, Status::Late]);
        assert!(!t.phases[1].dated && !t.phases[1].tasks_set);
    }
}
