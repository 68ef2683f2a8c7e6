//! `kaoping plan file|list`: districts' 工作方案 and 考评实施细则 — filed as
//! new versions, and which districts have filed.

use std::path::PathBuf;

use anyhow::bail;
use chrono::NaiveDate;
use clap::Subcommand;

use kaoping::actions::plans as act;
use kaoping::plans::{Filing, PlanKind};

use super::Context;
use super::batch::{console, parse_day};

/// 县区工作方案和考评实施细则
pub(super) type Args = super::Group<Sub>;

#[derive(Debug, Subcommand)]
pub(super) enum Sub {
    /// 报送一个县（市）区的工作方案或考评实施细则（每次报送为新的一版）
    File(FileArgs),
    /// 列出各县（市）区报送情况（未报送的也列出）
    List,
}

fn parse_kind(s: &str) -> Result<PlanKind, String> {
    PlanKind::parse(s)
        .ok_or_else(|| format!("“{s}”不是可报送的文件种类；写 工作方案 或 考评实施细则"))
}

#[derive(Debug, clap::Args)]
pub(in crate::cli) struct FileArgs {
    /// 文件（PDF、OFD、Word、WPS 或 ODT）
    #[arg(value_name = "文件")]
    file: PathBuf,
    /// 县（市）区
    #[arg(long, value_name = "区县")]
    district: String,
    /// 种类：工作方案 或 考评实施细则
    #[arg(long, value_name = "种类", value_parser = parse_kind, default_value = "工作方案")]
    kind: PlanKind,
    /// 成文日期，如 2018-10-10
    #[arg(long, value_name = "日期", value_parser = parse_day)]
    date: NaiveDate,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    let archive = ctx.archive();
    let c = console(&archive, false);
    match args.command {
        Sub::File(a) => {
            let Some(name) = a.file.file_name().map(|n| n.to_string_lossy().into_owned()) else {
                bail!("{} 不是文件", a.file.display());
            };
            let f = Filing {
                district: &a.district,
                kind: a.kind,
                date: a.date,
                name: &name,
                path: &a.file,
            };
            let filed = act::file(&c, f)?;
            println!(
                "已登记{}的{}（第 {} 版，{}，{} 字节）。",
                filed.district,
                filed.kind.name(),
                filed.version,
                filed.file,
                filed.object.size
            );
        }
        Sub::List => {
            let all = act::list(&c)?;
            for p in &all {
                let shown = |f: &Option<kaoping::plans::PlanFiled>| match f {
                    Some(f) => format!("第 {} 版（{}，{}）", f.version, f.date, f.file),
                    None => "未报送".to_string(),
                };
                println!(
                    "{}  工作方案：{}  考评实施细则：{}",
                    p.district,
                    shown(&p.plan),
                    shown(&p.rules)
                );
            }
            let filed = all.iter().filter(|p| p.plan.is_some()).count();
            println!("共 {} 个县（市）区，已报送工作方案 {filed} 个。", all.len());
        }
    }
    Ok(())
}
