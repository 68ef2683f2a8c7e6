//! `kaoping show`: the files of a submission version with their hashes.

use std::io::Write;

use kaoping::actions::submissions;
use kaoping::archive::sheets as archive_sheets;
use kaoping::catalog::Catalog;

use super::Context;
use super::batch::console;
use super::output;
use super::sheets;

/// 查看某版提交的文件清单
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    which: super::args::Submission,
    /// 只看一项指标，如 Ⅱ-1、II-1、2-1 或指标名称
    #[arg(long, value_name = "指标")]
    indicator: Option<String>,
    /// 以 JSON 格式输出（供其他程序读取）
    #[arg(long, conflicts_with_all = ["csv", "xlsx", "output"])]
    json: bool,
    /// 以 CSV 表格输出（以 = + - @ 开头的单元格前加 ' 以防被当作公式）
    #[arg(long, conflicts_with = "xlsx")]
    csv: bool,
    #[command(flatten)]
    table: sheets::TableOut,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    let archive = ctx.archive();
    let (community, version) = (&args.which.community, args.which.version);
    let (sub, m) = submissions::files(&console(&archive, false), community, version)?;
    let only = match &args.indicator {
        Some(i) => Some(Catalog::builtin().indicator(i)?.1.code.clone()),
        None => None,
    };
    let files: Vec<_> = m
        .files
        .iter()
        .filter(|f| only.as_ref().is_none_or(|c| *c == f.indicator))
        .collect();
    if args
        .table
        .emit(args.csv, &|| archive_sheets::files(&files))?
    {
        return Ok(());
    }
    let mut out = output::stdout();
    if args.json {
        return output::json(&mut out, &files);
    }
    writeln!(
        out,
        "{} {} 第 {} 版提交（{}），根哈希 {}",
        m.community.id,
        m.community.name,
        m.version,
        ctx.config()?.time.show_labelled(&m.created),
        sub.record.root_hash
    )?;
    writeln!(
        out,
        "SHA-256                                                           字节数  位置（原路径）"
    )?;
    for f in &files {
        let orig = if f.placed == f.path {
            String::new()
        } else {
            format!("（{}）", f.path)
        };
        writeln!(out, "{}  {:>10}  {}{orig}", f.sha256, f.size, f.placed)?;
    }
    writeln!(out, "共 {} 个文件", files.len())?;
    Ok(out.flush()?)
}
