//! `kaoping export`: writes a submission version as a ZIP holding one
//! BagIt bag.

use std::io::Write;
use std::path::PathBuf;

use kaoping::actions::{Ctx, Wait, evidence};
use kaoping::archive::bagit;
use kaoping::{interrupt, outfile};

use super::Context;
use super::ingest::human_bytes;
use super::output;

/// 导出为 BagIt 包（ZIP）
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    which: super::args::Submission,
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
    let archive = ctx.archive();
    let (community, version) = (&args.which.community, args.which.version);
    archive.communities()?.get(community)?;
    let sub = archive.submission(community, version)?;
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
