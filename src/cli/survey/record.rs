//! `kaoping survey record`: the survey's verdicts written into one level's
//! assessment.

use std::io::Write;

use kaoping::actions::{Ctx, survey};
use kaoping::assessment::level::Level;
use kaoping::assessment::store::At;
use kaoping::survey::Questionnaire;
use kaoping::survey::answer::Rules;

use super::Context;

/// Records the verdicts of `community` at `level` (and `expert`).
pub fn run(
    ctx: &Context,
    act: &Ctx,
    q: &Questionnaire,
    community: &str,
    (level, expert): (&str, Option<&str>),
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let config = ctx.config()?;
    let level = Level::parse(level)
        .ok_or_else(|| anyhow::anyhow!("级别“{level}”无效：可写 自查、初评、专家 或 最终"))?;
    let rules = Rules {
        q,
        settings: &config.survey,
    };
    let at = At {
        level,
        expert,
        by: None,
    };
    let r = survey::record(act, rules, community, at)?;
    writeln!(
        out,
        "已把 {} 条问卷调查标准的结论写入社区 {} 的{}考评结果（第 {} 版）",
        r.written,
        r.community.id,
        level.name(),
        r.stored.record.version
    )?;
    for s in &r.tally.standards {
        writeln!(
            out,
            "  {} 标准{}：{}",
            s.indicator, s.standard, s.arithmetic
        )?;
    }
    Ok(())
}
