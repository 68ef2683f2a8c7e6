//! `kaoping verify-doc FILE.pdf`: tells whether a PDF is, byte for byte,
//! a document issued from this archive, and which one.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context as _, bail};

use kaoping::issuance;

use super::Context;
use super::output;

/// 核对 PDF 是否为本档案库登记的公文
#[derive(Debug, clap::Args)]
pub struct Args {
    /// 要核对的 PDF 文件
    #[arg(value_name = "文件")]
    file: PathBuf,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    let archive = ctx.archive();
    let file = std::fs::File::open(&args.file)
        .with_context(|| format!("无法读取 {}", args.file.display()))?;
    let check = issuance::check_pdf(&archive, file)?;
    let hex = &check.sha256;
    let Some(entry) = check.entry else {
        bail!(
            "{} 不是本档案库登记过的公文（SHA-256 {hex}）。文件可能被修改过，或者不是由本档案库发出的",
            args.file.display()
        );
    };
    let r = &entry.record;
    let mut out = output::stdout();
    writeln!(
        out,
        "{} 是登记过的公文，内容与登记时完全一致：",
        args.file.display()
    )?;
    writeln!(out, "  文号：{}", r.number)?;
    writeln!(out, "  类型：{}", r.kind)?;
    writeln!(out, "  标题：{}", r.title)?;
    writeln!(out, "  主送/对象：{}", r.recipient)?;
    writeln!(out, "  成文日期：{}", r.date)?;
    writeln!(out, "  发文机关：{}", r.organs.join("、"))?;
    writeln!(
        out,
        "  登记时间：{}",
        ctx.config()?.time.show_labelled(&entry.time)
    )?;
    writeln!(out, "  SHA-256：{hex}")?;
    // The archive's own copy should still be intact.
    if check.copy_intact {
        writeln!(out, "  档案库中的存档副本完好。")?;
    } else {
        writeln!(
            out,
            "  注意：档案库中的存档副本缺失或已损坏，请运行 kaoping verify 检查。"
        )?;
    }
    Ok(out.flush()?)
}
