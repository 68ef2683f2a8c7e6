//! `kaoping apply list`: the applications and their status.

use std::io::Write;

use kaoping::actions::apply;
use kaoping::application;
use kaoping::application::view;

use super::super::Context;
use super::super::batch::console;
use super::super::output;
use super::super::sheets;

#[derive(Debug, clap::Args)]
pub(in crate::cli) struct Args {
    /// 只看一个县区的申报
    #[arg(long, value_name = "区县")]
    district: Option<String>,
    /// 以 JSON 格式输出
    #[arg(long, conflicts_with_all = ["xlsx", "output"])]
    json: bool,
    #[command(flatten)]
    table: sheets::TableOut,
}

pub(super) fn run(ctx: &Context, a: Args) -> anyhow::Result<()> {
    let archive = ctx.archive();
    let district = super::super::args::district_name(a.district.as_deref())?;
    let apps = apply::list(&console(&archive, false), district.as_deref())?;
    if a.table.emit(false, &|| view::applications(&apps))? {
        return Ok(());
    }
    let mut out = output::stdout();
    if a.json {
        return output::json(&mut out, &apps);
    }
    if apps.is_empty() {
        writeln!(
            out,
            "还没有申报。县区用 kaoping apply add 或 kaoping apply import 申报。"
        )?;
    }
    for x in &apps {
        let p = &x.record.proposal;
        let what = match &x.decision {
            Some(application::Decision::Approved {
                community,
                over_quota,
            }) => format!(
                "→ {community}{}",
                over_quota
                    .as_ref()
                    .map(|r| format!("（超出任务数，理由：{r}）"))
                    .unwrap_or_default()
            ),
            Some(application::Decision::Returned { reason }) => format!("理由：{reason}"),
            None => String::new(),
        };
        writeln!(
            out,
            "{:>4}  {}  {}  {}  {}  {}  {what}",
            x.record.number,
            x.status.name(),
            p.district,
            p.name,
            p.kind,
            p.batch
        )?;
    }
    Ok(out.flush()?)
}
