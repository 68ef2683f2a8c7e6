//! `kaoping grid import|list`: a 网格管理平台 export as evidence of
//! 实地考评 standards, with its summary.

use std::io::Write;
use std::path::PathBuf;

use clap::Subcommand;

use kaoping::actions::field;
use kaoping::field::grid;

use super::Context;
use super::batch::console;
use super::output;

/// 网格化考评数据
pub(super) type Args = super::Group<Sub>;

#[derive(Debug, Subcommand)]
pub(super) enum Sub {
    /// 导入网格管理平台导出的事件表（xlsx/CSV，列：点位、事件类别、上报时间、处置状态）
    Import(ImportArgs),
    /// 列出社区导入的网格化考评数据及汇总
    List(ListArgs),
}

#[derive(Debug, clap::Args)]
pub(in crate::cli) struct ImportArgs {
    /// 社区编号
    #[arg(long, value_name = "编号", required_unless_present = "street")]
    community: Option<String>,
    /// 街道（乡镇）：导入该街道网格管理平台的导出表，计入该街道每个试点社区（与 --district 同用）
    #[arg(
        long,
        value_name = "街道",
        requires = "district",
        conflicts_with = "community"
    )]
    street: Option<String>,
    /// 街道所属的县（市）区
    #[arg(long, value_name = "县区")]
    district: Option<String>,
    /// 作为哪些实地考评标准的证据，如 "Ⅱ-6/1,Ⅱ-6/2"
    #[arg(long, value_name = "标准")]
    standards: String,
    /// 导出的表格
    #[arg(value_name = "文件")]
    file: PathBuf,
}

type ListArgs = super::args::Community;

fn summary_text(s: &grid::Summary) -> String {
    let join = |m: &std::collections::BTreeMap<String, usize>| {
        m.iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect::<Vec<_>>()
            .join("、")
    };
    format!(
        "共 {} 件，已办结 {} 件（{:.1}%）；按类别：{}；按状态：{}",
        s.total,
        s.resolved,
        s.resolved_percent(),
        join(&s.by_category),
        join(&s.by_state)
    )
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    let archive = ctx.archive();
    let mut out = output::stdout();
    match args.command {
        Sub::Import(a) => {
            let name = super::field::file_name(&a.file);
            let table = kaoping::field::Upload {
                path: &a.file,
                name: &name,
            };
            let act = super::field::console(&archive);
            let done = match (&a.street, &a.district, &a.community) {
                (Some(street), Some(district), _) => kaoping::actions::street::import_grid(
                    &act,
                    district,
                    street,
                    table,
                    &a.standards,
                )?,
                (_, _, Some(id)) => vec![field::import_grid(&act, id, table, &a.standards)?],
                _ => anyhow::bail!(
                    "请用 --community 编号 指明社区，或用 --district 县区 --street 街道 指明街道"
                ),
            };
            for (c, r) in done {
                let stds: Vec<String> = r.standards.iter().map(|k| k.to_string()).collect();
                writeln!(
                    out,
                    "已导入社区 {} 的网格化考评数据 {}（{}），作为 {} 的证据：{}",
                    c.id,
                    name,
                    r.file.short(),
                    stds.join("、"),
                    summary_text(&r.summary)
                )?;
            }
        }
        Sub::List(a) => {
            for r in field::grids(&console(&archive, false), &a.community)? {
                writeln!(
                    out,
                    "{}（{}）：{}",
                    r.file.name,
                    r.file.short(),
                    summary_text(&r.summary)
                )?;
            }
        }
    }
    Ok(())
}
