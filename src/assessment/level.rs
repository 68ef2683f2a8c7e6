//! The three levels of 评估验收 (工作步骤 3): 社区自查, then 县区初评,
//! then 专家评估, and the city's final result; the order they must come
//! in, returns that reopen a level, and each community's state
//! (未开始 → 自查已提交 → 初评已提交 → 专家评估中 → 已评定) read back from
//! the log.

pub use crate::event::assessment::{Level, Returned};
use serde::Serialize;

impl Level {
    /// The printed name.
    pub fn name(self) -> &'static str {
        match self {
            Level::SelfCheck => "社区自查",
            Level::District => "县区初评",
            Level::Expert => "专家评估",
            Level::Final => "最终",
        }
    }

    /// Whether this is the final level (records before levels existed).
    pub fn is_final(&self) -> bool {
        *self == Level::Final
    }

    /// Parses what people type: 自查, 社区自查, 初评, 县区初评, 专家, 专家评估, 最终.
    pub fn parse(s: &str) -> Option<Level> {
        match s.trim() {
            "自查" | "社区自查" | "self-check" => Some(Level::SelfCheck),
            "初评" | "县区初评" | "district" => Some(Level::District),
            "专家" | "专家评估" | "expert" => Some(Level::Expert),
            "最终" | "评定" | "final" => Some(Level::Final),
            _ => None,
        }
    }
}

impl std::fmt::Display for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Where a community stands in 评估验收.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum State {
    /// Nothing submitted.
    #[serde(rename = "未开始")]
    NotStarted,
    /// The self-check is submitted.
    #[serde(rename = "自查已提交")]
    SelfChecked,
    /// The district's assessment is submitted.
    #[serde(rename = "初评已提交")]
    DistrictDone,
    /// At least one expert has assessed.
    #[serde(rename = "专家评估中")]
    Experts,
    /// The final result is recorded.
    #[serde(rename = "已评定")]
    Final,
}

impl State {
    /// The printed name.
    pub fn name(self) -> &'static str {
        match self {
            State::NotStarted => "未开始",
            State::SelfChecked => "自查已提交",
            State::DistrictDone => "初评已提交",
            State::Experts => "专家评估中",
            State::Final => "已评定",
        }
    }
}

/// What happened to one community, in log order: a submission at a level,
/// or a return of a level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// A sheet submitted at this level.
    Submitted(Level),
    /// This level sent back.
    Returned(Level),
}

/// Which levels stand submitted after `steps`. A return withdraws its
/// level and every level above it, which rested on it, the city's final
/// result included: a final result never stands over a returned level.
pub fn standing(steps: &[Step]) -> [bool; 4] {
    let mut on = [false; 4];
    for s in steps {
        match *s {
            Step::Submitted(l) => on[l as usize] = true,
            Step::Returned(l) => {
                for x in on.iter_mut().skip(l as usize) {
                    *x = false;
                }
            }
        }
    }
    on
}

/// Whether a final result was recorded and then withdrawn by a return of
/// a level below it (it must be recorded again before documents use it).
pub fn final_reopened(steps: &[Step]) -> bool {
    let recorded = steps.contains(&Step::Submitted(Level::Final));
    recorded && !standing(steps)[Level::Final as usize]
}

/// The state after `steps`.
pub fn state(steps: &[Step]) -> State {
    match standing(steps) {
        [_, _, _, true] => State::Final,
        [_, _, true, _] => State::Experts,
        [_, true, _, _] => State::DistrictDone,
        [true, _, _, _] => State::SelfChecked,
        _ => State::NotStarted,
    }
}

/// The state as a person reads it, saying when a final result was
/// withdrawn by a return.
pub fn state_label(steps: &[Step]) -> String {
    let name = state(steps).name();
    if final_reopened(steps) {
        format!("{name}（原最终结果已因退回撤销，待重新评定）")
    } else {
        name.to_string()
    }
}

/// Why `level` cannot be submitted after `steps`, if it cannot: each level
/// needs the one below it; a submitted 自查 or 初评 is locked until it is
/// returned. Experts may each submit. The city's final result (however it
/// is recorded: a sheet, the panel, an override, a closing, a survey)
/// needs every lower level submitted and not returned at that moment.
pub fn refusal(steps: &[Step], level: Level) -> Option<String> {
    let on = standing(steps);
    match level {
        Level::SelfCheck if on[0] => {
            Some("社区自查已经提交，已锁定；如需修改，请县区退回自查后再提交".into())
        }
        Level::District if !on[0] => {
            Some("社区还没有提交自查（或自查已被退回），县区初评要在社区自查之后".into())
        }
        Level::District if on[1] => {
            Some("县区初评已经提交，已锁定；如需修改，请考评办公室退回初评后再提交".into())
        }
        Level::Expert if !on[1] => Some("县区还没有提交初评，专家评估要在县区初评之后".into()),
        Level::Final => final_refusal(on),
        _ => None,
    }
}

/// Why a final result cannot be recorded with the levels `on` standing.
fn final_refusal(on: [bool; 4]) -> Option<String> {
    let missing: Vec<&str> = [
        (on[0], "社区自查"),
        (on[1], "县区初评"),
        (on[2], "专家评估"),
    ]
    .into_iter()
    .filter(|(ok, _)| !ok)
    .map(|(_, name)| name)
    .collect();
    if missing.is_empty() {
        return None;
    }
    Some(format!(
        "{}还没有提交（或已被退回），最终结果要在社区自查、县区初评和专家评估都已提交之后记录；请等{}提交后再记录最终结果",
        missing.join("、"),
        missing.join("、")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use Level::*;
    use Step::*;

    #[test]
    fn levels_come_in_order_and_returns_reopen() {
        assert_eq!(state(&[]), State::NotStarted);
        assert!(refusal(&[], District).unwrap().contains("自查"));
        assert!(refusal(&[], Expert).unwrap().contains("初评"));
        assert!(
            refusal(&[], Final)
                .unwrap()
                .contains("社区自查、县区初评、专家评估")
        );
        let s = [Submitted(SelfCheck)];
        assert_eq!(state(&s), State::SelfChecked);
        assert!(refusal(&s, SelfCheck).unwrap().contains("锁定"));
        let s = [Submitted(SelfCheck), Returned(SelfCheck)];
        assert_eq!(state(&s), State::NotStarted);
        assert_eq!(refusal(&s, SelfCheck), None);
        let s = [Submitted(SelfCheck), Submitted(District), Submitted(Expert)];
        assert_eq!(state(&s), State::Experts);
        assert_eq!(refusal(&s, Expert), None, "each expert submits");
        let back = [
            Submitted(SelfCheck),
            Submitted(District),
            Returned(District),
        ];
        assert_eq!(state(&back), State::SelfChecked);
        assert!(refusal(&back, Expert).is_some());
        assert_eq!(refusal(&s, Final), None, "every lower level stands");
        let mut done = s.to_vec();
        done.push(Submitted(Final));
        assert_eq!(state(&done), State::Final);
        assert!(!final_reopened(&done));
        done.push(Returned(District));
        assert_eq!(
            state(&done),
            State::SelfChecked,
            "the final result is reopened"
        );
        assert!(final_reopened(&done));
        assert!(
            refusal(&done, Final)
                .unwrap()
                .contains("县区初评、专家评估")
        );
    }
}
