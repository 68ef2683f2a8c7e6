//! `kaoping apply approve|return`: the office's decisions on applications.

use std::io::Write;

use kaoping::actions::{Ctx, apply};

use super::super::Context;
use super::super::batch::wait;
use super::super::output;

#[derive(Debug, clap::Args)]
pub(in crate::cli) struct ApproveArgs {
    /// 申报号（见 kaoping apply list）
    #[arg(value_name = "申报号")]
    number: u32,
    /// 登记的社区编号，如 WH-010
    #[arg(long, value_name = "编号")]
    id: String,
    /// 超出附件1任务数时批准的理由（记入日志，并在申报汇总中列出）
    #[arg(long, value_name = "理由")]
    over_quota: Option<String>,
    /// 档案库正被其他进程写入时立即退出，不排队等待
    #[arg(long)]
    no_wait: bool,
}

#[derive(Debug, clap::Args)]
pub(in crate::cli) struct ReturnArgs {
    /// 申报号
    #[arg(value_name = "申报号")]
    number: u32,
    /// 退回的理由
    #[arg(long, value_name = "理由")]
    reason: String,
    /// 档案库正被其他进程写入时立即退出，不排队等待
    #[arg(long)]
    no_wait: bool,
}

pub(super) fn approve(ctx: &Context, a: ApproveArgs) -> anyhow::Result<()> {
    let archive = ctx.archive();
    let act = Ctx::console(&archive, wait(a.no_wait));
    let c = apply::approve(&act, a.number, &a.id, a.over_quota.as_deref())?;
    let mut out = output::stdout();
    writeln!(
        out,
        "已批准第 {} 号申报，登记为试点社区 {} {}（{}，{}）",
        a.number, c.id, c.name, c.district, c.batch
    )?;
    Ok(out.flush()?)
}

pub(super) fn send_back(ctx: &Context, a: ReturnArgs) -> anyhow::Result<()> {
    let archive = ctx.archive();
    let act = Ctx::console(&archive, wait(a.no_wait));
    apply::send_back(&act, a.number, &a.reason)?;
    let mut out = output::stdout();
    writeln!(
        out,
        "已退回第 {} 号申报，理由：{}",
        a.number,
        a.reason.trim()
    )?;
    Ok(out.flush()?)
}
