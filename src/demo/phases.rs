//! The demo's 第二阶段, opened after 第一阶段's 命名 (工作步骤: "第二阶段和
//! 第三阶段创建时间和任务将根据第一阶段创建工作情况适时提出"): the office
//! sets every district's remaining pilots over the two later phases, and
//! 第二阶段's dates, through the action as `kaoping phase set` does; the
//! third phase's dates are left to be set later.

use std::path::Path;

use chrono::NaiveDate;

use super::{DemoError, io};
use crate::actions::{Ctx, Wait, phases};
use crate::archive::Archive;
use crate::districts::DistrictTable;
use crate::phases::{Given, Setting};

/// 第二阶段's steps, after 第一阶段's 总结命名 (2019年12月).
const CREATION: &str = "2020-01..2020-06";
const ASSESSMENT: &str = "2020-07..2020-08";
const NAMING: &str = "2020-09";

/// Writes the task table under `dir` and sets the later phases on the
/// story's day `day` (after the last phase-1 document).
pub(super) fn run(
    archive: &Archive,
    story: &crate::clock::Story,
    dir: &Path,
    day: NaiveDate,
) -> Result<(), DemoError> {
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let path = dir.join("阶段任务表.csv");
    let mut text = String::from("区县,第二阶段任务数,第三阶段任务数\n");
    for d in &DistrictTable::builtin().districts {
        let rest = d.pilot_quota.saturating_sub(d.phase1_quota);
        let second = rest.div_ceil(2);
        text.push_str(&format!("{},{second},{}\n", d.name, rest - second));
    }
    std::fs::write(&path, text).map_err(io(&path))?;
    story.at(day, 17);
    let setting = Setting {
        path: &path,
        name: "阶段任务表.csv",
        second: Given {
            creation: crate::phases::dates::parse(CREATION),
            assessment: crate::phases::dates::parse(ASSESSMENT),
            naming: crate::phases::dates::parse(NAMING),
        },
        third: Given::default(),
        reason: None,
    };
    phases::set(&Ctx::console(archive, Wait::Quiet), &setting)?;
    Ok(())
}
