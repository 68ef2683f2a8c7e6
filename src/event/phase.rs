//! The record of the office setting the 第二阶段 and 第三阶段 tasks (the
//! `data` of `phase-tasks`; 工作步骤: "第二阶段和第三阶段创建时间和任务将根据
//! 第一阶段创建工作情况适时提出"): per district the task count of each
//! later phase, each phase's dates, and the office's reason when a
//! district's tasks do not add up to its remaining pilots. A later record
//! replaces the earlier one whole.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A step's period: from `start` to `end`, both days included (a month
/// given as a month runs from its first to its last day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    /// First day.
    pub start: NaiveDate,
    /// Last day.
    pub end: NaiveDate,
}

/// The dates of one later phase's steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhaseDates {
    /// 试点创建.
    pub creation: Span,
    /// 评估验收.
    pub assessment: Span,
    /// 总结命名.
    pub naming: Span,
}

/// One district's tasks in the later phases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DistrictTasks {
    /// The district (Attachment 1's name).
    pub district: String,
    /// 第二阶段任务数.
    pub second: u32,
    /// 第三阶段任务数.
    pub third: u32,
}

/// The office's setting of the later phases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhaseTasks {
    /// Every district of Attachment 1, in its order.
    pub districts: Vec<DistrictTasks>,
    /// 第二阶段's dates, when set.
    pub second: Option<PhaseDates>,
    /// 第三阶段's dates, when set.
    pub third: Option<PhaseDates>,
    /// Why some district's tasks do not add up to 试点总任务数 −
    /// 第一阶段任务数, when one does not.
    pub reason: Option<String>,
    /// The task table's file name as given.
    pub file: String,
}
