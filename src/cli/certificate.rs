//! `kaoping certificate`: 命名证书 for communities whose grade qualifies,
//! within their district's quota (or beyond it with a recorded reason).

use kaoping::archive::Archive;
use kaoping::assessment::score;
use kaoping::assessment::store::{self, AssessmentError};
use kaoping::catalog::Catalog;
use kaoping::documents::{DocumentError, Issuer, certificate};
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
    let catalog = Catalog::builtin();
    let issuer = Issuer::default_of(&config);
    let lock = batch::lock(&archive, &args.output)?;
    let reg = archive.register()?;
    let mut register = issuance::entries(&archive)?;
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
        let card = score::score(&stored.assessment, catalog, &config);
        let date = args.output.date();
        match certificate::build(
            &issuer,
            c,
            &reg,
            &register,
            &card,
            args.over_quota.as_deref(),
            date,
        ) {
            Ok(d) => {
                // Later communities of the batch count this one against
                // the quota.
                register.push(issuance::Entry {
                    time: String::new(),
                    record: issuance::IssuedRecord {
                        number: String::new(),
                        sequence: String::new(),
                        year: 0,
                        serial: 0,
                        kind: certificate::KIND.into(),
                        title: String::new(),
                        recipient: String::new(),
                        community: Some(c.id.clone()),
                        date,
                        organs: Vec::new(),
                        file_name: String::new(),
                        over_quota: None,
                        objects: Vec::new(),
                    },
                });
                drafts.push(d);
            }
            Err(
                e @ (DocumentError::NotQualified { .. }
                | DocumentError::AlreadyNamed { .. }
                | DocumentError::OverQuota { .. }),
            ) if args.target.is_batch() => batch::skip(c, &e),
            Err(e) => return Err(e.into()),
        }
    }
    batch::issue_and_write(ctx, &archive, &lock, drafts, &args.output)
}
