//! 整改 to closure: the rectification items every 整改通知书 opens (one per
//! problem it lists), the community's answers with their evidence, the
//! re-check by the district or the office (销号 or 退回), deadlines moved
//! by a 督办通知, and each item's state read back from the log. Items live
//! only in the log (kinds `rectify-open`, `rectify-answer`,
//! `rectify-check`, `rectify-extend`); their evidence is in the object
//! store, so `verify` covers both.

pub mod act;
mod error;
pub mod supervise;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::archive::{Archive, ArchiveError};
use crate::assessment::level::Level;
use crate::catalog::Method;
use crate::event::Event;
use crate::event::IssuedRecord;

pub use crate::event::rectify::{
    Answer, Check, Extended, FollowUp, Opened, Outcome, Problem, Reviewer, Source,
};
pub use error::RectifyError;

impl Outcome {
    /// The printed name.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Closed => "已整改（销号）",
            Outcome::Returned => "退回",
        }
    }
}

impl Reviewer {
    /// The printed name.
    pub fn name(self) -> &'static str {
        match self {
            Reviewer::District => "县区初评",
            Reviewer::Office => "考评办",
        }
    }

    /// The assessment level a new assessment at closing is recorded at.
    pub fn level(self) -> Level {
        match self {
            Reviewer::District => Level::District,
            Reviewer::Office => Level::Final,
        }
    }
}

/// Where an item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Status {
    /// Opened, not answered.
    #[serde(rename = "待整改")]
    Open,
    /// Answered, waiting for the re-check.
    #[serde(rename = "已答复")]
    Answered,
    /// Closed by the re-check.
    #[serde(rename = "已销号")]
    Closed,
    /// Returned by the re-check, to be answered again.
    #[serde(rename = "已退回")]
    Returned,
    /// Past its deadline and not closed (computed, never stored).
    #[serde(rename = "逾期")]
    Overdue,
}

impl Status {
    /// The printed name.
    pub fn name(self) -> &'static str {
        match self {
            Status::Open => "待整改",
            Status::Answered => "已答复",
            Status::Closed => "已销号",
            Status::Returned => "已退回",
            Status::Overdue => "逾期",
        }
    }
}

/// Whether `problem` is the one of this standard and method (one open
/// item per problem). A 督查's problem, which has no method, is the same
/// as any method's problem of its standard.
pub fn same_problem(
    problem: &Problem,
    indicator: &str,
    standard: u32,
    method: Option<Method>,
) -> bool {
    problem.indicator.as_deref() == Some(indicator)
        && problem.standard == Some(standard)
        && (problem.method.is_none() || method.is_none() || problem.method == method)
}

/// The rectification events a registered batch sets going: the items
/// each 整改通知书 opens and the deadlines each 督办通知 moves, numbered
/// after the items already in the log. Issuance calls it while it
/// registers the batch, so the items and the documents are one write.
pub fn follow_batch(
    records: &[crate::archive::log::Record],
    issued: &[(&IssuedRecord, &FollowUp)],
) -> Vec<Event> {
    let mut next = next_serial(records);
    let items = fold(records);
    let mut events = Vec::new();
    for (record, follow) in issued {
        events.extend(follow_events(record, follow, &mut next, &items));
    }
    events
}

/// The events a registered document's follow-up writes; `next` is the
/// serial of the next item id and is advanced. A notice opens an item for
/// each problem that has no open item yet (in `items`, the log so far);
/// a problem already open keeps its item, which this notice names and
/// whose deadline it moves.
pub fn follow_events(
    record: &IssuedRecord,
    follow: &FollowUp,
    next: &mut u32,
    items: &BTreeMap<String, Item>,
) -> Vec<Event> {
    let community = record.community.clone().unwrap_or_default();
    match follow {
        FollowUp::Open { deadline, problems } => {
            let mut events = Vec::new();
            let mut kept = Vec::new();
            for p in problems {
                let open = items.values().find(|i| {
                    i.is_open()
                        && i.community() == community
                        && match (&p.indicator, p.standard) {
                            (Some(ind), Some(st)) => {
                                same_problem(&i.opened.problem, ind, st, p.method)
                            }
                            _ => false,
                        }
                });
                if let Some(i) = open {
                    kept.push(i.id().to_string());
                    continue;
                }
                let id = item_id(*next);
                *next += 1;
                events.push(Event::RectifyOpen(Opened {
                    id,
                    community: community.clone(),
                    notice: record.number.clone(),
                    deadline: *deadline,
                    problem: p.clone(),
                    source: Source::Assessment,
                }));
            }
            if !kept.is_empty() {
                events.push(Event::RectifyExtend(Extended {
                    notice: record.number.clone(),
                    items: kept,
                    deadline: *deadline,
                }));
            }
            events
        }
        FollowUp::Extend { items, deadline } => vec![Event::RectifyExtend(Extended {
            notice: record.number.clone(),
            items: items.clone(),
            deadline: *deadline,
        })],
    }
}

/// The id of the `n`th item.
pub fn item_id(n: u32) -> String {
    format!("ZG{n:03}")
}

/// The serial of the next item id after the log `records`.
pub fn next_serial(records: &[crate::archive::log::Record]) -> u32 {
    1 + records
        .iter()
        .filter(|r| matches!(r.event, Event::RectifyOpen(_)))
        .count() as u32
}

/// One item with everything that happened to it.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    /// As opened.
    pub opened: Opened,
    /// Its state (never [`Status::Overdue`]; see [`Item::status_on`]).
    pub status: Status,
    /// Its current deadline (a 督办通知 may have moved it).
    pub deadline: NaiveDate,
    /// The 督办通知 numbers that named it.
    pub supervised: Vec<String>,
    /// Its answers, oldest first.
    pub answers: Vec<Answer>,
    /// Its re-checks, oldest first.
    pub checks: Vec<Check>,
}

impl Item {
    /// The item id.
    pub fn id(&self) -> &str {
        &self.opened.id
    }

    /// The community id.
    pub fn community(&self) -> &str {
        &self.opened.community
    }

    /// Whether it is past its deadline on `today` and not closed.
    pub fn overdue(&self, today: NaiveDate) -> bool {
        self.status != Status::Closed && today > self.deadline
    }

    /// Its state as shown on `today`: 逾期 when overdue.
    pub fn status_on(&self, today: NaiveDate) -> Status {
        if self.overdue(today) {
            Status::Overdue
        } else {
            self.status
        }
    }

    /// Whether it still keeps its community from being named.
    pub fn is_open(&self) -> bool {
        self.status != Status::Closed
    }

    /// The latest answer.
    pub fn answer(&self) -> Option<&Answer> {
        self.answers.last()
    }

    /// The problem in a line: `ZG001 Ⅱ-2 标准3（实地考评，基本达标）：…`,
    /// or for a 督查's or 调研's problem `ZG004 Ⅱ-2 标准3（督查 DC001）：…`.
    pub fn summary(&self) -> String {
        let p = &self.opened.problem;
        let mut head = self.opened.id.clone();
        if let Some(ind) = &p.indicator {
            head.push(' ');
            head.push_str(ind);
        }
        if let Some(s) = p.standard {
            head.push_str(&format!(" 标准{s}"));
        }
        let how = match (p.method, p.verdict) {
            (Some(m), Some(v)) => format!("{}，{}", m.name(), v.name()),
            (Some(m), None) => m.name().to_string(),
            _ => format!("{} {}", self.opened.source.name(), self.opened.notice),
        };
        let remark = if p.remark.trim().is_empty() {
            "未达到标准要求"
        } else {
            p.remark.trim()
        };
        format!("{head}（{how}）：{remark}")
    }
}

/// Every item, by id, from the log records.
pub fn fold(records: &[crate::archive::log::Record]) -> BTreeMap<String, Item> {
    let mut items: BTreeMap<String, Item> = BTreeMap::new();
    for r in records {
        match &r.event {
            Event::RectifyOpen(o) => {
                items.insert(
                    o.id.clone(),
                    Item {
                        opened: o.clone(),
                        status: Status::Open,
                        deadline: o.deadline,
                        supervised: Vec::new(),
                        answers: Vec::new(),
                        checks: Vec::new(),
                    },
                );
            }
            Event::RectifyAnswer(a) => {
                if let Some(i) = items.get_mut(&a.id) {
                    i.status = Status::Answered;
                    i.answers.push(a.clone());
                }
            }
            Event::RectifyCheck(c) => {
                if let Some(i) = items.get_mut(&c.id) {
                    i.status = match c.outcome {
                        Outcome::Closed => Status::Closed,
                        Outcome::Returned => Status::Returned,
                    };
                    i.checks.push(c.clone());
                }
            }
            Event::RectifyExtend(e) => {
                for id in &e.items {
                    if let Some(i) = items.get_mut(id) {
                        i.deadline = e.deadline;
                        i.supervised.push(e.notice.clone());
                    }
                }
            }
            _ => {}
        }
    }
    items
}

/// Every item of the archive (of one community when given), by id.
pub fn items(archive: &Archive, community: Option<&str>) -> Result<Vec<Item>, ArchiveError> {
    let records = archive.records()?;
    Ok(fold(&records)
        .into_values()
        .filter(|i| community.is_none_or(|c| i.community() == c))
        .collect())
}

/// A community's items that keep it from being named.
pub fn open_items(archive: &Archive, community: &str) -> Result<Vec<Item>, ArchiveError> {
    Ok(items(archive, Some(community))?
        .into_iter()
        .filter(Item::is_open)
        .collect())
}

/// Counts of one community's or district's items on a day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Not closed.
    pub open: usize,
    /// Closed.
    pub closed: usize,
    /// Not closed and past the deadline.
    pub overdue: usize,
}

impl Counts {
    /// The counts of `items` on `today`.
    pub fn of<'a>(items: impl IntoIterator<Item = &'a Item>, today: NaiveDate) -> Counts {
        let mut c = Counts::default();
        for i in items {
            if i.is_open() {
                c.open += 1;
            } else {
                c.closed += 1;
            }
            if i.overdue(today) {
                c.overdue += 1;
            }
        }
        c
    }
}

#[cfg(test)]
mod tests;
