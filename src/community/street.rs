//! 街道（乡镇）: the street or township each pilot community belongs to,
//! as the register keeps it. Attachment 2's 考评对象 are "参加试点的街道
//! （乡镇）及社区"; a 街道 is named by its district and its name, and
//! its pilot communities are the registered ones that name it.

use super::{Community, CommunityError, Roster};

/// Longest 街道 name accepted (the longest township names run to about a
/// dozen characters).
const MAX_CHARS: usize = 32;

/// A 街道（乡镇）: its district and name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Street {
    /// The district (its name in Attachment 1).
    pub district: String,
    /// The street's or township's name, e.g. 华山街道.
    pub name: String,
}

impl std::fmt::Display for Street {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{}", self.district, self.name)
    }
}

/// A 街道 name as typed, checked: `None` when empty.
pub fn check(street: &str) -> Result<Option<String>, CommunityError> {
    let name = street.trim();
    if name.is_empty() {
        return Ok(None);
    }
    let fix = if name.chars().any(char::is_control) {
        Some("街道（乡镇）名称里不能有换行、制表符等控制字符")
    } else if name.contains(['/', '\\']) {
        Some("街道（乡镇）名称里不能有斜杠“/”或“\\”")
    } else if name.chars().count() > MAX_CHARS {
        Some("街道（乡镇）名称太长：不超过 32 个字")
    } else {
        None
    };
    match fix {
        Some(fix) => Err(CommunityError::Invalid {
            field: "街道（乡镇）",
            value: name.escape_debug().to_string(),
            fix: fix.into(),
        }),
        None => Ok(Some(name.to_string())),
    }
}

impl Community {
    /// The 街道 the community belongs to, when registered.
    pub fn street_of(&self) -> Option<Street> {
        self.street.as_ref().map(|name| Street {
            district: self.district.clone(),
            name: name.clone(),
        })
    }

    /// Whether `other` is this community but for its 街道.
    pub fn same_but_street(&self, other: &Community) -> bool {
        self.id == other.id
            && self.name == other.name
            && self.district == other.district
            && self.kind == other.kind
            && self.batch == other.batch
    }
}

impl Roster {
    /// Every 街道 named in the register, ordered by district and name.
    pub fn streets(&self) -> Vec<Street> {
        let mut out: Vec<Street> = self.all().filter_map(Community::street_of).collect();
        out.sort();
        out.dedup();
        out
    }

    /// The pilot communities of `street`, ordered by id.
    pub fn of_street<'a>(&'a self, street: &'a Street) -> impl Iterator<Item = &'a Community> {
        self.all().filter(move |c| {
            c.district == street.district && c.street.as_deref() == Some(street.name.as_str())
        })
    }

    /// The 街道 `name` (as typed) of district `district`, when a
    /// registered community names it.
    pub fn street(&self, district: &str, name: &str) -> Result<Street, CommunityError> {
        let district = super::district_name(district)?;
        let street = Street {
            district,
            name: name.trim().to_string(),
        };
        if self.of_street(&street).next().is_some() {
            return Ok(street);
        }
        let known: Vec<String> = self
            .streets()
            .into_iter()
            .filter(|s| s.district == street.district)
            .map(|s| s.name)
            .collect();
        Err(CommunityError::Invalid {
            field: "街道（乡镇）",
            value: street.name.clone(),
            fix: if known.is_empty() {
                format!(
                    "{}还没有登记任何试点社区的街道（乡镇）；请在社区名单的“街道（乡镇）”列填写后重新导入",
                    street.district
                )
            } else {
                format!(
                    "{}已登记的街道（乡镇）：{}",
                    street.district,
                    known.join("、")
                )
            },
        })
    }
}
