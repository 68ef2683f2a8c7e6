//! `kaoping street list|submit`: 街道（乡镇） as assessed units — which
//! 街道 the register names, with their pilot communities, and the
//! evidence a 街道 hands in once for the standards addressed to it.

use std::io::Write;
use std::path::PathBuf;

use clap::Subcommand;

use kaoping::actions::street as act;
use kaoping::archive::zipin::ZipLimits;

use super::batch::console;
use super::{Context, output};

/// 街道（乡镇）
pub(super) type Args = super::Group<Sub>;

#[derive(Debug, Subcommand)]
pub(super) enum Sub {
    /// 列出社区名单中登记的街道（乡镇）、各自的试点社区和已提交的共享材料
    List,
    /// 提交一个街道（乡镇）负责的考评标准的材料（文件夹或 ZIP，按“指标/标准N/”存放），计入该街道每个试点社区
    Submit(SubmitArgs),
}

#[derive(Debug, clap::Args)]
pub(in crate::cli) struct SubmitArgs {
    /// 材料文件夹或 ZIP 文件
    #[arg(value_name = "文件夹或ZIP")]
    source: PathBuf,
    /// 所属县（市）区，如 五华区
    #[arg(long, value_name = "县区")]
    district: String,
    /// 街道（乡镇）名称，须是社区名单中登记过的，如 华山街道
    #[arg(long, value_name = "街道")]
    street: String,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    let archive = ctx.archive();
    let c = console(&archive, false);
    let mut out = output::stdout();
    match args.command {
        Sub::Submit(a) => {
            let ev = act::hand_in(&c, &a.district, &a.street, &a.source, ZipLimits::default())?;
            let bytes: u64 = ev.objects.iter().map(|o| o.size).sum();
            writeln!(
                out,
                "已接收{}{}的共享材料（第 {} 版）：{} 个文件，{} 字节；计入该街道每个试点社区。",
                ev.district,
                ev.street,
                ev.version,
                ev.files.len(),
                bytes
            )?;
        }
        Sub::List => {
            let lines = act::list(&c)?;
            if lines.is_empty() {
                writeln!(
                    out,
                    "社区名单中还没有登记街道（乡镇）。在社区名单的“街道（乡镇）”列填写后重新导入（kaoping community import），或用 kaoping community add --street。"
                )?;
            }
            for l in &lines {
                let ids: Vec<String> = l
                    .communities
                    .iter()
                    .map(|(id, name)| format!("{id} {name}"))
                    .collect();
                let latest = match &l.latest {
                    Some(e) => format!("共享材料第 {} 版，{} 个文件", e.version, e.files.len()),
                    None => "尚未提交共享材料".to_string(),
                };
                writeln!(
                    out,
                    "{}：{} 个试点社区（{}）；{latest}",
                    l.street,
                    l.communities.len(),
                    ids.join("、")
                )?;
            }
        }
    }
    Ok(out.flush()?)
}
