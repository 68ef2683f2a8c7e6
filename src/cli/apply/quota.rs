//! `kaoping apply quota`: each district's use of its task numbers (附件1).

use std::io::Write;

use kaoping::actions::apply;

use super::super::Context;
use super::super::batch::console;
use super::super::output::{self, pad};

pub(super) type Args = super::super::args::Json;

pub(super) fn run(ctx: &Context, a: Args) -> anyhow::Result<()> {
    let archive = ctx.archive();
    let mut out = output::stdout();
    let usage = apply::quota(&console(&archive, false))?;
    if a.json {
        output::json(&mut out, &usage)?;
    } else {
        writeln!(
            out,
            "{}试点总任务数  第一阶段任务数  已登记  其中第一阶段  待审核申报",
            pad("县（市）区", 14, false)
        )?;
        for u in &usage {
            writeln!(
                out,
                "{}{:>12}  {:>14}  {:>6}  {:>12}  {:>10}",
                pad(&u.district, 14, false),
                u.quota,
                u.phase1_quota,
                u.registered,
                u.phase1,
                u.pending
            )?;
        }
    }
    Ok(out.flush()?)
}
