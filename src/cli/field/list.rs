//! `kaoping field list`: a community's photos and visit records.

use std::io::Write;

use kaoping::actions::field;

use super::super::batch::console;
use super::super::{Context, output};

#[derive(Debug, clap::Args)]
pub(in crate::cli) struct Args {
    /// 社区编号
    #[arg(long, value_name = "编号")]
    community: String,
}

pub(super) fn run(ctx: &Context, a: Args) -> anyhow::Result<()> {
    let archive = ctx.archive();
    let (photos, visits) = field::records(&console(&archive, false), &a.community)?;
    let time = ctx.config()?.time;
    let mut out = output::stdout();
    writeln!(out, "（时间均为{}）", time.label())?;
    for p in &photos {
        let flags: Vec<&str> = p.flags.iter().map(|f| f.detail.as_str()).collect();
        writeln!(
            out,
            "照片 {} {} {} {} {} 收到 {} 拍摄 {} {}",
            p.file.short(),
            p.point,
            p.key,
            p.assessor,
            p.file.name,
            time.show(&p.received),
            p.exif
                .taken
                .as_deref()
                .map_or("未知".into(), |t| time.show(t)),
            flags.join("；")
        )?;
    }
    for v in &visits {
        for r in &v.rows {
            writeln!(
                out,
                "记录 {} {} {} {} {} {}（{} 张照片）",
                v.point,
                v.assessor,
                v.level.name(),
                v.date,
                r.key,
                r.verdict,
                r.photos.len()
            )?;
        }
    }
    Ok(())
}
