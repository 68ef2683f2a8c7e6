//! `kaoping rectify close|return`: the district (初评) or the office
//! re-checks an answered item: 销号, or 退回 with a reason.

use std::path::{Path, PathBuf};

use kaoping::actions::rectify;
use kaoping::archive::Archive;
use kaoping::rectify::act::Recheck;
use kaoping::rectify::{Outcome, Reviewer};

use super::parse_reviewer;

#[derive(Debug, clap::Args)]
pub(in crate::cli) struct CloseArgs {
    /// 整改事项编号
    #[arg(value_name = "事项")]
    item: String,
    /// 销号意见
    #[arg(long, value_name = "文字")]
    remark: String,
    /// 复查单位：district（县区初评）或 office（考评办，默认）
    #[arg(long, value_name = "单位", default_value = "office", hide_default_value = true, value_parser = parse_reviewer)]
    by: Reviewer,
    /// 同时导入的新考评表（县区为县区初评，考评办为最终结果）
    #[arg(long, value_name = "文件")]
    sheet: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub(in crate::cli) struct ReturnArgs {
    /// 整改事项编号
    #[arg(value_name = "事项")]
    item: String,
    /// 退回理由
    #[arg(long, value_name = "文字")]
    reason: String,
    /// 复查单位：district 或 office（默认）
    #[arg(long, value_name = "单位", default_value = "office", hide_default_value = true, value_parser = parse_reviewer)]
    by: Reviewer,
}

pub(super) fn close(archive: &Archive, a: CloseArgs) -> anyhow::Result<()> {
    let sheet = a.sheet.as_deref();
    check(archive, &a.item, Outcome::Closed, &a.remark, a.by, sheet)
}

pub(super) fn send_back(archive: &Archive, a: ReturnArgs) -> anyhow::Result<()> {
    check(archive, &a.item, Outcome::Returned, &a.reason, a.by, None)
}

fn check(
    archive: &Archive,
    item: &str,
    outcome: Outcome,
    remark: &str,
    by: Reviewer,
    sheet: Option<&Path>,
) -> anyhow::Result<()> {
    let id = kaoping::rectify::act::community_of(archive, item)?;
    archive.communities()?.get(&id)?;
    let r = Recheck {
        outcome,
        remark,
        by,
        sheet,
    };
    let (c, done) = rectify::recheck(&super::console(archive, false), &id, item, r)?;
    let with = done
        .assessment
        .map(|v| format!("，并记录了第 {v} 版考评结果"))
        .unwrap_or_default();
    println!(
        "整改事项 {}（{}）{}：{}（{}）{with}。",
        done.id,
        c.name,
        done.outcome.name(),
        done.remark,
        done.by.name()
    );
    Ok(())
}
