//! Pilot communities (试点社区): their identity (id, name, district of
//! Attachment 1, type, batch) and the register kept in `communities.json`
//! at the archive root. Lists to import and to fill are in [`list`].

pub mod list;
pub mod street;

pub use list::read_list;

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::districts::DistrictTable;
pub use crate::event::community::{Batch, CommunityKind};

/// File name of the register inside an archive root.
pub const REGISTER_FILE: &str = "communities.json";

impl CommunityKind {
    /// The printed name.
    pub fn name(self) -> &'static str {
        match self {
            CommunityKind::Urban => "城市社区",
            CommunityKind::VillageToResidence => "“村改居”社区",
        }
    }
}

impl std::fmt::Display for CommunityKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl Batch {
    /// The printed name.
    pub fn name(self) -> &'static str {
        match self {
            Batch::First => "第一阶段",
            Batch::Second => "第二阶段",
            Batch::Third => "第三阶段",
        }
    }
}

impl std::fmt::Display for Batch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One pilot community.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Community {
    /// The office's identifier, also the folder name of its submissions.
    pub id: String,
    /// The community's name.
    pub name: String,
    /// Its district, one of the 18 names of Attachment 1.
    pub district: String,
    /// 城市社区 or “村改居”社区.
    #[serde(rename = "type")]
    pub kind: CommunityKind,
    /// 第一阶段, 第二阶段 or 第三阶段.
    pub batch: Batch,
    /// Its 街道（乡镇）, when registered: the street or township whose
    /// evidence for the standards addressed to it counts for each of its
    /// pilot communities.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
}

/// Why a community or a register is not acceptable.
#[derive(Debug, thiserror::Error)]
pub enum CommunityError {
    /// A field is invalid; `field` is its Chinese name.
    #[error("{field}“{value}”无效：{fix}")]
    Invalid {
        /// The field's name, e.g. 编号.
        field: &'static str,
        /// What was given.
        value: String,
        /// How to fix it.
        fix: String,
    },
    /// The id is already registered with other data.
    #[error("编号 {id} 已经登记为“{existing}”，不能重复登记；请换一个编号")]
    Duplicate {
        /// The id.
        id: String,
        /// The registered community's name.
        existing: String,
    },
    /// The id differs only in upper/lower case from a registered one.
    #[error(
        "编号 {id} 与已登记的 {existing}（{name}）只有大小写不同，两者的文件夹在 Windows 和 macOS 上会互相覆盖；请换一个编号"
    )]
    CaseDuplicate {
        /// The id given.
        id: String,
        /// The registered id.
        existing: String,
        /// The registered community's name.
        name: String,
    },
    /// The id is not registered.
    #[error(
        "没有编号为“{id}”的社区。请先用 kaoping community add 或 kaoping community import 登记{hint}"
    )]
    Unknown {
        /// The id.
        id: String,
        /// Registered ids, if any.
        hint: String,
    },
    /// The list has bad rows; nothing was imported.
    #[error("{path} 有 {} 处错误，没有导入任何社区：\n{}", problems.len(), crate::table::place::list(problems))]
    BadList {
        /// The file.
        path: PathBuf,
        /// Every problem, with its place.
        problems: Vec<crate::table::Problem>,
    },
    /// The list could not be read at all.
    #[error(transparent)]
    Table(#[from] crate::table::TableError),
    /// The register file is damaged.
    #[error("社区登记文件 {path} 已损坏：{reason}")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// Reading or writing failed.
    #[error("无法读写 {path}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
}

impl Community {
    /// Builds a community from the fields people type, normalising the
    /// district, type and batch to their printed forms.
    pub fn new(
        id: &str,
        name: &str,
        district: &str,
        kind: &str,
        batch: &str,
    ) -> Result<Community, CommunityError> {
        Ok(Community {
            id: check_id(id)?,
            name: check_name(name)?,
            district: district_name(district)?,
            kind: normalize_kind(kind)?,
            batch: normalize_batch(batch)?,
            street: None,
        })
    }

    /// The same community in the 街道（乡镇） `street` (as typed; empty
    /// means none).
    pub fn in_street(mut self, street: &str) -> Result<Community, CommunityError> {
        self.street = street::check(street)?;
        Ok(self)
    }
}

/// The Attachment 1 name of `district` as typed, or why it is none.
pub fn district_name(district: &str) -> Result<String, CommunityError> {
    match DistrictTable::builtin().find(district) {
        Ok(d) => Ok(d.name.clone()),
        Err(e) => Err(CommunityError::Invalid {
            field: "所属区县",
            value: district.to_string(),
            fix: e.to_string(),
        }),
    }
}

/// Ids become folder names: keep them to characters every file system and
/// every shell accepts.
fn check_id(id: &str) -> Result<String, CommunityError> {
    let id = id.trim();
    let ok = !id.is_empty()
        && id.chars().count() <= 64
        && !id.starts_with(['.', '-'])
        && id
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(id.to_string())
    } else {
        Err(CommunityError::Invalid {
            field: "编号",
            value: id.to_string(),
            fix: "编号只能由字母、数字、汉字和 - _ . 组成（不超过 64 个字符，不能以 . 或 - 开头），如 WH-001".into(),
        })
    }
}

fn check_name(name: &str) -> Result<String, CommunityError> {
    let name = name.trim();
    let fix = if name.is_empty() {
        Some("请填写社区名称（不能为空）")
    } else if name.chars().any(char::is_control) {
        Some("名称里不能有换行、制表符等控制字符")
    } else if name.contains(['/', '\\']) {
        Some("名称里不能有斜杠“/”或“\\”（名称会用作文件夹名）")
    } else if name.starts_with('.') {
        Some("名称不能以“.”开头（名称会用作文件夹名）")
    } else if name.chars().count() > 64 {
        Some("名称太长：不超过 64 个字")
    } else {
        None
    };
    if let Some(fix) = fix {
        return Err(CommunityError::Invalid {
            field: "名称",
            value: name.escape_debug().to_string(),
            fix: fix.into(),
        });
    }
    Ok(name.to_string())
}

fn normalize_kind(kind: &str) -> Result<CommunityKind, CommunityError> {
    let bare: String = kind
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '“' | '”' | '"' | '\'' | '‘' | '’'))
        .collect();
    match bare.as_str() {
        "城市社区" | "城市" => Ok(CommunityKind::Urban),
        "村改居社区" | "村改居" => Ok(CommunityKind::VillageToResidence),
        _ => Err(CommunityError::Invalid {
            field: "类型",
            value: kind.to_string(),
            fix: "只能是“城市社区”或“村改居”社区".into(),
        }),
    }
}

fn normalize_batch(batch: &str) -> Result<Batch, CommunityError> {
    let bare: String = batch.chars().filter(|c| !c.is_whitespace()).collect();
    let n = match bare.trim_start_matches('第').trim_end_matches("阶段") {
        "一" | "1" | "１" => Batch::First,
        "二" | "2" | "２" => Batch::Second,
        "三" | "3" | "３" => Batch::Third,
        _ => {
            return Err(CommunityError::Invalid {
                field: "批次",
                value: batch.to_string(),
                fix: "只能是 第一阶段、第二阶段 或 第三阶段".into(),
            });
        }
    };
    Ok(n)
}

/// The communities registered in one archive, keyed by id.
#[derive(Debug, Clone, Default)]
pub struct Roster {
    communities: BTreeMap<String, Community>,
    /// Lower-cased id → id, to refuse ids that differ only in case
    /// without comparing against every registered id.
    lower: std::collections::HashMap<String, String>,
}

impl Roster {
    /// Loads the register of an archive root (empty if none yet).
    pub fn load(root: &Path) -> Result<Roster, CommunityError> {
        let path = root.join(REGISTER_FILE);
        let bytes = match crate::storage::register::read(root, REGISTER_FILE) {
            Ok(Some(b)) => b,
            Ok(None) => return Ok(Roster::default()),
            Err(source) => return Err(CommunityError::Io { path, source }),
        };
        let list: Vec<Community> =
            serde_json::from_slice(&bytes).map_err(|e| CommunityError::Corrupt {
                path: path.clone(),
                reason: e.to_string(),
            })?;
        let lower = list
            .iter()
            .map(|c| (c.id.to_lowercase(), c.id.clone()))
            .collect();
        Ok(Roster {
            communities: list.into_iter().map(|c| (c.id.clone(), c)).collect(),
            lower,
        })
    }

    /// Saves the register atomically. The caller holds the writer lock.
    pub fn save(&self, root: &Path) -> Result<(), CommunityError> {
        let path = root.join(REGISTER_FILE);
        let list: Vec<&Community> = self.communities.values().collect();
        let mut text = serde_json::to_string_pretty(&list).map_err(|e| CommunityError::Io {
            path: path.clone(),
            source: io::Error::other(e),
        })?;
        text.push('\n');
        crate::storage::register::write(root, REGISTER_FILE, text.as_bytes())
            .map_err(|source| CommunityError::Io { path, source })
    }

    /// All communities, ordered by id.
    pub fn all(&self) -> impl Iterator<Item = &Community> {
        self.communities.values()
    }

    /// The community with this id.
    pub fn get(&self, id: &str) -> Result<&Community, CommunityError> {
        self.communities
            .get(id.trim())
            .ok_or_else(|| CommunityError::Unknown {
                id: id.to_string(),
                hint: if self.communities.is_empty() {
                    String::new()
                } else {
                    let ids: Vec<&str> = self.communities.keys().map(String::as_str).collect();
                    format!("。已登记的编号：{}", ids.join("、"))
                },
            })
    }

    /// Adds a community. Adding the same data again is not an error;
    /// another community under a registered id is. Returns whether it was new.
    pub fn add(&mut self, c: Community) -> Result<bool, CommunityError> {
        // Ids name folders: ones that differ only in case collide on
        // Windows and macOS.
        if let Some(other) = self
            .lower
            .get(&c.id.to_lowercase())
            .filter(|id| **id != c.id)
            .and_then(|id| self.communities.get(id))
        {
            return Err(CommunityError::CaseDuplicate {
                id: c.id.clone(),
                existing: other.id.clone(),
                name: other.name.clone(),
            });
        }
        match self.communities.get_mut(&c.id) {
            Some(existing) if *existing == c => Ok(false),
            // A list that now names the 街道 of a registered community
            // completes its record.
            Some(existing) if existing.street.is_none() && existing.same_but_street(&c) => {
                existing.street = c.street;
                Ok(true)
            }
            Some(existing) => Err(CommunityError::Duplicate {
                id: c.id.clone(),
                existing: existing.name.clone(),
            }),
            None => {
                self.lower.insert(c.id.to_lowercase(), c.id.clone());
                self.communities.insert(c.id.clone(), c);
                Ok(true)
            }
        }
    }

    /// Communities of the same district with the same name as `c` but
    /// another id (worth a warning: probably registered twice).
    pub fn same_name(&self, c: &Community) -> Vec<&Community> {
        self.communities
            .values()
            .filter(|o| o.id != c.id && o.district == c.district && o.name == c.name)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_what_people_type() {
        let c = Community::new(" WH-001 ", "翠湖社区", "五华区", "村改居社区", "1").unwrap();
        assert_eq!(c.id, "WH-001");
        assert_eq!(c.kind, CommunityKind::VillageToResidence);
        assert_eq!(c.batch, Batch::First);
        assert!(Community::new("../x", "a", "五华区", "城市社区", "第一阶段").is_err());
        assert!(Community::new("A1", "a", "火星区", "城市社区", "第一阶段").is_err());
        assert!(Community::new("A1", "a", "五华区", "乡村", "第一阶段").is_err());
        assert!(Community::new("A1", "a", "五华区", "城市社区", "第四阶段").is_err());
    }

    #[test]
    fn decodes_gbk_and_bom() {
        let (gbk, _, _) = encoding_rs::GBK.encode("编号,名称");
        assert_eq!(crate::textenc::decode(&gbk).unwrap().0, "编号,名称");
        assert_eq!(
            crate::textenc::decode("\u{FEFF}编号".as_bytes()).unwrap().0,
            "编号"
        );
    }
}
