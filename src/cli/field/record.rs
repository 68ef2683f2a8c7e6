//! `kaoping field record`: a point's verdicts and remarks, recorded as the
//! assessor's visit.

use std::io::Write;

use anyhow::Context as _;

use kaoping::actions::field;
use kaoping::field::visit::Finding;

use super::super::{Context, output};
use super::AtPoint;

#[derive(Debug, clap::Args)]
pub(in crate::cli) struct Args {
    #[command(flatten)]
    at: AtPoint,
    /// 结论，写成 "Ⅱ-6/1=达标"，可写多个
    #[arg(long, value_name = "标准=结论", required = true)]
    verdict: Vec<String>,
    /// 情况记录，写成 "Ⅱ-6/1=……"，可写多个
    #[arg(long, value_name = "标准=记录")]
    remark: Vec<String>,
    /// 考评日期（默认今天）
    #[arg(long, value_name = "日期")]
    date: Option<String>,
}

fn split(items: &[String], what: &str) -> anyhow::Result<Vec<(String, String)>> {
    items
        .iter()
        .map(|s| {
            s.split_once('=')
                .map(|(a, b)| (a.trim().to_string(), b.trim().to_string()))
                .with_context(|| format!("{what}“{s}”应写成 标准=内容，如 Ⅱ-6/1=达标"))
        })
        .collect()
}

/// The findings `--verdict` and `--remark` give.
fn findings(a: &Args) -> anyhow::Result<Vec<Finding>> {
    let remarks = split(&a.remark, "情况记录")?;
    Ok(split(&a.verdict, "结论")?
        .into_iter()
        .map(|(standard, verdict)| Finding {
            remark: remarks
                .iter()
                .find(|(s, _)| *s == standard)
                .map(|(_, r)| r.clone())
                .unwrap_or_default(),
            standard,
            verdict,
        })
        .collect())
}

pub(super) fn run(ctx: &Context, a: Args) -> anyhow::Result<()> {
    let (archive, acc) = super::acting(ctx, &a.at.who.account)?;
    let findings = findings(&a)?;
    let date = match a.date.as_deref() {
        Some(d) => kaoping::dates::parse(d).with_context(|| {
            format!(
                "考评日期“{d}”无效，请写成 {} 这样的日期",
                kaoping::dates::FORMS
            )
        })?,
        None => kaoping::dates::today(),
    };
    let config = ctx.config()?;
    let act = super::console(&archive);
    let what = (a.at.point.as_str(), findings.as_slice(), date);
    let (_, v) = field::record_visit(&act, &config, &a.at.who.community, Some(&acc), what)?;
    let photos: usize = v.rows.iter().map(|r| r.photos.len()).sum();
    let mut out = output::stdout();
    writeln!(
        out,
        "已记录 {} 在考评点 {} 的实地考评（{}）：{} 条标准，{} 张照片",
        acc.name,
        v.point,
        v.level.name(),
        v.rows.len(),
        photos
    )?;
    Ok(())
}
