//! `kaoping field submit`: the assessor's visits as the sheet of its level
//! (县区初评 or 专家评估).

use std::io::Write;
use std::path::PathBuf;

use kaoping::actions::field;

use super::super::{Context, output};
use super::Who;

#[derive(Debug, clap::Args)]
pub(in crate::cli) struct Args {
    #[command(flatten)]
    who: Who,
    /// 其余考评方法（材料审核、问卷调查、网络（媒体）调查）的考评表；不写则沿用本人本级上一版考评表
    #[arg(long, value_name = "考评表")]
    sheet: Option<PathBuf>,
}

pub(super) fn run(ctx: &Context, a: Args) -> anyhow::Result<()> {
    let (archive, acc) = super::acting(ctx, &a.who.account)?;
    let act = super::console(&archive);
    let base = a.sheet.as_deref();
    let (c, s) = field::submit_visits(&act, &a.who.community, Some(&acc), base)?;
    let mut out = output::stdout();
    writeln!(
        out,
        "已提交 {} 对社区 {} 的{}（第 {} 版考评结果，含实地考评结论）",
        acc.name,
        c.id,
        s.record.level.name(),
        s.record.version
    )?;
    Ok(())
}
