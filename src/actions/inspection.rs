//! 督查 and 调研 actions: the office records a 专项督查 or a 调研, a
//! district a 调研 of its own communities; the office lists them all, a
//! district those of its own district; the office issues the
//! 督查情况通报. What a record must hold is [`crate::inspection`]'s.

use chrono::NaiveDate;

use super::documents::{Delivery, Issuing, Making};
use super::{ActionError, Ctx};
use crate::accounts::{Accounts, Role};
use crate::catalog::Catalog;
use crate::inspection::record::{self, NewInspection, Recorder, Registers};
use crate::inspection::{self, Inspection, InspectionError, InspectionRecord};
use crate::scope::Denied;

/// Who may record, as what.
fn recorder<'a>(ctx: &Ctx<'a>) -> Result<Recorder<'a>, ActionError> {
    match ctx.account_of() {
        None => Ok(Recorder::Office),
        Some(a) if a.role == Role::Office => Ok(Recorder::Office),
        Some(a) if a.role == Role::District => match a.district.as_deref() {
            Some(d) => Ok(Recorder::District(d)),
            None => Err(Denied::NotInScope.into()),
        },
        Some(_) => Err(Denied::NotInScope.into()),
    }
}

/// Refuses a caller who may not record any 督查 or 调研 (before a form
/// is read).
pub fn may_record(ctx: &Ctx) -> Result<(), ActionError> {
    recorder(ctx).map(|_| ())
}

/// Records a 督查 or 调研 and opens an item for each problem it found.
pub fn add(ctx: &Ctx, mut new: NewInspection) -> Result<InspectionRecord, ActionError> {
    let recorder = recorder(ctx)?;
    let lock = ctx.lock()?;
    let roster = ctx.roster()?;
    let accounts = Accounts::load(ctx.archive.root())?;
    let reg = Registers {
        roster: &roster,
        accounts: &accounts,
        catalog: Catalog::builtin(),
        today: crate::dates::today(),
    };
    record::check(&mut new, &reg, recorder)?;
    Ok(record::record(ctx.archive, &lock, new)?)
}

/// The 督查 and 调研 the caller may see, oldest first: all for the office;
/// for a district, those covering it, with only its own communities'
/// findings and items.
pub fn list(ctx: &Ctx) -> Result<Vec<Inspection>, ActionError> {
    let recorder = recorder(ctx)?;
    let all = inspection::all(ctx.archive)?;
    let Recorder::District(own) = recorder else {
        return Ok(all);
    };
    let roster = ctx.roster()?;
    let mine = |id: &str| roster.get(id).is_ok_and(|c| c.district == own);
    Ok(all
        .into_iter()
        .filter(|i| i.record.districts.iter().any(|d| d == own))
        .map(|mut i| {
            i.record.communities.retain(|c| mine(c));
            i.record.findings.retain(|f| mine(&f.community));
            i.record.districts.retain(|d| d == own);
            i.items.retain(|it| mine(it.community()));
            i
        })
        .collect())
}

/// The office's 督查情况通报 of the records `ids` (the latest 专项督查
/// when none is named), dated `date`, through `delivery`.
pub fn report(
    ctx: &Ctx,
    making: Making,
    ids: &[String],
    date: NaiveDate,
    delivery: &dyn Delivery,
) -> Result<Issuing, ActionError> {
    ctx.office_only()?;
    super::documents::issue_with(ctx, making, delivery, &|| {
        Ok(vec![report_draft(ctx, making, ids, date)?].into())
    })
}

/// The 督查通报's draft of `ids` (the latest 专项督查 when empty) as the
/// archive stands.
fn report_draft(
    ctx: &Ctx,
    making: Making,
    ids: &[String],
    date: NaiveDate,
) -> Result<crate::issuance::Draft, ActionError> {
    let all = inspection::all(ctx.archive)?;
    let chosen: Vec<&Inspection> = if ids.is_empty() {
        all.iter()
            .rev()
            .find(|i| i.record.kind == inspection::InspectionKind::Special)
            .into_iter()
            .collect()
    } else {
        ids.iter()
            .map(|id| {
                all.iter()
                    .find(|i| i.id() == id.trim())
                    .ok_or_else(|| InspectionError::Unknown { id: id.clone() })
            })
            .collect::<Result<_, _>>()?
    };
    if chosen.is_empty() {
        return Err(ActionError::Invalid(
            "还没有记录任何专项督查，没有可以通报的内容；请先用 kaoping inspection add 记录".into(),
        ));
    }
    if let Some(late) = chosen.iter().find(|i| i.record.date > date) {
        return Err(ActionError::Invalid(format!(
            "{} 的日期 {} 晚于通报的成文日期 {date}；请改正成文日期",
            late.id(),
            late.record.date
        )));
    }
    let roster = ctx.roster()?;
    let units = crate::units::load(ctx.archive.root())?;
    let issuer = crate::documents::Issuer::default_of(making.config);
    Ok(crate::documents::inspection::build(
        &issuer,
        &chosen,
        (&roster, &units),
        date,
    ))
}
