//! `kaoping scaffold`: creates a community's empty evidence folder tree.

use std::io::Write;
use std::path::PathBuf;

use kaoping::archive::scaffold;
use kaoping::catalog::Catalog;

use super::Context;
use super::output;

/// 生成空白材料文件夹
#[derive(Debug, clap::Args)]
pub struct Args {
    /// 在这个文件夹里生成（不存在时新建；已有的文件不会被改动）
    #[arg(value_name = "目录")]
    dir: PathBuf,
    /// 社区编号
    #[arg(long, value_name = "编号")]
    community: String,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    let archive = ctx.archive();
    let reg = archive.communities()?;
    let community = reg.get(&args.community)?;
    let made = scaffold::create(Catalog::builtin(), &args.dir, community)?;
    let mut out = output::stdout();
    writeln!(
        out,
        "已在 {} 为 {} {} 生成材料文件夹：{} 项指标、{} 条需要材料审核的标准，每个标准文件夹里有一份{}。",
        args.dir.display(),
        community.id,
        community.name,
        made.indicators,
        made.standards,
        kaoping::archive::layout::NOTE_FILE
    )?;
    writeln!(
        out,
        "请把材料放进对应的“标准”文件夹，整理好后运行：kaoping ingest {} --community {}",
        args.dir.display(),
        community.id
    )?;
    Ok(out.flush()?)
}
