//! `kaoping unit import|export|template|list`: the 责任单位 register — each
//! unit's 分管负责人 and 联络员 — read from and written to workbooks.

use std::path::PathBuf;

use clap::Subcommand;

use kaoping::actions::units as act;
use kaoping::table;
use kaoping::units::list::template_sheet;

use super::Context;

/// 责任单位和联络员名册
pub(super) type Args = super::Group<Sub>;

#[derive(Debug, Subcommand)]
pub(super) enum Sub {
    /// 导入责任单位名册（xlsx 或 CSV），整体替换原名册
    Import(FileArgs),
    /// 导出责任单位名册（含电话，仅考评办使用）
    Export(OutArgs),
    /// 生成空白的责任单位名册（xlsx）
    Template(OutArgs),
    /// 列出责任单位、分管负责人和联络员
    List,
}

#[derive(Debug, clap::Args)]
pub(in crate::cli) struct FileArgs {
    /// 名册文件
    #[arg(value_name = "文件")]
    file: PathBuf,
}

type OutArgs = super::args::OutXlsx;

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    let archive = ctx.archive();
    let act_ctx = super::batch::console(&archive, false);
    match args.command {
        Sub::Import(a) => {
            let n = act::import(&act_ctx, &a.file)?;
            println!("已导入责任单位名册：{n} 个单位（原名册已整体替换）。");
        }
        Sub::Export(a) => {
            let bytes = act::export(&act_ctx)?;
            super::sheets::write_template(&a.out, a.force, &bytes)?;
            println!(
                "已导出责任单位名册：{}（含联系电话，请妥善保管）",
                a.out.display()
            );
        }
        Sub::Template(a) => {
            let bytes = table::write::xlsx(&[template_sheet(100)])?;
            super::sheets::write_template(&a.out, a.force, &bytes)?;
            println!(
                "已生成空白责任单位名册：{}；填好后用 kaoping unit import {} 导入。",
                a.out.display(),
                a.out.display()
            );
        }
        Sub::List => {
            let all = act::list(&act_ctx)?;
            if all.is_empty() {
                println!(
                    "还没有导入责任单位名册；用 kaoping unit template -o 名册.xlsx 生成空白名册。"
                );
            }
            for u in &all {
                println!(
                    "{}（{}{}）  分管负责人：{} {} {} {}  联络员：{} {} {} {}",
                    u.name,
                    u.kind.name(),
                    u.district
                        .as_deref()
                        .map(|d| format!("，{d}"))
                        .unwrap_or_default(),
                    u.leader.name,
                    u.leader.post,
                    u.leader.office_phone,
                    u.leader.mobile,
                    u.liaison.name,
                    u.liaison.post,
                    u.liaison.office_phone,
                    u.liaison.mobile
                );
            }
        }
    }
    Ok(())
}
