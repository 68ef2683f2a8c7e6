//! `kaoping survey import`: a table of paper answers, recorded at once or,
//! under double entry, as one clerk's entries.

use std::io::Write;
use std::path::Path;

use anyhow::Context as _;

use kaoping::actions::{Ctx, survey};
use kaoping::survey::Questionnaire;
use kaoping::survey::answer::Rules;

use super::Context;

/// Imports the answers in `file`, entered by `clerk`.
pub fn run(
    ctx: &Context,
    act: &Ctx,
    q: &Questionnaire,
    file: &Path,
    clerk: Option<&str>,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let config = ctx.config()?;
    let rules = Rules {
        q,
        settings: &config.survey,
    };
    let read = || std::fs::read(file).with_context(|| format!("无法读取 {}", file.display()));
    if !config.survey.double_entry {
        let got = survey::import_paper(act, rules, file, &read()?)?;
        let invalid = got.iter().filter(|a| a.invalid.is_some()).count();
        writeln!(
            out,
            "已录入 {} 份纸质答卷（其中无效 {invalid} 份）",
            got.len()
        )?;
        return Ok(());
    }
    let clerk = survey::entry_clerk(clerk)?;
    let done = survey::import_entries(act, rules, file, &read()?, clerk)?;
    writeln!(
        out,
        "{clerk} 录入 {} 份：与另一位录入员一致、已计入 {} 份，等待第二遍录入 {} 份，不一致待核对 {} 份",
        done.counted + done.waiting + done.differ.len(),
        done.counted,
        done.waiting,
        done.differ.len()
    )?;
    for n in done.differ {
        writeln!(out, "  不一致：{n}（用 kaoping survey mismatches 查看）")?;
    }
    Ok(())
}
