//! "Too old" judged against the visit: when an assessor finishes a point,
//! each photo of that visit has its 拍摄时间过早 flag re-evaluated against
//! the visit (the earlier of the finish time and the end of the visit's
//! day) instead of the receive time, and a changed set of flags is
//! recorded as a `field-photo-flags` event. Readers of photos apply these
//! events in log order ([`apply`]), so every page and document sees the
//! latest flags; the photo's own record is never rewritten.

use chrono::{DateTime, FixedOffset};

use super::FieldError;
use super::photo::{Flag, FlagKind, PhotoRecord};
use super::visit::VisitRecord;
use crate::archive::Archive;
use crate::archive::lock::WriterLock;
use crate::config::FieldSettings;
pub use crate::event::field::Reflag;

impl Reflag {
    fn is_of(&self, p: &PhotoRecord) -> bool {
        p.community == self.community
            && p.point == self.point
            && p.key == self.key
            && p.assessor == self.assessor
            && p.file.object.sha256 == self.sha256
    }
}

/// Applies a re-evaluation to the photo it names, if present.
pub fn apply(photos: &mut [PhotoRecord], r: &Reflag) {
    for p in photos.iter_mut().filter(|p| r.is_of(p)) {
        p.flags = r.flags.clone();
    }
}

/// The 拍摄时间过早 flag of a photo taken at `taken`, judged against
/// `reference` (`what` names it: 收到 before the visit is finished, 考评
/// after).
pub fn too_old(
    taken: DateTime<FixedOffset>,
    reference: DateTime<FixedOffset>,
    what: &str,
    s: &FieldSettings,
) -> Option<Flag> {
    (reference.signed_duration_since(taken) > chrono::Duration::days(s.max_age_days)).then(|| {
        Flag {
            kind: FlagKind::TooOld,
            detail: format!(
                "拍摄于 {}，早于考评 {} 天以上（按{}时间 {} 计）",
                taken.format("%Y-%m-%d"),
                s.max_age_days,
                what,
                reference.format("%Y-%m-%d")
            ),
        }
    })
}

/// The instant a visit is judged at: its finish time, or the end of its
/// day when the visit is dated earlier.
pub fn reference(
    visit: &VisitRecord,
    finished: &str,
    zone: FixedOffset,
) -> Option<DateTime<FixedOffset>> {
    let done = DateTime::parse_from_rfc3339(finished)
        .ok()?
        .with_timezone(&zone);
    let end = visit
        .date
        .and_hms_opt(23, 59, 59)?
        .and_local_timezone(zone)
        .single()?;
    Some(done.min(end))
}

/// Re-evaluates the photos of `visit` (finished at `finished`) and records
/// those whose flags change. Returns how many changed.
pub fn after_visit(
    archive: &Archive,
    lock: &WriterLock,
    checks: (&FieldSettings, FixedOffset),
    visit: &VisitRecord,
    finished: &str,
) -> Result<usize, FieldError> {
    let (settings, zone) = checks;
    let Some(at) = reference(visit, finished, zone) else {
        return Ok(0);
    };
    let photos = super::photo::list(archive, &visit.community)?;
    let mut events = Vec::new();
    for row in &visit.rows {
        for p in photos.iter().filter(|p| {
            p.point == visit.point
                && p.key == row.key
                && p.assessor == visit.assessor
                && row.photos.contains(&p.file.object.sha256)
        }) {
            let Some(taken) = p
                .exif
                .taken
                .as_deref()
                .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            else {
                continue;
            };
            let mut flags: Vec<Flag> = p
                .flags
                .iter()
                .filter(|f| f.kind != FlagKind::TooOld)
                .cloned()
                .collect();
            flags.extend(too_old(taken, at, "考评", settings));
            if flags != p.flags {
                events.push(crate::event::Event::FieldPhotoFlags(Reflag {
                    community: p.community.clone(),
                    point: p.point.clone(),
                    key: p.key.clone(),
                    assessor: p.assessor.clone(),
                    sha256: p.file.object.sha256.clone(),
                    reference: at.to_rfc3339(),
                    flags,
                }));
            }
        }
    }
    let n = events.len();
    if n > 0 {
        archive
            .log()
            .append_all(lock, events)
            .map_err(crate::archive::ArchiveError::from)?;
    }
    Ok(n)
}
