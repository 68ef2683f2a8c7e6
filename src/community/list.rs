//! Lists of communities to register: reading one (a workbook or CSV, any
//! column order, title rows above the header allowed) with every bad row
//! reported with its place, and the blank list to fill, with drop-down
//! lists for district, type and batch.

use std::collections::BTreeMap;
use std::path::Path;

use super::{Batch, Community, CommunityError, CommunityKind};
use crate::districts::DistrictTable;
use crate::table::write::{Col, Input, Out, Sheet};
use crate::table::{self, Column, Kind, Place, Problem, Schema, TableError};

const fn col(name: &'static str, aliases: &'static [&'static str], kind: Kind) -> Column {
    Column {
        name,
        aliases,
        required: true,
        kind,
    }
}

/// The columns of a community list.
pub static SCHEMA: Schema = Schema {
    columns: &[
        col("编号", &["id", "社区编号"], Kind::Code),
        col("名称", &["name", "社区名称"], Kind::Text),
        col(
            "所属区县",
            &["district", "县区", "区县", "所属县区"],
            Kind::Text,
        ),
        col("类型", &["type", "社区类型"], Kind::Text),
        col("批次", &["batch", "阶段"], Kind::Text),
        Column::optional(
            "街道（乡镇）",
            &[
                "street",
                "街道",
                "乡镇",
                "所属街道",
                "所属街道（乡镇）",
                "街道(乡镇)",
            ],
            Kind::Text,
        ),
    ],
};

const HEADER_HINT: &str = "表头应为“编号,名称,所属区县,类型,批次”（或 id,name,district,type,batch），可再加一列“街道（乡镇）”，列的顺序不限";

/// A list as read.
#[derive(Debug, Clone)]
pub struct List {
    /// The communities, in the list's order.
    pub communities: Vec<Community>,
    /// Header columns that were not recognised and were ignored.
    pub ignored: Vec<String>,
}

/// Reads the communities of a list. Every bad row is reported with its
/// place; any problem means no community is returned.
pub fn read_list(path: &Path) -> Result<List, CommunityError> {
    let bytes = std::fs::read(path).map_err(|source| CommunityError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let bad = |problems: Vec<Problem>| CommunityError::BadList {
        path: path.to_path_buf(),
        problems,
    };
    let t = match table::read(path, &bytes, &SCHEMA) {
        Ok(t) => t,
        Err(TableError::NoHeader { sheets, .. }) if sheets == [Place::Whole] => {
            return Err(bad(vec![Problem::new(
                Place::Line { line: 1 },
                HEADER_HINT,
            )]));
        }
        Err(e) => return Err(e.into()),
    };
    let mut problems = Vec::new();
    let mut out: Vec<Community> = Vec::new();
    let mut seen: BTreeMap<String, Place> = BTreeMap::new();
    for row in &t.rows {
        if !row.problems.is_empty() {
            problems.extend(row.problems.iter().cloned());
            continue;
        }
        let f = |c: &str| row.text(c);
        match Community::new(f("编号"), f("名称"), f("所属区县"), f("类型"), f("批次"))
            .and_then(|c| c.in_street(f("街道（乡镇）")))
        {
            Ok(c) => {
                if let Some(first) = seen.get(&c.id.to_lowercase()) {
                    problems.push(Problem::new(
                        row.at("编号"),
                        format!("编号 {} 与{first}重复", c.id),
                    ));
                } else {
                    seen.insert(c.id.to_lowercase(), row.place.clone());
                    out.push(c);
                }
            }
            Err(e) => {
                let at = match &e {
                    CommunityError::Invalid { field, .. } => row.at(field),
                    _ => row.place.clone(),
                };
                problems.push(Problem::new(at, e.to_string()));
            }
        }
    }
    if problems.is_empty() {
        Ok(List {
            communities: out,
            ignored: t.ignored,
        })
    } else {
        Err(bad(problems))
    }
}

/// The blank list to fill, with `blank_rows` rows offered.
pub fn template_sheet(blank_rows: u32) -> Sheet {
    let districts = DistrictTable::builtin()
        .districts
        .iter()
        .map(|d| d.name.clone())
        .collect();
    let kinds = [CommunityKind::Urban, CommunityKind::VillageToResidence]
        .iter()
        .map(|k| k.name().to_string())
        .collect();
    let batches = [Batch::First, Batch::Second, Batch::Third]
        .iter()
        .map(|b| b.name().to_string())
        .collect();
    let mut sheet = Sheet::new(
        "社区名单",
        vec![
            Col::new("编号").fill(
                Input::Code,
                "社区的编号，如 WH-001；只用字母、数字、- _ .，每个社区一个，不能重复。该列已设为“文本”格式，001 不会变成 1",
            ),
            Col::new("名称").fill(Input::Free, "社区的全称，如 翠湖社区").width(24.0),
            Col::new("所属区县").fill(Input::List(districts), "从下拉列表选择附件1中的 18 个县（市）区、开发（度假）园区之一"),
            Col::new("类型").fill(Input::List(kinds), "从下拉列表选 城市社区 或 “村改居”社区"),
            Col::new("批次").fill(Input::List(batches), "从下拉列表选 第一阶段、第二阶段 或 第三阶段"),
            Col::new("街道（乡镇）").fill(Input::Free, "社区所在的街道（乡镇）全称，如 华山街道；同一街道的试点社区写法要一致，街道提交的共享材料计入其每个试点社区").width(16.0),
        ],
    );
    sheet.blank_rows = blank_rows;
    sheet
}

/// The blank list as CSV (the header only).
pub fn template_csv() -> Vec<u8> {
    table::write::csv(&template_sheet(0))
}

/// The registered communities as a sheet to read.
pub fn roster_sheet<'a>(all: impl Iterator<Item = &'a Community>) -> Sheet {
    let mut sheet = Sheet::new(
        "社区名单",
        ["编号", "名称", "所属区县", "类型", "批次", "街道（乡镇）"]
            .into_iter()
            .map(Col::new)
            .collect(),
    );
    for c in all {
        sheet.rows.push(vec![
            Out::from(c.id.as_str()),
            Out::from(c.name.as_str()),
            Out::from(c.district.as_str()),
            Out::from(c.kind.name()),
            Out::from(c.batch.name()),
            Out::from(c.street.as_deref()),
        ]);
    }
    sheet
}
