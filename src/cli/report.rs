//! `kaoping report`: 考评报告 for one community, a district or all.

use kaoping::documents::batch::Kind;

use super::Context;
use super::batch::{self, Output, Target};

/// 生成考评报告
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    target: Target,
    #[command(flatten)]
    output: Output,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    batch::issue_kind(ctx, &args.target, Kind::Report, &args.output)
}
