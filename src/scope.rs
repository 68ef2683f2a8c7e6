//! Who may see and do what for a community: the one place that decides it.
//! Community staff reach their own community, district staff the
//! communities registered under their district, experts the communities
//! the office assigned to them (to read and, later, assess), and the
//! office every community. The web pages and downloads ask [`allows`].

use serde::{Deserialize, Serialize};

use crate::accounts::{Account, Role};
use crate::community::{Community, Roster};

/// What an account wants to do with a community.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Access {
    /// See its pages, evidence, coverage and the documents about it.
    #[serde(rename = "查看")]
    Read,
    /// Hand in evidence and obtain its receipts.
    #[serde(rename = "提交材料")]
    Submit,
    /// Record an assessment of it.
    #[serde(rename = "考评")]
    Assess,
}

/// Whether `account` may do `access` for `community`.
pub fn allows(account: &Account, community: &Community, access: Access) -> bool {
    let own = match account.role {
        Role::Office => return true,
        Role::Community => account.community.as_deref() == Some(community.id.as_str()),
        Role::District => account.district.as_deref() == Some(community.district.as_str()),
        Role::Expert => account.assigned.contains(&community.id),
    };
    own && match access {
        Access::Read => true,
        Access::Submit => account.role == Role::Community,
        Access::Assess => account.role == Role::Expert,
    }
}

/// Whether `account` may see the documents `district` itself sends (its
/// 初评情况报告): the office and that district's staff.
pub fn allows_district(account: &Account, district: &str) -> bool {
    match account.role {
        Role::Office => true,
        Role::District => account.district.as_deref() == Some(district),
        Role::Community | Role::Expert => false,
    }
}

/// The registered communities `account` may see, ordered by id.
pub fn visible<'a>(account: &Account, roster: &'a Roster) -> Vec<&'a Community> {
    roster
        .all()
        .filter(|c| allows(account, c, Access::Read))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(
        role: Role,
        community: Option<&str>,
        district: Option<&str>,
        assigned: &[&str],
    ) -> Account {
        Account {
            name: "x".into(),
            role,
            community: community.map(str::to_string),
            district: district.map(str::to_string),
            assigned: assigned.iter().map(|s| s.to_string()).collect(),
            password: String::new(),
            created: String::new(),
        }
    }

    #[test]
    fn each_role_reaches_its_own_scope_only() {
        let wh = Community::new("WH-001", "翠湖社区", "五华区", "城市社区", "第一阶段").unwrap();
        let pl = Community::new("PL-001", "拓东社区", "盘龙区", "城市社区", "第一阶段").unwrap();
        let office = account(Role::Office, None, None, &[]);
        let cuihu = account(Role::Community, Some("WH-001"), None, &[]);
        let wuhua = account(Role::District, None, Some("五华区"), &[]);
        let expert = account(Role::Expert, None, None, &["WH-001"]);
        for a in [&office, &cuihu, &wuhua, &expert] {
            assert!(allows(a, &wh, Access::Read), "{:?}", a.role);
            assert_eq!(allows(a, &pl, Access::Read), a.role == Role::Office);
        }
        assert!(allows(&cuihu, &wh, Access::Submit));
        assert!(!allows(&wuhua, &wh, Access::Submit));
        assert!(!allows(&expert, &wh, Access::Submit));
        assert!(allows(&expert, &wh, Access::Assess));
        assert!(!allows(&expert, &pl, Access::Assess));
        assert!(!allows(&cuihu, &wh, Access::Assess));
    }
}
