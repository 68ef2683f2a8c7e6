//! `kaoping rectify list|answer|report|close|return|supervise`: the items
//! every 整改通知书 opened, the community's answers, its 整改情况报告, the
//! re-check (销号 or 退回) and the 督办通知 for overdue items.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context as _, bail};
use chrono::NaiveDate;
use clap::Subcommand;

use kaoping::archive::Archive;
use kaoping::dates;
use kaoping::rectify::{self, Outcome, Reviewer, act, supervise};
use kaoping::render::Engine;

use super::batch::{self, parse_day};
use super::output::{self, pad};
use super::{Context, HELP_TEMPLATE};

/// 整改：整改事项、答复、整改情况报告、复查销号和督办
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Sub,
}

#[derive(Debug, Subcommand)]
enum Sub {
    /// 列出整改事项及其状态（待整改、已答复、已销号、已退回、逾期）
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    List(ListArgs),
    /// 社区答复一个整改事项：整改措施和结果，可附证明材料
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Answer(AnswerArgs),
    /// 全部事项答复后，生成并登记社区的整改情况报告
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Report(ReportArgs),
    /// 复查通过，整改事项销号（可同时导入该标准的新考评表）
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Close(CloseArgs),
    /// 复查不通过，退回整改事项，写明理由
    #[command(name = "return", help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Return(ReturnArgs),
    /// 向县区发督办通知：列出其逾期未销号的事项，给出新的期限
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Supervise(SuperviseArgs),
}

#[derive(Debug, clap::Args)]
struct ListArgs {
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
struct ListJson<'a> {
    /// The day the states and overdue items are computed for.
    today: NaiveDate,
    /// The items.
    items: Vec<ItemJson<'a>>,
    /// How many are open, closed and overdue.
    counts: rectify::Counts,
}

/// One item in `rectify list --json`.
#[derive(serde::Serialize)]
struct ItemJson<'a> {
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

#[derive(Debug, clap::Args)]
struct AnswerArgs {
    /// 整改事项编号，如 ZG001
    #[arg(value_name = "事项")]
    item: String,
    /// 整改措施和结果
    #[arg(long, value_name = "文字")]
    text: String,
    /// 证明材料文件（可重复）
    #[arg(long = "file", value_name = "文件")]
    files: Vec<PathBuf>,
}

#[derive(Debug, clap::Args)]
struct ReportArgs {
    /// 社区编号
    #[arg(long, value_name = "编号")]
    community: String,
    #[command(flatten)]
    output: batch::Output,
}

#[derive(Debug, clap::Args)]
struct CloseArgs {
    /// 整改事项编号
    #[arg(value_name = "事项")]
    item: String,
    /// 销号意见
    #[arg(long, value_name = "文字")]
    remark: String,
    /// 复查单位：district（县区初评）或 office（考评办，默认）
    #[arg(long, value_name = "单位", default_value = "office", hide_default_value = true, value_parser = parse_reviewer)]
    by: Reviewer,
    /// 同时导入的新考评表（县区为县区初评，考评办为最终结果）
    #[arg(long, value_name = "文件")]
    sheet: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
struct ReturnArgs {
    /// 整改事项编号
    #[arg(value_name = "事项")]
    item: String,
    /// 退回理由
    #[arg(long, value_name = "文字")]
    reason: String,
    /// 复查单位：district 或 office（默认）
    #[arg(long, value_name = "单位", default_value = "office", hide_default_value = true, value_parser = parse_reviewer)]
    by: Reviewer,
}

#[derive(Debug, clap::Args)]
struct SuperviseArgs {
    /// 县（市）区
    #[arg(long, value_name = "区县")]
    district: String,
    /// 新的整改期限（须在今天之后）
    #[arg(long, value_name = "日期", value_parser = parse_day)]
    deadline: NaiveDate,
    #[command(flatten)]
    output: batch::Output,
}

fn parse_reviewer(s: &str) -> Result<Reviewer, String> {
    match s.trim() {
        "district" | "县区" | "县区初评" | "初评" => Ok(Reviewer::District),
        "office" | "考评办" => Ok(Reviewer::Office),
        _ => Err(format!(
            "“{s}”不是复查单位；写 district（县区初评）或 office（考评办）"
        )),
    }
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    let archive = Archive::new(ctx.root().dir());
    match args.command {
        Sub::List(a) => list(&archive, a),
        Sub::Answer(a) => answer(&archive, a),
        Sub::Report(a) => report(ctx, &archive, a),
        Sub::Close(a) => check(&archive, &a.item, Outcome::Closed, &a.remark, a.by, a.sheet),
        Sub::Return(a) => check(&archive, &a.item, Outcome::Returned, &a.reason, a.by, None),
        Sub::Supervise(a) => supervise_run(ctx, &archive, a),
    }
}

fn list(archive: &Archive, a: ListArgs) -> anyhow::Result<()> {
    let today = a.today.unwrap_or_else(dates::today);
    let reg = archive.communities()?;
    let district = match &a.district {
        Some(d) => Some(
            kaoping::districts::DistrictTable::builtin()
                .find(d)?
                .name
                .clone(),
        ),
        None => None,
    };
    if let Some(c) = &a.community {
        reg.get(c)?;
    }
    let items: Vec<_> = rectify::items(archive, a.community.as_deref())?
        .into_iter()
        .filter(|i| !a.overdue || i.overdue(today))
        .filter(|i| {
            district
                .as_ref()
                .is_none_or(|d| reg.get(i.community()).is_ok_and(|c| &c.district == d))
        })
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

fn answer(archive: &Archive, a: AnswerArgs) -> anyhow::Result<()> {
    let community = act::community_of(archive, &a.item)?;
    let mut files = Vec::new();
    for p in &a.files {
        let Some(name) = p.file_name().map(|n| n.to_string_lossy().into_owned()) else {
            bail!("{} 不是文件", p.display());
        };
        files.push(act::Evidence { name, path: p });
    }
    let lock = archive.lock(true, super::wait_message)?;
    let ans = act::answer(archive, &lock, &community, &a.item, &a.text, &files)?;
    println!(
        "已答复整改事项 {}（{}，第 {} 次答复，证明材料 {} 份），等待复查。",
        ans.id,
        community,
        ans.version,
        ans.files.len()
    );
    Ok(())
}

fn report(ctx: &Context, archive: &Archive, a: ReportArgs) -> anyhow::Result<()> {
    let config = ctx.config()?;
    let reg = archive.communities()?;
    let c = reg.get(&a.community)?;
    let engine = Engine::new(Some(&ctx.root().templates_dir()))?;
    a.output.prepare(&[])?;
    let lock = batch::lock(archive, &a.output)?;
    let doc = act::report(archive, &lock, &engine, &config, c, a.output.date())?;
    write_doc(&a.output, &doc)
}

fn check(
    archive: &Archive,
    item: &str,
    outcome: Outcome,
    remark: &str,
    by: Reviewer,
    sheet: Option<PathBuf>,
) -> anyhow::Result<()> {
    let id = act::community_of(archive, item)?;
    let reg = archive.communities()?;
    let c = reg.get(&id)?;
    let lock = archive.lock(true, super::wait_message)?;
    let r = act::Recheck {
        outcome,
        remark,
        by,
        sheet: sheet.as_deref(),
    };
    let done = act::recheck(archive, &lock, c, item, r)?;
    let with = done
        .assessment
        .map(|v| format!("，并记录了第 {v} 版考评结果"))
        .unwrap_or_default();
    println!(
        "整改事项 {}（{}）{}：{}（{}）{with}。",
        done.id,
        c.name,
        done.outcome.name(),
        done.remark,
        done.by.name()
    );
    Ok(())
}

fn supervise_run(ctx: &Context, archive: &Archive, a: SuperviseArgs) -> anyhow::Result<()> {
    let config = ctx.config()?;
    let engine = Engine::new(Some(&ctx.root().templates_dir()))?;
    a.output.prepare(&[])?;
    let lock = batch::lock(archive, &a.output)?;
    let today = dates::today();
    let doc = supervise::supervise(
        archive,
        &lock,
        &engine,
        &config,
        &a.district,
        a.deadline,
        a.output.date(),
        today,
    )?;
    write_doc(&a.output, &doc)
}

/// Writes an issued document into the output folder and says so.
pub fn write_doc(out: &batch::Output, doc: &kaoping::issuance::Issued) -> anyhow::Result<()> {
    kaoping::fsutil::create_dir_durable(&out.folder())?;
    let path = out
        .write(&doc.record.file_name, &doc.pdf)
        .with_context(|| {
            format!(
                "公文已登记（{}），可用 kaoping cat {} > 文件 取出",
                doc.record.number,
                doc.record.sha256()
            )
        })?;
    println!(
        "{}  {}  {}",
        doc.record.number,
        doc.record.kind,
        path.display()
    );
    Ok(())
}
