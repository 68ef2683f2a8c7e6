//! The 街道（乡镇） part of `kaoping demo`: the register is completed with
//! 翠湖社区's 街道 (华山街道), the 街道 gets an account, and it hands in
//! the evidence of the standards addressed to it once, through the same
//! actions as `kaoping street submit` and the web page.

use std::fs;
use std::path::Path;

use super::{DemoError, io};
use crate::accounts::{Binding, Role};
use crate::actions::{Ctx, Wait};
use crate::archive::Archive;
use crate::archive::zipin::ZipLimits;

/// The sample 街道: district, name, its account and password, and the
/// sample community in it.
pub const STREET: (&str, &str) = ("五华区", "华山街道");
const ACCOUNT: (&str, &str) = ("huashan", "demo-huashan-2019");
const COMMUNITY: &str = "WH-001";

/// The sample shared evidence: one file per standard addressed to the
/// 街道, as (folder, file, text).
const FILES: [(&str, &str, &str); 3] = [
    (
        "Ⅱ-1/标准1",
        "华山街道党工委基层党建工作要点.txt",
        "华山街道党工委2019年基层党组织建设工作要点：以党建引领城乡社区治理，突出公共服务、公共管理、公共安全。",
    ),
    (
        "Ⅱ-2/标准1",
        "华山街道城乡社区治理主体责任清单.txt",
        "华山街道办事处履行城乡社区治理主体责任清单：政策支持、经费保障、能力建设指导。",
    ),
    (
        "Ⅱ-2/标准2",
        "华山街道履职履约双向评价办法.txt",
        "华山街道与社区居民委员会履职履约双向评价办法（试行）。",
    ),
];

/// Runs the 街道 part; returns the account line for the summary.
pub fn run(archive: &Archive, dir: &Path) -> Result<(String, String, String), DemoError> {
    let console = Ctx::console(archive, Wait::Quiet);
    let roster = archive.communities()?;
    let c = roster.get(COMMUNITY)?.clone().in_street(STREET.1)?;
    crate::actions::community::register(&console, &[c])?;
    let binding = Binding {
        district: Some(STREET.0),
        street: Some(STREET.1),
        ..Default::default()
    };
    let lock = archive.lock(true, |_| {})?;
    crate::accounts::add(archive, &lock, ACCOUNT.0, Role::Street, binding, ACCOUNT.1)?;
    drop(lock);
    for (folder, name, text) in FILES {
        let path = dir.join(folder);
        fs::create_dir_all(&path).map_err(io(&path))?;
        let file = path.join(name);
        fs::write(&file, text).map_err(io(&file))?;
    }
    let accounts = crate::accounts::Accounts::load(archive.root())?;
    if let Some(account) = accounts.get(ACCOUNT.0) {
        let ctx = Ctx::account(archive, account);
        crate::actions::street::hand_in(&ctx, STREET.0, STREET.1, dir, ZipLimits::default())?;
    }
    let what = format!(
        "街道（乡镇） {}{}（查看本街道试点社区，提交街道负责的标准的共享材料）",
        STREET.0, STREET.1
    );
    Ok((ACCOUNT.0.to_string(), ACCOUNT.1.to_string(), what))
}
