//! `kaoping field scan`: a scanned, filled paper form of a point.

use std::io::Write;
use std::path::PathBuf;

use kaoping::actions::field;
use kaoping::field::Upload;

use super::super::{Context, output};
use super::AtPoint;

#[derive(Debug, clap::Args)]
pub(in crate::cli) struct Args {
    #[command(flatten)]
    at: AtPoint,
    /// 扫描件
    #[arg(value_name = "文件")]
    file: PathBuf,
}

pub(super) fn run(ctx: &Context, a: Args) -> anyhow::Result<()> {
    let (archive, acc) = super::acting(ctx, &a.at.who.account)?;
    let act = super::console(&archive);
    let name = super::file_name(&a.file);
    let scan = Upload {
        path: &a.file,
        name: &name,
    };
    let (_, s) = field::attach_scan(&act, &a.at.who.community, Some(&acc), &a.at.point, scan)?;
    let mut out = output::stdout();
    writeln!(
        out,
        "已保存考评点 {} 的实地考评表扫描件 {}（{}）",
        s.point,
        name,
        s.file.short()
    )?;
    Ok(())
}
