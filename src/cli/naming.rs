//! `kaoping naming decision --phase 1`: the 命名决定 of a phase and the
//! certificates issued under it; `kaoping naming bulletin`: the
//! 考评情况通报.

use clap::Subcommand;

use kaoping::render::Engine;

use super::Context;
use super::bar::Bar;
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
    let archive = ctx.archive();
    let config = ctx.config()?;
    let engine = Engine::for_archive(ctx.root().dir(), &ctx.config()?)?;
    if a.output.names_file() {
        anyhow::bail!(
            "命名决定和命名证书是多份公文，-o 后面请写一个文件夹（不以 .pdf 结尾）；这次没有发文、没有占用文号"
        );
    }
    a.output.prepare(&[])?;
    let lock = batch::lock(&archive, &a.output)?;
    let decided = kaoping::naming::decide(
        &archive,
        &lock,
        &engine,
        &config,
        a.phase,
        a.output.date(),
        &Bar::default(),
    )?;
    for l in &decided.left {
        eprintln!("未命名 {} {}：{}", l.id, l.name, l.reason);
    }
    for doc in &decided.issued {
        super::rectify::write_doc(&a.output, doc)?;
    }
    println!(
        "命名决定和 {} 份命名证书已生成并登记。",
        decided.issued.len().saturating_sub(1)
    );
    Ok(())
}

fn bulletin(ctx: &Context, a: BulletinArgs) -> anyhow::Result<()> {
    let archive = ctx.archive();
    let config = ctx.config()?;
    let engine = Engine::for_archive(ctx.root().dir(), &ctx.config()?)?;
    a.output.prepare(&[])?;
    let lock = batch::lock(&archive, &a.output)?;
    let doc =
        kaoping::documents::bulletin::issue(&archive, &lock, &engine, &config, a.output.date())?;
    super::rectify::write_doc(&a.output, &doc)
}
