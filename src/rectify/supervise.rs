//! Overdue items and the 督办通知: which items are past their deadline and
//! not closed on a day, and what the office's notice to a district names
//! (its overdue items, by community).

use chrono::NaiveDate;

use super::{Item, RectifyError};
use crate::archive::Archive;
use crate::community::Community;

/// Every item overdue on `today`, by community then id.
pub fn overdue(archive: &Archive, today: NaiveDate) -> Result<Vec<Item>, RectifyError> {
    let mut items: Vec<Item> = super::items(archive, None)?
        .into_iter()
        .filter(|i| i.overdue(today))
        .collect();
    items.sort_by(|a, b| a.community().cmp(b.community()).then(a.id().cmp(b.id())));
    Ok(items)
}

/// A community and its overdue items.
pub type Overdue = (Community, Vec<Item>);

/// What a 督办通知 to `district` (name as typed) names: the district's
/// proper name and its communities with items overdue on `today`, each
/// with those items. Refused when the new `deadline` is not after today
/// or nothing of the district is overdue.
pub fn overdue_of(
    archive: &Archive,
    district: &str,
    deadline: NaiveDate,
    today: NaiveDate,
) -> Result<(String, Vec<Overdue>), RectifyError> {
    let district = crate::districts::DistrictTable::builtin()
        .find(district)?
        .name
        .clone();
    super::act::check_deadline(deadline, today)?;
    let reg = archive.communities()?;
    let mut items = overdue(archive, today)?;
    let mut groups = Vec::new();
    for c in reg.all().filter(|c| c.district == district) {
        let (mine, rest): (Vec<Item>, Vec<Item>) =
            items.into_iter().partition(|i| i.community() == c.id);
        items = rest;
        if !mine.is_empty() {
            groups.push((c.clone(), mine));
        }
    }
    if groups.is_empty() {
        return Err(RectifyError::NothingOverdue { district, today });
    }
    Ok((district, groups))
}
