//! Drafting a document kind for one community, a district or all: which
//! communities, which of them are left out and why, and one draft per
//! remaining community. The command line and the web pages both issue
//! what this module drafts.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::{DocumentError, Issuer};
use crate::archive::{Archive, ArchiveError};
use crate::assessment::store::AssessmentError;
use crate::catalog::Catalog;
use crate::community::{Community, CommunityError, Roster};
use crate::config::Config;
use crate::districts::{DistrictTable, UnknownDistrict};
use crate::issuance::{self, Draft};

mod naming;
mod obtain;
mod one;
mod whole;

pub use obtain::{Receipt, obtain_receipt};

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

impl From<Vec<Draft>> for Drafted {
    /// Drafts made for no community in particular: none is left out.
    fn from(drafts: Vec<Draft>) -> Drafted {
        Drafted {
            drafts,
            left: Vec::new(),
        }
    }
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
    let issuer = Issuer::default_of(config);
    if let Some(drafted) = whole::draft(archive, config, &issuer, kind, date)? {
        return Ok(drafted);
    }
    per_community(archive, config, &issuer, kind, scope, date)
}

/// One draft per chosen community, the others left out with reasons.
fn per_community(
    archive: &Archive,
    config: &Config,
    issuer: &Issuer<'_>,
    kind: &Kind,
    scope: &Scope,
    date: NaiveDate,
) -> Result<Drafted, BatchError> {
    let catalog = Catalog::builtin();
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
        Kind::Certificate { .. } => naming::ranked(archive, config, catalog, &mut chosen),
        _ => Default::default(),
    };
    let items = items_for(archive, config, kind)?;
    let mut drafting = one::Drafting {
        archive,
        config,
        catalog,
        issuer,
        reg: &reg,
        register: &mut register,
        items: &items,
        date,
    };
    for c in chosen {
        match drafting.one(kind, c, scope.is_batch()) {
            Ok(Some(d)) => out.drafts.push(d),
            Ok(None) => {}
            Err(e) if scope.is_batch() && leaves_out(&e) => out.left.push(left(c, &e, &scores)),
            Err(e) => return Err(e),
        }
    }
    if let Kind::Certificate { .. } = kind {
        naming::check_ties(&reg, &out, &scores)?;
    }
    if out.drafts.is_empty() {
        return Err(BatchError::Nothing(out.left));
    }
    Ok(out)
}

/// The rectification items `kind` needs, read once for the batch.
fn items_for(
    archive: &Archive,
    config: &Config,
    kind: &Kind,
) -> Result<Vec<crate::rectify::Item>, BatchError> {
    Ok(match kind {
        // Naming waits for the rectification.
        Kind::Certificate { .. } if config.naming.require_rectified => {
            crate::rectify::items(archive, None)?
        }
        // A notice refers to a problem's open item instead of opening a
        // second one.
        Kind::Notice { .. } => crate::rectify::items(archive, None)?,
        _ => Vec::new(),
    })
}

/// `c` left out of the batch because of `e`, with its score if it has one.
fn left(c: &Community, e: &BatchError, scores: &BTreeMap<String, f64>) -> Left {
    Left {
        id: c.id.clone(),
        name: c.name.clone(),
        over_quota: matches!(e, BatchError::Document(DocumentError::OverQuota { .. })),
        reason: match scores.get(&c.id) {
            Some(total) => format!("{e}（考评总分 {total}）"),
            None => e.to_string(),
        },
    }
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
