//! Handing in evidence: a folder or ZIP becomes a community's new
//! submission version, and whoever handed it in from outside the office
//! gets its receipt (材料提交回执); a version leaves as a BagIt ZIP.

use std::path::Path;

use super::documents::{self, Making};
use super::{ActionError, Caller, Ctx, Wait};
use crate::archive::ingest::{self, IngestOptions, IngestReport};
use crate::catalog::Catalog;
use crate::documents::batch::Receipt;
use crate::meter::Meter;
use crate::scope::Access;

/// What handing in did.
#[derive(Debug)]
pub struct HandedIn {
    /// The new version and what was stored.
    pub report: IngestReport,
    /// The version's receipt, when one goes with it: `Err` says why it
    /// could not be made now (the submission stands; it can be made
    /// later, on the version's page or with `kaoping receipt`).
    pub receipt: Option<Result<Receipt, ActionError>>,
}

/// Hands in `source` as a new submission of `options.community`
/// (`options.wait` is taken from the context). The rule for the receipt:
/// a signed-in account (a community's or district's staff) gets it at
/// once, made with `making`; the console — the office itself — makes
/// receipts when it wants them (`kaoping receipt`), so gets none here.
pub fn hand_in(
    ctx: &Ctx,
    source: &Path,
    mut options: IngestOptions,
    meter: &dyn Meter,
    making: Option<Making>,
) -> Result<HandedIn, ActionError> {
    if ctx.account_of().is_some() {
        let roster = ctx.roster()?;
        ctx.community(&roster, &options.community, Access::Submit)?;
    }
    options.wait = !matches!(ctx.wait, Wait::No);
    let catalog = Catalog::builtin();
    let report = match ctx.wait {
        Wait::Yes(notice) => ingest::ingest(ctx.archive, catalog, source, &options, meter, notice),
        _ => ingest::ingest(ctx.archive, catalog, source, &options, meter, |_| {}),
    }?;
    let receipt = match (ctx.caller, making) {
        (Caller::Account(_), Some(making)) => Some(documents::receipt(
            ctx,
            making,
            &options.community,
            Some(report.manifest.version),
            crate::dates::today(),
        )),
        _ => None,
    };
    Ok(HandedIn { report, receipt })
}

/// Writes version `sub` of a community as a BagIt ZIP to `out` (an
/// existing file replaced only when `replace`), carrying the community's
/// field evidence and its 街道's shared evidence beside the submission.
/// An account needs read access to
/// the community.
pub fn export_bag(
    ctx: &Ctx,
    sub: &crate::archive::Submission,
    out: &Path,
    replace: bool,
) -> Result<crate::archive::manifest::Manifest, ActionError> {
    if ctx.account_of().is_some() {
        let roster = ctx.roster()?;
        ctx.community(&roster, &sub.record.community, Access::Read)?;
    }
    let mut extra = crate::field::evidence::bag_extra(ctx.archive, &sub.record.community)?;
    let roster = ctx.roster()?;
    if let Ok(c) = roster.get(&sub.record.community) {
        let shared = crate::streets::shared_of(ctx.archive, c)?;
        extra.extend(crate::streets::bag_files(shared.as_ref()));
    }
    Ok(crate::archive::bagit::export(
        ctx.archive,
        sub,
        out,
        replace,
        &extra,
    )?)
}

/// Writes version `n` of community `id` as a BagIt ZIP to `out` (made
/// anew) for a caller who may see the community, and records the download
/// (下载) in the log; gives the bag's name.
pub fn download_bag(ctx: &Ctx, id: &str, n: u32, out: &Path) -> Result<String, ActionError> {
    ctx.community(&ctx.roster()?, id, Access::Read)?;
    let sub = ctx.archive.submission(id, Some(n))?;
    export_bag(ctx, &sub, out, true)?;
    let download = crate::event::Download {
        community: id.to_string(),
        version: n,
        what: "BagIt".into(),
    };
    super::session::log(ctx, crate::event::Event::Download(download))?;
    Ok(crate::archive::bagit::bag_name(&sub))
}
