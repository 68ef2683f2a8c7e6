//! What a community's evidence pages read, one action each: the
//! submission history with each version's receipt, the coverage of the
//! latest (or one) version against Attachment 2 with its 街道's shared
//! files, where the community stands in 评估验收, and what the caller may
//! do there; the history and the files of a version, as the command line
//! lists them with their coverage. The front end presents the result as
//! it is; the rights are decided here, by the same rules the writing
//! actions check.

use std::collections::BTreeMap;

use super::{ActionError, Ctx, assess};
use crate::accounts::Role;
use crate::archive::coverage::{self, IndicatorView, MissingStandard};
use crate::archive::manifest::Manifest;
use crate::archive::{Archive, ArchiveError, Submission};
use crate::assessment::level::{self, Level};
use crate::assessment::{store, who};
use crate::community::Community;
use crate::documents::receipt;
use crate::issuance;
use crate::scope::Access;

/// A version of the submission history, with the SHA-256 of its receipt
/// (材料提交回执) when one was issued.
#[derive(Debug)]
pub struct HistoryEntry {
    /// The version.
    pub submission: Submission,
    /// Its receipt's document.
    pub receipt: Option<String>,
}

/// What the caller may do on a community's page.
#[derive(Debug, Clone, Copy, Default)]
pub struct PageRights {
    /// Hand in evidence.
    pub submit: bool,
    /// The level whose sheet the caller submits here, if any.
    pub submit_level: Option<Level>,
    /// The level the caller may return here, while it stands submitted.
    pub return_level: Option<Level>,
    /// Take the final result from the 专家组 (the office, once an expert
    /// sheet stands).
    pub finalize: bool,
    /// Override rows of the final result (the office, once it stands).
    pub overrule: bool,
}

/// What a community's page shows.
#[derive(Debug)]
pub struct CommunityView {
    /// The community.
    pub community: Community,
    /// Its versions, newest first.
    pub history: Vec<HistoryEntry>,
    /// The latest version's number, if any.
    pub latest: Option<u32>,
    /// The evidence folders, with the latest version's coverage.
    pub structure: Vec<IndicatorView>,
    /// How many standards ask for material (材料审核).
    pub material: usize,
    /// How many of those have no file yet.
    pub missing: usize,
    /// Where the community stands in 评估验收.
    pub level_state: String,
    /// What the caller may do.
    pub rights: PageRights,
}

/// What one version's page shows.
#[derive(Debug)]
pub struct VersionView {
    /// The community.
    pub community: Community,
    /// The version.
    pub submission: Submission,
    /// Its manifest.
    pub manifest: Manifest,
    /// The evidence folders with this version's coverage.
    pub structure: Vec<IndicatorView>,
    /// The standards of 材料审核 this version has no file for.
    pub missing: Vec<MissingStandard>,
    /// Its receipt's document, if one was issued.
    pub receipt: Option<String>,
    /// The caller may hand in evidence (and ask for the receipt).
    pub may_submit: bool,
}

/// Community `id`'s page, for a caller who may see it.
pub fn page(ctx: &Ctx, id: &str) -> Result<CommunityView, ActionError> {
    let roster = ctx.roster()?;
    let c = ctx.community(&roster, id, Access::Read)?.clone();
    let archive = ctx.archive;
    let subs = archive.submissions(Some(id))?;
    let latest = match subs.last() {
        Some(s) => Some(archive.manifest(s)?),
        None => None,
    };
    let mut receipts = receipts(archive, id)?;
    let shared = crate::streets::shared_of(archive, &c)?;
    let structure = coverage::structure(latest.as_ref(), shared.as_ref());
    let (material, missing) = coverage::material_counts(&structure);
    let steps = store::steps(archive, id)?;
    let history = subs
        .into_iter()
        .rev()
        .map(|s| HistoryEntry {
            receipt: receipts.remove(&s.record.version),
            submission: s,
        })
        .collect();
    Ok(CommunityView {
        rights: rights(ctx, &c, &level::standing(&steps)),
        level_state: level::state_label(&steps),
        latest: latest.map(|m| m.version),
        community: c,
        history,
        structure,
        material,
        missing,
    })
}

/// Version `n` of community `id`, for a caller who may see it.
pub fn version(ctx: &Ctx, id: &str, n: u32) -> Result<VersionView, ActionError> {
    let roster = ctx.roster()?;
    let c = ctx.community(&roster, id, Access::Read)?.clone();
    let archive = ctx.archive;
    let submission = archive.submission(id, Some(n))?;
    let manifest = archive.manifest(&submission)?;
    let shared = crate::streets::shared_of(archive, &c)?;
    let structure = coverage::structure(Some(&manifest), shared.as_ref());
    Ok(VersionView {
        missing: coverage::missing_standards(&structure),
        receipt: receipts(archive, id)?.remove(&n),
        may_submit: ctx.may(&c, Access::Submit),
        community: c,
        submission,
        manifest,
        structure,
    })
}

/// Community `id`'s versions, oldest first, for a caller who may see it
/// (`kaoping history`).
pub fn history(ctx: &Ctx, id: &str) -> Result<(Community, Vec<Submission>), ActionError> {
    let roster = ctx.roster()?;
    let c = ctx.community(&roster, id, Access::Read)?.clone();
    let subs = ctx.archive.submissions(Some(id))?;
    Ok((c, subs))
}

/// Version `version` of community `id` (the latest when `None`) and its
/// manifest, for a caller who may see it (`kaoping show`).
pub fn files(
    ctx: &Ctx,
    id: &str,
    version: Option<u32>,
) -> Result<(Submission, Manifest), ActionError> {
    ctx.community(&ctx.roster()?, id, Access::Read)?;
    let sub = ctx.archive.submission(id, version)?;
    let m = ctx.archive.manifest(&sub)?;
    Ok((sub, m))
}

/// The 材料审核 coverage of version `version` of community `id` (the
/// latest when `None`), its 街道's shared files counted, for a caller who
/// may see it (`kaoping coverage`).
pub fn coverage(
    ctx: &Ctx,
    id: &str,
    version: Option<u32>,
) -> Result<(Manifest, coverage::Coverage), ActionError> {
    let (_, m) = files(ctx, id, version)?;
    let cov = crate::streets::coverage(ctx.archive, &m)?;
    Ok((m, cov))
}

/// Every standard and method of community `id` with the evidence it has:
/// the files of version `version` (the latest when `None`; none before a
/// first submission) and the field, survey and media records
/// (`kaoping coverage --methods`).
pub fn method_coverage(
    ctx: &Ctx,
    id: &str,
    version: Option<u32>,
) -> Result<Vec<crate::field::evidence::CoverageLine>, ActionError> {
    ctx.community(&ctx.roster()?, id, Access::Read)?;
    let manifest = match ctx.archive.submission(id, version) {
        Ok(sub) => Some(ctx.archive.manifest(&sub)?),
        Err(ArchiveError::NoSubmission { .. }) => None,
        Err(e) => return Err(e.into()),
    };
    let e = crate::field::evidence::Evidence::load(ctx.archive, id)?;
    Ok(crate::field::evidence::coverage(
        crate::catalog::Catalog::builtin(),
        &e,
        manifest.as_ref(),
    ))
}

/// The SHA-256 of each receipt issued for community `id`, by version.
fn receipts(archive: &Archive, id: &str) -> Result<BTreeMap<u32, String>, ArchiveError> {
    Ok(issuance::entries(archive)?
        .into_iter()
        .filter(|e| e.record.kind == receipt::KIND && e.record.community.as_deref() == Some(id))
        .filter_map(|e| Some((e.record.submission?, e.record.sha256().to_string())))
        .collect())
}

/// What the caller (the console acting as the office) may do for `c`,
/// whose levels stand as `standing`.
fn rights(ctx: &Ctx, c: &Community, standing: &[bool; 4]) -> PageRights {
    let role = ctx.account_of().map_or(Role::Office, |a| a.role);
    let office = role == Role::Office;
    PageRights {
        submit: ctx.may(c, Access::Submit),
        submit_level: who::submits(role).filter(|_| ctx.may(c, assess::access_for(role))),
        return_level: who::returns(role).filter(|l| standing[*l as usize]),
        finalize: office && standing[Level::Expert as usize],
        overrule: office && standing[Level::Final as usize],
    }
}
