//! The task numbers of Attachment 1 as a bound on approvals: a district's
//! registered pilots may not exceed its 试点总任务数, nor, within 第一阶段,
//! its 第一阶段任务数, nor, within a later phase, that phase's task count
//! as the office set it ([`crate::phases`]); and the use of each
//! district's numbers.

use serde::Serialize;

use crate::community::{Batch, Community, Roster};
use crate::districts::DistrictTable;

/// A task number that registering a community would exceed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Overrun {
    /// The district.
    pub district: String,
    /// Which number: 试点总任务数 or 第一阶段任务数.
    pub which: &'static str,
    /// The number.
    pub quota: u32,
    /// Pilots already registered against it.
    pub used: u32,
}

impl std::fmt::Display for Overrun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}的{}是 {} 个，已登记 {} 个试点社区，再批准就超出了",
            self.district, self.which, self.quota, self.used
        )
    }
}

/// The number registering `c` would exceed, if any: 试点总任务数 first,
/// then the task count of `c`'s phase (第一阶段's from Attachment 1, the
/// later ones' from `phases`). A later phase whose tasks the office has not
/// set is [`crate::phases::PhaseError::NotSet`].
pub fn overrun(
    roster: &Roster,
    c: &Community,
    phases: Option<&crate::phases::PhaseTasks>,
) -> Result<Option<Overrun>, crate::phases::PhaseError> {
    let Some(d) = DistrictTable::builtin().find(&c.district).ok() else {
        return Ok(None);
    };
    let in_district: Vec<&Community> = roster.all().filter(|o| o.district == d.name).collect();
    let total = in_district.len() as u32;
    if total >= d.pilot_quota {
        return Ok(Some(Overrun {
            district: d.name.clone(),
            which: "试点总任务数",
            quota: d.pilot_quota,
            used: total,
        }));
    }
    let quota = crate::phases::tasks(phases, c.batch, &d.name)
        .ok_or(crate::phases::PhaseError::NotSet(c.batch))?;
    let used = in_district.iter().filter(|o| o.batch == c.batch).count() as u32;
    Ok((used >= quota).then(|| Overrun {
        district: d.name.clone(),
        which: match c.batch {
            Batch::First => "第一阶段任务数",
            Batch::Second => "第二阶段任务数",
            Batch::Third => "第三阶段任务数",
        },
        quota,
        used,
    }))
}

/// One district's use of its task numbers.
#[derive(Debug, Clone, Serialize)]
pub struct Use {
    /// The district.
    pub district: String,
    /// 试点总任务数.
    pub quota: u32,
    /// 第一阶段任务数.
    pub phase1_quota: u32,
    /// Registered pilots.
    pub registered: u32,
    /// Of those, in 第一阶段.
    pub phase1: u32,
    /// Applications waiting for the office.
    pub pending: u32,
}

/// Every district's use of its numbers, in Attachment 1's order.
pub fn usage(roster: &Roster, applications: &[super::Application]) -> Vec<Use> {
    DistrictTable::builtin()
        .districts
        .iter()
        .map(|d| {
            let mine = || roster.all().filter(|c| c.district == d.name);
            Use {
                district: d.name.clone(),
                quota: d.pilot_quota,
                phase1_quota: d.phase1_quota,
                registered: mine().count() as u32,
                phase1: mine().filter(|c| c.batch == Batch::First).count() as u32,
                pending: applications
                    .iter()
                    .filter(|a| {
                        a.status == super::Status::Pending && a.record.proposal.district == d.name
                    })
                    .count() as u32,
            }
        })
        .collect()
}
