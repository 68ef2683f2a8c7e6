//! `kaoping rectify supervise`: the 督办通知 to a district about its
//! overdue items, with a new deadline.

use chrono::NaiveDate;

use kaoping::actions::rectify::{self, Supervision};
use kaoping::dates;

use super::super::Context;
use super::super::batch::{self, parse_day};

#[derive(Debug, clap::Args)]
pub(in crate::cli) struct SuperviseArgs {
    /// 县（市）区
    #[arg(long, value_name = "区县")]
    district: String,
    /// 新的整改期限（须在今天之后）
    #[arg(long, value_name = "日期", value_parser = parse_day)]
    deadline: NaiveDate,
    #[command(flatten)]
    output: batch::Output,
}

pub(super) fn supervise_run(ctx: &Context, a: SuperviseArgs) -> anyhow::Result<()> {
    let s = Supervision {
        district: &a.district,
        deadline: a.deadline,
        date: a.output.date(),
        today: dates::today(),
    };
    batch::issue_through(ctx, &a.output, |act, making, folder| {
        rectify::supervise(act, making, s, folder)
    })
    .map(drop)
}
