//! 命名证书: the landscape certificate naming a community a pilot, with
//! its own number sequence, refused when the grade does not qualify, when
//! the community already holds one, or (without an explicit reason) when
//! its district's quota for the phase (Attachment 1) is already reached.

use chrono::NaiveDate;

use super::data::Certificate;
use super::{DocumentError, Issuer, full_name};
use crate::assessment::score::ScoreCard;
use crate::community::{Community, Roster};
use crate::districts::DistrictTable;
use crate::issuance::{Draft, Entry, IssuedRecord, Numbering};

/// Kind name in the register.
pub const KIND: crate::issuance::DocKind = crate::issuance::DocKind::Certificate;

/// The quota that applies to a community's phase, and whether it counts
/// that phase's communities only: 第一阶段 has its own figure in
/// Attachment 1, a later phase the `tasks` the office set for it; a later
/// phase whose tasks are not set is bounded by the district's total pilot
/// quota, counting every phase.
pub fn quota(community: &Community, tasks: Option<u32>) -> Option<(u32, bool)> {
    let d = DistrictTable::builtin().find(&community.district).ok()?;
    Some(match (community.batch, tasks) {
        (crate::community::Batch::First, _) => (d.phase1_quota, true),
        (_, Some(t)) => (t, true),
        (_, None) => (d.pilot_quota, false),
    })
}

/// Names already named in the same district (and, when `same_phase`, the
/// same phase), from the register.
fn named_alongside<'a>(
    community: &Community,
    communities: &'a Roster,
    register: &[Entry],
    same_phase: bool,
) -> Vec<&'a Community> {
    register
        .iter()
        .filter(|e| e.record.kind == KIND)
        .filter_map(|e| e.record.community.as_deref())
        .filter_map(|id| communities.get(id).ok())
        .filter(|c| c.district == community.district && (!same_phase || c.batch == community.batch))
        .collect()
}

/// Builds the certificate draft after the checks above.
#[allow(clippy::too_many_arguments)]
pub fn build(
    issuer: &Issuer<'_>,
    community: &Community,
    communities: &Roster,
    register: &[Entry],
    card: &ScoreCard,
    (over_quota, tasks): (Option<&str>, Option<u32>),
    date: NaiveDate,
) -> Result<Draft, DocumentError> {
    if !card.named() {
        return Err(DocumentError::NotQualified {
            id: community.id.clone(),
            name: community.name.clone(),
            total: card.total,
            grade: card.grade.name.clone(),
        });
    }
    if let Some(e) = register
        .iter()
        .find(|e| e.record.kind == KIND && e.record.community.as_deref() == Some(&community.id))
    {
        return Err(DocumentError::AlreadyNamed {
            id: community.id.clone(),
            name: community.name.clone(),
            number: e.record.number.clone(),
            date: e.record.date,
        });
    }
    let (quota, same_phase) = quota(community, tasks).unwrap_or((0, true));
    let named = named_alongside(community, communities, register, same_phase);
    let over = named.len() as u32 >= quota;
    if over && over_quota.is_none_or(|r| r.trim().is_empty()) {
        return Err(DocumentError::OverQuota {
            district: community.district.clone(),
            batch: community.batch,
            quota,
            named: named.len(),
            names: named
                .iter()
                .map(|c| c.name.as_str())
                .collect::<Vec<_>>()
                .join("、"),
            name: community.name.clone(),
        });
    }
    let honour = &issuer.config.certificate.honour;
    let name = full_name(community);
    let data = Certificate {
        title: "命名证书".into(),
        community: name.clone(),
        honour: honour.clone(),
        text: "经考评验收，你社区被命名为".into(),
        closing: "特发此证。".into(),
        signatures: issuer.names(),
        date,
    };
    let mut draft = issuer.draft(
        KIND,
        "zhengshu",
        &data.title,
        &data,
        date,
        &name,
        Some(community),
    );
    draft.meta.title = format!("{name}命名证书");
    draft.numbering = Numbering::Certificate {
        prefix: issuer.config.certificate.number_prefix.clone(),
    };
    draft.over_quota = if over {
        over_quota.map(|r| r.trim().to_string())
    } else {
        None
    };
    Ok(draft)
}

/// A placeholder register entry for a certificate drafted but not yet
/// issued, so that later communities of the same batch count it against
/// the quota.
pub fn pending(community: &Community, date: NaiveDate) -> Entry {
    Entry {
        time: String::new(),
        record: IssuedRecord {
            number: String::new(),
            sequence: crate::issuance::Sequence::Given,
            year: 0,
            serial: 0,
            kind: KIND,
            title: String::new(),
            recipient: String::new(),
            community: Some(community.id.clone()),
            district: None,
            date,
            organs: Vec::new(),
            file_name: String::new(),
            over_quota: None,
            submission: None,
            objects: Vec::new(),
            ofd: None,
            templates: Vec::new(),
            basis: None,
        },
    }
}
