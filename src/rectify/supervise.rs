//! Overdue items and the 督办通知: which items are past their deadline and
//! not closed on a day, and the office's notice to a district naming them
//! with a new deadline.

use chrono::NaiveDate;

use super::{Item, RectifyError};
use crate::archive::Archive;
use crate::archive::lock::WriterLock;
use crate::community::Community;
use crate::config::Config;
use crate::documents::Issuer;
use crate::issuance::{self, Issued};
use crate::meter::Silent;
use crate::render::Engine;

/// Every item overdue on `today`, by community then id.
pub fn overdue(archive: &Archive, today: NaiveDate) -> Result<Vec<Item>, RectifyError> {
    let mut items: Vec<Item> = super::items(archive, None)?
        .into_iter()
        .filter(|i| i.overdue(today))
        .collect();
    items.sort_by(|a, b| a.community().cmp(b.community()).then(a.id().cmp(b.id())));
    Ok(items)
}

/// Issues a 督办通知 to `district` (name as typed) for its items overdue
/// on `today`, with the new `deadline` (after today). Refused, with no
/// number used, when nothing of the district is overdue.
#[allow(clippy::too_many_arguments)]
pub fn supervise(
    archive: &Archive,
    lock: &WriterLock,
    engine: &Engine,
    config: &Config,
    district: &str,
    deadline: NaiveDate,
    date: NaiveDate,
    today: NaiveDate,
) -> Result<Issued, RectifyError> {
    let district = crate::districts::DistrictTable::builtin()
        .find(district)?
        .name
        .clone();
    super::act::check_deadline(deadline, today)?;
    let reg = archive.communities()?;
    let items = overdue(archive, today)?;
    let mut groups: Vec<(&Community, Vec<&Item>)> = Vec::new();
    for c in reg.all().filter(|c| c.district == district) {
        let mine: Vec<&Item> = items.iter().filter(|i| i.community() == c.id).collect();
        if !mine.is_empty() {
            groups.push((c, mine));
        }
    }
    if groups.is_empty() {
        return Err(RectifyError::NothingOverdue { district, today });
    }
    let issuer = Issuer::default_of(config);
    let draft = crate::documents::supervise::build(&issuer, &district, &groups, deadline, date);
    let mut issued = issuance::issue(archive, lock, engine, vec![draft], &Silent)?;
    issued
        .pop()
        .ok_or(RectifyError::NothingOverdue { district, today })
}
