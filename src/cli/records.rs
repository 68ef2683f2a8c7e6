//! `kaoping file` (归档), `kaoping transfer` (移交) and `kaoping transfer
//! check` (接收检测): parse, call the records actions, print the result.

use std::path::PathBuf;

use clap::Subcommand;

use kaoping::actions::records as act;
use kaoping::records::check::{Outcome, Report};

use super::Context;
use super::bar::Bar;
use super::batch::console;

/// 归档
#[derive(Debug, clap::Args)]
pub(super) struct FileArgs {
    /// 归档哪个阶段（1、2 或 3）
    #[arg(long, value_name = "阶段", required_unless_present = "check")]
    phase: Option<u8>,
    /// 不归档新记录，对已归档的档案做长期保存环节的四性检测（可加 --phase 只查一个阶段）
    #[arg(long)]
    check: bool,
    /// 归档文件目录和检测报告的副本写到哪个文件夹（默认“第N阶段归档”）
    #[arg(short = 'o', long, value_name = "文件夹")]
    output: Option<PathBuf>,
    /// 档案库正被别人写入时不等待，立即退出
    #[arg(long)]
    no_wait: bool,
}

/// 移交，或检测移交包
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub(super) struct TransferArgs {
    #[command(subcommand)]
    command: Option<Sub>,
    /// 移交哪个阶段（1、2 或 3）
    #[arg(long, value_name = "阶段", required = true)]
    phase: Option<u8>,
    /// 移交包写到哪个文件夹（不能已存在，或是一个空文件夹）
    #[arg(short = 'o', long, value_name = "文件夹", required = true)]
    output: Option<PathBuf>,
    /// 档案库正被别人写入时不等待，立即退出
    #[arg(long)]
    no_wait: bool,
}

#[derive(Debug, Subcommand)]
enum Sub {
    /// 接收检测：不需要档案库，对一个移交包单独做四性检测（档案馆用）
    Check(CheckArgs),
}

#[derive(Debug, clap::Args)]
struct CheckArgs {
    /// 移交包文件夹（内有 移交清单.xml），或把它压缩成的 ZIP 文件
    #[arg(value_name = "移交包")]
    package: PathBuf,
    /// 移交接收登记表上印的“移交清单 SM3”，用来确认移交包就是发出的那一份
    #[arg(long, value_name = "摘要")]
    sm3: Option<String>,
    /// ClamAV 病毒库（文件夹或 .cvd/.hdb 文件）；不写则用本机 clamscan 的默认病毒库
    #[arg(long, value_name = "病毒库")]
    virus_db: Option<PathBuf>,
    /// 检测报告写到哪个文件夹（默认为移交包旁边的“移交包名-接收检测”）
    #[arg(short = 'o', long, value_name = "文件夹")]
    output: Option<PathBuf>,
}

impl TransferArgs {
    /// `transfer check` reads a package alone.
    pub(super) fn needs_archive(&self) -> bool {
        self.command.is_none()
    }
}

/// Prints each check with its outcome, and every problem.
fn print_report(r: &Report) {
    for l in &r.lines {
        let mark = match l.outcome {
            Outcome::Pass => "通过",
            Outcome::Fail => "不通过",
            Outcome::NotRun => "未检测",
        };
        println!("  [{mark}] {}（{} 项）", l.name, l.checked);
        for p in &l.problems {
            println!("      {}：{}", p.subject, p.reason);
        }
    }
    println!("结论：{}", kaoping::records::report::conclusion(r));
}

fn failed(r: &Report, what: &str) -> anyhow::Result<()> {
    if r.passed {
        return Ok(());
    }
    let n = r
        .lines
        .iter()
        .filter(|l| l.outcome == Outcome::Fail)
        .count();
    anyhow::bail!("{what}四性检测不通过：{n} 项发现问题，见上面的问题清单和检测报告")
}

pub fn run_file(ctx: &Context, a: FileArgs) -> anyhow::Result<()> {
    let archive = ctx.archive();
    let config = ctx.config()?;
    let c = console(&archive, a.no_wait);
    if a.check {
        let out = a.output.unwrap_or_else(|| PathBuf::from("长期保存检测"));
        let (report, written) = act::keep_check(&c, &config, a.phase, &out, &Bar::default())?;
        println!("长期保存检测：{} 件", report.records);
        print_report(&report);
        for p in &written {
            println!("已写出 {}", p.display());
        }
        return failed(&report, "长期保存");
    }
    let n = a.phase.unwrap_or_default();
    let phase = kaoping::records::phase_name(act::phase(n)?);
    let out = a
        .output
        .unwrap_or_else(|| PathBuf::from(format!("{phase}归档")));
    let filed = act::file(&c, &config, n, &out, &Bar::default())?;
    println!(
        "已归档{}：新归档 {} 件，本阶段共 {} 件",
        kaoping::records::phase_name(filed.phase),
        filed.new.len(),
        filed.total
    );
    if let (Some(first), Some(last)) = (filed.new.first(), filed.new.last()) {
        println!("档号：{} 至 {}", first.code, last.code);
    }
    print_report(&filed.report);
    for p in &filed.written {
        println!("已写出 {}", p.display());
    }
    failed(&filed.report, "归档已记录，但")
}

pub fn run_transfer(ctx: &Context, a: TransferArgs) -> anyhow::Result<()> {
    if let Some(Sub::Check(c)) = a.command {
        return check(c);
    }
    let (Some(phase), Some(output)) = (a.phase, a.output) else {
        anyhow::bail!(
            "请写 --phase 阶段 和 -o 移交包文件夹，例如：kaoping transfer --phase 1 -o 移交包"
        );
    };
    let archive = ctx.archive();
    let config = ctx.config()?;
    let sent = act::transfer(
        &console(&archive, a.no_wait),
        &config,
        phase,
        &output,
        &Bar::default(),
    )?;
    println!(
        "已写出移交包 {}：{} 件，计算机文件共 {}",
        sent.package.display(),
        sent.totals.0,
        kaoping::sizes::size_text(sent.totals.1)
    );
    println!(
        "移交清单 SM3：{}（已印在移交接收登记表上，接收方检测时核对）",
        sent.catalogue_sm3
    );
    print_report(&sent.report);
    failed(&sent.report, "移交包已写出，但移交前")
}

fn check(c: CheckArgs) -> anyhow::Result<()> {
    let out = c.output.unwrap_or_else(|| {
        let name = c
            .package
            .file_stem()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        kaoping::fsutil::parent_of(&c.package).join(format!("{name}-接收检测"))
    });
    let receipt = act::Receipt {
        sm3: c.sm3.as_deref(),
        virus_db: c.virus_db.as_deref(),
    };
    let (report, written) = act::check(&c.package, receipt, &out, &Bar::default())?;
    println!("接收检测 {}：{} 件", c.package.display(), report.records);
    print_report(&report);
    for p in &written {
        println!("已写出 {}", p.display());
    }
    failed(&report, "")
}
