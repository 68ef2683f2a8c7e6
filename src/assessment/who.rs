//! Who may put a record at each level of 评估验收 for a community: an
//! 专家评估 only from an existing expert account the office assigned to
//! that community, a 县区初评 only from that community's district, a
//! 社区自查 only from the community itself, the final result only from
//! the office. The command line (run by the office at the archive) names
//! no signed-in account, but an expert's sheet always names its expert,
//! and that name is checked like any other.

use super::level::Level;
use super::store::{AssessmentError, At};
use crate::accounts::{Account, Accounts, Role};
use crate::archive::Archive;
use crate::community::Community;

/// The level an account of `role` submits a sheet at on a community's
/// page (the office imports the final level on its own page).
pub fn submits(role: Role) -> Option<Level> {
    match role {
        Role::Community => Some(Level::SelfCheck),
        Role::District => Some(Level::District),
        Role::Expert => Some(Level::Expert),
        Role::Office | Role::Street => None,
    }
}

/// The level an account of `role` may send back: the district the 自查,
/// the office the 初评.
pub fn returns(role: Role) -> Option<Level> {
    match role {
        Role::District => Some(Level::SelfCheck),
        Role::Office => Some(Level::District),
        _ => None,
    }
}

/// Refuses `at` for `community` when the accounts it names may not submit
/// it (see the module documentation).
pub fn check(archive: &Archive, community: &Community, at: At<'_>) -> Result<(), AssessmentError> {
    if at.level == Level::Expert && at.expert.or(at.by).is_none() {
        return Err(refused(
            community,
            at.level,
            "",
            "专家评估要写明是哪位专家（命令行加 --expert 专家账号）".into(),
        ));
    }
    if at.level != Level::Expert && at.expert.is_some() {
        return Err(refused(
            community,
            at.level,
            at.expert.unwrap_or_default(),
            "只有专家评估写专家账号（--expert）；其他层级请去掉 --expert".into(),
        ));
    }
    let named: Vec<&str> = match at.level {
        Level::Expert => at.expert.into_iter().chain(at.by).collect(),
        _ => at.by.into_iter().collect(),
    };
    if named.is_empty() {
        return Ok(());
    }
    let accounts = Accounts::load(archive.root())?;
    for name in named {
        let Some(account) = accounts.get(name) else {
            let why = format!(
                "没有名为 {name} 的账号。{}",
                match at.level {
                    Level::Expert =>
                        "专家评估只接受已开设并分配了该社区的专家账号（kaoping user add 账号 --role expert，再用 kaoping expert assign 分配）",
                    _ => "请核对账号名",
                }
            );
            return Err(refused(community, at.level, name, why));
        };
        if let Some(why) = misfit(account, community, at.level) {
            return Err(refused(community, at.level, name, why));
        }
    }
    Ok(())
}

/// Why `account` may not submit `level` for `community`, if it may not.
pub fn misfit(account: &Account, community: &Community, level: Level) -> Option<String> {
    let wanted = match level {
        Level::SelfCheck => Role::Community,
        Level::District => Role::District,
        Level::Expert => Role::Expert,
        Level::Final => Role::Office,
    };
    if account.role != wanted {
        return Some(format!(
            "账号 {} 是{}账号，{}只能由{}账号提交",
            account.name,
            account.role.name(),
            level,
            wanted.name()
        ));
    }
    match account.role {
        Role::Community if account.community.as_deref() != Some(community.id.as_str()) => {
            Some("这是另一个社区的账号，社区只能提交本社区的自查".into())
        }
        Role::District if account.district.as_deref() != Some(community.district.as_str()) => {
            Some(format!(
                "该社区属于{}，不在本账号的县区，县区只能初评本县区的社区",
                community.district
            ))
        }
        Role::Expert if !account.assigned.contains(&community.id) => Some(format!(
            "考评办公室没有把社区 {} 分配给这位专家；请先分配（kaoping expert assign {} --community {}），未分配的专家不能评估",
            community.id, account.name, community.id
        )),
        _ => None,
    }
}

fn refused(community: &Community, level: Level, account: &str, why: String) -> AssessmentError {
    AssessmentError::NotAssessor {
        community: community.id.clone(),
        level,
        account: if account.is_empty() {
            "未写明的账号".into()
        } else {
            account.to_string()
        },
        why,
    }
}
