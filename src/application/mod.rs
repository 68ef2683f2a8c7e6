//! 申报: districts recommend pilot communities to the office (工作步骤 1),
//! within the task numbers of Attachment 1; the office approves each one
//! (it becomes a registered pilot community, linked to its application) or
//! returns it with a reason. Applications and decisions are typed events
//! in the archive's log; the state of each is read back from them.

pub mod quota;
pub mod sheet;
pub mod view;

use serde::Serialize;

use crate::archive::lock::WriterLock;
use crate::archive::{Archive, ArchiveError};
use crate::community::{Community, CommunityError};
use crate::event::Event;
pub use crate::event::application::{ApplicationRecord, Decision, DecisionRecord, Proposal};

/// Where an application stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Status {
    /// Waiting for the office.
    #[serde(rename = "待审核")]
    Pending,
    /// Approved and registered.
    #[serde(rename = "已批准")]
    Approved,
    /// Returned to the district.
    #[serde(rename = "已退回")]
    Returned,
}

impl Status {
    /// The printed name.
    pub fn name(self) -> &'static str {
        match self {
            Status::Pending => "待审核",
            Status::Approved => "已批准",
            Status::Returned => "已退回",
        }
    }
}

/// An application with its state.
#[derive(Debug, Clone, Serialize)]
pub struct Application {
    /// The application.
    #[serde(flatten)]
    pub record: ApplicationRecord,
    /// When it was received (RFC 3339, UTC).
    pub time: String,
    /// Who handed it in (web account), if known.
    pub by: Option<String>,
    /// Its state.
    pub status: Status,
    /// The decision, once there is one.
    pub decision: Option<Decision>,
}

/// Why an application or a decision was refused.
#[derive(Debug, thiserror::Error)]
pub enum ApplicationError {
    /// A field is invalid.
    #[error("{field}“{value}”无效：{fix}")]
    Invalid {
        /// The field's Chinese name.
        field: &'static str,
        /// What was given.
        value: String,
        /// How to fix it.
        fix: String,
    },
    /// No application has this number.
    #[error("没有第 {0} 号申报；用 kaoping apply list 查看全部申报")]
    Unknown(u32),
    /// The application was decided already.
    #[error("第 {number} 号申报已经{}，不能再审核；如需改变，请让县区重新申报", status.name().trim_start_matches('已'))]
    Decided {
        /// The application.
        number: u32,
        /// Its state.
        status: Status,
    },
    /// Approving would exceed a task number and no reason was given.
    #[error(
        "{0}。如确需超出任务数批准，请用 --over-quota 写明理由（理由记入日志，并在申报汇总中列出）"
    )]
    OverQuota(quota::Overrun),
    /// A later phase's application while the office has not set the
    /// phase's tasks.
    #[error(transparent)]
    PhaseNotSet(crate::phases::PhaseError),
    /// The community could not be registered.
    #[error(transparent)]
    Community(#[from] CommunityError),
    /// Archive problem.
    #[error(transparent)]
    Archive(#[from] ArchiveError),
}

impl Proposal {
    /// Checks a proposal as typed: a known district, a name that can be a
    /// community's, a reason.
    pub fn new(
        district: &str,
        name: &str,
        kind: &str,
        batch: &str,
        reason: &str,
    ) -> Result<Proposal, ApplicationError> {
        let district = crate::community::district_name(district)?;
        // The community rules for name, type and batch, with a placeholder id.
        let c = Community::new("X", name, &district, kind, batch)?;
        if reason.trim().is_empty() {
            return Err(ApplicationError::Invalid {
                field: "推荐理由",
                value: String::new(),
                fix: "请写明推荐这个社区作为试点的理由".into(),
            });
        }
        Ok(Proposal {
            district,
            name: c.name,
            kind: c.kind,
            batch: c.batch,
            street: None,
            households: None,
            facility_area: None,
            situation: String::new(),
            reason: reason.trim().to_string(),
        })
    }
}

impl Proposal {
    /// The same proposal in the 街道（乡镇） `street` (as typed; empty
    /// means none given).
    pub fn in_street(mut self, street: &str) -> Result<Proposal, ApplicationError> {
        self.street = crate::community::street::check(street)?;
        Ok(self)
    }
}

/// Every application with its state, in the order received.
pub fn list(archive: &Archive) -> Result<Vec<Application>, ArchiveError> {
    let mut out: Vec<Application> = Vec::new();
    for rec in archive.records()?.iter() {
        match &rec.event {
            Event::Application(a) => out.push(Application {
                record: a.clone(),
                time: rec.time.clone(),
                by: rec.account.clone(),
                status: Status::Pending,
                decision: None,
            }),
            Event::ApplicationDecision(d) => {
                if let Some(app) = out.iter_mut().find(|a| a.record.number == d.number) {
                    app.status = match d.decision {
                        Decision::Approved { .. } => Status::Approved,
                        Decision::Returned { .. } => Status::Returned,
                    };
                    app.decision = Some(d.decision.clone());
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

/// Records `proposals` as new applications, numbered after the last one,
/// all in one write. The caller holds the writer lock.
pub fn submit(
    archive: &Archive,
    lock: &WriterLock,
    proposals: Vec<Proposal>,
) -> Result<Vec<ApplicationRecord>, ApplicationError> {
    let next = list(archive)?.last().map_or(1, |a| a.record.number + 1);
    let records: Vec<ApplicationRecord> = proposals
        .into_iter()
        .zip(next..)
        .map(|(proposal, number)| ApplicationRecord { number, proposal })
        .collect();
    let events = records.iter().cloned().map(Event::Application).collect();
    archive
        .log()
        .append_all(lock, events)
        .map_err(ArchiveError::from)?;
    Ok(records)
}

fn pending(archive: &Archive, number: u32) -> Result<Application, ApplicationError> {
    let app = list(archive)?
        .into_iter()
        .find(|a| a.record.number == number)
        .ok_or(ApplicationError::Unknown(number))?;
    match app.status {
        Status::Pending => Ok(app),
        status => Err(ApplicationError::Decided { number, status }),
    }
}

/// Approves application `number` as pilot community `id`: registers it
/// (refused beyond the district's task numbers unless `over_quota` gives a
/// reason) and logs the decision. The caller holds the writer lock.
pub fn approve(
    archive: &Archive,
    lock: &WriterLock,
    number: u32,
    id: &str,
    over_quota: Option<&str>,
) -> Result<Community, ApplicationError> {
    let app = pending(archive, number)?;
    let p = &app.record.proposal;
    let community = Community::new(id, &p.name, &p.district, p.kind.name(), p.batch.name())?
        .in_street(p.street.as_deref().unwrap_or(""))?;
    let mut roster = archive.communities()?;
    let reason = over_quota.map(str::trim).filter(|r| !r.is_empty());
    let phases = crate::phases::latest(archive)?;
    let overrun = quota::overrun(&roster, &community, phases.as_ref())
        .map_err(ApplicationError::PhaseNotSet)?;
    if let Some(overrun) = overrun
        && reason.is_none()
    {
        return Err(ApplicationError::OverQuota(overrun));
    }
    if !roster.add(community.clone())? {
        return Err(CommunityError::Duplicate {
            id: community.id.clone(),
            existing: community.name.clone(),
        }
        .into());
    }
    roster.save(archive.root())?;
    let decision = Decision::Approved {
        community: community.id.clone(),
        over_quota: reason.map(String::from),
    };
    log_decision(archive, lock, number, decision)?;
    Ok(community)
}

/// Returns application `number` to its district with `reason`.
pub fn send_back(
    archive: &Archive,
    lock: &WriterLock,
    number: u32,
    reason: &str,
) -> Result<(), ApplicationError> {
    pending(archive, number)?;
    if reason.trim().is_empty() {
        return Err(ApplicationError::Invalid {
            field: "退回理由",
            value: String::new(),
            fix: "请写明退回的理由，县区据此修改后重新申报".into(),
        });
    }
    let decision = Decision::Returned {
        reason: reason.trim().to_string(),
    };
    log_decision(archive, lock, number, decision)
}

fn log_decision(
    archive: &Archive,
    lock: &WriterLock,
    number: u32,
    decision: Decision,
) -> Result<(), ApplicationError> {
    let event = Event::ApplicationDecision(DecisionRecord { number, decision });
    archive
        .log()
        .append(lock, event)
        .map_err(ArchiveError::from)?;
    Ok(())
}
