//! `kaoping apply add|import|template|list|approve|return|quota`: 申报,
//! districts' applications for pilot communities and the office's
//! decisions, within Attachment 1's task numbers.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::Subcommand;

use kaoping::application::{self, Proposal, quota, sheet};
use kaoping::archive::Archive;
use kaoping::table::{self, views};

use super::output::{self, pad};
use super::sheets::{self, TemplateKind};
use super::{Context, HELP_TEMPLATE, wait_message};

/// 申报试点社区
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Sub,
}

#[derive(Debug, Subcommand)]
enum Sub {
    /// 县区申报一个试点社区
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Add(AddArgs),
    /// 从申报表（.xlsx、.xls、.ods 或 CSV）批量申报；有一处错误就整表不申报
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Import(ImportArgs),
    /// 生成空白申报表（.xlsx 或 .csv，按 -o 的扩展名）
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Template(TemplateArgs),
    /// 列出申报及其状态（待审核、已批准、已退回）
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    List(ListArgs),
    /// 考评办公室批准一项申报：登记为试点社区
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Approve(ApproveArgs),
    /// 考评办公室退回一项申报，写明理由
    #[command(name = "return", help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Return(ReturnArgs),
    /// 各县区任务数的使用情况（附件1）
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Quota(QuotaArgs),
    /// 生成申报汇总表（一个县区或全市），登记发文
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Report(ReportArgs),
}

#[derive(Debug, clap::Args)]
struct ReportArgs {
    /// 只汇总一个县区的申报（默认全市）
    #[arg(long, value_name = "区县")]
    district: Option<String>,
    #[command(flatten)]
    output: super::batch::Output,
}

#[derive(Debug, clap::Args)]
struct AddArgs {
    /// 申报单位（附件1中的县（市）区、开发（度假）园区）
    #[arg(long, value_name = "区县")]
    district: String,
    /// 社区名称
    #[arg(long, value_name = "名称")]
    name: String,
    /// 城市社区 或 “村改居”社区
    #[arg(long = "type", value_name = "类型")]
    kind: String,
    /// 第一阶段、第二阶段 或 第三阶段
    #[arg(long, value_name = "批次")]
    batch: String,
    /// 推荐理由
    #[arg(long, value_name = "理由")]
    reason: String,
    /// 居民户数
    #[arg(long, value_name = "户数")]
    households: Option<u32>,
    /// 社区综合服务设施面积（平方米）
    #[arg(long, value_name = "平方米")]
    area: Option<f64>,
    /// 社区基本情况
    #[arg(long, value_name = "文字", default_value = "")]
    situation: String,
    /// 档案库正被其他进程写入时立即退出，不排队等待
    #[arg(long)]
    no_wait: bool,
}

#[derive(Debug, clap::Args)]
struct ImportArgs {
    /// 填好的申报表
    #[arg(value_name = "文件")]
    file: PathBuf,
    /// 申报单位；表中没有“所属区县”列时必须写
    #[arg(long, value_name = "区县")]
    district: Option<String>,
    /// 档案库正被其他进程写入时立即退出，不排队等待
    #[arg(long)]
    no_wait: bool,
}

#[derive(Debug, clap::Args)]
struct TemplateArgs {
    /// 输出的文件：申报表.xlsx（推荐）或 申报表.csv
    #[arg(short = 'o', long, value_name = "文件")]
    output: PathBuf,
    /// 文件已存在时覆盖它
    #[arg(long)]
    force: bool,
}

#[derive(Debug, clap::Args)]
struct ListArgs {
    /// 只看一个县区的申报
    #[arg(long, value_name = "区县")]
    district: Option<String>,
    /// 以 JSON 格式输出
    #[arg(long, conflicts_with_all = ["xlsx", "output"])]
    json: bool,
    #[command(flatten)]
    table: sheets::TableOut,
}

#[derive(Debug, clap::Args)]
struct ApproveArgs {
    /// 申报号（见 kaoping apply list）
    #[arg(value_name = "申报号")]
    number: u32,
    /// 登记的社区编号，如 WH-010
    #[arg(long, value_name = "编号")]
    id: String,
    /// 超出附件1任务数时批准的理由（记入日志，并在申报汇总中列出）
    #[arg(long, value_name = "理由")]
    over_quota: Option<String>,
    /// 档案库正被其他进程写入时立即退出，不排队等待
    #[arg(long)]
    no_wait: bool,
}

#[derive(Debug, clap::Args)]
struct ReturnArgs {
    /// 申报号
    #[arg(value_name = "申报号")]
    number: u32,
    /// 退回的理由
    #[arg(long, value_name = "理由")]
    reason: String,
    /// 档案库正被其他进程写入时立即退出，不排队等待
    #[arg(long)]
    no_wait: bool,
}

#[derive(Debug, clap::Args)]
struct QuotaArgs {
    /// 以 JSON 格式输出
    #[arg(long)]
    json: bool,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    let archive = Archive::new(ctx.root().dir());
    let mut out = output::stdout();
    match args.command {
        Sub::Add(a) => {
            let mut p = Proposal::new(&a.district, &a.name, &a.kind, &a.batch, &a.reason)?;
            p.households = a.households;
            p.facility_area = a.area;
            p.situation = a.situation;
            let lock = archive.lock(!a.no_wait, wait_message)?;
            for r in application::submit(&archive, &lock, vec![p])? {
                writeln!(
                    out,
                    "已收到第 {} 号申报：{} {}（{}，{}），待考评办公室审核",
                    r.number,
                    r.proposal.district,
                    r.proposal.name,
                    r.proposal.kind,
                    r.proposal.batch
                )?;
            }
        }
        Sub::Import(a) => {
            let proposals = sheet::read(&a.file, a.district.as_deref())?;
            let lock = archive.lock(!a.no_wait, wait_message)?;
            let records = application::submit(&archive, &lock, proposals)?;
            let (first, last) = (records[0].number, records[records.len() - 1].number);
            writeln!(
                out,
                "已从 {} 收到 {} 项申报（第 {first}—{last} 号），待考评办公室审核",
                a.file.display(),
                records.len()
            )?;
        }
        Sub::Template(a) => {
            let bytes = match sheets::template_kind(&a.output, "申报表")? {
                TemplateKind::Xlsx => table::write::xlsx(&[sheet::template_sheet(100)])?,
                TemplateKind::Csv => table::write::csv(&sheet::template_sheet(0)),
            };
            sheets::write_template(&a.output, a.force, &bytes)?;
            writeln!(out, "已生成空白申报表：{}", a.output.display())?;
        }
        Sub::List(a) => return list(&archive, a),
        Sub::Report(a) => return report(ctx, &archive, a),
        Sub::Approve(a) => {
            let lock = archive.lock(!a.no_wait, wait_message)?;
            let c =
                application::approve(&archive, &lock, a.number, &a.id, a.over_quota.as_deref())?;
            writeln!(
                out,
                "已批准第 {} 号申报，登记为试点社区 {} {}（{}，{}）",
                a.number, c.id, c.name, c.district, c.batch
            )?;
        }
        Sub::Return(a) => {
            let lock = archive.lock(!a.no_wait, wait_message)?;
            application::send_back(&archive, &lock, a.number, &a.reason)?;
            writeln!(
                out,
                "已退回第 {} 号申报，理由：{}",
                a.number,
                a.reason.trim()
            )?;
        }
        Sub::Quota(a) => {
            let usage = quota::usage(&archive.communities()?, &application::list(&archive)?);
            if a.json {
                serde_json::to_writer_pretty(&mut out, &usage).context("无法输出 JSON")?;
                writeln!(out)?;
            } else {
                writeln!(
                    out,
                    "{}试点总任务数  第一阶段任务数  已登记  其中第一阶段  待审核申报",
                    pad("县（市）区", 14, false)
                )?;
                for u in &usage {
                    writeln!(
                        out,
                        "{}{:>12}  {:>14}  {:>6}  {:>12}  {:>10}",
                        pad(&u.district, 14, false),
                        u.quota,
                        u.phase1_quota,
                        u.registered,
                        u.phase1,
                        u.pending
                    )?;
                }
            }
        }
    }
    Ok(out.flush()?)
}

fn report(ctx: &Context, archive: &Archive, a: ReportArgs) -> anyhow::Result<()> {
    use kaoping::documents::batch::{self as docs, Kind, Scope};
    let district = match &a.district {
        Some(d) => Some(
            kaoping::districts::DistrictTable::builtin()
                .find(d)?
                .name
                .clone(),
        ),
        None => None,
    };
    let config = ctx.config()?;
    let lock = super::batch::lock(archive, &a.output)?;
    let kind = Kind::Applications { district };
    let drafted = docs::draft(archive, &config, &kind, &Scope::All, a.output.date())?;
    super::batch::issue_and_write(ctx, archive, &lock, drafted.drafts, &a.output)
}

fn list(archive: &Archive, a: ListArgs) -> anyhow::Result<()> {
    let district = match &a.district {
        Some(d) => Some(
            kaoping::districts::DistrictTable::builtin()
                .find(d)?
                .name
                .clone(),
        ),
        None => None,
    };
    let apps: Vec<_> = application::list(archive)?
        .into_iter()
        .filter(|x| {
            district
                .as_ref()
                .is_none_or(|d| *d == x.record.proposal.district)
        })
        .collect();
    if a.table.emit(false, &|| views::applications(&apps))? {
        return Ok(());
    }
    let mut out = output::stdout();
    if a.json {
        serde_json::to_writer_pretty(&mut out, &apps).context("无法输出 JSON")?;
        writeln!(out)?;
        return Ok(out.flush()?);
    }
    if apps.is_empty() {
        writeln!(
            out,
            "还没有申报。县区用 kaoping apply add 或 kaoping apply import 申报。"
        )?;
    }
    for x in &apps {
        let p = &x.record.proposal;
        let what = match &x.decision {
            Some(application::Decision::Approved {
                community,
                over_quota,
            }) => format!(
                "→ {community}{}",
                over_quota
                    .as_ref()
                    .map(|r| format!("（超出任务数，理由：{r}）"))
                    .unwrap_or_default()
            ),
            Some(application::Decision::Returned { reason }) => format!("理由：{reason}"),
            None => String::new(),
        };
        writeln!(
            out,
            "{:>4}  {}  {}  {}  {}  {}  {what}",
            x.record.number,
            x.status.name(),
            p.district,
            p.name,
            p.kind,
            p.batch
        )?;
    }
    Ok(out.flush()?)
}
