//! `kaoping field photo`: photos of a standard at a point, each stored as
//! it is given (the original bytes, EXIF read and flagged).

use std::io::Write;
use std::path::PathBuf;

use kaoping::actions::field;
use kaoping::field::photo::{Incoming, Stored};

use super::super::{Context, output};
use super::AtPoint;

#[derive(Debug, clap::Args)]
pub(in crate::cli) struct Args {
    #[command(flatten)]
    at: AtPoint,
    /// 标准，如 Ⅱ-6/1
    #[arg(long, value_name = "标准")]
    standard: String,
    /// 照片文件
    #[arg(value_name = "照片", required = true)]
    files: Vec<PathBuf>,
}

pub(super) fn run(ctx: &Context, a: Args) -> anyhow::Result<()> {
    let config = ctx.config()?;
    let (archive, acc) = super::acting(ctx, &a.at.who.account)?;
    let act = super::console(&archive);
    let mut out = output::stdout();
    for f in &a.files {
        let name = super::file_name(f);
        let incoming = Incoming {
            point: &a.at.point,
            standard: &a.standard,
            path: f,
            name: &name,
            client: None,
        };
        let (_, s) = field::store_photo(&act, &config, &a.at.who.community, Some(&acc), &incoming)?;
        writeln!(out, "{}", saved(&name, &s))?;
    }
    Ok(())
}

/// The line telling what became of photo `name`.
fn saved(name: &str, s: &Stored) -> String {
    let r = &s.record;
    let flags: Vec<String> = r.flags.iter().map(|f| f.detail.clone()).collect();
    format!(
        "{}照片 {}（{}）：{} {}，拍摄时间 {}{}",
        if s.duplicate {
            "已有相同的"
        } else {
            "已保存"
        },
        name,
        r.file.short(),
        r.point,
        r.key,
        r.exif.taken.as_deref().unwrap_or("未知"),
        if flags.is_empty() {
            String::new()
        } else {
            format!("；标记：{}", flags.join("；"))
        }
    )
}
