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

/// On Ctrl+C (or SIGTERM) the unfinished export file is removed before
/// the program stops; without this the temporary file would stay behind.
fn clean_up_on_interrupt(output: &std::path::Path) {
    let dir = match output.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let Ok(rt) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            let _ = ready_tx.send(());
            return;
        };
        rt.block_on(async {
            #[cfg(unix)]
            {
                use tokio::signal::unix::{SignalKind, signal};
                let (Ok(mut int), Ok(mut term)) = (
                    signal(SignalKind::interrupt()),
                    signal(SignalKind::terminate()),
                ) else {
                    let _ = ready_tx.send(());
                    return;
                };
                let _ = ready_tx.send(());
                tokio::select! {
                    _ = int.recv() => {}
                    _ = term.recv() => {}
                }
            }
            #[cfg(not(unix))]
            {
                let _ = ready_tx.send(());
                let _ = tokio::signal::ctrl_c().await;
            }
            // This process's writer still holds its lock.
            bagit::remove_temp_files(&dir, true);
            eprintln!("已中断：导出没有完成，未完成的临时文件已删除。");
            std::process::exit(130);
        });
    });
    // Handlers are in place before the export begins.
    let _ = ready_rx.recv();
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    let archive = Archive::new(ctx.root().dir());
    archive.communities()?.get(&args.community)?;
    let sub = archive.submission(&args.community, args.version)?;
    clean_up_on_interrupt(&args.output);
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
