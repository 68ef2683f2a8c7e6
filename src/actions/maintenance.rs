//! Keeping the archive sound: verifying it (setting damaged copies
//! aside when it can), repairing it and removing unreferenced objects.

use super::{ActionError, Ctx, Wait};
use crate::archive::gc::{self, GcOptions};
use crate::archive::verify::{self, VerifyReport};
use crate::event::{Collected, Quarantined};
use crate::meter::Meter;

/// What became of the damaged copies a verification found.
#[derive(Debug)]
pub enum SetAside {
    /// Nothing to set aside (or only one community was verified).
    Nothing,
    /// Another writer holds the archive: `kaoping repair` does it later.
    Busy,
    /// Moved into `quarantine/`.
    Moved(Vec<Quarantined>),
    /// Moving them failed.
    Failed(ActionError),
}

/// What a verification found and did.
#[derive(Debug)]
pub struct Verified {
    /// The findings.
    pub report: VerifyReport,
    /// The damaged copies.
    pub set_aside: SetAside,
}

/// Verifies the whole archive (or only what `community` references). When
/// the whole archive was verified, damaged copies are set aside at once —
/// without waiting for another writer — so that handing the files in
/// again stores good ones.
pub fn verify(
    ctx: &Ctx,
    community: Option<&str>,
    meter: &dyn Meter,
) -> Result<Verified, ActionError> {
    ctx.office_only()?;
    let report = verify::verify(ctx.archive, community, meter)?;
    let set_aside = if report.ok() || report.damaged.is_empty() || community.is_some() {
        SetAside::Nothing
    } else {
        let now = Ctx {
            wait: Wait::No,
            ..*ctx
        };
        match now.lock() {
            Err(_) => SetAside::Busy,
            Ok(lock) => match verify::set_aside(ctx.archive, &lock, &report.damaged) {
                Ok(moved) => SetAside::Moved(moved),
                Err(e) => SetAside::Failed(e.into()),
            },
        }
    };
    Ok(Verified { report, set_aside })
}

/// Re-hashes every stored object and moves the damaged ones into
/// `quarantine/` (kept, logged).
pub fn repair(ctx: &Ctx, meter: &dyn Meter) -> Result<Vec<Quarantined>, ActionError> {
    ctx.office_only()?;
    let lock = ctx.lock()?;
    Ok(verify::repair(ctx.archive, &lock, meter)?)
}

/// `kaoping gc`: marks the objects no record refers to and removes those
/// marked by an earlier run that stayed unreferenced for the grace period
/// (see [`crate::archive::gc`]); logged unless it is a dry run.
pub fn gc(ctx: &Ctx, opts: GcOptions) -> Result<Collected, ActionError> {
    ctx.office_only()?;
    let lock = ctx.lock()?;
    Ok(gc::collect(
        ctx.archive,
        &lock,
        opts,
        std::time::SystemTime::now(),
    )?)
}
