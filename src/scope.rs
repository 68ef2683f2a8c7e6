//! Who may see and do what for a community: the one place that decides it.
//! Community staff reach their own community, district staff the
//! communities registered under their district, experts the communities
//! the office assigned to them (to read and, later, assess), and the
//! office every community — to read: evidence, rectification answers and
//! reports are handed in by the community's own staff only, never by the
//! office on its behalf (the office re-checks what a community hands in,
//! so it may not also hand it in). The web pages and downloads ask
//! [`allows`], or [`check`] for the reason of a refusal.

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

/// Why an account may not do something for a community.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    /// The office tried to hand something in as the community.
    #[error(
        "考评办账号不能代社区 {community} 提交材料、答复整改事项或报送整改情况报告：这些须由社区自己的账号提交，考评办负责复查。社区还没有账号时，请用 kaoping user add 名称 --role community --community {community} 为它开设"
    )]
    NotOnBehalf {
        /// The community.
        community: String,
    },
    /// Outside the account's scope, or not its role's business.
    #[error("您的账号无权查看或提交这个社区的材料，也不能使用考评办的功能。")]
    NotInScope,
}

/// Whether `account` may do `access` for `community`, and why not.
pub fn check(account: &Account, community: &Community, access: Access) -> Result<(), Denied> {
    let own = match account.role {
        Role::Office => {
            return match access {
                Access::Read => Ok(()),
                Access::Submit => Err(Denied::NotOnBehalf {
                    community: community.id.clone(),
                }),
                Access::Assess => Err(Denied::NotInScope),
            };
        }
        Role::Community => account.community.as_deref() == Some(community.id.as_str()),
        Role::District => account.district.as_deref() == Some(community.district.as_str()),
        Role::Expert => account.assigned.contains(&community.id),
        Role::Street => {
            account.district.as_deref() == Some(community.district.as_str())
                && account.street.is_some()
                && account.street == community.street
        }
    };
    let role_may = match access {
        Access::Read => true,
        Access::Submit => account.role == Role::Community,
        Access::Assess => account.role == Role::Expert,
    };
    match own && role_may {
        true => Ok(()),
        false => Err(Denied::NotInScope),
    }
}

/// Whether `account` may do `access` for `community`.
pub fn allows(account: &Account, community: &Community, access: Access) -> bool {
    check(account, community, access).is_ok()
}

/// Whether `account` may see the documents `district` itself sends (its
/// 初评情况报告): the office and that district's staff.
pub fn allows_district(account: &Account, district: &str) -> bool {
    match account.role {
        Role::Office => true,
        Role::District => account.district.as_deref() == Some(district),
        Role::Community | Role::Expert | Role::Street => false,
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
            street: None,
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

    #[test]
    fn the_office_reads_every_community_but_hands_in_for_none() {
        let wh = Community::new("WH-001", "翠湖社区", "五华区", "城市社区", "第一阶段").unwrap();
        let office = account(Role::Office, None, None, &[]);
        assert!(allows(&office, &wh, Access::Read));
        assert!(matches!(
            check(&office, &wh, Access::Submit),
            Err(Denied::NotOnBehalf { .. })
        ));
        assert!(!allows(&office, &wh, Access::Assess));
    }
}
