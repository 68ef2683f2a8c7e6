//! `kaoping assess panel`: each expert's verdicts and the 专家组's aggregate.

use std::io::Write;

use anyhow::Context as _;

use kaoping::archive::Archive;

use super::super::Context;
use super::super::output;

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// 社区编号
    #[arg(long, value_name = "编号")]
    community: String,
    /// 以 JSON 格式输出
    #[arg(long)]
    json: bool,
}

pub(super) fn run(ctx: &Context, a: Args) -> anyhow::Result<()> {
    let archive = Archive::new(ctx.root().dir());
    let c = archive.communities()?.get(&a.community)?.clone();
    let rule = ctx.config()?.assessment.aggregate;
    let rows = kaoping::assessment::panel::panel(&archive, &c.id, rule)?;
    let mut out = output::stdout();
    if a.json {
        serde_json::to_writer_pretty(&mut out, &rows).context("无法输出 JSON")?;
        writeln!(out)?;
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
