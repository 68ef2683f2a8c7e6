//! `kaoping survey mismatches`: copies whose two clerks' entries disagree.

use std::io::Write;

use kaoping::actions::{Ctx, survey};

/// Lists the copies of `community` whose entries disagree.
pub fn run(act: &Ctx, community: &str, json: bool, out: &mut impl Write) -> anyhow::Result<()> {
    let list = survey::mismatches(act, true, Some(community))?;
    if json {
        serde_json::to_writer_pretty(&mut *out, &list)?;
        writeln!(out)?;
        return Ok(());
    }
    if list.is_empty() {
        writeln!(out, "社区 {community} 没有待核对的双录入问卷")?;
    }
    for m in &list {
        writeln!(out, "问卷 {}：不一致的题 {}", m.number, m.differ.join("、"))?;
        for e in &m.entries {
            let items: Vec<String> = m
                .differ
                .iter()
                .map(|k| match e.answer.answers.get(k) {
                    Some(v) => format!("{k}={v}"),
                    None if k == "意见建议" => format!("{k}=“{}”", e.answer.open),
                    None => format!("{k}=（未填）"),
                })
                .collect();
            writeln!(out, "  {}：{}", e.clerk, items.join("，"))?;
        }
    }
    Ok(())
}
