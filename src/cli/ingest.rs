//! `kaoping ingest`: hands in a folder or ZIP of evidence as a new
//! submission version and prints a per-indicator summary.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use kaoping::actions::{Ctx, evidence};
use kaoping::archive::ingest::IngestOptions;
use kaoping::archive::zipin::ZipLimits;
use kaoping::catalog::Catalog;

use super::Context;
use super::bar::Bar;
use super::output::{self, pad};

/// 提交证据材料
#[derive(Debug, clap::Args)]
pub struct Args {
    /// 材料文件夹或 ZIP 压缩包（按 kaoping scaffold 生成的文件夹整理）
    #[arg(value_name = "文件夹或ZIP")]
    source: PathBuf,
    /// 社区编号
    #[arg(long, value_name = "编号")]
    community: String,
    /// 提交人姓名
    #[arg(long, value_name = "姓名")]
    submitter: Option<String>,
    /// 档案库正被其他进程写入时立即退出，不排队等待
    #[arg(long)]
    no_wait: bool,
    /// 与最新一版完全相同时也另存一版（默认不存，并说明与第几版相同）
    #[arg(long)]
    allow_identical: bool,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    let archive = ctx.archive();
    let catalog = Catalog::builtin();
    let options = IngestOptions {
        community: args.community.clone(),
        submitter: args.submitter.clone(),
        wait: !args.no_wait,
        limits: ZipLimits::default(),
        reserve: kaoping::archive::ingest::DEFAULT_RESERVE,
        source_name: None,
        allow_identical: args.allow_identical,
    };
    let act = Ctx::console(&archive, super::batch::wait(args.no_wait));
    let report = evidence::hand_in(&act, &args.source, options, &Bar::default(), None)?.report;
    let m = &report.manifest;
    let mut out = output::stdout();
    writeln!(
        out,
        "已保存 {} {} 的第 {} 版提交：{} 个文件，{}（其中新内容 {} 个文件，{}；其余与已存内容相同，未重复保存）",
        m.community.id,
        m.community.name,
        m.version,
        m.file_count,
        human_bytes(m.total_bytes),
        report.new_objects,
        human_bytes(report.new_bytes)
    )?;
    writeln!(out, "根哈希：{}", report.root_hash)?;
    per_indicator(&mut out, catalog, m)?;
    let cov = kaoping::streets::coverage(&archive, m)?;
    let missing: Vec<_> = cov.missing().collect();
    if !missing.is_empty() {
        writeln!(
            out,
            "\n还有 {} 条需要材料审核的标准没有材料（kaoping coverage --community {} 查看详情）",
            missing.len(),
            m.community.id
        )?;
    }
    // Unchanged scaffold notes are expected: count them, list the rest.
    let (notes, others): (Vec<_>, Vec<_>) = m.skipped.iter().partition(|s| s.is_scaffold_note());
    if !notes.is_empty() {
        writeln!(
            out,
            "\n略过 scaffold 生成、未修改的说明.txt {} 个",
            notes.len()
        )?;
    }
    if !others.is_empty() {
        writeln!(out, "\n略过 {} 项：", others.len())?;
        for s in others {
            writeln!(out, "  {}：{}", s.path, s.reason)?;
        }
    }
    Ok(out.flush()?)
}

/// The number and size of files per indicator.
fn per_indicator(
    out: &mut impl Write,
    catalog: &Catalog,
    m: &kaoping::archive::manifest::Manifest,
) -> std::io::Result<()> {
    writeln!(out, "\n各指标文件数：")?;
    let mut per: BTreeMap<u32, (String, u64, u64)> = BTreeMap::new();
    for f in &m.files {
        if let Ok((_, ind)) = catalog.indicator(&f.indicator) {
            let e = per
                .entry(ind.number())
                .or_insert_with(|| (ind.folder_name(), 0, 0));
            e.1 += 1;
            e.2 += f.size;
        }
    }
    for (name, n, bytes) in per.values() {
        writeln!(
            out,
            "  {}{:>5} 个  {}",
            pad(name, 44, false),
            n,
            human_bytes(*bytes)
        )?;
    }
    Ok(())
}

/// Bytes for people: KB / MB / GB with one decimal.
pub fn human_bytes(n: u64) -> String {
    kaoping::sizes::size_text(n)
}
