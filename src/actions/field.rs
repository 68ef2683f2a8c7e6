//! 实地考评 and 网络（媒体）调查 actions: points added or imported, photos
//! stored as they are taken, a point's visit recorded, scanned forms, the
//! assessor's visits submitted as its level's sheet, media captures and
//! grid-platform exports — and who may do each. Every check of what is
//! recorded is [`crate::field`]'s.
//!
//! The recording account is the signed-in one; at the console it is the
//! account named with `--as` (`by`, see [`account`]).

use std::path::Path;

use chrono::NaiveDate;

use super::{ActionError, Ctx};
use crate::accounts::{Account, Accounts, Role};
use crate::archive::ArchiveError;
use crate::archive::lock::WriterLock;
use crate::archive::manifest::Manifest;
use crate::assessment::store::StoredAssessment;
use crate::catalog::Catalog;
use crate::community::Community;
use crate::config::Config;
use crate::field::evidence::Evidence;
use crate::field::form::{FormError, FormPdf};
use crate::field::grid::GridRecord;
use crate::field::media::{MediaRecord, NewMedia};
use crate::field::photo::{self, Incoming};
use crate::field::point::{self, NewPoint, Point};
use crate::field::visit::{self, Finding, ScanRecord, VisitRecord};
use crate::field::{self, Upload};
use crate::render::Engine;
use crate::scope::{Access, Denied};

/// What an account may do on a community's 实地考评 page.
#[derive(Debug, Clone, Copy)]
pub struct Rights {
    /// Assess on site (photos, visits, scans, the level sheet).
    pub assess: bool,
    /// Add or import points.
    pub points: bool,
    /// Record 网络（媒体）调查 captures.
    pub media: bool,
    /// The office (grid-platform exports).
    pub office: bool,
}

/// What a community's 实地考评 page shows, read for the caller.
#[derive(Debug, Clone)]
pub struct FieldView {
    /// The community.
    pub community: Community,
    /// What the caller may do there.
    pub rights: Rights,
    /// Its points and on-site evidence.
    pub evidence: Evidence,
    /// The point whose capture page is asked for.
    pub chosen: Option<Point>,
    /// Its latest submission's manifest, if it submitted any.
    pub manifest: Option<Manifest>,
}

/// Community `id`'s points and on-site evidence for a caller who may see
/// it, with point `chosen` if asked for.
pub fn view(ctx: &Ctx, id: &str, chosen: Option<&str>) -> Result<FieldView, ActionError> {
    let roster = ctx.roster()?;
    let c = ctx.community(&roster, id, Access::Read)?.clone();
    let rights = match ctx.account_of() {
        Some(account) => rights(account, &c),
        // The console acts as the office.
        None => Rights {
            assess: true,
            points: true,
            media: true,
            office: true,
        },
    };
    let chosen = match chosen {
        Some(p) => Some(point::get(ctx.archive, id, p)?),
        None => None,
    };
    let manifest = match ctx.archive.submission(id, None) {
        Ok(sub) => Some(ctx.archive.manifest(&sub)?),
        Err(ArchiveError::NoSubmission { .. }) => None,
        Err(e) => return Err(e.into()),
    };
    Ok(FieldView {
        evidence: Evidence::load(ctx.archive, id)?,
        community: c,
        rights,
        chosen,
        manifest,
    })
}

/// The printable 实地考评表 of community `id` — every point, or only
/// `point` — for a caller who may see it.
pub fn form(
    ctx: &Ctx,
    engine: &Engine,
    config: &Config,
    id: &str,
    point: Option<&str>,
) -> Result<(Community, FormPdf), ActionError> {
    let roster = ctx.roster()?;
    let c = ctx.community(&roster, id, Access::Read)?;
    let pdf = field::form::pdf(ctx.archive, engine, config, c, point).map_err(|e| match e {
        FormError::Field(e) => ActionError::Field(e),
        FormError::Render(e) => ActionError::Render(e),
    })?;
    Ok((c.clone(), pdf))
}

/// Community `id`'s points, for a caller who may see it.
pub fn points(ctx: &Ctx, id: &str) -> Result<Vec<Point>, ActionError> {
    ctx.community(&ctx.roster()?, id, Access::Read)?;
    Ok(point::list(ctx.archive, id)?)
}

/// Community `id`'s grid-platform exports, for a caller who may see it.
pub fn grids(ctx: &Ctx, id: &str) -> Result<Vec<GridRecord>, ActionError> {
    ctx.community(&ctx.roster()?, id, Access::Read)?;
    Ok(field::grid::list(ctx.archive, id)?)
}

/// Community `id`'s 网络（媒体）调查 records, for a caller who may see it.
pub fn media(ctx: &Ctx, id: &str) -> Result<Vec<MediaRecord>, ActionError> {
    ctx.community(&ctx.roster()?, id, Access::Read)?;
    Ok(field::media::list(ctx.archive, id)?)
}

/// Community `id`'s photos and visit records, for a caller who may see
/// it (`kaoping field list`).
pub fn records(
    ctx: &Ctx,
    id: &str,
) -> Result<(Vec<photo::PhotoRecord>, Vec<VisitRecord>), ActionError> {
    ctx.community(&ctx.roster()?, id, Access::Read)?;
    Ok((photo::list(ctx.archive, id)?, visit::list(ctx.archive, id)?))
}

/// A photo as it is downloaded.
#[derive(Debug)]
pub struct PhotoFile {
    /// Its file name.
    pub name: String,
    /// Its media type.
    pub media: &'static str,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// The photo with hash `sha` of community `id` (another community's is
/// not found), for a caller who may see the community: the original,
/// checked against its hash, or with `thumb` a JPEG thumbnail, made once
/// and kept.
pub fn photo_file(ctx: &Ctx, id: &str, sha: &str, thumb: bool) -> Result<PhotoFile, ActionError> {
    ctx.community(&ctx.roster()?, id, Access::Read)?;
    let missing = || ActionError::NotFound(format!("社区 {id} 没有哈希为 {sha} 的现场照片"));
    let rec = photo::list(ctx.archive, id)?
        .into_iter()
        .find(|p| p.file.object.sha256 == sha)
        .ok_or_else(missing)?;
    let digest = crate::archive::store::Digest::from_hex(sha).ok_or_else(missing)?;
    let original = || {
        let mut bytes = Vec::new();
        ctx.archive
            .store()
            .copy_verified(&digest, &mut bytes)
            .ok()?;
        Some(bytes)
    };
    let short = rec.file.short();
    if !thumb {
        let bytes = original().ok_or_else(|| {
            ActionError::NotFound(format!(
                "照片 {short} 在档案库中缺失或已损坏，请运行 kaoping verify"
            ))
        })?;
        return Ok(PhotoFile {
            name: rec.file.name.clone(),
            media: rec.format.mime(),
            bytes,
        });
    }
    let jpeg = field::picture::stored_thumbnail(ctx.archive, sha, original).ok_or_else(|| {
        ActionError::NotFound(format!(
            "照片 {short} 不能生成缩略图（格式不支持、照片过大或已损坏），请下载原件查看"
        ))
    })?;
    Ok(PhotoFile {
        name: format!("缩略图-{short}.jpg"),
        media: "image/jpeg",
        bytes: jpeg,
    })
}

/// What `account` may do for community `c` (which it may see).
pub fn rights(account: &Account, c: &Community) -> Rights {
    let assess = field::check_assessor(account, c).is_ok();
    let office = account.role == Role::Office;
    Rights {
        assess,
        points: office || (account.role == Role::District && assess),
        media: assess || office,
        office,
    }
}

fn allow(yes: bool) -> Result<(), ActionError> {
    if yes {
        Ok(())
    } else {
        Err(Denied::NotInScope.into())
    }
}

/// Refuses an account that may not assess `c` on site.
pub fn may_assess(account: &Account, c: &Community) -> Result<(), ActionError> {
    allow(rights(account, c).assess)
}

/// Refuses an account that may not add or import `c`'s points (the
/// office, or the district of `c`).
pub fn may_edit_points(account: &Account, c: &Community) -> Result<(), ActionError> {
    allow(rights(account, c).points)
}

/// Refuses an account that may not record media captures for `c` (the
/// office, or an assessor of `c`).
pub fn may_add_media(account: &Account, c: &Community) -> Result<(), ActionError> {
    allow(rights(account, c).media)
}

/// The account named `name` (the console's `--as`).
pub fn account(ctx: &Ctx, name: &str) -> Result<Account, ActionError> {
    Accounts::load(ctx.archive.root())?
        .get(name)
        .cloned()
        .ok_or_else(|| {
            ActionError::Invalid(format!(
                "没有名为 {name} 的账号（用 kaoping user list 查看）"
            ))
        })
}

/// The account that records: the signed-in one, else `by` (the console's
/// `--as`).
pub(super) fn recorder<'a>(
    ctx: &Ctx<'a>,
    by: Option<&'a Account>,
) -> Result<&'a Account, ActionError> {
    ctx.account_of()
        .or(by)
        .ok_or_else(|| ActionError::Invalid("请用 --as 写明记录的账号".into()))
}

/// Runs `f` under the writer lock with community `id`, once the caller
/// may see it and `rule` lets a signed-in caller act on it.
pub(super) fn with_community<T>(
    ctx: &Ctx,
    id: &str,
    rule: fn(&Account, &Community) -> Result<(), ActionError>,
    f: impl FnOnce(&WriterLock, &Community) -> Result<T, ActionError>,
) -> Result<(Community, T), ActionError> {
    let lock = ctx.lock()?;
    let roster = ctx.roster()?;
    let c = ctx.community(&roster, id, Access::Read)?;
    if let Some(account) = ctx.account_of() {
        rule(account, c)?;
    }
    let done = f(&lock, c)?;
    Ok((c.clone(), done))
}

/// Runs `write` for community `id` under the writer lock, recorded by
/// the signed-in account or `by`, who must be an assessor of it.
pub(super) fn as_assessor<'a, T>(
    ctx: &Ctx<'a>,
    config: &Config,
    id: &str,
    by: Option<&'a Account>,
    write: impl FnOnce(field::Recording<'_>) -> Result<T, field::FieldError>,
) -> Result<(Community, T), ActionError> {
    let account = recorder(ctx, by)?;
    let checks = (&config.field, field::zone(&config.time));
    with_community(ctx, id, may_assess, |lock, community| {
        Ok(write(field::Recording {
            archive: ctx.archive,
            lock,
            catalog: Catalog::builtin(),
            checks,
            community,
            account,
        })?)
    })
}

/// Adds point `new` to community `id`.
pub fn add_point(ctx: &Ctx, id: &str, new: &NewPoint) -> Result<(Community, Point), ActionError> {
    with_community(ctx, id, may_edit_points, |lock, c| {
        Ok(point::add(ctx.archive, lock, Catalog::builtin(), c, new)?)
    })
}

/// Imports community `id`'s points from the table at `path` (all or
/// nothing).
pub fn import_points(
    ctx: &Ctx,
    id: &str,
    path: &Path,
) -> Result<(Community, Vec<Point>), ActionError> {
    with_community(ctx, id, may_edit_points, |lock, c| {
        Ok(point::import(
            ctx.archive,
            lock,
            Catalog::builtin(),
            c,
            path,
        )?)
    })
}

/// Stores one photo of a standard at a point of community `id`.
pub fn store_photo<'a>(
    ctx: &Ctx<'a>,
    config: &Config,
    id: &str,
    by: Option<&'a Account>,
    incoming: &Incoming,
) -> Result<(Community, photo::Stored), ActionError> {
    as_assessor(ctx, config, id, by, |at| photo::store(at, incoming))
}

/// Records the visit of point `point` of community `id`: its verdicts
/// and remarks (`findings`) on `date`.
pub fn record_visit<'a>(
    ctx: &Ctx<'a>,
    config: &Config,
    id: &str,
    by: Option<&'a Account>,
    what: (&str, &[Finding], NaiveDate),
) -> Result<(Community, VisitRecord), ActionError> {
    as_assessor(ctx, config, id, by, |at| visit::record(at, what))
}

/// Keeps the scanned, filled paper form `scan` of point `point`.
pub fn attach_scan<'a>(
    ctx: &Ctx<'a>,
    id: &str,
    by: Option<&'a Account>,
    point: &str,
    scan: Upload,
) -> Result<(Community, ScanRecord), ActionError> {
    let account = recorder(ctx, by)?;
    with_community(ctx, id, may_assess, |lock, c| {
        let (path, name) = (scan.path, scan.name);
        Ok(visit::attach_scan(
            ctx.archive,
            lock,
            c,
            account,
            point,
            path,
            name,
        )?)
    })
}

/// Submits the account's visits of community `id` as the sheet of its
/// level, with `base` (a sheet of the other methods) if given.
pub fn submit_visits<'a>(
    ctx: &Ctx<'a>,
    id: &str,
    by: Option<&'a Account>,
    base: Option<&Path>,
) -> Result<(Community, StoredAssessment), ActionError> {
    let account = recorder(ctx, by)?;
    with_community(ctx, id, may_assess, |lock, c| {
        let catalog = Catalog::builtin();
        Ok(visit::submit(ctx.archive, lock, catalog, c, account, base)?)
    })
}

/// Adds a 网络（媒体）调查 record with its capture (the URL is never
/// fetched).
pub fn add_media<'a>(
    ctx: &Ctx<'a>,
    id: &str,
    by: Option<&'a Account>,
    new: &NewMedia,
    capture: Upload,
) -> Result<(Community, MediaRecord), ActionError> {
    let account = recorder(ctx, by)?;
    with_community(ctx, id, may_add_media, |lock, c| {
        let catalog = Catalog::builtin();
        Ok(field::media::add(
            ctx.archive,
            lock,
            catalog,
            c,
            account,
            new,
            capture,
        )?)
    })
}

/// Imports a 网格管理平台 export under the 实地考评 `standards` (the
/// office's).
pub fn import_grid(
    ctx: &Ctx,
    id: &str,
    table: Upload,
    standards: &str,
) -> Result<(Community, GridRecord), ActionError> {
    ctx.office_only()?;
    with_community(
        ctx,
        id,
        |_, _| Ok(()),
        |lock, c| {
            let catalog = Catalog::builtin();
            let (path, name) = (table.path, table.name);
            Ok(field::grid::import(
                ctx.archive,
                lock,
                catalog,
                c,
                path,
                name,
                standards,
            )?)
        },
    )
}
