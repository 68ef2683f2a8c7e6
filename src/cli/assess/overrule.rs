//! `kaoping assess override`: the office changes one standard's final verdict.

use std::io::Write;

use kaoping::actions::assess::{self, Stored};
use kaoping::assessment::overrule::Override;
use kaoping::catalog::Catalog;

use super::super::Context;
use super::super::output;

#[derive(Debug, clap::Args)]
pub(in crate::cli) struct Args {
    /// 社区编号
    #[arg(long, value_name = "编号")]
    community: String,
    /// 指标，如 Ⅱ-4、II-4、2-4
    #[arg(long, value_name = "指标")]
    indicator: String,
    /// 标准序号
    #[arg(long, value_name = "序号")]
    standard: u32,
    /// 考评方法：材料审核、实地考评、问卷调查、网络（媒体）调查
    #[arg(long, value_name = "方法")]
    method: String,
    /// 改定后的结论：达标、基本达标 或 未达标
    #[arg(long, value_name = "结论")]
    verdict: String,
    /// 改定的理由（必填）
    #[arg(long, value_name = "理由")]
    reason: String,
    /// 档案库正被其他进程写入时立即退出，不排队等待
    #[arg(long)]
    no_wait: bool,
}

pub(super) fn run(ctx: &Context, a: Args) -> anyhow::Result<()> {
    let archive = ctx.archive();
    let catalog = Catalog::builtin();
    let change = Override::typed(
        catalog,
        &a.indicator,
        a.standard,
        &a.method,
        &a.verdict,
        &a.reason,
    )?;
    let act = super::console(&archive, a.no_wait);
    let Stored {
        community: c,
        stored,
    } = assess::overrule(&act, &a.community, change)?;
    let o = &stored.record.overrides[0];
    let mut out = output::stdout();
    writeln!(
        out,
        "已改定 {} {} {} 标准{}（{}）：{} → {}，理由：{}（第 {} 版考评结果）",
        c.id,
        c.name,
        o.indicator,
        o.standard,
        o.method,
        o.from,
        o.to,
        o.reason,
        stored.record.version
    )?;
    Ok(out.flush()?)
}
