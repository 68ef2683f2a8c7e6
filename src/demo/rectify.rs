//! The demo's 整改 and 命名, in the real order: the community that needs
//! rectification answers every item with evidence, reports, and its
//! district closes the items; the 命名决定 then names those that qualify,
//! with their certificates; the community that never rectifies is past its
//! deadline and its district gets a 督办通知; the 考评情况通报 closes.

use std::path::Path;

use chrono::{Days, NaiveDate};

use super::{DemoError, io};
use crate::archive::Archive;
use crate::archive::lock::WriterLock;
use crate::config::Config;
use crate::issuance::Issued;
use crate::meter::Meter;
use crate::rectify::{self, Outcome, Reviewer, act};
use crate::render::Engine;

/// The community that rectifies, and the one that stays overdue.
const RECTIFIES: &str = "PL-002";
const OVERDUE_DISTRICT: &str = "呈贡区";

/// Days from the notices to the report, the decision and the 督办.
const REPORT_AFTER: u64 = 6;
const DECISION_AFTER: u64 = 11;
const SUPERVISE_AFTER: u64 = 3;

/// Runs the steps after the notices (dated `date`, deadline `deadline`):
/// the documents issued, and the date of the last one.
/// The demo's clock moves to each step's day.
pub(super) fn run(
    archive: &Archive,
    lock: &WriterLock,
    (engine, config, story): (&Engine, &Config, &crate::clock::Story),
    dir: &Path,
    (date, deadline): (NaiveDate, NaiveDate),
    progress: &dyn Meter,
) -> Result<(Vec<Issued>, NaiveDate), DemoError> {
    let mut issued = Vec::new();
    let reg = archive.communities()?;
    let c = reg.get(RECTIFIES)?;
    let evidence = dir.join(format!("{}-{}-整改照片.txt", c.id, c.name));
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    std::fs::write(&evidence, format!("{} 整改后现场照片说明", c.name)).map_err(io(&evidence))?;
    // Items closed already (a 督查's, during creation) need nothing more.
    let items: Vec<_> = rectify::items(archive, Some(&c.id))?
        .into_iter()
        .filter(rectify::Item::is_open)
        .collect();
    let on = |n| date + Days::new(n);
    story.at(on(REPORT_AFTER - 1), 10);
    for i in &items {
        let files = [act::Evidence {
            name: "整改照片.txt".into(),
            path: &evidence,
        }];
        let text = format!("针对“{}”，已制定措施并整改到位", i.opened.problem.remark);
        act::answer(archive, lock, &c.id, i.id(), &text, &files)?;
    }
    story.at(on(REPORT_AFTER), 10);
    let report = crate::documents::rectify_report::draft_for(archive, config, c, on(REPORT_AFTER))?;
    issued.push(issue_one(archive, lock, engine, report)?);
    story.at(on(REPORT_AFTER + 2), 10);
    for i in &items {
        let r = act::Recheck {
            outcome: Outcome::Closed,
            remark: "现场复查，整改到位",
            by: Reviewer::District,
            sheet: None,
        };
        act::recheck(archive, lock, c, i.id(), r)?;
    }
    story.at(on(DECISION_AFTER), 10);
    let decided = crate::naming::decide(
        archive,
        lock,
        engine,
        config,
        1,
        on(DECISION_AFTER),
        progress,
    )?;
    issued.extend(decided.issued);
    let today = deadline + Days::new(SUPERVISE_AFTER);
    let new_deadline = today + Days::new(30);
    story.at(today, 10);
    let notice = crate::documents::supervise::draft_for(
        archive,
        config,
        OVERDUE_DISTRICT,
        new_deadline,
        (today, today),
    )?;
    issued.push(issue_one(archive, lock, engine, notice)?);
    issued.push(crate::documents::bulletin::issue(
        archive, lock, engine, config, today,
    )?);
    Ok((issued, today))
}

/// Issues one of the story's documents, with the items it sets going.
fn issue_one(
    archive: &Archive,
    lock: &WriterLock,
    engine: &Engine,
    draft: crate::issuance::Draft,
) -> Result<Issued, crate::issuance::IssueError> {
    crate::issuance::issue_one(
        archive,
        lock,
        engine,
        draft,
        &crate::meter::Silent,
        &crate::rectify::follow_batch,
    )
}
