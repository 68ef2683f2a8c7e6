//! Drafting a document kind for one community, a district or all: which
//! communities, which of them are left out and why, and one draft per
//! remaining community. The command line and the web pages both issue
//! what this module drafts.

use chrono::NaiveDate;

use super::{DocumentError, Issuer, certificate, notice, receipt, report};
use crate::archive::lock::WriterLock;
use crate::archive::{Archive, ArchiveError};
use crate::assessment::score::{self, ScoreCard};
use crate::assessment::store::{self, AssessmentError, StoredAssessment};
use crate::catalog::Catalog;
use crate::community::{Community, CommunityError, Roster};
use crate::config::Config;
use crate::districts::{DistrictTable, UnknownDistrict};
use crate::issuance::{self, Draft};
use crate::meter::Silent;
use crate::render::Engine;

/// Which communities a batch is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// One community, by id.
    Community(String),
    /// Every registered community of a district (name as typed).
    District(String),
    /// Every registered community.
    All,
}

impl Scope {
    /// Whether several communities may be chosen: a community that cannot
    /// have the document is then left out with a reason, not an error.
    pub fn is_batch(&self) -> bool {
        !matches!(self, Scope::Community(_))
    }
}

/// Which document to draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// 考评报告.
    Report,
    /// 整改通知书 with its 整改期限.
    Notice {
        /// The deadline for rectification.
        deadline: NaiveDate,
    },
    /// 命名证书, with the reason for naming beyond the quota, if given.
    Certificate {
        /// The office's reason for exceeding the quota.
        over_quota: Option<String>,
    },
    /// 材料提交回执 of a submission version (latest when `None`; a batch
    /// always uses the latest).
    Receipt {
        /// The version.
        version: Option<u32>,
    },
    /// 进度汇总表: one table of every district, whatever the scope; counts
    /// one phase's pilots against its task count when `phase` is given.
    Progress {
        /// Only this phase's pilots and task count.
        phase: Option<crate::community::Batch>,
    },
    /// 申报汇总表 of one district (the city when `None`).
    Applications {
        /// The district.
        district: Option<String>,
    },
    /// 初评情况报告 of one district (its name as in Attachment 1), signed
    /// by `signer` or the 签发人 in the district's `kaoping.toml` entry.
    Preliminary {
        /// The district.
        district: String,
        /// 签发人, overriding the configured one.
        signer: Option<String>,
    },
}

/// A community left out of a batch.
#[derive(Debug, Clone)]
pub struct Left {
    /// Community id.
    pub id: String,
    /// Community name.
    pub name: String,
    /// Why.
    pub reason: String,
    /// Left out because the district's quota was used up.
    pub over_quota: bool,
}

/// The drafts of a batch and who was left out.
#[derive(Debug, Default)]
pub struct Drafted {
    /// One draft per community that gets the document.
    pub drafts: Vec<Draft>,
    /// Communities left out, with reasons.
    pub left: Vec<Left>,
}

/// Why a batch cannot be drafted.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// The archive could not be read.
    #[error(transparent)]
    Archive(#[from] ArchiveError),
    /// Assessment results could not be read.
    #[error(transparent)]
    Assessment(#[from] AssessmentError),
    /// The community is not registered.
    #[error(transparent)]
    Community(#[from] CommunityError),
    /// The district is unknown.
    #[error(transparent)]
    District(#[from] UnknownDistrict),
    /// A single community cannot have the document.
    #[error(transparent)]
    Document(#[from] DocumentError),
    /// The district has no registered community.
    #[error("{0} 还没有登记任何试点社区")]
    EmptyDistrict(String),
    /// An 上行文 needs its 签发人.
    #[error(
        "初评情况报告是上行文，必须标注签发人：请在 kaoping.toml 的 [districts.\"{district}\"] 中写 signer = \"姓名\"，或生成时加 --signer 姓名"
    )]
    NoSigner {
        /// The district.
        district: String,
    },
    /// None of the district's communities has a standing 初评.
    #[error(
        "{district} 还没有任何社区提交县区初评，没有可报告的初评结果；请先完成初评（kaoping assess import --level 初评）"
    )]
    NoPreliminary {
        /// The district.
        district: String,
    },
    /// No community is registered at all.
    #[error("档案库中还没有登记任何试点社区，请先用 kaoping community add 或 import 登记")]
    NoCommunities,
    /// The notice deadline is not after the document date.
    #[error("整改期限 {deadline} 应晚于成文日期 {date}")]
    Deadline {
        /// The deadline given.
        deadline: NaiveDate,
        /// The document date.
        date: NaiveDate,
    },
    /// The document date is after today.
    #[error(
        "成文日期 {date} 是将来的日期（今天是 {today}，北京时间），公文不能预先签发；请用今天或更早的日期（--date），这次没有发文、没有占用文号"
    )]
    FutureDate {
        /// The date given.
        date: NaiveDate,
        /// Today.
        today: NaiveDate,
    },
    /// The document would be dated before the assessment it reports.
    #[error(
        "{id} 的考评日期是 {assessed}，公文的成文日期 {date} 不能早于它；请改用 --date 写考评之后的日期"
    )]
    BeforeAssessment {
        /// Community id.
        id: String,
        /// The document date.
        date: NaiveDate,
        /// The latest assessment date of its sheet.
        assessed: NaiveDate,
    },
    /// Two communities tie for the last place of a quota.
    #[error(
        "{first} 与 {second} 考评总分同为 {score} 分，争同一个任务数名额，不能由编号先后决定。请用 --community 指定要命名的社区，或加 --over-quota \"理由\" 一并命名；没有发文、没有占用编号"
    )]
    Tie {
        /// The community the order would have named.
        first: String,
        /// The one it would have left out.
        second: String,
        /// Their score.
        score: f64,
    },
    /// The drafts could not be issued.
    #[error(transparent)]
    Issue(#[from] issuance::IssueError),
    /// Nothing is left to issue; every community was left out.
    #[error("没有需要生成的公文{}", list_left(.0))]
    Nothing(Vec<Left>),
}

fn list_left(left: &[Left]) -> String {
    left.iter()
        .map(|l| format!("\n  {} {}：{}", l.id, l.name, l.reason))
        .collect()
}

/// The chosen communities.
pub fn select<'a>(reg: &'a Roster, scope: &Scope) -> Result<Vec<&'a Community>, BatchError> {
    match scope {
        Scope::Community(id) => Ok(vec![reg.get(id)?]),
        Scope::District(d) => {
            let d = DistrictTable::builtin().find(d)?;
            let list: Vec<_> = reg.all().filter(|c| c.district == d.name).collect();
            if list.is_empty() {
                return Err(BatchError::EmptyDistrict(d.name.clone()));
            }
            Ok(list)
        }
        Scope::All => {
            let list: Vec<_> = reg.all().collect();
            if list.is_empty() {
                return Err(BatchError::NoCommunities);
            }
            Ok(list)
        }
    }
}

/// Drafts `kind` for the communities of `scope`, dated `date`. In a batch
/// a community that cannot have the document is left out with its reason;
/// for a single community that reason is the error. Fails with
/// [`BatchError::Nothing`] when no draft remains.
pub fn draft(
    archive: &Archive,
    config: &Config,
    kind: &Kind,
    scope: &Scope,
    date: NaiveDate,
) -> Result<Drafted, BatchError> {
    check_dates(kind, date)?;
    let catalog = Catalog::builtin();
    let issuer = Issuer::default_of(config);
    if let Kind::Progress { phase } = kind {
        let rows = super::progress::from_archive_on(archive, *phase, date)?;
        return Ok(Drafted {
            drafts: vec![super::progress::build(
                &issuer,
                &rows,
                &super::progress::over_quota(&crate::application::list(archive)?),
                &super::progress::level_summary(&crate::assessment::store::states(archive)?),
                *phase,
                date,
            )],
            left: Vec::new(),
        });
    }
    if let Kind::Applications { district } = kind {
        let apps: Vec<_> = crate::application::list(archive)?
            .into_iter()
            .filter(|a| {
                district
                    .as_ref()
                    .is_none_or(|d| *d == a.record.proposal.district)
            })
            .collect();
        let usage: Vec<_> = crate::application::quota::usage(&archive.communities()?, &apps)
            .into_iter()
            .filter(|u| district.as_ref().is_none_or(|d| *d == u.district))
            .collect();
        let draft = super::applications::build(&issuer, &apps, &usage, district.as_deref(), date);
        return Ok(Drafted {
            drafts: vec![draft],
            left: Vec::new(),
        });
    }
    if let Kind::Preliminary { district, signer } = kind {
        return preliminary(archive, config, district, signer.as_deref(), date);
    }
    let reg = archive.communities()?;
    // Certificates count earlier ones (and earlier ones of this batch)
    // against the district quota; receipts are issued once per version.
    // The register is read once for the whole batch.
    let mut register = match kind {
        Kind::Certificate { .. } | Kind::Receipt { .. } => issuance::entries(archive)?,
        _ => Vec::new(),
    };
    let mut out = Drafted::default();
    let mut chosen = select(&reg, scope)?;
    // Naming under a quota goes by result: the best scores first.
    let scores = match kind {
        Kind::Certificate { .. } => ranked(archive, config, catalog, &mut chosen),
        _ => Default::default(),
    };
    // Naming waits for the rectification: the items are read once.
    let items = match kind {
        Kind::Certificate { .. } if config.naming.require_rectified => {
            crate::rectify::items(archive, None)?
        }
        // A notice refers to a problem's open item instead of opening a
        // second one.
        Kind::Notice { .. } => crate::rectify::items(archive, None)?,
        _ => Vec::new(),
    };
    let mut drafting = Drafting {
        archive,
        config,
        catalog,
        issuer: &issuer,
        reg: &reg,
        register: &mut register,
        items: &items,
        date,
    };
    for c in chosen {
        match drafting.one(kind, c, scope.is_batch()) {
            Ok(Some(d)) => out.drafts.push(d),
            Ok(None) => {}
            Err(e) if scope.is_batch() && leaves_out(&e) => out.left.push(Left {
                id: c.id.clone(),
                name: c.name.clone(),
                over_quota: matches!(e, BatchError::Document(DocumentError::OverQuota { .. })),
                reason: match scores.get(&c.id) {
                    Some(total) => format!("{e}（考评总分 {total}）"),
                    None => e.to_string(),
                },
            }),
            Err(e) => return Err(e),
        }
    }
    if let Kind::Certificate { .. } = kind {
        check_ties(&reg, &out, &scores)?;
    }
    if out.drafts.is_empty() {
        return Err(BatchError::Nothing(out.left));
    }
    Ok(out)
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
    let lines = super::preliminary::lines(archive, config, &name)?;
    if lines.is_empty() {
        return Err(BatchError::EmptyDistrict(name));
    }
    if lines.iter().all(|l| l.district.is_none()) {
        return Err(BatchError::NoPreliminary { district: name });
    }
    Ok(Drafted {
        drafts: vec![super::preliminary::build(
            config, &name, &lines, signer, date,
        )],
        left: Vec::new(),
    })
}

/// Refuses a date in the future and a notice whose deadline is not after
/// its date.
fn check_dates(kind: &Kind, date: NaiveDate) -> Result<(), BatchError> {
    let today = crate::dates::today();
    if date > today {
        return Err(BatchError::FutureDate { date, today });
    }
    if let Kind::Notice { deadline } = kind
        && *deadline <= date
    {
        return Err(BatchError::Deadline {
            deadline: *deadline,
            date,
        });
    }
    Ok(())
}

/// What drafting one community's document needs.
struct Drafting<'a> {
    archive: &'a Archive,
    config: &'a Config,
    catalog: &'a Catalog,
    issuer: &'a Issuer<'a>,
    reg: &'a Roster,
    /// The document register, with the certificates drafted so far.
    register: &'a mut Vec<issuance::Entry>,
    /// Rectification items (read for certificates and notices only).
    items: &'a [crate::rectify::Item],
    date: NaiveDate,
}

impl Drafting<'_> {
    /// Drafts `kind` for `c`; a receipt for a chosen version only outside
    /// a batch. `None` for the progress table, which is drafted once for
    /// every district, not per community.
    fn one(
        &mut self,
        kind: &Kind,
        c: &Community,
        batch: bool,
    ) -> Result<Option<Draft>, BatchError> {
        let (archive, catalog, date) = (self.archive, self.catalog, self.date);
        match kind {
            Kind::Progress { .. } | Kind::Applications { .. } | Kind::Preliminary { .. } => {
                return Ok(None);
            }
            Kind::Receipt { version } => {
                return receipt_draft(
                    archive,
                    self.issuer,
                    catalog,
                    self.register,
                    c,
                    version.filter(|_| !batch),
                    date,
                )
                .map(Some);
            }
            _ => {}
        }
        let (stored, card) = assessed(archive, self.config, catalog, c)?;
        dated_after(c, &stored, date)?;
        let d = match kind {
            Kind::Report => {
                let evidence = match stored.record.evidence_version {
                    0 => None,
                    v => Some(archive.manifest(&archive.submission(&c.id, Some(v))?)?),
                };
                let rule = self.config.assessment.aggregate;
                let levels = report::Levels {
                    comparison: crate::assessment::compare::compare(archive, &c.id, &stored, rule)?,
                    overrides: crate::assessment::overrule::standing(archive, &c.id)?,
                    field: field_part(archive, &c.id, &self.config.time)?,
                };
                report::build(
                    self.issuer,
                    catalog,
                    c,
                    &stored,
                    &card,
                    evidence.as_ref(),
                    &levels,
                    date,
                )
            }
            Kind::Notice { deadline } => {
                let open: Vec<&crate::rectify::Item> = self
                    .items
                    .iter()
                    .filter(|i| i.community() == c.id && i.is_open())
                    .collect();
                let when = notice::When {
                    deadline: *deadline,
                    date,
                };
                notice::build(self.issuer, catalog, c, &stored, &card, &open, when)?
            }
            Kind::Certificate { over_quota } => {
                if self.config.naming.require_rectified {
                    rectified(self.items, c)?;
                }
                let d = certificate::build(
                    self.issuer,
                    c,
                    self.reg,
                    self.register,
                    &card,
                    over_quota.as_deref(),
                    date,
                )?;
                self.register.push(certificate::pending(c, date));
                d
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

/// Sorts communities by their latest total score, best first (those
/// without results last, by id); returns the scores.
fn ranked(
    archive: &Archive,
    config: &Config,
    catalog: &Catalog,
    chosen: &mut [&Community],
) -> std::collections::BTreeMap<String, f64> {
    let scores: std::collections::BTreeMap<String, f64> = chosen
        .iter()
        .filter_map(|c| {
            let (_, card) = assessed(archive, config, catalog, c).ok()?;
            Some((c.id.clone(), card.total))
        })
        .collect();
    chosen.sort_by(|a, b| {
        let (sa, sb) = (scores.get(&a.id), scores.get(&b.id));
        sb.partial_cmp(&sa)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(|| a.id.cmp(&b.id))
    });
    scores
}

/// Refuses a naming batch where the quota runs out between two
/// communities of one district and phase with the same score: which one
/// is named is the office's decision, not the order of their ids.
fn check_ties(
    reg: &Roster,
    out: &Drafted,
    scores: &std::collections::BTreeMap<String, f64>,
) -> Result<(), BatchError> {
    let group = |id: &str| reg.get(id).ok().map(|c| (c.district.clone(), c.batch));
    for l in out.left.iter().filter(|l| l.over_quota) {
        let Some(score) = scores.get(&l.id) else {
            continue;
        };
        let tied = out.drafts.iter().find_map(|d| {
            let id = d.community.as_deref()?;
            (scores.get(id) == Some(score) && group(id) == group(&l.id)).then_some(id)
        });
        if let Some(named) = tied {
            return Err(BatchError::Tie {
                first: named.to_string(),
                second: l.id.clone(),
                score: *score,
            });
        }
    }
    Ok(())
}

/// Reasons that leave one community out of a batch rather than stop it:
/// nothing to base the document on, or the document does not apply.
fn leaves_out(e: &BatchError) -> bool {
    matches!(
        e,
        BatchError::Document(_)
            | BatchError::Archive(ArchiveError::NoSubmission { .. })
            | BatchError::Assessment(AssessmentError::NoResults { .. })
    )
}

fn assessed(
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

#[allow(clippy::too_many_arguments)]
fn receipt_draft(
    archive: &Archive,
    issuer: &Issuer<'_>,
    catalog: &Catalog,
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
    Ok(receipt::build(issuer, catalog, c, &sub, &m, date))
}

/// A submission's receipt: the one already registered, or a new one.
#[derive(Debug)]
pub struct Receipt {
    /// Its register entry.
    pub entry: issuance::Entry,
    /// Whether it was issued just now.
    pub new: bool,
}

/// The receipt of `community`'s submission `version` (latest if `None`):
/// the registered one if it exists, else issued now. The caller holds the
/// writer lock, so two requests for the same version get one receipt.
pub fn obtain_receipt(
    archive: &Archive,
    lock: &WriterLock,
    engine: &Engine,
    config: &Config,
    community: &str,
    version: Option<u32>,
    date: NaiveDate,
) -> Result<Receipt, BatchError> {
    let sub = archive.submission(community, version)?;
    let entries = issuance::entries(archive)?;
    if let Some(e) = receipt::existing(&entries, community, sub.record.version) {
        return Ok(Receipt {
            entry: e.clone(),
            new: false,
        });
    }
    let kind = Kind::Receipt {
        version: Some(sub.record.version),
    };
    let drafted = draft(
        archive,
        config,
        &kind,
        &Scope::Community(community.into()),
        date,
    )?;
    let issued = issuance::issue(
        archive,
        lock,
        engine,
        drafted.drafts,
        &Silent,
        &crate::rectify::follow_batch,
    )?;
    let entry = issuance::entries(archive)?
        .into_iter()
        .rev()
        .find(|e| issued.iter().any(|d| d.record.number == e.record.number))
        .ok_or(BatchError::Nothing(Vec::new()))?;
    Ok(Receipt { entry, new: true })
}

/// The field evidence of a community's report.
fn field_part(
    archive: &Archive,
    community: &str,
    time: &crate::config::TimeSettings,
) -> Result<super::field_evidence::FieldPart, crate::archive::ArchiveError> {
    use crate::field::FieldError;
    super::field_evidence::FieldPart::load(archive, community, time).map_err(|e| match e {
        FieldError::Archive(a) => a,
        other => crate::archive::ArchiveError::Corrupt {
            path: archive.root().to_path_buf(),
            reason: other.to_string(),
        },
    })
}
