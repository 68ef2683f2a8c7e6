//! `kaoping naming decision --phase 1`: the 命名决定 of a phase and the
//! certificates issued under it; `kaoping naming bulletin`: the
//! 考评情况通报.

use std::io::Write;

use clap::Subcommand;

use kaoping::actions::rectify;

use super::Context;
use super::batch;

/// 总结命名：命名决定和命名证书
pub(super) type Args = super::Group<Sub>;

#[derive(Debug, Subcommand)]
pub(super) enum Sub {
    /// 生成并登记某一批的命名决定，同时为决定命名的社区颁发命名证书
    Decision(DecisionArgs),
    /// 生成并登记考评情况通报（各县区考评、等次、命名、整改和逾期情况，附统计表和条形图）
    Bulletin(BulletinArgs),
}

#[derive(Debug, clap::Args)]
pub(in crate::cli) struct BulletinArgs {
    #[command(flatten)]
    output: batch::Output,
}

#[derive(Debug, clap::Args)]
pub(in crate::cli) struct DecisionArgs {
    /// 第几批（阶段）：1、2 或 3
    #[arg(long, value_name = "批次")]
    phase: u8,
    #[command(flatten)]
    output: batch::Output,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    let a = match args.command {
        Sub::Decision(a) => a,
        Sub::Bulletin(b) => return bulletin(ctx, b),
    };
    if a.output.names_file() {
        anyhow::bail!(
            "命名决定和命名证书是多份公文，-o 后面请写一个文件夹（不以 .pdf 结尾）；这次没有发文、没有占用文号"
        );
    }
    let (phase, date) = (a.phase, a.output.date());
    let n = batch::issue_as(ctx, &a.output, "未命名", |act, making, folder| {
        rectify::decide_naming(act, making, phase, date, folder)
    })?;
    let mut out = super::output::stdout();
    writeln!(
        out,
        "命名决定和 {} 份命名证书已生成并登记。",
        n.saturating_sub(1)
    )?;
    Ok(out.flush()?)
}

fn bulletin(ctx: &Context, a: BulletinArgs) -> anyhow::Result<()> {
    let date = a.output.date();
    batch::issue_through(ctx, &a.output, |act, making, folder| {
        rectify::bulletin(act, making, date, folder)
    })
    .map(drop)
}
