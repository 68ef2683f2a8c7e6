//! `kaoping assess panel`: each expert's verdicts and the 专家组's aggregate.

use std::io::Write;

use kaoping::actions::assess;

use super::super::Context;
use super::super::output;
use super::console;

pub(super) type Args = super::super::args::CommunityJson;

pub(super) fn run(ctx: &Context, a: Args) -> anyhow::Result<()> {
    let archive = ctx.archive();
    let rule = ctx.config()?.assessment.aggregate;
    let (c, rows) = assess::panel(&console(&archive, false), &a.community, rule)?;
    let mut out = output::stdout();
    if a.json {
        output::json(&mut out, &rows)?;
    } else if rows.is_empty() {
        writeln!(out, "{} {} 还没有专家提交评估。", c.id, c.name)?;
    } else {
        for r in &rows {
            let each: Vec<String> = r.verdicts.iter().map(|(w, v)| format!("{w} {v}")).collect();
            writeln!(
                out,
                "{} 标准{}（{}）：{}；{}",
                r.indicator,
                r.standard,
                r.method,
                each.join("、"),
                r.aggregate.arithmetic
            )?;
        }
    }
    Ok(out.flush()?)
}
