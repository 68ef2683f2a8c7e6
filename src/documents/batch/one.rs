//! Drafting one community's document: its latest result, the check that
//! the document is not dated before it, and what each kind needs besides.

use chrono::NaiveDate;

use super::super::{DocumentError, Issuer, certificate, notice, receipt, report};
use super::{BatchError, Kind};
use crate::archive::Archive;
use crate::assessment::score::{self, ScoreCard};
use crate::assessment::store::{self, StoredAssessment};
use crate::catalog::Catalog;
use crate::community::{Community, Roster};
use crate::config::Config;
use crate::issuance::{self, Draft};

/// What drafting one community's document needs.
pub(super) struct Drafting<'a> {
    pub(super) archive: &'a Archive,
    pub(super) config: &'a Config,
    pub(super) catalog: &'a Catalog,
    pub(super) issuer: &'a Issuer<'a>,
    pub(super) reg: &'a Roster,
    /// The document register, with the certificates drafted so far.
    pub(super) register: &'a mut Vec<issuance::Entry>,
    /// Rectification items (read for certificates and notices only).
    pub(super) items: &'a [crate::rectify::Item],
    pub(super) date: NaiveDate,
}

impl Drafting<'_> {
    /// Drafts `kind` for `c`; a receipt for a chosen version only outside
    /// a batch. `None` for the progress table, which is drafted once for
    /// every district, not per community.
    pub(super) fn one(
        &mut self,
        kind: &Kind,
        c: &Community,
        batch: bool,
    ) -> Result<Option<Draft>, BatchError> {
        match kind {
            Kind::Progress { .. } | Kind::Applications { .. } | Kind::Preliminary { .. } => {
                return Ok(None);
            }
            Kind::Receipt { version } => {
                return receipt_draft(
                    self.archive,
                    self.issuer,
                    self.register,
                    c,
                    version.filter(|_| !batch),
                    self.date,
                )
                .map(Some);
            }
            _ => {}
        }
        let (stored, card) = assessed(self.archive, self.config, self.catalog, c)?;
        dated_after(c, &stored, self.date)?;
        let d = match kind {
            Kind::Report => self.report(c, &stored, &card)?,
            Kind::Notice { deadline } => self.notice(c, &stored, &card, *deadline)?,
            Kind::Certificate { over_quota } => {
                self.certificate(c, &card, over_quota.as_deref())?
            }
            Kind::Receipt { .. }
            | Kind::Progress { .. }
            | Kind::Applications { .. }
            | Kind::Preliminary { .. } => {
                return Ok(None);
            }
        };
        Ok(Some(d))
    }

    /// The 考评报告 with the evidence, the levels compared, the office's
    /// overrides and the field evidence.
    fn report(
        &self,
        c: &Community,
        stored: &StoredAssessment,
        card: &ScoreCard,
    ) -> Result<Draft, BatchError> {
        let archive = self.archive;
        let evidence = match stored.record.evidence_version {
            0 => None,
            v => Some(archive.manifest(&archive.submission(&c.id, Some(v))?)?),
        };
        let rule = self.config.assessment.aggregate;
        let levels = report::Levels {
            comparison: crate::assessment::compare::compare(archive, &c.id, stored, rule)?,
            overrides: crate::assessment::overrule::standing(archive, &c.id)?,
            field: field_part(archive, &c.id, &self.config.time)?,
            street: crate::streets::shared_of(archive, c)?,
        };
        Ok(report::build(
            self.issuer,
            self.catalog,
            c,
            stored,
            card,
            evidence.as_ref(),
            &levels,
            self.date,
        ))
    }

    /// The 整改通知书, referring to the community's items still open.
    fn notice(
        &self,
        c: &Community,
        stored: &StoredAssessment,
        card: &ScoreCard,
        deadline: NaiveDate,
    ) -> Result<Draft, BatchError> {
        let open: Vec<&crate::rectify::Item> = self
            .items
            .iter()
            .filter(|i| i.community() == c.id && i.is_open())
            .collect();
        let when = notice::When {
            deadline,
            date: self.date,
        };
        Ok(notice::build(
            self.issuer,
            self.catalog,
            c,
            stored,
            card,
            &open,
            when,
        )?)
    }

    /// The 命名证书, counted in the register for the rest of the batch.
    fn certificate(
        &mut self,
        c: &Community,
        card: &ScoreCard,
        over_quota: Option<&str>,
    ) -> Result<Draft, BatchError> {
        if self.config.naming.require_rectified {
            rectified(self.items, c)?;
        }
        // A later phase's own task count, once the office has set it
        // (第一阶段's is Attachment 1's: no need to read the log).
        let set = match c.batch {
            crate::community::Batch::First => None,
            _ => crate::phases::latest(self.archive)?,
        };
        let tasks = crate::phases::tasks(set.as_ref(), c.batch, &c.district);
        let d = certificate::build(
            self.issuer,
            c,
            self.reg,
            self.register,
            card,
            (over_quota, tasks),
            self.date,
        )?;
        self.register.push(certificate::pending(c, self.date));
        Ok(d)
    }
}

/// Refuses naming a community with rectification items not closed.
fn rectified(items: &[crate::rectify::Item], c: &Community) -> Result<(), BatchError> {
    let open: Vec<_> = items
        .iter()
        .filter(|i| i.community() == c.id && i.is_open())
        .collect();
    if open.is_empty() {
        return Ok(());
    }
    Err(DocumentError::OpenItems {
        id: c.id.clone(),
        name: c.name.clone(),
        count: open.len(),
        items: open
            .iter()
            .map(|i| format!("{}（{}）", i.summary(), i.status.name()))
            .collect::<Vec<_>>()
            .join("\n    "),
    }
    .into())
}

/// The latest result of `c` and its score card.
pub(super) fn assessed(
    archive: &Archive,
    config: &Config,
    catalog: &Catalog,
    c: &Community,
) -> Result<(StoredAssessment, ScoreCard), BatchError> {
    let stored = store::latest(archive, &c.id)?;
    let card = score::score(&stored.assessment, catalog, config);
    Ok((stored, card))
}

/// Refuses a document dated before the assessment it reports on.
fn dated_after(
    c: &Community,
    stored: &StoredAssessment,
    date: NaiveDate,
) -> Result<(), BatchError> {
    match stored
        .assessment
        .results
        .iter()
        .filter_map(|r| r.date)
        .max()
    {
        Some(assessed) if assessed > date => Err(BatchError::BeforeAssessment {
            id: c.id.clone(),
            date,
            assessed,
        }),
        _ => Ok(()),
    }
}

fn receipt_draft(
    archive: &Archive,
    issuer: &Issuer<'_>,
    register: &[issuance::Entry],
    c: &Community,
    version: Option<u32>,
    date: NaiveDate,
) -> Result<Draft, BatchError> {
    let sub = archive.submission(&c.id, version)?;
    if let Some(e) = receipt::existing(register, &c.id, sub.record.version) {
        return Err(DocumentError::ReceiptExists {
            id: c.id.clone(),
            name: c.name.clone(),
            version: sub.record.version,
            number: e.record.number.clone(),
            date: e.record.date,
        }
        .into());
    }
    let m = archive.manifest(&sub)?;
    // What the 街道 handed in counts: a standard it covers is not missing.
    let cov = crate::streets::coverage(archive, &m)?;
    Ok(receipt::build(issuer, c, (&sub, &m, &cov), date))
}

/// The field evidence of a community's report.
fn field_part(
    archive: &Archive,
    community: &str,
    time: &crate::config::TimeSettings,
) -> Result<super::super::field_evidence::FieldPart, crate::archive::ArchiveError> {
    use crate::field::FieldError;
    super::super::field_evidence::FieldPart::load(archive, community, time).map_err(|e| match e {
        FieldError::Archive(a) => a,
        other => crate::archive::ArchiveError::Corrupt {
            path: archive.root().to_path_buf(),
            reason: other.to_string(),
        },
    })
}
