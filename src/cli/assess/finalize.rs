//! `kaoping assess finalize`: the final result recorded from the 专家组's aggregate.

use std::io::Write;

use kaoping::actions::assess::{self, Stored};
use kaoping::assessment::Verdict;
use kaoping::assessment::finalize::rule_name;

use super::super::Context;
use super::super::output;

#[derive(Debug, clap::Args)]
pub(in crate::cli) struct Args {
    /// 社区编号
    #[arg(long, value_name = "编号")]
    community: String,
    /// 档案库正被其他进程写入时立即退出，不排队等待
    #[arg(long)]
    no_wait: bool,
}

pub(super) fn run(ctx: &Context, a: Args) -> anyhow::Result<()> {
    let archive = ctx.archive();
    let rule = ctx.config()?.assessment.aggregate;
    let act = super::console(&archive, a.no_wait);
    let Stored {
        community: c,
        stored,
    } = assess::finalize(&act, &a.community, rule)?;
    let counts = Verdict::ALL.map(|v| {
        let n = stored
            .assessment
            .results
            .iter()
            .filter(|r| r.verdict == v)
            .count();
        format!("{v} {n} 条")
    });
    let mut out = output::stdout();
    writeln!(
        out,
        "已按专家组汇总（{}）记录 {} {} 的第 {} 版最终考评结果：{}。每条的算式见 kaoping assess show。",
        rule_name(rule),
        c.id,
        c.name,
        stored.record.version,
        counts.join("、")
    )?;
    Ok(out.flush()?)
}
