//! `kaoping gc`: removes stored objects that no record refers to, in two
//! runs under the writer lock (mark, then sweep after the grace period),
//! and prints the counts and bytes.

use std::io::Write;
use std::time::Duration;

use kaoping::actions::{Ctx, maintenance};
use kaoping::archive::gc::GcOptions;
use kaoping::sizes::size_text as human;

use super::Context;
use super::output;

/// 清理无引用的文件：先标记，过了宽限期仍无引用的再删除
#[derive(Debug, clap::Args)]
pub struct Args {
    /// 宽限期：标记后至少过这么久、且存入至少这么久的无引用文件才删除，如 7d、12h、30m、0s
    #[arg(long, value_name = "时长", default_value = "7d", value_parser = parse_grace)]
    older_than: Duration,
    /// 只显示这次会标记和删除多少，不做任何改动
    #[arg(long)]
    dry_run: bool,
    /// 档案库正被其他进程写入时立即退出，不排队等待
    #[arg(long)]
    no_wait: bool,
}

fn parse_grace(s: &str) -> Result<Duration, String> {
    humantime::parse_duration(s.trim())
        .map_err(|_| format!("无法识别的时长“{s}”，请写成 7d、12h、30m 或 0s 这样"))
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    let archive = ctx.archive();
    let act = Ctx::console(&archive, super::batch::wait(args.no_wait));
    let opts = GcOptions {
        grace: args.older_than,
        dry_run: args.dry_run,
    };
    let c = maintenance::gc(&act, opts)?;
    let mut out = output::stdout();
    let what = if args.dry_run {
        "（试运行，未做改动）"
    } else {
        ""
    };
    writeln!(out, "共 {} 个文件{what}：", c.stored)?;
    writeln!(
        out,
        "  新标记无引用：{} 个（{}）",
        c.marked,
        human(c.marked_bytes)
    )?;
    writeln!(out, "  已标记、未到宽限期：{} 个", c.waiting)?;
    writeln!(out, "  标记后又被引用、保留：{} 个", c.rescued)?;
    let verb = if args.dry_run {
        "将删除"
    } else {
        "已删除"
    };
    writeln!(
        out,
        "  {verb}：{} 个（{}）",
        c.removed,
        human(c.removed_bytes)
    )?;
    if c.marked > 0 && !args.dry_run {
        writeln!(
            out,
            "新标记的文件在宽限期过后、且仍无引用时，由下一次 kaoping gc 删除。"
        )?;
    }
    Ok(out.flush()?)
}
