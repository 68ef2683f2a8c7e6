//! `kaoping apply report`: the 申报汇总表 of one district or the city, issued.

use kaoping::documents::batch::{Kind, Scope};

use super::super::Context;
use super::super::batch;

#[derive(Debug, clap::Args)]
pub(in crate::cli) struct Args {
    /// 只汇总一个县区的申报（默认全市）
    #[arg(long, value_name = "区县")]
    district: Option<String>,
    #[command(flatten)]
    output: batch::Output,
}

pub(super) fn run(ctx: &Context, a: Args) -> anyhow::Result<()> {
    let district = super::super::args::district_name(a.district.as_deref())?;
    batch::issue(ctx, &Scope::All, Kind::Applications { district }, &a.output)
}
