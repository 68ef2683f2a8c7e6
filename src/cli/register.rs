//! `kaoping register`: lists the document register (every issued
//! document with its number, kind, recipient, date and PDF hash, then
//! every voided number with its reason).

use std::io::Write;

use kaoping::actions::{Ctx, Wait, documents};
use kaoping::issuance::sheet;

use super::Context;
use super::output::{self, pad};
use super::sheets;

/// 查看发文登记簿
#[derive(Debug, clap::Args)]
pub struct Args {
    /// 只看某个社区的公文
    #[arg(long, value_name = "编号")]
    community: Option<String>,
    /// 以 JSON 格式输出
    #[arg(long, conflicts_with_all = ["xlsx", "output"])]
    json: bool,
    #[command(flatten)]
    table: sheets::TableOut,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    let archive = ctx.archive();
    let register = documents::register(&Ctx::console(&archive, Wait::No))?;
    let entries: Vec<_> = register
        .entries
        .into_iter()
        .filter(|e| {
            args.community
                .as_deref()
                .is_none_or(|c| e.record.community.as_deref() == Some(c))
        })
        .collect();
    // Voided numbers belong to no community.
    let voided = match args.community {
        Some(_) => Vec::new(),
        None => register.voided,
    };
    if args
        .table
        .emit(false, &|| sheet::register(&entries, &voided))?
    {
        return Ok(());
    }
    let mut out = output::stdout();
    if args.json {
        return output::json(&mut out, &entries);
    }
    if entries.is_empty() && voided.is_empty() {
        writeln!(out, "登记簿中还没有公文。")?;
        return Ok(out.flush()?);
    }
    writeln!(out, "共 {} 份公文：", entries.len())?;
    for e in &entries {
        let r = &e.record;
        writeln!(
            out,
            "{}  {}  {}  {}  《{}》",
            pad(&r.number, 24, false),
            pad(r.kind.name(), 12, false),
            r.date,
            pad(&r.recipient, 20, false),
            r.title
        )?;
        write!(out, "    SHA-256 {}  {} 字节", r.sha256(), r.size())?;
        if let Some(sm3) = r.sm3() {
            write!(out, "\n    SM3 {sm3}")?;
        }
        if let Some(reason) = &r.over_quota {
            write!(out, "  超出任务数命名，理由：{reason}")?;
        }
        writeln!(out)?;
        for t in r.overrides() {
            writeln!(
                out,
                "    用档案库中的覆盖模板 {} 生成（SHA-256 {}）",
                t.name, t.sha256
            )?;
        }
    }
    if !voided.is_empty() {
        writeln!(out, "作废的文号 {} 个：", voided.len())?;
    }
    for v in &voided {
        writeln!(
            out,
            "{}  作废  原拟《{}》\n    {}",
            pad(&v.number.number, 24, false),
            v.number.title,
            v.reason
        )?;
    }
    Ok(out.flush()?)
}
