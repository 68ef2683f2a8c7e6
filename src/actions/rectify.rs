//! 整改 actions: the community answers an item and reports, the district
//! (初评) or the office re-checks, the office sends a 督办通知; and the
//! office's documents issued from the 整改 page (the 命名决定 and the
//! 考评情况通报). The steps and their rules are [`crate::rectify`]'s.

use chrono::NaiveDate;

use super::documents::{Delivery, Issuing, Making};
use super::{ActionError, Ctx};
use crate::accounts::Role;
use crate::community::Community;
use crate::rectify::act::{self, Evidence, Recheck};
use crate::rectify::{Answer, Check, Item, Reviewer};
use crate::scope::{Access, Denied};

/// Who re-checks for an account of `role`: the district (初评) or the
/// office.
pub fn reviewer_of(role: Role) -> Option<Reviewer> {
    match role {
        Role::District => Some(Reviewer::District),
        Role::Office => Some(Reviewer::Office),
        _ => None,
    }
}

/// Community `community` answers its item `item` with `text` and
/// evidence `files`.
pub fn answer(
    ctx: &Ctx,
    community: &str,
    item: &str,
    text: &str,
    files: &[Evidence],
) -> Result<Answer, ActionError> {
    let lock = ctx.lock()?;
    if ctx.account_of().is_some() {
        let roster = ctx.roster()?;
        ctx.community(&roster, community, Access::Submit)?;
    }
    Ok(act::answer(
        ctx.archive,
        &lock,
        community,
        item,
        text,
        files,
    )?)
}

/// Re-checks item `item` (of community `community`): 销号 or 退回 as `r`
/// says; an account re-checks only as its own role's reviewer.
pub fn recheck(
    ctx: &Ctx,
    community: &str,
    item: &str,
    r: Recheck,
) -> Result<(Community, Check), ActionError> {
    if let Some(a) = ctx.account_of()
        && reviewer_of(a.role) != Some(r.by)
    {
        return Err(Denied::NotInScope.into());
    }
    let lock = ctx.lock()?;
    let roster = ctx.roster()?;
    let c = ctx.community(&roster, community, Access::Read)?;
    let done = act::recheck(ctx.archive, &lock, c, item, r)?;
    Ok((c.clone(), done))
}

/// Community `id`'s 整改情况报告, dated `date`, issued and registered.
pub fn report(
    ctx: &Ctx,
    making: Making,
    id: &str,
    date: NaiveDate,
    delivery: &dyn Delivery,
) -> Result<Issuing, ActionError> {
    let roster = ctx.roster()?;
    let c = ctx.community(&roster, id, Access::Submit)?;
    super::documents::issue_with(ctx, making, delivery, &|| {
        let draft =
            crate::documents::rectify_report::draft_for(ctx.archive, making.config, c, date)?;
        Ok(vec![draft].into())
    })
}

/// What the office's 督办通知 says: to which district, the new deadline,
/// the document's date and today.
pub struct Supervision<'a> {
    /// The district.
    pub district: &'a str,
    /// The new deadline for its overdue items.
    pub deadline: NaiveDate,
    /// The document's date.
    pub date: NaiveDate,
    /// Today (items overdue by it are named).
    pub today: NaiveDate,
}

/// A community's 整改 items, as its page shows them.
#[derive(Debug)]
pub struct ItemsView {
    /// The community.
    pub community: Community,
    /// Its items.
    pub items: Vec<Item>,
    /// The caller may answer its items (the community's own side).
    pub may_answer: bool,
    /// The caller may check answers (a district or the office).
    pub may_check: bool,
}

/// Community `id`'s items, for a caller who may see it.
pub fn items(ctx: &Ctx, id: &str) -> Result<ItemsView, ActionError> {
    let roster = ctx.roster()?;
    let community = ctx.community(&roster, id, Access::Read)?.clone();
    Ok(ItemsView {
        items: crate::rectify::items(ctx.archive, Some(id))?,
        may_answer: ctx.may(&community, Access::Submit),
        may_check: ctx
            .account_of()
            .is_none_or(|a| reviewer_of(a.role).is_some()),
        community,
    })
}

/// The items of every community a reviewer (a district, the office or the
/// console) may see, with those communities; refused for other accounts.
pub fn overview(ctx: &Ctx) -> Result<(Vec<Community>, Vec<Item>), ActionError> {
    if ctx
        .account_of()
        .is_some_and(|a| reviewer_of(a.role).is_none())
    {
        return Err(Denied::NotInScope.into());
    }
    let roster = ctx.roster()?;
    let visible: Vec<Community> = ctx.seen(&roster).into_iter().cloned().collect();
    let items = crate::rectify::items(ctx.archive, None)?
        .into_iter()
        .filter(|i| visible.iter().any(|c| c.id == i.community()))
        .collect();
    Ok((visible, items))
}

/// Which evidence file of which answer: item `item`, answer `n` (from
/// 1), file `f` (from 0).
#[derive(Debug, Clone, Copy)]
pub struct EvidenceFile<'a> {
    /// The item's id.
    pub item: &'a str,
    /// The answer's version.
    pub n: u32,
    /// The file's index within the answer.
    pub f: usize,
}

/// One evidence file of an answer on community `id`'s item, for a caller
/// who may see the community: its name and bytes, checked against its
/// hash.
pub fn evidence_file(
    ctx: &Ctx,
    id: &str,
    which: EvidenceFile,
) -> Result<(String, Vec<u8>), ActionError> {
    ctx.community(&ctx.roster()?, id, Access::Read)?;
    let item = act::item_of(ctx.archive, id, which.item)?;
    let answer = item
        .answers
        .iter()
        .find(|a| a.version == which.n)
        .ok_or_else(|| {
            ActionError::NotFound(format!("整改事项 {} 没有第 {} 次答复", which.item, which.n))
        })?;
    let (name, object) = answer
        .files
        .get(which.f)
        .zip(answer.objects.get(which.f))
        .ok_or_else(|| ActionError::NotFound("这次答复没有这份证明材料".into()))?;
    let digest = crate::archive::store::Digest::from_hex(&object.sha256)
        .ok_or_else(|| ActionError::NotFound("哈希格式不对".into()))?;
    let mut bytes = Vec::new();
    ctx.archive.store().read_verified(&digest, &mut bytes)?;
    Ok((name.clone(), bytes))
}

/// The office's 督办通知 to a district about its overdue items.
pub fn supervise(
    ctx: &Ctx,
    making: Making,
    s: Supervision,
    delivery: &dyn Delivery,
) -> Result<Issuing, ActionError> {
    ctx.office_only()?;
    super::documents::issue_with(ctx, making, delivery, &|| {
        let draft = crate::documents::supervise::draft_for(
            ctx.archive,
            making.config,
            s.district,
            s.deadline,
            (s.date, s.today),
        )?;
        Ok(vec![draft].into())
    })
}

/// The office's 命名决定 of phase `phase`, dated `date`, with a
/// certificate citing it for every community named, issued as one batch
/// through `delivery` (on a shared archive, with its numbers reserved).
pub fn decide_naming(
    ctx: &Ctx,
    making: Making,
    phase: u8,
    date: NaiveDate,
    delivery: &dyn Delivery,
) -> Result<Issuing, ActionError> {
    ctx.office_only()?;
    super::documents::issue_with(ctx, making, delivery, &|| {
        Ok(crate::naming::drafts(
            ctx.archive,
            making.config,
            phase,
            date,
        )?)
    })
}

/// The office's 考评情况通报, dated `date`.
pub fn bulletin(
    ctx: &Ctx,
    making: Making,
    date: NaiveDate,
    delivery: &dyn Delivery,
) -> Result<Issuing, ActionError> {
    ctx.office_only()?;
    super::documents::issue_with(ctx, making, delivery, &|| {
        let draft = crate::documents::bulletin::draft(ctx.archive, making.config, date)?;
        Ok(vec![draft].into())
    })
}
