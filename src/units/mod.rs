//! 责任单位 and their 联络员 (工作要求（一）: "各责任单位……明确一位分管负责人
//! 和一位联络员报领导小组办公室"): the register of responsible units — the
//! districts' offices and the city departments the office names — each
//! with its 分管负责人 and 联络员 (name, post, office phone, mobile). Kept
//! whole as the register `units.json`; replaced by importing a workbook.
//! Phone numbers are personal data: they are shown to the office only
//! ([`Unit::without_phones`]), and the log records an import's count and
//! the register's SHA-256, never its contents.

pub mod list;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The register's name.
pub const REGISTER: &str = "units.json";

/// What kind of unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum UnitKind {
    /// A district's (county's) office: 县（市）区.
    #[serde(rename = "县（市）区")]
    District,
    /// A city department.
    #[serde(rename = "市级部门")]
    Department,
}

impl UnitKind {
    /// The printed name.
    pub fn name(self) -> &'static str {
        match self {
            UnitKind::District => "县（市）区",
            UnitKind::Department => "市级部门",
        }
    }

    /// The kind named `s`.
    pub fn parse(s: &str) -> Option<UnitKind> {
        match s.trim() {
            "县（市）区" | "县(市)区" | "县区" | "区县" => Some(UnitKind::District),
            "市级部门" | "部门" | "市直部门" => Some(UnitKind::Department),
            _ => None,
        }
    }
}

/// A person a unit names.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// Name.
    pub name: String,
    /// Post (职务).
    pub post: String,
    /// Office phone (办公电话).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub office_phone: String,
    /// Mobile (手机).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub mobile: String,
}

/// One responsible unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    /// The unit's full name, as documents address it (主送/抄送).
    pub name: String,
    /// District office or city department.
    pub kind: UnitKind,
    /// For a district's office: the district (Attachment 1's name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub district: Option<String>,
    /// 分管负责人.
    pub leader: Contact,
    /// 联络员.
    pub liaison: Contact,
}

impl Unit {
    /// The unit as any role but the office may see it: no phone numbers.
    pub fn without_phones(&self) -> Unit {
        let strip = |c: &Contact| Contact {
            office_phone: String::new(),
            mobile: String::new(),
            ..c.clone()
        };
        Unit {
            leader: strip(&self.leader),
            liaison: strip(&self.liaison),
            ..self.clone()
        }
    }
}

/// Why the register could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum UnitError {
    /// The register could not be read or written.
    #[error("读写责任单位名册 {path} 失败：{source}")]
    Io {
        /// The register.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The register does not parse.
    #[error("责任单位名册 {path} 已损坏：{reason}；请重新导入名册")]
    Damaged {
        /// The register.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// A list to import has problems.
    #[error("{path} 有 {} 处需要改正，名册没有更新：\n  {}", problems.len(), problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n  "))]
    BadList {
        /// The file.
        path: PathBuf,
        /// Each problem with its place.
        problems: Vec<crate::table::Problem>,
    },
    /// The list could not be read as a table.
    #[error(transparent)]
    Table(#[from] crate::table::TableError),
}

/// The units in the register of root `root` (empty when none was
/// imported).
pub fn load(root: &Path) -> Result<Vec<Unit>, UnitError> {
    let path = root.join(REGISTER);
    let bytes = crate::storage::register::read(root, REGISTER).map_err(|source| UnitError::Io {
        path: path.clone(),
        source,
    })?;
    let Some(bytes) = bytes else {
        return Ok(Vec::new());
    };
    serde_json::from_slice(&bytes).map_err(|e| UnitError::Damaged {
        path,
        reason: e.to_string(),
    })
}

/// Replaces the register with `units`; returns its bytes' SHA-256.
pub fn save(root: &Path, units: &[Unit]) -> Result<String, UnitError> {
    let path = root.join(REGISTER);
    let mut text = serde_json::to_string_pretty(units).map_err(|e| UnitError::Io {
        path: path.clone(),
        source: std::io::Error::other(e),
    })?;
    text.push('\n');
    crate::storage::register::write(root, REGISTER, text.as_bytes())
        .map_err(|source| UnitError::Io { path, source })?;
    Ok(crate::storage::Digest::of(text.as_bytes()).hex())
}

/// The names documents address for `districts`: each district's unit
/// where the register has one, else `None` (the caller keeps its
/// default).
pub fn addressed(units: &[Unit], districts: &[String]) -> Option<String> {
    let names: Vec<&str> = districts
        .iter()
        .map(|d| {
            units
                .iter()
                .find(|u| u.kind == UnitKind::District && u.district.as_deref() == Some(d))
                .map(|u| u.name.as_str())
        })
        .collect::<Option<_>>()?;
    (!names.is_empty()).then(|| names.join("、"))
}
