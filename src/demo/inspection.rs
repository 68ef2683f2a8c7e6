//! The demo's 专项督查 during 试点创建, before 评估验收: the office inspects
//! two sample communities' 社区综合服务设施, finds a problem in one (which
//! opens a rectification item), issues the 督查情况通报, and the community
//! fixes it; its district closes the item before the evidence is handed
//! in.

use std::path::Path;

use chrono::{Days, NaiveDate};

use super::{DemoError, io};
use crate::archive::Archive;
use crate::catalog::Catalog;
use crate::config::Config;
use crate::inspection::record::{self, NewInspection, Recorder, Registers};
use crate::inspection::{Finding, InspectionKind, Way};
use crate::issuance::Issued;
use crate::meter::Meter;
use crate::rectify::{Outcome, Reviewer, act};
use crate::render::Engine;

/// The community with the problem, and the one doing well.
const FOUND: &str = "PL-002";
const WELL: &str = "WH-001";

fn finding(community: &str, problem: bool, text: &str) -> Finding {
    Finding {
        community: community.into(),
        indicator: Some("Ⅱ-9".into()),
        standard: Some(1),
        problem,
        text: text.into(),
        item: None,
    }
}

/// Runs the 督查 on `day`, its 通报 the next day and the rectification
/// after it (evidence notes written under `dir`); returns the 通报.
pub(super) fn run(
    archive: &Archive,
    (engine, config, story): (&Engine, &Config, &crate::clock::Story),
    dir: &Path,
    day: NaiveDate,
    progress: &dyn Meter,
) -> Result<Issued, DemoError> {
    story.at(day, 9);
    let lock = archive.lock(true, |_| {})?;
    let roster = archive.communities()?;
    let accounts = crate::accounts::Accounts::load(archive.root())?;
    let mut new = NewInspection {
        kind: InspectionKind::Special,
        way: Way::OnSite,
        theme: "社区综合服务设施".into(),
        date: day,
        by: vec![super::ACCOUNTS[0].0.into()],
        districts: Vec::new(),
        communities: Vec::new(),
        findings: vec![
            finding(
                FOUND,
                true,
                "社区信息服务自助终端故障两个月未修复，居民无法自助办理",
            ),
            finding(
                WELL,
                false,
                "一体化社区信息服务站运行良好，居民办事不出社区",
            ),
        ],
        deadline: day.checked_add_days(Days::new(20)),
        files: Vec::new(),
    };
    let reg = Registers {
        roster: &roster,
        accounts: &accounts,
        catalog: Catalog::builtin(),
        today: day,
    };
    record::check(&mut new, &reg, Recorder::Office)?;
    let rec = record::record(archive, &lock, new)?;
    let next = |n| day + Days::new(n);
    story.at(next(1), 10);
    let all = crate::inspection::all(archive)?;
    let chosen: Vec<_> = all.iter().filter(|i| i.id() == rec.id).collect();
    let issuer = crate::documents::Issuer::default_of(config);
    let draft = crate::documents::inspection::build(&issuer, &chosen, (&roster, &[]), next(1));
    let issued = crate::issuance::issue(
        archive,
        &lock,
        engine,
        vec![draft],
        progress,
        &crate::rectify::follow_batch,
    )?;
    fix(archive, &lock, story, dir, (&roster, &rec), day)?;
    issued.into_iter().next().ok_or(DemoError::from(
        crate::inspection::InspectionError::Missing {
            what: "督查情况通报",
            fix: "演示没有生成通报",
        },
    ))
}

/// The community fixes what the 督查 found; its district re-checks.
fn fix(
    archive: &Archive,
    lock: &crate::archive::lock::WriterLock,
    story: &crate::clock::Story,
    dir: &Path,
    (roster, rec): (
        &crate::community::Roster,
        &crate::inspection::InspectionRecord,
    ),
    day: NaiveDate,
) -> Result<(), DemoError> {
    let next = |n| day + Days::new(n);
    let c = roster.get(FOUND)?;
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let photo = dir.join(format!("{}-{}-督查整改照片.txt", c.id, c.name));
    std::fs::write(&photo, "自助终端修复后现场照片说明").map_err(io(&photo))?;
    for id in rec.findings.iter().filter_map(|f| f.item.as_deref()) {
        story.at(next(2), 10);
        let files = [act::Evidence {
            name: "督查整改照片.txt".into(),
            path: &photo,
        }];
        let text = "已联系厂家修复自助终端，并明确专人每周巡检";
        act::answer(archive, lock, &c.id, id, text, &files)?;
        story.at(next(3), 10);
        let r = act::Recheck {
            outcome: Outcome::Closed,
            remark: "现场核实，终端已恢复使用",
            by: Reviewer::District,
            sheet: None,
        };
        act::recheck(archive, lock, c, id, r)?;
    }
    Ok(())
}
