//! `kaoping coverage`: which standards checked by 材料审核 are backed by
//! files in a community's latest (or a chosen) submission.

use std::io::Write;

use kaoping::actions::{Ctx, submissions};
use kaoping::archive::sheets as archive_sheets;

use super::Context;
use super::batch::console;
use super::output::{self, wrap};
use super::sheets;

/// 查看材料覆盖情况
#[derive(Debug, clap::Args)]
pub struct Args {
    /// 社区编号
    #[arg(long, value_name = "编号")]
    community: String,
    /// 查看第几版提交（默认最新一版）
    #[arg(long, value_name = "版本")]
    version: Option<u32>,
    /// 以 JSON 格式输出（供其他程序读取）
    #[arg(long, conflicts_with_all = ["xlsx", "output"])]
    json: bool,
    /// 按每条标准、每种考评方法列出已有的证据（材料、实地考评记录和照片、网格数据、网络媒体存档）
    #[arg(long)]
    methods: bool,
    #[command(flatten)]
    table: sheets::TableOut,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    let archive = ctx.archive();
    let act = console(&archive, false);
    if args.methods {
        return by_method(&act, &args);
    }
    let (m, cov) = submissions::coverage(&act, &args.community, args.version)?;
    if args.table.emit(false, &|| archive_sheets::coverage(&cov))? {
        return Ok(());
    }
    let mut out = output::stdout();
    if args.json {
        return output::json(&mut out, &cov);
    }
    let missing = cov.missing().count();
    writeln!(
        out,
        "{} {} 第 {} 版提交（{}）：需要材料审核的标准共 {} 条，有材料 {} 条，缺 {} 条\n",
        m.community.id,
        m.community.name,
        m.version,
        ctx.config()?.time.show_labelled(&m.created),
        cov.standards.len(),
        cov.standards.len() - missing,
        missing
    )?;
    let mut last = String::new();
    for s in &cov.standards {
        if s.indicator != last {
            let whole = cov
                .indicator_files
                .iter()
                .find(|w| w.indicator == s.indicator)
                .map_or(0, |w| w.files.len());
            let note = if whole > 0 {
                format!("（另有 {whole} 个文件属于整个指标）")
            } else {
                String::new()
            };
            writeln!(out, "{} {}{note}", s.indicator, s.indicator_name)?;
            last = s.indicator.clone();
        }
        let status = match (s.files.len(), s.shared.len()) {
            (0, 0) => "缺材料".to_string(),
            (n, 0) => format!("{n} 个文件"),
            (0, k) => format!("街道共享 {k} 个文件"),
            (n, k) => format!("{n} 个文件 + 街道共享 {k} 个文件"),
        };
        writeln!(
            out,
            "{}",
            wrap(&format!("标准{}【{status}】{}", s.standard, s.text), 2, 4)
        )?;
    }
    Ok(out.flush()?)
}

/// `--methods`: every standard and method with the evidence it has.
fn by_method(act: &Ctx, args: &Args) -> anyhow::Result<()> {
    use kaoping::catalog::Method;
    let lines = submissions::method_coverage(act, &args.community, args.version)?;
    let mut out = output::stdout();
    if args.json {
        return output::json(&mut out, &lines);
    }
    for l in &lines {
        let what = match l.method {
            Method::MaterialReview => format!("材料 {} 个", l.files),
            Method::OnSite => format!(
                "现场记录 {} 条、照片 {} 张、网格数据 {} 份",
                l.records, l.photos, l.grid
            ),
            Method::NetworkSurvey => format!("网络媒体存档 {} 份", l.media),
            Method::Questionnaire => {
                format!(
                    "有效答卷 {} 份、已记录问卷结论 {} 次",
                    l.answers, l.verdicts
                )
            }
        };
        let mark = if l.covered() {
            "有证据"
        } else {
            "缺证据"
        };
        writeln!(out, "{}  {}  {what}  {mark}", l.key, l.method.name())?;
    }
    Ok(())
}
