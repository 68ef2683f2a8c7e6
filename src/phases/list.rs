//! The task table of the later phases as a workbook or CSV: one row per
//! district with its 第二阶段任务数 and 第三阶段任务数 (any column order;
//! every bad cell reported with its place, nothing kept when one is bad),
//! and the blank table to fill, with each district's Attachment 1 figures
//! beside it.

use std::collections::BTreeMap;
use std::path::Path;

use super::{DistrictTasks, PhaseError};
use crate::districts::DistrictTable;
use crate::table::write::{Col, Input, Out, Sheet};
use crate::table::{self, Column, Kind, Place, Problem, Row, Schema};

/// The column naming the district.
pub const DISTRICT: &str = "区县";
/// The 第二阶段 column.
pub const SECOND: &str = "第二阶段任务数";
/// The 第三阶段 column.
pub const THIRD: &str = "第三阶段任务数";

/// The columns of a task table.
pub static SCHEMA: Schema = Schema {
    columns: &[
        Column {
            name: DISTRICT,
            aliases: &["县（市）区", "县(市)区", "县（市）区名称", "所属区县"],
            required: true,
            kind: Kind::Text,
        },
        Column {
            name: SECOND,
            aliases: &["第二阶段"],
            required: true,
            kind: Kind::Number,
        },
        Column {
            name: THIRD,
            aliases: &["第三阶段"],
            required: true,
            kind: Kind::Number,
        },
    ],
};

/// A task count cell: a whole number from 0 up.
fn count(row: &Row, column: &str, problems: &mut Vec<Problem>) -> Option<u32> {
    let text = row.text(column).trim();
    let n = text.parse::<u32>().ok().filter(|n| *n <= 1000);
    if n.is_none() {
        let shown = if text.is_empty() { "空白" } else { text };
        problems.push(Problem::new(
            row.at(column),
            format!("{column}“{shown}”不是任务数：请填 0 或正整数（个）"),
        ));
    }
    n
}

fn district_tasks(row: &Row, problems: &mut Vec<Problem>) -> Option<DistrictTasks> {
    let before = problems.len();
    let name = row.text(DISTRICT).trim();
    let district = match DistrictTable::builtin().find(name) {
        Ok(d) => Some(d.name.clone()),
        Err(e) => {
            problems.push(Problem::new(row.at(DISTRICT), format!("{DISTRICT}：{e}")));
            None
        }
    };
    let second = count(row, SECOND, problems);
    let third = count(row, THIRD, problems);
    (problems.len() == before).then(|| DistrictTasks {
        district: district.unwrap_or_default(),
        second: second.unwrap_or_default(),
        third: third.unwrap_or_default(),
    })
}

/// Reads a task table: every district of Attachment 1 once, in its order,
/// each with the row it came from. Any problem means nothing is returned.
pub fn read_list(path: &Path, bytes: &[u8]) -> Result<Vec<(Place, DistrictTasks)>, PhaseError> {
    let t = table::read(path, bytes, &SCHEMA)?;
    let mut problems = Vec::new();
    let mut seen: BTreeMap<String, (Place, DistrictTasks)> = BTreeMap::new();
    for row in &t.rows {
        if !row.problems.is_empty() {
            problems.extend(row.problems.iter().cloned());
            continue;
        }
        let Some(tasks) = district_tasks(row, &mut problems) else {
            continue;
        };
        if let Some((first, _)) = seen.get(&tasks.district) {
            problems.push(Problem::new(
                row.at(DISTRICT),
                format!("{} 与{first}重复，每个县（市）区只写一行", tasks.district),
            ));
            continue;
        }
        seen.insert(tasks.district.clone(), (row.place.clone(), tasks));
    }
    let table = DistrictTable::builtin();
    let missing: Vec<&str> = table
        .districts
        .iter()
        .filter(|d| !seen.contains_key(&d.name))
        .map(|d| d.name.as_str())
        .collect();
    if !missing.is_empty() && problems.is_empty() {
        problems.push(Problem::new(
            Place::Whole,
            format!(
                "缺少 {} 个县（市）区的行：{}；每个县（市）区都要写一行（没有任务的写 0）",
                missing.len(),
                missing.join("、")
            ),
        ));
    }
    if !problems.is_empty() {
        return Err(PhaseError::BadList {
            path: path.to_path_buf(),
            problems,
        });
    }
    Ok(table
        .districts
        .iter()
        .filter_map(|d| seen.remove(&d.name))
        .collect())
}

/// The table to fill: every district with its 试点总任务数, 第一阶段任务数
/// and what remains, the two task columns empty.
pub fn template_sheet() -> Sheet {
    let note = "填 0 或正整数；第二、第三阶段之和应等于剩余任务数，不等时下达须写明理由";
    let cols = vec![
        Col::new(DISTRICT),
        Col::new("试点总任务数"),
        Col::new("第一阶段任务数"),
        Col::new("剩余任务数"),
        Col::new(SECOND).fill(Input::Free, note),
        Col::new(THIRD).fill(Input::Free, note),
    ];
    let mut sheet = Sheet::new("阶段任务", cols);
    for d in &DistrictTable::builtin().districts {
        sheet.rows.push(vec![
            Out::from(d.name.as_str()),
            Out::from(d.pilot_quota),
            Out::from(d.phase1_quota),
            Out::from(d.pilot_quota.saturating_sub(d.phase1_quota)),
            Out::Empty,
            Out::Empty,
        ]);
    }
    sheet
}
