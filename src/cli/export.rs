//! `kaoping export`: writes a submission version as a ZIP holding one
//! BagIt bag.

use std::io::Write;
use std::path::PathBuf;

use kaoping::archive::{Archive, bagit};

use super::Context;
use super::ingest::human_bytes;
use super::output;

/// 导出为 BagIt 包（ZIP）
#[derive(Debug, clap::Args)]
pub struct Args {
    /// 社区编号
    #[arg(long, value_name = "编号")]
    community: String,
    /// 第几版提交（默认最新一版）
    #[arg(long, value_name = "版本")]
    version: Option<u32>,
    /// 输出的 ZIP 文件
    #[arg(short, long, value_name = "文件")]
    output: PathBuf,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    let archive = Archive::new(ctx.root().dir());
    archive.register()?.get(&args.community)?;
    let sub = archive.submission(&args.community, args.version)?;
    let m = bagit::export(&archive, &sub, &args.output)?;
    let mut out = output::stdout();
    writeln!(
        out,
        "已导出 {} 第 {} 版提交到 {}：BagIt 包 {}，{} 个文件，{}",
        m.community.id,
        m.version,
        args.output.display(),
        bagit::bag_name(&sub),
        m.file_count,
        human_bytes(m.total_bytes)
    )?;
    Ok(out.flush()?)
}
