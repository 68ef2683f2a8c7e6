//! `kaoping certificate`: 命名证书 for communities whose grade qualifies,
//! within their district's quota (or beyond it with a recorded reason).

use kaoping::archive::Archive;
use kaoping::documents::{Issuer, certificate};
use kaoping::issuance;

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
    let archive = Archive::new(ctx.root().dir());
    let config = ctx.config()?;
    let issuer = Issuer::default_of(&config);
    let date = args.output.date();
    let lock = batch::lock(&archive, &args.output)?;
    let reg = archive.register()?;
    let mut register = issuance::entries(&archive)?;
    let drafts = batch::assessed_drafts(ctx, &archive, &args.target, |c, _, card| {
        let d = certificate::build(
            &issuer,
            c,
            &reg,
            &register,
            card,
            args.over_quota.as_deref(),
            date,
        )?;
        // Later communities of the batch count this one against the quota.
        register.push(certificate::pending(c, date));
        Ok(d)
    })?;
    batch::issue_and_write(ctx, &archive, &lock, drafts, &args.output)
}
