//! `kaoping inspection add|list|report`: 督查 and 调研 during 试点创建 —
//! recorded with their findings (problems open rectification items), listed,
//! and sent to the districts as a 督查情况通报.

use std::path::PathBuf;

use anyhow::bail;
use chrono::NaiveDate;
use clap::Subcommand;
use serde::Serialize;

use kaoping::actions::inspection as act;
use kaoping::archive::Archive;
use kaoping::inspection::record::NewInspection;
use kaoping::inspection::{self, Inspection, InspectionKind, Way};
use kaoping::rectify::act::Evidence;

use super::Context;
use super::batch::{self, parse_day};

/// 督查调研：记录专项督查、定期和不定期调研，列出，并发督查情况通报
pub(super) type Args = super::Group<Sub>;

#[derive(Debug, Subcommand)]
pub(super) enum Sub {
    /// 记录一次督查或调研：参加人员、涉及的社区、发现的问题（问题自动列为整改事项）
    Add(AddArgs),
    /// 列出督查和调研记录，及其发现问题的整改状态
    List(ListArgs),
    /// 生成并登记督查情况通报（发各县（市）区）
    Report(ReportArgs),
}

fn parse_kind(s: &str) -> Result<InspectionKind, String> {
    InspectionKind::parse(s)
        .ok_or_else(|| format!("“{s}”不是督查调研的种类；写 专项督查、定期调研 或 不定期调研"))
}

#[derive(Debug, clap::Args)]
pub(in crate::cli) struct AddArgs {
    /// 种类：专项督查、定期调研 或 不定期调研
    #[arg(long, value_name = "种类", value_parser = parse_kind)]
    kind: InspectionKind,
    /// 主题（专项督查必填），如“社区综合服务设施”
    #[arg(long, value_name = "主题", default_value = "")]
    theme: String,
    /// 日期，如 2019-03-15
    #[arg(long, value_name = "日期", value_parser = parse_day)]
    date: NaiveDate,
    /// 参加人员的账号登录名（多个用逗号分开）
    #[arg(long, value_name = "账号", value_delimiter = ',', required = true)]
    by: Vec<String>,
    /// 没有实地走访，是通过电话或书面材料了解的情况
    #[arg(long)]
    remote: bool,
    /// 涉及的社区编号（可重复；有发现情况的社区自动计入）
    #[arg(long = "community", value_name = "社区编号")]
    communities: Vec<String>,
    /// 涉及的县（市）区（可重复；社区所在县区自动计入）
    #[arg(long = "district", value_name = "区县")]
    districts: Vec<String>,
    /// 发现的问题（列为整改事项），格式“社区编号:指标-标准:情况”，如 WH-001:Ⅱ-2-1:活动室被挪作他用；不涉及具体标准写“WH-001::情况”（可重复）
    #[arg(long = "problem", value_name = "问题")]
    problems: Vec<String>,
    /// 好的做法或其他情况（不列为整改事项），格式同 --problem（可重复）
    #[arg(long = "note", value_name = "情况")]
    notes: Vec<String>,
    /// 发现问题的整改期限（有问题时必填）
    #[arg(long, value_name = "日期", value_parser = parse_day)]
    deadline: Option<NaiveDate>,
    /// 照片、文件等证明材料（可重复）
    #[arg(long = "file", value_name = "文件")]
    files: Vec<PathBuf>,
    /// 档案库正被其他进程写入时立即退出，不排队等待
    #[arg(long)]
    no_wait: bool,
}

#[derive(Debug, clap::Args)]
pub(in crate::cli) struct ListArgs {
    /// 以 JSON 输出（供其他程序读取）
    #[arg(long)]
    json: bool,
}

#[derive(Debug, clap::Args)]
pub(in crate::cli) struct ReportArgs {
    /// 要通报的督查调研编号，如 DC001（可重复；默认最近一次专项督查）
    #[arg(long = "id", value_name = "编号")]
    ids: Vec<String>,
    #[command(flatten)]
    output: batch::Output,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    let archive = ctx.archive();
    match args.command {
        Sub::Add(a) => add(&archive, a),
        Sub::List(a) => list(&archive, a),
        Sub::Report(a) => report(ctx, a),
    }
}

use super::batch::console;

fn add(archive: &Archive, a: AddArgs) -> anyhow::Result<()> {
    let mut findings = Vec::new();
    for p in &a.problems {
        findings.push(inspection::parse_finding(p, true)?);
    }
    for n in &a.notes {
        findings.push(inspection::parse_finding(n, false)?);
    }
    let mut files = Vec::new();
    for p in &a.files {
        let Some(name) = p.file_name().map(|n| n.to_string_lossy().into_owned()) else {
            bail!("{} 不是文件；--file 后面请写照片或文件的路径", p.display());
        };
        files.push(Evidence { name, path: p });
    }
    let new = NewInspection {
        kind: a.kind,
        way: if a.remote { Way::Remote } else { Way::OnSite },
        theme: a.theme,
        date: a.date,
        by: a.by,
        districts: a.districts,
        communities: a.communities,
        findings,
        deadline: a.deadline,
        files,
    };
    let rec = act::add(&console(archive, a.no_wait), new)?;
    let items: Vec<&str> = rec
        .findings
        .iter()
        .filter_map(|f| f.item.as_deref())
        .collect();
    println!(
        "已记录{} {}（{}，{} 个社区，发现问题 {} 条，证明材料 {} 份）。",
        rec.kind.name(),
        rec.id,
        rec.date,
        rec.communities.len(),
        items.len(),
        rec.files.len()
    );
    if !items.is_empty() {
        println!("问题已列为整改事项：{}", items.join("、"));
    }
    Ok(())
}

/// One line of `list --json`.
#[derive(Serialize)]
struct Listed<'a> {
    #[serde(flatten)]
    record: &'a inspection::InspectionRecord,
    recorded_by: Option<&'a str>,
    problems: usize,
    open: usize,
}

fn list(archive: &Archive, a: ListArgs) -> anyhow::Result<()> {
    let all = act::list(&console(archive, false))?;
    if a.json {
        let rows: Vec<Listed> = all.iter().map(listed).collect();
        println!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(());
    }
    if all.is_empty() {
        println!("还没有督查或调研记录；用 kaoping inspection add 记录。");
        return Ok(());
    }
    for i in &all {
        let r = &i.record;
        println!(
            "{}  {}  {}  {}{}  社区 {} 个  问题 {} 条  未销号 {} 项",
            r.id,
            r.date,
            r.kind.name(),
            r.way.name(),
            if r.theme.is_empty() {
                String::new()
            } else {
                format!("  主题：{}", r.theme)
            },
            r.communities.len(),
            i.problems(),
            i.open()
        );
    }
    Ok(())
}

fn listed(i: &Inspection) -> Listed<'_> {
    Listed {
        record: &i.record,
        recorded_by: i.recorded_by.as_deref(),
        problems: i.problems(),
        open: i.open(),
    }
}

fn report(ctx: &Context, a: ReportArgs) -> anyhow::Result<()> {
    let date = a.output.date();
    super::batch::issue_through(ctx, &a.output, |ctx, making, folder| {
        act::report(ctx, making, &a.ids, date, folder)
    })
    .map(drop)
}
