//! `kaoping naming decision --phase 1`: the 命名决定 of a phase and the
//! certificates issued under it.

use clap::Subcommand;

use kaoping::archive::Archive;
use kaoping::render::Engine;

use super::bar::Bar;
use super::batch;
use super::{Context, HELP_TEMPLATE};

/// 总结命名：命名决定和命名证书
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Sub,
}

#[derive(Debug, Subcommand)]
enum Sub {
    /// 生成并登记某一批的命名决定，同时为决定命名的社区颁发命名证书
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Decision(DecisionArgs),
}

#[derive(Debug, clap::Args)]
struct DecisionArgs {
    /// 第几批（阶段）：1、2 或 3
    #[arg(long, value_name = "批次")]
    phase: u8,
    #[command(flatten)]
    output: batch::Output,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    let Sub::Decision(a) = args.command;
    let archive = Archive::new(ctx.root().dir());
    let config = ctx.config()?;
    let engine = Engine::new(Some(&ctx.root().templates_dir()))?;
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
