//! `kaoping rectify report`: the community's 整改情况报告, once every
//! item is answered.

use kaoping::actions::rectify;

use super::super::Context;
use super::super::batch;

#[derive(Debug, clap::Args)]
pub(in crate::cli) struct ReportArgs {
    /// 社区编号
    #[arg(long, value_name = "编号")]
    community: String,
    #[command(flatten)]
    output: batch::Output,
}

pub(super) fn report(ctx: &Context, a: ReportArgs) -> anyhow::Result<()> {
    let date = a.output.date();
    batch::issue_through(ctx, &a.output, |act, making, folder| {
        rectify::report(act, making, &a.community, date, folder)
    })
    .map(drop)
}
