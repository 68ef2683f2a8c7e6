//! `kaoping rectify list`: the items and their states on a day, in a
//! table or as JSON.

use std::io::Write;

use chrono::NaiveDate;

use kaoping::actions::rectify as actions;
use kaoping::archive::Archive;
use kaoping::dates;
use kaoping::rectify;

use super::super::batch::{console, parse_day};
use super::super::output::{self, pad};

#[derive(Debug, clap::Args)]
pub(in crate::cli) struct ListArgs {
    /// 只列一个社区的事项
    #[arg(long, value_name = "编号")]
    community: Option<String>,
    /// 只列一个县区的事项
    #[arg(long, value_name = "区县")]
    district: Option<String>,
    /// 只列逾期未销号的事项
    #[arg(long)]
    overdue: bool,
    /// 按哪一天计算逾期（默认今天，或环境变量 KAOPING_TODAY）
    #[arg(long, value_name = "日期", value_parser = parse_day)]
    today: Option<NaiveDate>,
    /// 以 JSON 格式输出（供其他程序读取）
    #[arg(long)]
    json: bool,
}

/// `rectify list --json`: the items on a day, with their counts.
#[derive(serde::Serialize)]
pub(super) struct ListJson<'a> {
    /// The day the states and overdue items are computed for.
    today: NaiveDate,
    /// The items.
    items: Vec<ItemJson<'a>>,
    /// How many are open, closed and overdue.
    counts: rectify::Counts,
}

/// One item in `rectify list --json`.
#[derive(serde::Serialize)]
pub(super) struct ItemJson<'a> {
    /// Item id (ZG001 …).
    id: &'a str,
    /// Community id.
    community: &'a str,
    /// Its state on `today` (逾期 when past the deadline and not closed).
    status: rectify::Status,
    /// Whether it is overdue on `today`.
    overdue: bool,
    /// Its current deadline.
    deadline: NaiveDate,
    /// The 整改通知书 that opened it.
    notice: &'a str,
    /// The problem in one line, as the table shows it.
    summary: String,
    /// Everything recorded about it (as opened, answers, re-checks).
    detail: &'a rectify::Item,
}

impl<'a> ItemJson<'a> {
    fn of(i: &'a rectify::Item, today: NaiveDate) -> ItemJson<'a> {
        ItemJson {
            id: i.id(),
            community: i.community(),
            status: i.status_on(today),
            overdue: i.overdue(today),
            deadline: i.deadline,
            notice: &i.opened.notice,
            summary: i.summary(),
            detail: i,
        }
    }
}

pub(super) fn list(archive: &Archive, a: ListArgs) -> anyhow::Result<()> {
    let today = a.today.unwrap_or_else(dates::today);
    let district = super::super::args::district_name(a.district.as_deref())?;
    let act = console(archive, false);
    let (communities, items) = match &a.community {
        Some(id) => {
            let view = actions::items(&act, id)?;
            (vec![view.community], view.items)
        }
        None => actions::overview(&act)?,
    };
    let in_district = |id: &str| {
        district
            .as_ref()
            .is_none_or(|d| communities.iter().any(|c| c.id == id && &c.district == d))
    };
    let items: Vec<_> = items
        .into_iter()
        .filter(|i| !a.overdue || i.overdue(today))
        .filter(|i| in_district(i.community()))
        .collect();
    let mut out = output::stdout();
    if a.json {
        let json = ListJson {
            today,
            items: items.iter().map(|i| ItemJson::of(i, today)).collect(),
            counts: rectify::Counts::of(&items, today),
        };
        serde_json::to_writer_pretty(&mut out, &json)?;
        writeln!(out)?;
        return Ok(out.flush()?);
    }
    if items.is_empty() {
        writeln!(
            out,
            "{}",
            if a.overdue {
                format!("截至 {today} 没有逾期未销号的整改事项。")
            } else {
                "没有整改事项。".to_string()
            }
        )?;
        return Ok(out.flush()?);
    }
    writeln!(
        out,
        "{}  {}  {}  {}  {}  问题",
        pad("事项", 6, false),
        pad("社区", 8, false),
        pad("状态", 6, false),
        pad("期限", 10, false),
        pad("整改通知", 20, false)
    )?;
    for i in &items {
        writeln!(
            out,
            "{}  {}  {}  {}  {}  {}",
            pad(i.id(), 6, false),
            pad(i.community(), 8, false),
            pad(i.status_on(today).name(), 6, false),
            pad(&i.deadline.to_string(), 10, false),
            pad(&i.opened.notice, 20, false),
            i.summary()
        )?;
    }
    let c = rectify::Counts::of(&items, today);
    writeln!(
        out,
        "共 {} 项：未销号 {}，已销号 {}，逾期 {}（按 {today} 计）。",
        items.len(),
        c.open,
        c.closed,
        c.overdue
    )?;
    Ok(out.flush()?)
}
