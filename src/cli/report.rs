//! `kaoping report`: 考评报告 for one community, a district or all.

use kaoping::archive::Archive;
use kaoping::assessment::score;
use kaoping::assessment::store::{self, AssessmentError};
use kaoping::catalog::Catalog;
use kaoping::documents::{Issuer, report};

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
    let archive = Archive::new(ctx.root().dir());
    let config = ctx.config()?;
    let catalog = Catalog::builtin();
    let issuer = Issuer::default_of(&config);
    let lock = batch::lock(&archive, &args.output)?;
    let reg = archive.register()?;
    let mut drafts = Vec::new();
    for c in args.target.select(&reg)? {
        let stored = match store::latest(&archive, &c.id) {
            Ok(s) => s,
            Err(e @ AssessmentError::NoResults { .. }) if args.target.is_batch() => {
                batch::skip(c, &e);
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        let evidence = match stored.record.evidence_version {
            0 => None,
            v => {
                let sub = archive.submission(&c.id, Some(v))?;
                Some(archive.manifest(&sub)?)
            }
        };
        let card = score::score(&stored.assessment, catalog, &config);
        drafts.push(report::build(
            &issuer,
            catalog,
            c,
            &stored,
            &card,
            evidence.as_ref(),
            args.output.date(),
        ));
    }
    batch::issue_and_write(ctx, &archive, &lock, drafts, &args.output)
}
