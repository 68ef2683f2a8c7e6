//! `kaoping field import-outbox`: the outbox a phone exported ("导出待上传
//! 记录") taken in as an account's, by the same idempotency rules as the
//! page's sync: a record already taken in is acknowledged again, never
//! stored twice.

use std::io::Write;
use std::path::PathBuf;

use kaoping::actions::field_sync;
use kaoping::field::outbox::Outcome;

use super::super::{Context, output};

#[derive(Debug, clap::Args)]
pub(in crate::cli) struct Args {
    /// 手机上导出的待上传记录文件（.json）
    #[arg(value_name = "文件")]
    file: PathBuf,
    /// 考评人账号（导出记录的县区或专家账号）
    #[arg(long = "as", value_name = "账号")]
    account: String,
}

fn outcome(o: &Outcome) -> &'static str {
    match o {
        Outcome::Stored => "已保存",
        Outcome::Again => "此前已保存，未重复记录",
        Outcome::SamePhoto => "已有相同照片，未重复记录",
    }
}

pub(super) fn run(ctx: &Context, a: Args) -> anyhow::Result<()> {
    let (archive, acc) = super::acting(ctx, &a.account)?;
    let config = ctx.config()?;
    let act = super::console(&archive);
    let done = field_sync::import_outbox(&act, &config, &acc, &a.file)?;
    let mut out = output::stdout();
    let mut refused = 0;
    for r in &done {
        match &r.result {
            Ok(o) => writeln!(out, "{} {} {}：{}", r.community, r.what, r.id, outcome(o))?,
            Err(e) => {
                refused += 1;
                writeln!(out, "{} {} {}：被拒绝：{e}", r.community, r.what, r.id)?;
            }
        }
    }
    writeln!(
        out,
        "共 {} 条记录，{} 条已在档案库中，{} 条被拒绝",
        done.len(),
        done.len() - refused,
        refused
    )?;
    if refused > 0 {
        anyhow::bail!("有 {refused} 条记录被拒绝，见上面的原因");
    }
    Ok(())
}
