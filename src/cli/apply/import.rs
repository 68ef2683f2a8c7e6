//! `kaoping apply import`: applications from a filled-in sheet, all or none.

use std::io::Write;
use std::path::PathBuf;

use kaoping::actions::{Ctx, apply};
use kaoping::application::sheet;

use super::super::Context;
use super::super::batch::wait;
use super::super::output;

#[derive(Debug, clap::Args)]
pub(in crate::cli) struct Args {
    /// 填好的申报表
    #[arg(value_name = "文件")]
    file: PathBuf,
    /// 申报单位；表中没有“所属区县”列时必须写
    #[arg(long, value_name = "区县")]
    district: Option<String>,
    /// 档案库正被其他进程写入时立即退出，不排队等待
    #[arg(long)]
    no_wait: bool,
}

pub(super) fn run(ctx: &Context, a: Args) -> anyhow::Result<()> {
    let archive = ctx.archive();
    let act = Ctx::console(&archive, wait(a.no_wait));
    let proposals = sheet::read(&a.file, a.district.as_deref())?;
    let records = apply::submit(&act, proposals)?;
    let (first, last) = (records[0].number, records[records.len() - 1].number);
    let mut out = output::stdout();
    writeln!(
        out,
        "已从 {} 收到 {} 项申报（第 {first}—{last} 号），待考评办公室审核",
        a.file.display(),
        records.len()
    )?;
    Ok(out.flush()?)
}
