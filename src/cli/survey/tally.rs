//! `kaoping survey tally`: copies issued, returned and valid, each item's
//! distribution, and each 问卷 standard's rate, index and verdict.

use std::io::Write;

use kaoping::actions::{Ctx, survey};
use kaoping::survey::Questionnaire;
use kaoping::survey::stats::{Tally, percent};

use super::Context;

/// Prints the statistics of `community` (as JSON with `json`).
pub fn run(
    ctx: &Context,
    act: &Ctx,
    q: &Questionnaire,
    community: &str,
    json: bool,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let config = ctx.config()?;
    let t = survey::tally(act, q, &config.survey, community)?;
    if json {
        serde_json::to_writer_pretty(&mut *out, &t)?;
        writeln!(out)?;
        return Ok(());
    }
    text(out, &t)
}

fn text(out: &mut impl Write, t: &Tally) -> anyhow::Result<()> {
    let rate = t.response_rate.map_or("—".to_string(), percent);
    writeln!(
        out,
        "社区 {}：发放 {} 份，回收 {} 份（网页 {} 份），回收率 {rate}，有效 {} 份",
        t.community, t.issued, t.returned, t.web, t.valid
    )?;
    for (reason, n) in &t.invalid {
        writeln!(out, "  无效答卷：{reason} {n} 份")?;
    }
    for p in &t.points {
        writeln!(
            out,
            "  考评点 {}：发放 {}，回收 {}，有效 {}",
            p.point, p.issued, p.returned, p.valid
        )?;
    }
    writeln!(out)?;
    for s in &t.standards {
        let verdict = s.verdict.map_or("不作结论", |v| v.name());
        writeln!(out, "{} 标准{}：{verdict}", s.indicator, s.standard)?;
        writeln!(out, "  {}", s.arithmetic)?;
    }
    writeln!(out)?;
    for i in &t.items {
        let dist: Vec<String> = i.counts.iter().map(|(c, n)| format!("{c} {n}")).collect();
        writeln!(out, "{} {}：{}", i.id, i.text, dist.join("，"))?;
    }
    if let Some(o) = &t.open_link {
        super::open_link::text(out, o)?;
    }
    if !t.open.is_empty() {
        writeln!(out, "\n意见和建议（{} 条）：", t.open.len())?;
        for o in &t.open {
            writeln!(out, "  - {o}")?;
        }
    }
    Ok(())
}
