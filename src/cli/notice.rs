//! `kaoping notice`: 整改通知书 to communities that fell short.

use chrono::NaiveDate;

use kaoping::documents::batch::Kind;

use super::Context;
use super::batch::{self, Output, Target, parse_day};

/// 生成整改通知书
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    target: Target,
    /// 整改期限，如 2026-12-31
    #[arg(long, value_name = "日期", value_parser = parse_day)]
    deadline: NaiveDate,
    #[command(flatten)]
    output: Output,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    let kind = Kind::Notice {
        deadline: args.deadline,
    };
    batch::issue_kind(ctx, &args.target, kind, &args.output)
}
