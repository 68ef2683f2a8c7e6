//! `kaoping survey close`: no more answers for a community.

use std::io::Write;

use kaoping::actions::{Ctx, survey};

/// Closes `community`'s survey.
pub fn run(act: &Ctx, community: &str, out: &mut impl Write) -> anyhow::Result<()> {
    let c = survey::close(act, community)?;
    writeln!(
        out,
        "已结束社区 {} {} 的问卷调查：此后不再接收任何答卷（网页、开放链接、纸质录入）。",
        c.id, c.name
    )?;
    Ok(())
}
