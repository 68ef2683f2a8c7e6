//! Assessment points (考评点): the places of a community where it is
//! assessed on site — name, kind, address, optional coordinates, and the
//! 实地考评 standards checked there (all of them unless narrowed). A
//! point is a `kaoping-point` event; adding a point with an existing id
//! records its new description, the latest wins.

use std::path::Path;

use super::{FieldError, StdKey, standards_by};
use crate::archive::Archive;
use crate::archive::lock::WriterLock;
use crate::catalog::{Catalog, Method};
use crate::community::Community;
pub use crate::event::field::{Point, PointKind};
use crate::table::{Column, Kind, Place, Problem, Schema};

impl PointKind {
    /// Every kind, in the order forms offer them.
    pub const ALL: [PointKind; 5] = [
        PointKind::ServiceCentre,
        PointKind::Estate,
        PointKind::Compound,
        PointKind::GridSpot,
        PointKind::Other,
    ];

    /// The printed name.
    pub fn name(self) -> &'static str {
        match self {
            PointKind::ServiceCentre => "社区综合服务中心",
            PointKind::Estate => "小区",
            PointKind::Compound => "楼院",
            PointKind::GridSpot => "网格点位",
            PointKind::Other => "其他",
        }
    }

    /// Parses a printed name (综合服务中心 also accepted).
    pub fn parse(s: &str) -> Option<PointKind> {
        let s = s.trim();
        if s == "综合服务中心" || s == "服务中心" {
            return Some(PointKind::ServiceCentre);
        }
        PointKind::ALL.into_iter().find(|k| k.name() == s)
    }

    fn list() -> String {
        PointKind::ALL.map(PointKind::name).join("、")
    }
}

impl Point {
    /// Whether `key` is checked here.
    pub fn checks(&self, key: &StdKey) -> bool {
        self.standards.is_empty() || self.standards.contains(key)
    }

    /// The standards checked here, in catalog order.
    pub fn checked(&self, catalog: &Catalog) -> Vec<StdKey> {
        standards_by(catalog, Method::OnSite)
            .into_iter()
            .filter(|k| self.checks(k))
            .collect()
    }

    /// Coordinates, when both are known.
    pub fn coordinates(&self) -> Option<(f64, f64)> {
        Some((self.lat?, self.lon?))
    }
}

/// A point to add, as typed.
#[derive(Debug, Clone, Default)]
pub struct NewPoint {
    /// Id; the next free `P<n>` when empty.
    pub id: String,
    /// Name.
    pub name: String,
    /// Kind, as typed.
    pub kind: String,
    /// Address.
    pub address: String,
    /// Latitude, as typed (may be empty).
    pub lat: String,
    /// Longitude, as typed (may be empty).
    pub lon: String,
    /// Standards, as typed, separated by `,`, `，`, `、` or `;` (empty:
    /// all 实地考评 standards).
    pub standards: String,
}

/// Every current point of `community`, in the order first added.
pub fn list(archive: &Archive, community: &str) -> Result<Vec<Point>, FieldError> {
    let mut out: Vec<Point> = Vec::new();
    for rec in archive.records()?.iter() {
        if let crate::event::Event::Point(p) = &rec.event
            && p.community == community
        {
            match out.iter_mut().find(|q| q.id == p.id) {
                Some(q) => *q = p.clone(),
                None => out.push(p.clone()),
            }
        }
    }
    Ok(out)
}

/// The point `id` of `community`, or a message listing the points it has.
pub fn get(archive: &Archive, community: &str, id: &str) -> Result<Point, FieldError> {
    let all = list(archive, community)?;
    if let Some(p) = all.iter().find(|p| p.id == id.trim()) {
        return Ok(p.clone());
    }
    let elsewhere = archive.records()?.iter().find_map(|r| match &r.event {
        crate::event::Event::Point(p) if p.id == id.trim() => Some(p.community.clone()),
        _ => None,
    });
    let hint = match (elsewhere, all.is_empty()) {
        (Some(c), _) => format!("（{} 是社区 {c} 的考评点，不能用于本社区）", id.trim()),
        (None, true) => "；该社区还没有考评点，请先用 kaoping point add 添加".into(),
        (None, false) => format!(
            "；该社区的考评点有：{}",
            all.iter()
                .map(|p| format!("{} {}", p.id, p.name))
                .collect::<Vec<_>>()
                .join("、")
        ),
    };
    Err(FieldError::NoPoint {
        community: community.to_string(),
        point: id.trim().to_string(),
        hint,
    })
}

/// Checks a typed point; the problems name the field.
fn check(
    catalog: &Catalog,
    community: &Community,
    taken: &[Point],
    new: &NewPoint,
) -> Result<Point, Vec<(&'static str, String)>> {
    let mut problems = Vec::new();
    let id = point_id(taken, &new.id, &mut problems);
    if new.name.trim().is_empty() {
        problems.push(("名称", "考评点名称不能为空".into()));
    }
    let kind = PointKind::parse(&new.kind).unwrap_or_else(|| {
        problems.push((
            "类型",
            format!(
                "类型“{}”无效，只能是：{}",
                new.kind.trim(),
                PointKind::list()
            ),
        ));
        PointKind::Other
    });
    let mut coord = |field: &'static str, s: &str, max: f64| -> Option<f64> {
        match s.trim() {
            "" => None,
            t => match t.parse::<f64>() {
                Ok(x) if x.is_finite() && x.abs() <= max => Some(x),
                _ => {
                    problems.push((
                        field,
                        format!("{field}“{t}”应为 -{max} 到 {max} 之间的度数，如 25.04"),
                    ));
                    None
                }
            },
        }
    };
    let lat = coord("纬度", &new.lat, 90.0);
    let lon = coord("经度", &new.lon, 180.0);
    if lat.is_some() != lon.is_some() {
        problems.push(("经度", "纬度和经度要一起填写，或都不填".into()));
    }
    let standards = point_standards(catalog, &new.standards, &mut problems);
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Point {
        community: community.id.clone(),
        id,
        name: new.name.trim().to_string(),
        kind,
        address: new.address.trim().to_string(),
        lat,
        lon,
        standards,
    })
}

/// The typed point id, or the next free one when left empty.
fn point_id(taken: &[Point], typed: &str, problems: &mut Vec<(&'static str, String)>) -> String {
    match typed.trim() {
        "" => next_id(taken),
        s if s.len() <= 16 && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') => {
            s.to_string()
        }
        s => {
            problems.push((
                "编号",
                format!("编号“{s}”只能由字母、数字和“-”组成，最多 16 个字符"),
            ));
            String::new()
        }
    }
}

/// The typed standards checked at a point (separated by commas), each one
/// checked on site.
fn point_standards(
    catalog: &Catalog,
    typed: &str,
    problems: &mut Vec<(&'static str, String)>,
) -> Vec<StdKey> {
    let mut standards = Vec::new();
    for part in typed
        .split([',', '，', '、', ';', '；'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        match StdKey::parse(catalog, part) {
            Ok(k) if onsite(catalog, &k) => standards.push(k),
            Ok(k) => problems.push(("考评标准", format!("{k} 不用实地考评，不能在考评点考评"))),
            Err(e) => problems.push(("考评标准", e.to_string())),
        }
    }
    standards
}

/// Whether `key` is checked by 实地考评.
pub fn onsite(catalog: &Catalog, key: &StdKey) -> bool {
    catalog
        .standard(&key.indicator, key.standard)
        .is_ok_and(|(_, _, s)| s.methods.contains(&Method::OnSite))
}

fn next_id(taken: &[Point]) -> String {
    let n = taken
        .iter()
        .filter_map(|p| p.id.strip_prefix('P')?.parse::<u32>().ok())
        .max()
        .unwrap_or(0);
    format!("P{}", n + 1)
}

/// Adds (or re-describes) one point of `community`.
pub fn add(
    archive: &Archive,
    lock: &WriterLock,
    catalog: &Catalog,
    community: &Community,
    new: &NewPoint,
) -> Result<Point, FieldError> {
    let taken = list(archive, &community.id)?;
    let p = check(catalog, community, &taken, new).map_err(|problems| FieldError::BadPoint {
        message: problems
            .into_iter()
            .map(|(_, m)| m)
            .collect::<Vec<_>>()
            .join("；"),
    })?;
    super::append(archive, lock, crate::event::Event::Point(p.clone()))?;
    Ok(p)
}

/// The columns of a points table.
pub static SCHEMA: Schema = Schema {
    columns: &[
        Column::optional("编号", &["id", "点位编号"], Kind::Code),
        Column::required("名称", &["name", "考评点", "点位名称"], Kind::Text),
        Column::required("类型", &["kind", "点位类型"], Kind::Text),
        Column::optional("地址", &["address"], Kind::Text),
        Column::optional("纬度", &["lat", "latitude"], Kind::Text),
        Column::optional("经度", &["lon", "longitude"], Kind::Text),
        Column::optional("考评标准", &["standards"], Kind::Text),
    ],
};

/// Imports points from a table (xlsx/CSV/ods): every row checked, nothing
/// stored when any row has a problem.
pub fn import(
    archive: &Archive,
    lock: &WriterLock,
    catalog: &Catalog,
    community: &Community,
    path: &Path,
) -> Result<Vec<Point>, FieldError> {
    let bytes = super::read_file(path)?;
    let table = crate::table::read(path, &bytes, &SCHEMA)?;
    let mut taken = list(archive, &community.id)?;
    let mut problems: Vec<Problem> = Vec::new();
    let mut points = Vec::new();
    for row in &table.rows {
        problems.extend(row.problems.iter().cloned());
        let new = NewPoint {
            id: row.text("编号").into(),
            name: row.text("名称").into(),
            kind: row.text("类型").into(),
            address: row.text("地址").into(),
            lat: row.text("纬度").into(),
            lon: row.text("经度").into(),
            standards: row.text("考评标准").into(),
        };
        match check(catalog, community, &taken, &new) {
            Ok(p) => {
                if points.iter().any(|q: &Point| q.id == p.id) {
                    problems.push(Problem::new(
                        row.at("编号"),
                        format!("编号 {} 在表中重复", p.id),
                    ));
                }
                taken.push(p.clone());
                points.push(p);
            }
            Err(list) => problems.extend(list.into_iter().map(|(f, m)| Problem::new(row.at(f), m))),
        }
    }
    if points.is_empty() && problems.is_empty() {
        problems.push(Problem::new(Place::Whole, "表中没有考评点".to_string()));
    }
    super::all_or_nothing(path, problems)?;
    let events = points
        .iter()
        .cloned()
        .map(crate::event::Event::Point)
        .collect();
    archive
        .log()
        .append_all(lock, events)
        .map_err(crate::archive::ArchiveError::from)?;
    Ok(points)
}
