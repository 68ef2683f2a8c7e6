//! `kaoping survey use`: the office's own questionnaire in place of the
//! built-in one.

use std::io::Write;
use std::path::Path;

use kaoping::actions::{Ctx, survey};

/// Installs the questionnaire in `file`.
pub fn run(act: &Ctx, file: &Path, out: &mut impl Write) -> anyhow::Result<()> {
    let text = kaoping::handtext::read(file)
        .map_err(|e| anyhow::anyhow!("无法读取问卷文件 {}：{e}", file.display()))?;
    let q = survey::install(act, &text, file)?;
    writeln!(
        out,
        "已启用问卷《{}》（{} 道题），代替内置问卷；之后印制的问卷都用它。",
        q.title,
        q.questions.len()
    )?;
    Ok(())
}
