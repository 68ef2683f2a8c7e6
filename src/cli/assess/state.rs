//! `kaoping assess state`: each community's progress through 评估验收.

use std::io::Write;

use kaoping::actions::assess;

use super::super::Context;
use super::super::output;
use super::console;

pub(super) type Args = super::super::args::Json;

pub(super) fn run(ctx: &Context, a: Args) -> anyhow::Result<()> {
    let archive = ctx.archive();
    let states = assess::states(&console(&archive, false))?;
    let mut out = output::stdout();
    if a.json {
        output::json(&mut out, &states)?;
    } else {
        for s in &states {
            writeln!(
                out,
                "{}  {}  {}  {}{}",
                s.community,
                s.name,
                s.district,
                s.state.name(),
                if s.final_reopened {
                    "（原最终结果已因退回撤销，待重新评定）"
                } else {
                    ""
                }
            )?;
        }
    }
    Ok(out.flush()?)
}
