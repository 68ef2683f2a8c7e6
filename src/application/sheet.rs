//! A district's list of applications as a workbook or CSV: one row per
//! proposed community, every bad cell reported with its place, nothing
//! taken when anything is wrong.

use std::path::Path;

use super::{ApplicationError, Proposal};
use crate::table::write::{Col, Input, Sheet};
use crate::table::{self, Column, Kind, Place, Problem, Schema, TableError};

const fn col(name: &'static str, required: bool, kind: Kind) -> Column {
    Column {
        name,
        aliases: &[],
        required,
        kind,
    }
}

/// The columns of an application list.
pub static SCHEMA: Schema = Schema {
    columns: &[
        col("名称", true, Kind::Text),
        col("所属区县", false, Kind::Text),
        col("类型", true, Kind::Text),
        col("批次", true, Kind::Text),
        col("街道（乡镇）", false, Kind::Text),
        col("居民户数", false, Kind::Number),
        col("综合服务设施面积", false, Kind::Number),
        col("社区基本情况", false, Kind::Text),
        col("推荐理由", true, Kind::Text),
    ],
};

/// Why a list was refused.
#[derive(Debug, thiserror::Error)]
pub enum ListError {
    /// The table could not be read.
    #[error(transparent)]
    Table(#[from] TableError),
    /// Rows have problems; nothing was taken.
    #[error("{path} 有 {} 处问题，没有申报任何社区：\n{}", problems.len(), table::place::list(problems))]
    Invalid {
        /// The file.
        path: std::path::PathBuf,
        /// Every problem.
        problems: Vec<Problem>,
    },
    /// Reading failed.
    #[error("无法读取 {path}")]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

/// Reads the proposals of a list; `district` fills a missing 所属区县.
pub fn read(path: &Path, district: Option<&str>) -> Result<Vec<Proposal>, ListError> {
    let bytes = std::fs::read(path).map_err(|source| ListError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let t = table::read(path, &bytes, &SCHEMA)?;
    let mut problems = Vec::new();
    let mut out = Vec::new();
    for row in &t.rows {
        if !row.problems.is_empty() {
            problems.extend(row.problems.iter().cloned());
            continue;
        }
        match proposal(row, district) {
            Ok(p) => out.push(p),
            Err(p) => problems.push(p),
        }
    }
    if out.is_empty() && problems.is_empty() {
        problems.push(Problem::new(Place::Whole, "表中没有任何社区"));
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(ListError::Invalid {
            path: path.to_path_buf(),
            problems,
        })
    }
}

fn number<T: std::str::FromStr>(row: &table::Row, col: &str) -> Result<Option<T>, Problem> {
    match row.text(col) {
        "" => Ok(None),
        s => s
            .parse()
            .map(Some)
            .map_err(|_| Problem::new(row.at(col), format!("{col}“{s}”应为不小于 0 的数，或留空"))),
    }
}

fn proposal(row: &table::Row, district: Option<&str>) -> Result<Proposal, Problem> {
    let given = row.text("所属区县");
    let d = match (given, district) {
        ("", Some(d)) => d,
        ("", None) => {
            return Err(Problem::new(
                row.at("所属区县"),
                "没有填写所属区县（或在命令中用 --district 指定）",
            ));
        }
        (g, _) => g,
    };
    let mut p = Proposal::new(
        d,
        row.text("名称"),
        row.text("类型"),
        row.text("批次"),
        row.text("推荐理由"),
    )
    .map_err(|e| {
        let at = match &e {
            ApplicationError::Invalid { field, .. } => row.at(field),
            ApplicationError::Community(crate::community::CommunityError::Invalid {
                field,
                ..
            }) => row.at(field),
            _ => row.place.clone(),
        };
        Problem::new(at, e.to_string())
    })?;
    if let (Some(want), false) = (district, given.is_empty())
        && p.district != want
    {
        return Err(Problem::new(
            row.at("所属区县"),
            format!("这一行是{}的社区，但申报单位是{want}", p.district),
        ));
    }
    p.street = crate::community::street::check(row.text("街道（乡镇）"))
        .map_err(|e| Problem::new(row.at("街道（乡镇）"), e.to_string()))?;
    p.households = number(row, "居民户数")?;
    p.facility_area = number::<f64>(row, "综合服务设施面积")?.filter(|a| *a >= 0.0);
    p.situation = row.text("社区基本情况").to_string();
    Ok(p)
}

/// The blank list to fill.
pub fn template_sheet(rows: u32) -> Sheet {
    let mut sheet = crate::community::list::template_sheet(rows);
    sheet.name = "申报表".into();
    sheet.columns.remove(0);
    sheet.columns.extend([
        Col::new("居民户数").fill(Input::Free, "可不填；社区的居民户数"),
        Col::new("综合服务设施面积").fill(Input::Free, "可不填；平方米"),
        Col::new("社区基本情况")
            .fill(Input::Free, "可不填；社区的基本情况")
            .width(30.0),
        Col::new("推荐理由")
            .fill(Input::Free, "必填；推荐为试点的理由")
            .width(40.0),
    ]);
    sheet
}
