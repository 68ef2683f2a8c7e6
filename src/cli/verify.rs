//! `kaoping verify`: re-hashes every stored object and checks manifests
//! and the log; exits non-zero if anything is wrong.

use std::io::Write;

use kaoping::actions::maintenance::{self, SetAside};
use kaoping::actions::{Ctx, Wait};

use super::Context;
use super::bar::Bar;
use super::ingest::human_bytes;
use super::output;

/// 校验档案库
#[derive(Debug, clap::Args)]
pub struct Args {
    /// 只校验这个社区的提交（默认校验整个档案库）
    #[arg(long, value_name = "编号")]
    community: Option<String>,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    let archive = ctx.archive();
    let act = Ctx::console(&archive, Wait::No);
    let verified = maintenance::verify(&act, args.community.as_deref(), &Bar::default())?;
    let report = verified.report;
    let mut out = output::stdout();
    for n in &report.notes {
        writeln!(out, "提示：{n}")?;
    }
    if !report.template_overrides.is_empty() {
        writeln!(
            out,
            "档案库 templates/ 文件夹中有 {} 个覆盖模板（公文用它们代替内置模板；登记簿记有每份公文所用模板的哈希）：",
            report.template_overrides.len()
        )?;
        for t in &report.template_overrides {
            writeln!(out, "    {}  SHA-256 {}", t.name, t.sha256)?;
        }
    }
    if report.ok() {
        writeln!(
            out,
            "校验通过：{} 版提交、{} 个文件（{}）全部完好，日志链完整。",
            report.submissions,
            report.objects,
            human_bytes(report.bytes)
        )?;
        if report.sm3 > 0 {
            writeln!(out, "其中 {} 份公文的 SM3 摘要也已核对。", report.sm3)?;
        }
        return Ok(out.flush()?);
    }
    out.flush()?;
    for p in &report.problems {
        eprintln!("{p}");
    }
    // Damaged copies are set aside so that handing the files in again
    // stores good ones (when another writer holds the archive, later by
    // kaoping repair).
    match verified.set_aside {
        SetAside::Nothing => {}
        SetAside::Moved(moved) => super::repair::print_moved(&mut std::io::stderr(), &moved)?,
        SetAside::Busy => {
            eprintln!("档案库正被其他进程写入，损坏的文件这次没有移开；请稍后运行 kaoping repair")
        }
        SetAside::Failed(e) => return Err(e.into()),
    }
    anyhow::bail!(
        "校验发现 {} 处问题（共检查 {} 版提交、{} 个文件）。请从备份恢复上面列出的文件，或请原提交单位重新提交",
        report.problems.len(),
        report.submissions,
        report.objects
    )
}
