//! `kaoping repair`: re-hashes every stored object and moves the damaged
//! ones into `quarantine/` (kept, logged), so that handing the same files
//! in again restores every version that uses them.

use std::io::Write;

use kaoping::actions::{Ctx, maintenance};

use super::Context;
use super::bar::Bar;
use super::output;

/// 修复档案库：把损坏的文件移到 quarantine 文件夹，以便重新提交
#[derive(Debug, clap::Args)]
pub struct Args {
    /// 档案库正被其他进程写入时立即退出，不排队等待
    #[arg(long)]
    no_wait: bool,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    let archive = ctx.archive();
    let act = Ctx::console(&archive, super::batch::wait(args.no_wait));
    let moved = maintenance::repair(&act, &Bar::default())?;
    let mut out = output::stdout();
    if moved.is_empty() {
        writeln!(out, "没有发现损坏的文件，档案库无需修复。")?;
        return Ok(out.flush()?);
    }
    print_moved(&mut out, &moved)?;
    Ok(out.flush()?)
}

/// Lists what was set aside and what to do next.
pub fn print_moved(
    out: &mut impl Write,
    moved: &[kaoping::event::Quarantined],
) -> std::io::Result<()> {
    writeln!(
        out,
        "已把 {} 个损坏的文件移到 quarantine 文件夹（原样保留，已记入日志）：",
        moved.len()
    )?;
    for q in moved {
        writeln!(out, "  {}  {} → {}", q.sha256, q.reason, q.moved_to)?;
    }
    writeln!(
        out,
        "请原提交单位把同样的文件重新提交（kaoping ingest）：档案库会存入完好的副本，用到它们的各版提交随之恢复完整；之后运行 kaoping verify 确认。"
    )
}
