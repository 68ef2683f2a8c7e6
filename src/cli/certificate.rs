//! `kaoping certificate`: 命名证书 for communities whose grade qualifies,
//! within their district's quota (or beyond it with a recorded reason).

use kaoping::documents::batch::Kind;

use super::Context;
use super::batch::{self, Output, Target};

/// 颁发命名证书
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    target: Target,
    /// 超出附件1任务数仍要命名时，写明理由（记入发文登记簿）
    #[arg(long, value_name = "理由")]
    over_quota: Option<String>,
    #[command(flatten)]
    output: Output,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    let kind = Kind::Certificate {
        over_quota: args.over_quota,
    };
    batch::issue_kind(ctx, &args.target, kind, &args.output)
}
