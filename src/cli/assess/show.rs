//! `kaoping assess show`: a community's latest scored result.

use std::io::Write;

use kaoping::actions::assess;
use kaoping::assessment::Facts;
use kaoping::assessment::computed;
use kaoping::assessment::score::{self, round1};
use kaoping::assessment::store;

use super::super::Context;
use super::super::output;
use super::console;

pub(super) type Args = super::super::args::CommunityJson;

pub(super) fn run(ctx: &Context, a: Args) -> anyhow::Result<()> {
    let archive = ctx.archive();
    let config = ctx.config()?;
    let view = assess::result(&console(&archive, false), &config, &a.community)?;
    let (c, stored, card, reopened) = (&view.community, &view.stored, &view.card, view.reopened);
    let mut out = output::stdout();
    if a.json {
        let v = ShowJson {
            community: c,
            version: stored.record.version,
            imported: &stored.time,
            evidence_version: stored.record.evidence_version,
            reopened,
            score: card,
            named: view.named,
            needs_notice: card.needs_notice(),
            results: &stored.assessment.results,
            overrides: &view.overrides,
            facts: &stored.assessment.facts,
        };
        return output::json(&mut out, &v);
    }
    writeln!(
        out,
        "{} {}（{}，{}）第 {} 版考评结果，导入于 {}",
        c.id,
        c.name,
        c.district,
        c.kind,
        stored.record.version,
        config.time.show_labelled(&stored.time)
    )?;
    if reopened {
        writeln!(
            out,
            "注意：这一版最终结果已因退回下级而撤销，待重新评定，不能据以发文或命名。"
        )?;
    }
    writeln!(
        out,
        "总分 {} / {}，等次：{}；{}；{}",
        card.total,
        round1(card.max),
        card.grade.name,
        if view.named {
            "可以命名"
        } else {
            "不予命名"
        },
        if card.needs_notice() {
            "需要整改"
        } else {
            "无需整改"
        }
    )?;
    for it in &card.items {
        writeln!(
            out,
            "  {} {}：{} / {}",
            it.code,
            it.name,
            round1(it.score),
            round1(it.max)
        )?;
    }
    problems(&mut out, stored, store::kind_of(c))?;
    Ok(out.flush()?)
}

/// `assess show --json`.
#[derive(serde::Serialize)]
struct ShowJson<'a> {
    community: &'a kaoping::community::Community,
    version: u32,
    imported: &'a str,
    evidence_version: u32,
    /// The final result was withdrawn by a return below it.
    reopened: bool,
    score: &'a score::ScoreCard,
    named: bool,
    needs_notice: bool,
    results: &'a [kaoping::assessment::ResultRow],
    overrides: &'a [kaoping::assessment::overrule::Override],
    facts: &'a Facts,
}

/// The problem list and the verdicts computed from facts.
fn problems(
    out: &mut impl Write,
    stored: &store::StoredAssessment,
    kind: kaoping::community::CommunityKind,
) -> anyhow::Result<()> {
    let shortfalls: Vec<_> = stored.assessment.shortfalls().collect();
    if !shortfalls.is_empty() {
        writeln!(out, "问题清单：")?;
        for r in shortfalls {
            writeln!(
                out,
                "  {} 标准{}（{}）：{}。{}",
                r.indicator, r.standard, r.method, r.verdict, r.remark
            )?;
        }
    }
    for calc in computed::compute(&stored.assessment.facts, kind) {
        writeln!(
            out,
            "自动判定 {} 标准{}：{}",
            calc.indicator, calc.standard, calc.arithmetic
        )?;
    }
    Ok(())
}
