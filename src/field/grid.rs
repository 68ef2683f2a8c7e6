//! 网格化考评数据: an export of the 街道's 网格管理平台 for a community
//! (xlsx/CSV, columns found by their header names), stored as submitted,
//! with a summary — events per category and per state, the share
//! resolved — and the 实地考评 standards the office links it to.

use std::path::Path;

use super::{FieldError, StdKey};
use crate::archive::Archive;
use crate::archive::lock::WriterLock;
use crate::catalog::Catalog;
use crate::community::Community;
pub use crate::event::field::{GridRecord, Summary};
use crate::table::{Column, Kind, Place, Problem, Schema};

/// The columns of a platform export.
pub static SCHEMA: Schema = Schema {
    columns: &[
        Column::required("点位", &["网格", "所属网格", "点位名称"], Kind::Text),
        Column::required("事件类别", &["事件类型", "类别"], Kind::Text),
        Column::required("上报时间", &["上报日期", "发现时间"], Kind::Text),
        Column::required("处置状态", &["状态", "办理状态"], Kind::Text),
        Column::optional("事件编号", &["编号"], Kind::Code),
        Column::optional("办结时间", &["处置时间"], Kind::Text),
    ],
};

impl Summary {
    /// The share resolved, in percent.
    pub fn resolved_percent(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            self.resolved as f64 * 100.0 / self.total as f64
        }
    }
}

/// Whether a state counts as resolved.
pub fn is_resolved(state: &str) -> bool {
    ["办结", "已处置", "已解决", "结案", "完成", "已处理"]
        .iter()
        .any(|w| state.contains(w))
        && !state.contains('未')
}

/// Every import of `community`, in log order.
pub fn list(archive: &Archive, community: &str) -> Result<Vec<GridRecord>, FieldError> {
    super::from_log(archive, |e| match e {
        crate::event::Event::GridData(g) if g.community == community => Some(g.clone()),
        _ => None,
    })
}

/// Imports an export as evidence under `standards` (typed, separated by
/// commas; each must be a 实地考评 standard). Nothing is stored when the
/// table cannot be read or a row lacks its category or state.
pub fn import(
    archive: &Archive,
    lock: &WriterLock,
    catalog: &Catalog,
    community: &Community,
    path: &Path,
    name: &str,
    standards: &str,
) -> Result<GridRecord, FieldError> {
    super::check_file_name(name)?;
    let keys = onsite_standards(catalog, standards)?;
    let bytes = super::read_file(path)?;
    let table = crate::table::read(path, &bytes, &SCHEMA)?;
    let (s, problems) = summarise(&table);
    super::all_or_nothing(path, problems)?;
    let file = super::store_bytes(archive, name, &bytes)?;
    let rec = GridRecord {
        community: community.id.clone(),
        file,
        standards: keys,
        summary: s,
    };
    super::append(archive, lock, crate::event::Event::GridData(rec.clone()))?;
    Ok(rec)
}

/// The 实地考评 standards typed for an import (separated by commas); at
/// least one, each checked on site.
fn onsite_standards(catalog: &Catalog, standards: &str) -> Result<Vec<StdKey>, FieldError> {
    let mut keys = Vec::new();
    for part in standards
        .split([',', '，', '、', ';', '；'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let k = StdKey::parse(catalog, part)?;
        if !super::point::onsite(catalog, &k) {
            return Err(FieldError::BadStandard {
                input: part.to_string(),
                why: format!("{k} 不用实地考评，网格化考评数据只能作为实地考评标准的证据"),
            });
        }
        keys.push(k);
    }
    if keys.is_empty() {
        return Err(FieldError::BadStandard {
            input: String::new(),
            why: "请写明这份网格数据作为哪些实地考评标准的证据，如 Ⅱ-6/1,Ⅱ-6/2".into(),
        });
    }
    Ok(keys)
}

/// Counts the events of a read export, with the problems of its rows (a
/// row without category or state, or no row at all).
fn summarise(table: &crate::table::Table) -> (Summary, Vec<Problem>) {
    let mut s = Summary::default();
    let mut problems: Vec<Problem> = Vec::new();
    for row in &table.rows {
        problems.extend(row.problems.iter().cloned());
        for col in ["事件类别", "处置状态"] {
            if row.text(col).is_empty() {
                problems.push(Problem::new(row.at(col), format!("{col}为空")));
            }
        }
        s.total += 1;
        *s.by_category
            .entry(row.text("事件类别").to_string())
            .or_default() += 1;
        *s.by_state
            .entry(row.text("处置状态").to_string())
            .or_default() += 1;
        *s.by_point.entry(row.text("点位").to_string()).or_default() += 1;
        if is_resolved(row.text("处置状态")) {
            s.resolved += 1;
        }
    }
    if s.total == 0 {
        problems.push(Problem::new(Place::Whole, "表中没有任何事件".to_string()));
    }
    (s, problems)
}
