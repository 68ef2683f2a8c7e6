//! 总结命名 (工作步骤 4): the 命名决定 of a phase and the certificates issued
//! under it, in one register write. Who qualifies is what the certificate
//! batch decides (the grade rule, `[naming] require_rectified`, the
//! Attachment 1 quotas); the decision names exactly those.

use chrono::NaiveDate;

use crate::archive::Archive;
use crate::archive::lock::WriterLock;
use crate::community::Batch;
use crate::config::Config;
use crate::documents::Issuer;
use crate::documents::batch::{self, BatchError, Drafted, Kind, Left, Scope};
use crate::documents::decision::{self, Named};
use crate::issuance::{self, Issued};
use crate::meter::Meter;
use crate::render::Engine;

/// Why no decision was issued.
#[derive(Debug, thiserror::Error)]
pub enum NamingError {
    /// Drafting failed.
    #[error(transparent)]
    Batch(#[from] BatchError),
    /// Issuing failed.
    #[error(transparent)]
    Issue(#[from] issuance::IssueError),
    /// The phase is not 1, 2 or 3.
    #[error("没有第 {0} 阶段；--phase 只能是 1、2 或 3")]
    Phase(u8),
    /// No community of the phase qualifies.
    #[error("{batch}没有可以命名的社区，没有发文、没有占用文号{}", list(.left))]
    NoQualifying {
        /// The phase as printed.
        batch: String,
        /// Those left out, with reasons.
        left: Vec<Left>,
    },
}

fn list(left: &[Left]) -> String {
    left.iter()
        .map(|l| format!("\n  {} {}：{}", l.id, l.name, l.reason))
        .collect()
}

/// The batch of communities phase `n` names.
pub fn phase(n: u8) -> Result<Batch, NamingError> {
    match n {
        1 => Ok(Batch::First),
        2 => Ok(Batch::Second),
        3 => Ok(Batch::Third),
        _ => Err(NamingError::Phase(n)),
    }
}

/// The decision and its certificates, and who was left out.
#[derive(Debug)]
pub struct Decided {
    /// The decision first, then the certificates.
    pub issued: Vec<Issued>,
    /// Communities of the phase not named, with reasons.
    pub left: Vec<Left>,
}

/// Issues the 命名决定 of phase `n` and a certificate citing it for every
/// community of the phase that qualifies ([`drafts`]), under `lock`.
/// Nothing is issued (and no number used) when none does.
pub fn decide(
    archive: &Archive,
    lock: &WriterLock,
    engine: &Engine,
    config: &Config,
    n: u8,
    date: NaiveDate,
    progress: &dyn Meter,
) -> Result<Decided, NamingError> {
    let drafted = drafts(archive, config, n, date)?;
    let issued = crate::documents::issue(archive, lock, engine, drafted.drafts, progress)?;
    Ok(Decided {
        issued,
        left: drafted.left,
    })
}

/// The drafts of phase `n`'s 命名决定 and of a certificate citing it for
/// every community of the phase that qualifies (the decision first, the
/// certificates in the order of Attachment 1's districts), and the
/// communities of the phase left out; refused when none qualifies.
pub fn drafts(
    archive: &Archive,
    config: &Config,
    n: u8,
    date: NaiveDate,
) -> Result<Drafted, NamingError> {
    let batch = phase(n)?;
    let reg = archive.communities().map_err(BatchError::from)?;
    let in_phase = |id: &str| reg.get(id).is_ok_and(|c| c.batch == batch);
    let kind = Kind::Certificate { over_quota: None };
    let (drafts, left) = match batch::draft(archive, config, &kind, &Scope::All, date) {
        Ok(d) => (d.drafts, d.left),
        Err(BatchError::Nothing(left)) => (Vec::new(), left),
        Err(e) => return Err(e.into()),
    };
    let left: Vec<Left> = left.into_iter().filter(|l| in_phase(&l.id)).collect();
    let mut certs: Vec<_> = drafts
        .into_iter()
        .filter(|d| d.community.as_deref().is_some_and(in_phase))
        .collect();
    if certs.is_empty() {
        return Err(NamingError::NoQualifying {
            batch: decision::phase_name(n),
            left,
        });
    }
    let order = |id: &str| {
        reg.get(id).map_or((usize::MAX, String::new()), |c| {
            let d = crate::districts::DistrictTable::builtin()
                .districts
                .iter()
                .position(|x| x.name == c.district)
                .unwrap_or(usize::MAX);
            (d, c.id.clone())
        })
    };
    certs.sort_by_key(|d| order(d.community.as_deref().unwrap_or("")));
    let mut named: Vec<Named<'_>> = Vec::new();
    for d in &certs {
        let Some(c) = d.community.as_deref().and_then(|id| reg.get(id).ok()) else {
            continue;
        };
        let stored = crate::assessment::store::latest(archive, &c.id).map_err(BatchError::from)?;
        let card = crate::assessment::score::score(
            &stored.assessment,
            crate::catalog::Catalog::builtin(),
            config,
        );
        named.push(Named {
            community: c,
            grade: card.grade.name.clone(),
        });
    }
    let issuer = Issuer::default_of(config);
    let mut drafts = vec![decision::build(&issuer, n, &named, date)];
    for c in &mut certs {
        c.cites = Some(0);
    }
    drafts.extend(certs);
    Ok(Drafted { drafts, left })
}
