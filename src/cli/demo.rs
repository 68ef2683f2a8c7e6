//! `kaoping demo [DIR]`: runs the whole flow on sample data and says where
//! the results are.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use kaoping::demo;

use super::Context;
use super::bar::Bar;
use super::output;

/// 用示例数据演示完整流程
#[derive(Debug, clap::Args)]
pub struct Args {
    /// 演示文件夹（默认 ./demo），其中生成档案库、示例材料、考评表和公文
    #[arg(
        value_name = "文件夹",
        default_value = "demo",
        hide_default_value = true
    )]
    dir: PathBuf,
    /// 演示分布式部署：PostgreSQL 连接串（与 --bucket、--endpoint 一起用）
    #[arg(long, value_name = "连接串", requires = "bucket")]
    database: Option<String>,
    /// 演示分布式部署：S3 桶名
    #[arg(long, value_name = "桶名", requires = "database")]
    bucket: Option<String>,
    #[command(flatten)]
    target: super::storage_args::Target,
}

pub fn run(_ctx: &Context, args: Args) -> anyhow::Result<()> {
    let started = Instant::now();
    let storage = match (&args.database, &args.bucket) {
        (Some(db), Some(bucket)) => Some(args.target.storage(db, bucket)?),
        _ => None,
    };
    let summary = demo::run_on(&args.dir, storage.as_ref(), &Bar::default())?;
    let mut out = output::stdout();
    writeln!(
        out,
        "演示完成（用时 {:.1} 秒）。",
        started.elapsed().as_secs_f64()
    )?;
    writeln!(out, "档案库：{}", summary.archive.display())?;
    writeln!(
        out,
        "流程：县区申报 3 个试点社区 → 考评办批准登记 → 专项督查（督查情况通报，金星社区整改、县区销号）→ 社区提交材料 → 社区自查 → 县区初评（五华区报送初评情况报告）→ 专家评估（翠湖社区，最终结果按专家组汇总）→ 考评办最终评定 → 发文（考评报告、整改通知书）→ 金星社区整改答复、报送整改情况报告、县区复查销号 → 命名决定和命名证书 → 斗南社区逾期，向呈贡区发督办通知 → 第一阶段归档、移交档案馆、接收检测"
    )?;
    writeln!(out, "示例材料：{}", args.dir.join("材料").display())?;
    writeln!(out, "考评表：{}", args.dir.join("考评表").display())?;
    writeln!(
        out,
        "问卷调查（编号问卷、纸质答卷录入表在 {}）：",
        args.dir.join("问卷").display()
    )?;
    write!(out, "{}", summary.survey)?;
    writeln!(
        out,
        "生成的公文（{} 份）在 {}：",
        summary.documents.len(),
        summary.output.display()
    )?;
    for (number, kind, path) in &summary.documents {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        writeln!(out, "  {number}  {kind}  {name}")?;
    }
    let r = &summary.records;
    writeln!(
        out,
        "归档与移交：第一阶段 {} 件已归档（归档文件目录和检测报告在 {}）；移交包 {}，移交清单 SM3 {}；接收检测{}（报告在 {}）",
        r.filed,
        r.papers.display(),
        r.package.display(),
        r.catalogue_sm3,
        if r.received { "通过" } else { "不通过" },
        r.receipt.display()
    )?;
    writeln!(
        out,
        "\n继续体验：kaoping --archive {} register 查看发文登记簿，kaoping --archive {} verify 校验档案库。",
        summary.archive.display(),
        summary.archive.display()
    )?;
    writeln!(
        out,
        "网页体验：kaoping --archive {} serve，然后用浏览器打开 http://127.0.0.1:8080/ 。示例账号（仅供演示）：",
        summary.archive.display()
    )?;
    for (name, password, what) in &summary.accounts {
        writeln!(out, "  {name} / {password}  {what}")?;
    }
    Ok(out.flush()?)
}
