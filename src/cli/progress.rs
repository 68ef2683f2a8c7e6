//! `kaoping progress`: 进度汇总表 per district against Attachment 1, as a
//! registered PDF, or as CSV/JSON.

use kaoping::actions::office;
use kaoping::community::Batch;
use kaoping::documents::batch::{Kind, Scope};
use kaoping::documents::progress::Row;

use super::Context;
use super::batch::{self, Output};
use super::output;
use super::sheets;

/// 进度汇总表
#[derive(Debug, clap::Args)]
pub struct Args {
    /// 只统计某一阶段：1（附件1的第一阶段任务数）、2 或 3（考评办下达的阶段任务数）
    #[arg(long, value_name = "阶段", value_parser = parse_phase)]
    phase: Option<Batch>,
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

fn parse_phase(s: &str) -> Result<Batch, String> {
    match s.trim() {
        "1" | "一" | "第一阶段" => Ok(Batch::First),
        "2" | "二" | "第二阶段" => Ok(Batch::Second),
        "3" | "三" | "第三阶段" => Ok(Batch::Third),
        _ => Err("阶段只能写 1、2 或 3；不写则按试点总任务数统计".into()),
    }
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    let archive = ctx.archive();
    let phase = args.phase;
    let rows = office::progress(&batch::console(&archive, false), phase)?;
    if args.json {
        // The 总计 row is kept apart from the districts.
        let (districts, total) = rows.split_at(rows.len().saturating_sub(1));
        let json = ProgressJson {
            districts,
            total: total.first(),
        };
        let mut out = output::stdout();
        return output::json_sorted(&mut out, &json);
    }
    if let Some(target) = &args.xlsx {
        let target = if target.as_os_str() == "-" {
            args.output.folder().join("进度汇总表.xlsx")
        } else {
            target.clone()
        };
        return sheets::write_xlsx(
            &target,
            &[kaoping::documents::progress::sheet(&rows, phase)],
            args.output.force,
        );
    }
    if args.csv {
        return sheets::write_csv(&kaoping::documents::progress::sheet(&rows, phase));
    }
    batch::issue(ctx, &Scope::All, Kind::Progress { phase }, &args.output)
}

/// `progress --json`: the districts' rows and the 总计 row apart.
#[derive(serde::Serialize)]
struct ProgressJson<'a> {
    districts: &'a [Row],
    total: Option<&'a Row>,
}
