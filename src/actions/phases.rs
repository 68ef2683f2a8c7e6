//! 阶段任务 actions: the office sets the 第二阶段 and 第三阶段 tasks and
//! dates (a later setting replaces the earlier one); everyone who follows
//! the programme sees them — the office every district, a district its
//! own row. The rules of a setting are [`crate::phases`]'s.

use serde::Serialize;

use super::{ActionError, Ctx};
use crate::accounts::Role;
use crate::community::Batch;
use crate::districts::DistrictTable;
use crate::phases::{self, PhaseDates, PhaseError, PhaseTasks, Setting};
use crate::scope::Denied;

/// One district's tasks in the three phases.
#[derive(Debug, Clone, Serialize)]
pub struct DistrictLine {
    /// The district.
    pub district: String,
    /// 试点总任务数.
    pub pilot: u32,
    /// 第一阶段任务数 (Attachment 1).
    pub first: u32,
    /// 第二阶段任务数, when set.
    pub second: Option<u32>,
    /// 第三阶段任务数, when set.
    pub third: Option<u32>,
    /// Whether the later tasks add up to the remaining pilots.
    pub adds_up: bool,
}

/// The phases as the caller may see them.
#[derive(Debug, Clone, Serialize)]
pub struct PhasesView {
    /// The districts shown (all for the office, its own for a district).
    pub districts: Vec<DistrictLine>,
    /// Whether the office has set the later phases.
    pub set: bool,
    /// 第一阶段's steps as the source dates them: name and period.
    pub first_steps: Vec<(String, String)>,
    /// 第二阶段's steps, when dated.
    pub second_steps: Vec<(String, String)>,
    /// 第三阶段's steps, when dated.
    pub third_steps: Vec<(String, String)>,
    /// The office's reason for tasks that do not add up.
    pub reason: Option<String>,
    /// The task table's name.
    pub file: Option<String>,
}

/// Sets the later phases from `s`: office only; checked whole before
/// anything is recorded.
pub fn set(ctx: &Ctx, s: &Setting<'_>) -> Result<PhaseTasks, ActionError> {
    ctx.office_only()?;
    let tasks = phases::prepare(s)?;
    let lock = ctx.lock()?;
    phases::record(ctx.archive, &lock, tasks.clone())?;
    Ok(tasks)
}

/// The latest setting, refused with [`PhaseError::NotSet`] when the
/// office has not set `batch`'s tasks (第一阶段's are always set).
pub fn require(ctx: &Ctx, batch: Batch) -> Result<Option<PhaseTasks>, ActionError> {
    let set = phases::latest(ctx.archive)?;
    if batch != Batch::First && set.is_none() {
        return Err(PhaseError::NotSet(batch).into());
    }
    Ok(set)
}

fn steps(d: Option<PhaseDates>) -> Vec<(String, String)> {
    d.map(|d| {
        [
            ("试点创建", d.creation),
            ("评估验收", d.assessment),
            ("总结命名", d.naming),
        ]
        .into_iter()
        .map(|(n, s)| (n.to_string(), phases::dates::show(&s)))
        .collect()
    })
    .unwrap_or_default()
}

/// Every district's tasks for the office (and the console); a district
/// account's own row; refused to everyone else.
pub fn show(ctx: &Ctx) -> Result<PhasesView, ActionError> {
    let own = match ctx.account_of() {
        None => None,
        Some(a) if a.role == Role::Office => None,
        Some(a) if a.role == Role::District => Some(a.district.clone().unwrap_or_default()),
        Some(_) => return Err(Denied::NotInScope.into()),
    };
    let set = phases::latest(ctx.archive)?;
    let districts = DistrictTable::builtin()
        .districts
        .iter()
        .filter(|d| own.as_ref().is_none_or(|o| *o == d.name))
        .map(|d| {
            let second = phases::tasks(set.as_ref(), Batch::Second, &d.name);
            let third = phases::tasks(set.as_ref(), Batch::Third, &d.name);
            DistrictLine {
                district: d.name.clone(),
                pilot: d.pilot_quota,
                first: d.phase1_quota,
                second,
                third,
                adds_up: second.unwrap_or(0) + third.unwrap_or(0)
                    == d.pilot_quota.saturating_sub(d.phase1_quota),
            }
        })
        .collect();
    let first_steps = phases::timeline::first_phase()
        .iter()
        .map(|s| (s.name.clone(), phases::dates::show(&s.span)))
        .collect();
    Ok(PhasesView {
        districts,
        set: set.is_some(),
        first_steps,
        second_steps: steps(set.as_ref().and_then(|s| s.second)),
        third_steps: steps(set.as_ref().and_then(|s| s.third)),
        reason: set.as_ref().and_then(|s| s.reason.clone()),
        file: set.map(|s| s.file),
    })
}
