//! `kaoping history`: the submissions of a community, oldest first.

use std::io::Write;

use kaoping::actions::submissions;
use kaoping::archive::SubmissionRecord;

use super::Context;
use super::batch::console;
use super::ingest::human_bytes;
use super::output;

/// 查看提交历史
#[derive(Debug, clap::Args)]
pub struct Args {
    /// 社区编号
    #[arg(long, value_name = "编号")]
    community: String,
    /// 以 JSON 格式输出（供其他程序读取）
    #[arg(long)]
    json: bool,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    let archive = ctx.archive();
    let (c, subs) = submissions::history(&console(&archive, false), &args.community)?;
    let mut out = output::stdout();
    if args.json {
        let list: Vec<_> = subs
            .iter()
            .map(|s| HistoryJson {
                record: &s.record,
                time: &s.time,
            })
            .collect();
        return output::json_sorted(&mut out, &list);
    }
    if subs.is_empty() {
        writeln!(out, "{} {} 还没有提交过材料。", c.id, c.name)?;
        return Ok(out.flush()?);
    }
    let time = ctx.config()?.time;
    writeln!(
        out,
        "{} {} 的提交历史（共 {} 版，时间为{}）：\n",
        c.id,
        c.name,
        subs.len(),
        time.label()
    )?;
    for s in &subs {
        let r = &s.record;
        writeln!(
            out,
            "第 {} 版  {}  提交人：{}  {} 个文件  {}",
            r.version,
            time.show(&s.time),
            r.submitter.as_deref().unwrap_or("（未填）"),
            r.file_count,
            human_bytes(r.total_bytes)
        )?;
        writeln!(out, "  来源：{}", r.source)?;
        writeln!(out, "  根哈希：{}", r.root_hash)?;
    }
    Ok(out.flush()?)
}

/// One version in `history --json`: its record and when it was recorded.
#[derive(serde::Serialize)]
struct HistoryJson<'a> {
    #[serde(flatten)]
    record: &'a SubmissionRecord,
    time: &'a str,
}
