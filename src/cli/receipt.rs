//! `kaoping receipt`: 材料提交回执 for a community's submission.

use kaoping::documents::batch::Kind;

use super::Context;
use super::batch::{self, Output, Target};

/// 生成材料提交回执
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    target: Target,
    /// 第几版提交（默认最新一版；批量时总用最新一版）
    #[arg(long, value_name = "N")]
    version: Option<u32>,
    #[command(flatten)]
    output: Output,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    let kind = Kind::Receipt {
        version: args.version,
    };
    batch::issue_kind(ctx, &args.target, kind, &args.output)
}
