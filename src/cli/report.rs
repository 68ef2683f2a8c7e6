//! `kaoping report`: 考评报告 for one community, a district or all.

use kaoping::archive::Archive;
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
    let issuer = Issuer::default_of(&config);
    let date = args.output.date();
    let lock = batch::lock(&archive, &args.output)?;
    let mut failure = None;
    let drafts = batch::assessed_drafts(ctx, &archive, &args.target, |c, stored, card| {
        // The evidence the results were judged against.
        let evidence = match stored.record.evidence_version {
            0 => None,
            v => match archive
                .submission(&c.id, Some(v))
                .and_then(|sub| archive.manifest(&sub))
            {
                Ok(m) => Some(m),
                Err(e) => {
                    failure.get_or_insert(e);
                    None
                }
            },
        };
        Ok(report::build(
            &issuer,
            Catalog::builtin(),
            c,
            stored,
            card,
            evidence.as_ref(),
            date,
        ))
    })?;
    if let Some(e) = failure {
        return Err(e.into());
    }
    batch::issue_and_write(ctx, &archive, &lock, drafts, &args.output)
}
