//! `kaoping receipt`: 材料提交回执 for a community's submission. One receipt
//! per submission version: asked again, the registered one is given back.

use std::io::Write;

use anyhow::Context as _;

use kaoping::actions::Ctx;
use kaoping::actions::documents::{self, Making};
use kaoping::documents::batch::Kind;
use kaoping::fsutil;
use kaoping::meter::Silent;
use kaoping::outfile;
use kaoping::render::Engine;

use super::Context;
use super::batch::{self, Output, Target};
use super::output;

/// 生成材料提交回执
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    target: Target,
    /// 第几版提交（默认最新一版；批量时总用最新一版）
    #[arg(long, value_name = "N")]
    version: Option<u32>,
    #[command(flatten)]
    output: Output,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    let Some(id) = args.target.community.as_deref() else {
        let kind = Kind::Receipt {
            version: args.version,
        };
        return batch::issue_kind(ctx, &args.target, kind, &args.output);
    };
    let archive = ctx.archive();
    let config = ctx.config()?;
    let engine = Engine::for_archive(ctx.root().dir(), &ctx.config()?)?;
    let out = &args.output;
    let dir = out.folder();
    fsutil::create_dir_durable(&dir)
        .with_context(|| format!("无法创建输出文件夹 {}", dir.display()))?;
    let act = Ctx::console(&archive, batch::wait(out.no_wait));
    let making = Making {
        config: &config,
        engine: &engine,
        meter: &Silent,
    };
    let r = documents::receipt(&act, making, id, args.version, out.date())?;
    let record = &r.entry.record;
    let pdf = documents::issued_file(&act, record.sha256())
        .with_context(|| format!("无法读取登记的回执 {}", record.number))?
        .bytes;
    let path = out.path_of(&record.file_name);
    let same = std::fs::read(&path).is_ok_and(|b| b == pdf);
    if !same {
        outfile::write(&path, &pdf, out.force).with_context(|| {
            format!(
                "回执 {} 已登记，可用 kaoping cat {} > 文件 取出",
                record.number,
                record.sha256()
            )
        })?;
    }
    let mut stdout = output::stdout();
    if r.new {
        writeln!(
            stdout,
            "{}  {}  {}",
            record.number,
            record.kind,
            path.display()
        )?;
        writeln!(stdout, "共生成并登记 1 份公文。")?;
    } else {
        writeln!(
            stdout,
            "第 {} 版提交的回执已经发出：{}（{}），不再重复发出；登记的原件已写入 {}",
            record.submission.unwrap_or_default(),
            record.number,
            record.date,
            path.display()
        )?;
    }
    Ok(stdout.flush()?)
}
