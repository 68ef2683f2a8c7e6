//! `kaoping export`: writes a submission version as a ZIP holding one
//! BagIt bag.

use std::io::Write;
use std::path::PathBuf;

use kaoping::actions::{Ctx, Wait, evidence};
use kaoping::archive::{Archive, bagit};
use kaoping::{interrupt, outfile};

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
    /// 输出文件已存在时覆盖它（默认拒绝）
    #[arg(long)]
    force: bool,
}

/// On Ctrl+C (or SIGTERM) before the export is complete, the unfinished
/// temporary file is removed before the program stops; once the file is
/// being put in place, the interrupt waits until it is and has been
/// reported (see `kaoping::interrupt`).
fn clean_up_on_interrupt(output: &std::path::Path) {
    let dir = match output.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    interrupt::on_stop(move || {
        // This process's writer still holds its lock.
        bagit::remove_temp_files(&dir, true);
        eprintln!("已中断：导出没有完成，未完成的临时文件已删除。");
    });
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    let archive = Archive::new(ctx.root().dir());
    archive.communities()?.get(&args.community)?;
    let sub = archive.submission(&args.community, args.version)?;
    outfile::refuse_existing(&args.output, args.force)?;
    clean_up_on_interrupt(&args.output);
    let ctx = Ctx::console(&archive, Wait::No);
    let m = evidence::export_bag(&ctx, &sub, &args.output, args.force)?;
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
