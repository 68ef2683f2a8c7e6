//! The documents drafted once for a district or the city, whatever the
//! scope: 进度汇总表, 申报汇总表 and 初评情况报告.

use chrono::NaiveDate;

use super::super::Issuer;
use super::{BatchError, Drafted, Kind};
use crate::archive::Archive;
use crate::config::Config;
use crate::districts::DistrictTable;

/// The one draft of `kind` when it is a district's or the city's
/// document; `None` for the kinds drafted per community.
pub(super) fn draft(
    archive: &Archive,
    config: &Config,
    issuer: &Issuer<'_>,
    kind: &Kind,
    date: NaiveDate,
) -> Result<Option<Drafted>, BatchError> {
    let drafted = match kind {
        Kind::Progress { phase } => progress(archive, issuer, *phase, date)?,
        Kind::Applications { district } => {
            applications(archive, issuer, district.as_deref(), date)?
        }
        Kind::Preliminary { district, signer } => {
            preliminary(archive, config, district, signer.as_deref(), date)?
        }
        Kind::Report | Kind::Notice { .. } | Kind::Certificate { .. } | Kind::Receipt { .. } => {
            return Ok(None);
        }
    };
    Ok(Some(drafted))
}

/// The 进度汇总表 of every district.
fn progress(
    archive: &Archive,
    issuer: &Issuer<'_>,
    phase: Option<crate::community::Batch>,
    date: NaiveDate,
) -> Result<Drafted, BatchError> {
    use super::super::progress;
    let rows = progress::from_archive_on(archive, phase, date)?;
    Ok(Drafted {
        drafts: vec![progress::build(
            issuer,
            &rows,
            &progress::over_quota(&crate::application::list(archive)?),
            &progress::level_summary(&crate::assessment::store::states(archive)?),
            phase,
            date,
        )],
        left: Vec::new(),
    })
}

/// The 申报汇总表 of `district` (the city when `None`).
fn applications(
    archive: &Archive,
    issuer: &Issuer<'_>,
    district: Option<&str>,
    date: NaiveDate,
) -> Result<Drafted, BatchError> {
    let apps: Vec<_> = crate::application::list(archive)?
        .into_iter()
        .filter(|a| district.is_none_or(|d| d == a.record.proposal.district))
        .collect();
    let usage: Vec<_> = crate::application::quota::usage(&archive.communities()?, &apps)
        .into_iter()
        .filter(|u| district.is_none_or(|d| d == u.district))
        .collect();
    let draft = super::super::applications::build(issuer, &apps, &usage, district, date);
    Ok(Drafted {
        drafts: vec![draft],
        left: Vec::new(),
    })
}

/// The 初评情况报告 of `district`: its communities' standing 初评.
fn preliminary(
    archive: &Archive,
    config: &Config,
    district: &str,
    signer: Option<&str>,
    date: NaiveDate,
) -> Result<Drafted, BatchError> {
    let name = DistrictTable::builtin().find(district)?.name.clone();
    let office = config.district_office(&name);
    let Some(signer) = signer
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .or(office.signer())
    else {
        return Err(BatchError::NoSigner { district: name });
    };
    let lines = super::super::preliminary::lines(archive, config, &name)?;
    if lines.is_empty() {
        return Err(BatchError::EmptyDistrict(name));
    }
    if lines.iter().all(|l| l.district.is_none()) {
        return Err(BatchError::NoPreliminary { district: name });
    }
    Ok(Drafted {
        drafts: vec![super::super::preliminary::build(
            config, &name, &lines, signer, date,
        )],
        left: Vec::new(),
    })
}
