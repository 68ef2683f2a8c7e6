//! The register as a workbook: reading a list of units (any column order,
//! every bad cell reported with its place, nothing kept when one is bad),
//! the blank list to fill, and the register written out for the office.

use std::collections::BTreeMap;
use std::path::Path;

use super::{Contact, Unit, UnitError, UnitKind};
use crate::districts::DistrictTable;
use crate::table::write::{Col, Input, Out, Sheet};
use crate::table::{self, Column, Kind, Problem, Row, Schema};

/// Most units one register holds.
pub const MAX_UNITS: usize = 500;

const fn col(name: &'static str, required: bool) -> Column {
    Column {
        name,
        aliases: &[],
        required,
        kind: Kind::Text,
    }
}

const PHONES: [&str; 4] = [
    "分管负责人办公电话",
    "分管负责人手机",
    "联络员办公电话",
    "联络员手机",
];

/// The columns of a unit list.
pub static SCHEMA: Schema = Schema {
    columns: &[
        col("单位名称", true),
        col("类型", true),
        col("所属区县", false),
        col("分管负责人", true),
        col("分管负责人职务", true),
        Column {
            kind: Kind::Code,
            ..col("分管负责人办公电话", false)
        },
        Column {
            kind: Kind::Code,
            ..col("分管负责人手机", false)
        },
        col("联络员", true),
        col("联络员职务", true),
        Column {
            kind: Kind::Code,
            ..col("联络员办公电话", false)
        },
        Column {
            kind: Kind::Code,
            ..col("联络员手机", false)
        },
    ],
};

fn mobile_ok(s: &str) -> bool {
    s.is_empty() || (s.len() == 11 && s.starts_with('1') && s.bytes().all(|b| b.is_ascii_digit()))
}

fn office_ok(s: &str) -> bool {
    s.is_empty()
        || ((7..=20).contains(&s.chars().count())
            && s.chars()
                .all(|c| c.is_ascii_digit() || "-()（）转 ".contains(c)))
}

fn contact(row: &Row, who: &str, problems: &mut Vec<Problem>) -> Contact {
    let get = |c: &str| row.text(&format!("{who}{c}")).trim().to_string();
    let c = Contact {
        name: row.text(who).trim().to_string(),
        post: get("职务"),
        office_phone: get("办公电话"),
        mobile: get("手机"),
    };
    let mut bad = |column: String, fix: &str| {
        problems.push(Problem::new(row.at(&column), format!("{column}：{fix}")))
    };
    if c.name.is_empty() || c.name.chars().count() > 30 {
        bad(who.to_string(), "请填写姓名（30 字以内）");
    }
    if c.post.is_empty() || c.post.chars().count() > 60 {
        bad(format!("{who}职务"), "请填写职务（60 字以内）");
    }
    if !mobile_ok(&c.mobile) {
        bad(format!("{who}手机"), "手机号应为 11 位数字，以 1 开头");
    }
    if !office_ok(&c.office_phone) {
        bad(
            format!("{who}办公电话"),
            "办公电话只写数字和“-”，如 0871-63101234",
        );
    }
    if c.mobile.is_empty() && c.office_phone.is_empty() {
        bad(format!("{who}手机"), "办公电话和手机至少填一个");
    }
    c
}

fn unit(row: &Row, problems: &mut Vec<Problem>) -> Option<Unit> {
    let before = problems.len();
    let name = row.text("单位名称").trim().to_string();
    if name.is_empty() || name.chars().count() > 60 {
        problems.push(Problem::new(
            row.at("单位名称"),
            "请填写单位全称（60 字以内）",
        ));
    }
    let kind = UnitKind::parse(row.text("类型"));
    if kind.is_none() {
        problems.push(Problem::new(
            row.at("类型"),
            "类型只能是 县（市）区 或 市级部门",
        ));
    }
    let district = match (kind, row.text("所属区县").trim()) {
        (Some(UnitKind::District), d) => match DistrictTable::builtin().find(d) {
            Ok(found) => Some(found.name.clone()),
            Err(e) => {
                problems.push(Problem::new(row.at("所属区县"), format!("所属区县：{e}")));
                None
            }
        },
        _ => None,
    };
    let leader = contact(row, "分管负责人", problems);
    let liaison = contact(row, "联络员", problems);
    (problems.len() == before).then(|| Unit {
        name,
        kind: kind.unwrap_or(UnitKind::Department),
        district,
        leader,
        liaison,
    })
}

/// Reads a list of units. Every bad cell is reported with its place; any
/// problem means no unit is returned.
pub fn read_list(path: &Path, bytes: &[u8]) -> Result<Vec<Unit>, UnitError> {
    let t = table::read(path, bytes, &SCHEMA)?;
    let mut problems = Vec::new();
    let mut out = Vec::new();
    let mut seen: BTreeMap<String, table::Place> = BTreeMap::new();
    for row in &t.rows {
        if !row.problems.is_empty() {
            problems.extend(row.problems.iter().cloned());
            continue;
        }
        let Some(u) = unit(row, &mut problems) else {
            continue;
        };
        if let Some(first) = seen.get(&u.name) {
            problems.push(Problem::new(
                row.at("单位名称"),
                format!("单位名称 {} 与{first}重复", u.name),
            ));
            continue;
        }
        seen.insert(u.name.clone(), row.place.clone());
        out.push(u);
    }
    if out.len() > MAX_UNITS {
        problems.push(Problem::new(
            table::Place::Whole,
            format!("名册有 {} 个单位，最多 {MAX_UNITS} 个", out.len()),
        ));
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(UnitError::BadList {
            path: path.to_path_buf(),
            problems,
        })
    }
}

fn columns() -> Vec<Col> {
    SCHEMA.columns.iter().map(|c| Col::new(c.name)).collect()
}

/// The blank list to fill, with `rows` rows offered.
pub fn template_sheet(rows: u32) -> Sheet {
    let districts = DistrictTable::builtin()
        .districts
        .iter()
        .map(|d| d.name.clone())
        .collect();
    let kinds = vec!["县（市）区".to_string(), "市级部门".to_string()];
    let mut cols = columns();
    cols[0] = Col::new("单位名称")
        .fill(
            Input::Free,
            "公文主送、抄送时写的全称，如 五华区城乡社区治理工作领导小组办公室",
        )
        .width(36.0);
    cols[1] = Col::new("类型").fill(Input::List(kinds), "从下拉列表选 县（市）区 或 市级部门");
    cols[2] =
        Col::new("所属区县").fill(Input::List(districts), "县（市）区的单位必填，市级部门不填");
    for (i, c) in cols.iter_mut().enumerate() {
        if PHONES.contains(&SCHEMA.columns[i].name) {
            *c = Col::new(SCHEMA.columns[i].name).fill(
                Input::Code,
                "该列已设为“文本”格式；手机 11 位，办公电话如 0871-63101234",
            );
        }
    }
    let mut sheet = Sheet::new("责任单位", cols);
    sheet.blank_rows = rows;
    sheet
}

/// The register as a sheet (for the office only: it holds phone numbers).
pub fn register_sheet(units: &[Unit]) -> Sheet {
    let mut sheet = Sheet::new("责任单位", columns());
    for u in units {
        let c = |c: &Contact| {
            [&c.name, &c.post, &c.office_phone, &c.mobile].map(|s| Out::from(s.as_str()))
        };
        let mut row = vec![
            Out::from(u.name.as_str()),
            Out::from(u.kind.name()),
            Out::from(u.district.as_deref()),
        ];
        row.extend(c(&u.leader));
        row.extend(c(&u.liaison));
        sheet.rows.push(row);
    }
    sheet
}
