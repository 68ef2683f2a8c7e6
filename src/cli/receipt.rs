//! `kaoping receipt`: 材料提交回执 for a community's submission.

use kaoping::archive::{Archive, ArchiveError};
use kaoping::catalog::Catalog;
use kaoping::documents::{Issuer, receipt};

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
    let archive = Archive::new(ctx.root().dir());
    let config = ctx.config()?;
    let catalog = Catalog::builtin();
    let issuer = Issuer::default_of(&config);
    let lock = batch::lock(&archive, &args.output)?;
    let reg = archive.register()?;
    let version = if args.target.is_batch() {
        None
    } else {
        args.version
    };
    let mut drafts = Vec::new();
    for c in args.target.select(&reg)? {
        let sub = match archive.submission(&c.id, version) {
            Ok(s) => s,
            Err(e @ ArchiveError::NoSubmission { .. }) if args.target.is_batch() => {
                batch::skip(c, &e);
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        let m = archive.manifest(&sub)?;
        drafts.push(receipt::build(
            &issuer,
            catalog,
            c,
            &sub,
            &m,
            args.output.date(),
        ));
    }
    batch::issue_and_write(ctx, &archive, &lock, drafts, &args.output)
}
