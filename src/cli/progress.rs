//! `kaoping progress`: 进度汇总表 per district against Attachment 1, as a
//! registered PDF, or as CSV/JSON.

use std::io::Write;

use anyhow::Context as _;

use kaoping::documents::batch::{Kind, Scope};
use kaoping::documents::progress;

use super::Context;
use super::batch::{self, Output};
use super::output;
use super::sheets;

/// 进度汇总表
#[derive(Debug, clap::Args)]
pub struct Args {
    /// 只统计某一阶段（目前附件1只规定了第一阶段任务数）：1
    #[arg(long, value_name = "阶段", value_parser = parse_phase)]
    phase: Option<u8>,
    /// 输出 CSV 到标准输出（不生成 PDF、不登记）
    #[arg(long, conflicts_with_all = ["json", "xlsx"])]
    csv: bool,
    /// 输出 JSON 到标准输出（不生成 PDF、不登记）
    #[arg(long, conflicts_with = "xlsx")]
    json: bool,
    /// 输出 Excel 工作簿（不生成 PDF、不登记）：写上文件名，或不写而放在 -o 指定的文件夹里（进度汇总表.xlsx）
    #[arg(long, value_name = "文件", num_args = 0..=1, default_missing_value = "-")]
    xlsx: Option<std::path::PathBuf>,
    #[command(flatten)]
    output: Output,
}

fn parse_phase(s: &str) -> Result<u8, String> {
    match s.trim() {
        "1" | "一" | "第一阶段" => Ok(1),
        _ => Err("附件1只规定了第一阶段的任务数，目前只能写 1；不写则按试点总任务数统计".into()),
    }
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    let archive = ctx.archive();
    let phase1 = args.phase == Some(1);
    let rows = progress::from_archive(&archive, phase1)?;
    if args.json {
        // The 总计 row is kept apart from the districts.
        let (districts, total) = rows.split_at(rows.len().saturating_sub(1));
        let json = serde_json::json!({ "districts": districts, "total": total.first() });
        let mut out = output::stdout();
        serde_json::to_writer_pretty(&mut out, &json).context("无法输出 JSON")?;
        writeln!(out)?;
        return Ok(out.flush()?);
    }
    if let Some(target) = &args.xlsx {
        let target = if target.as_os_str() == "-" {
            args.output.folder().join("进度汇总表.xlsx")
        } else {
            target.clone()
        };
        return sheets::write_xlsx(
            &target,
            &[kaoping::documents::progress::sheet(&rows, phase1)],
            args.output.force,
        );
    }
    if args.csv {
        return sheets::write_csv(&kaoping::documents::progress::sheet(&rows, phase1));
    }
    batch::issue(ctx, &Scope::All, Kind::Progress { phase1 }, &args.output)
}
