//! `kaoping assess return`: a 自查 or 初评 sent back, with a reason.

use std::io::Write;

use kaoping::actions::assess;
use kaoping::assessment::level::Level;
use kaoping::assessment::store;

use super::super::Context;
use super::super::output;
use super::parse_level;

#[derive(Debug, clap::Args)]
pub(in crate::cli) struct Args {
    /// 社区编号
    #[arg(long, value_name = "编号")]
    community: String,
    /// 退回哪一级：自查（由县区退回）或 初评（由考评办公室退回）
    #[arg(long, value_name = "层级", value_parser = parse_level)]
    level: Level,
    /// 退回的理由
    #[arg(long, value_name = "理由")]
    reason: String,
    /// 档案库正被其他进程写入时立即退出，不排队等待
    #[arg(long)]
    no_wait: bool,
}

pub(super) fn run(ctx: &Context, a: Args) -> anyhow::Result<()> {
    if a.reason.trim().is_empty() {
        anyhow::bail!("请用 --reason 写明退回的理由");
    }
    let archive = ctx.archive();
    let act = super::console(&archive, a.no_wait);
    let (c, done) = assess::send_back(&act, &a.community, a.level, &a.reason)?;
    let mut out = output::stdout();
    writeln!(
        out,
        "已退回 {} {} 的{}，理由：{}",
        c.id,
        c.name,
        a.level,
        a.reason.trim()
    )?;
    if done.final_reopened {
        writeln!(out, "{}", store::REOPENED_NOTE)?;
    }
    Ok(out.flush()?)
}
