//! `kaoping notice`: 整改通知书 to communities that fell short.

use chrono::NaiveDate;

use kaoping::archive::Archive;
use kaoping::catalog::Catalog;
use kaoping::documents::{Issuer, notice};
use kaoping::render::parse_date;

use super::Context;
use super::batch::{self, Output, Target};

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

fn parse_day(s: &str) -> Result<NaiveDate, String> {
    parse_date(s).map_err(|e| e.to_string())
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    let archive = Archive::new(ctx.root().dir());
    let config = ctx.config()?;
    let issuer = Issuer::default_of(&config);
    let date = args.output.date();
    if args.deadline <= date {
        anyhow::bail!("整改期限 {} 应晚于成文日期 {date}", args.deadline);
    }
    let lock = batch::lock(&archive, &args.output)?;
    let drafts = batch::assessed_drafts(ctx, &archive, &args.target, |c, stored, card| {
        notice::build(
            &issuer,
            Catalog::builtin(),
            c,
            stored,
            card,
            args.deadline,
            date,
        )
    })?;
    batch::issue_and_write(ctx, &archive, &lock, drafts, &args.output)
}
