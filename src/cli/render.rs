//! `kaoping render TEMPLATE --data FILE.json -o OUT.pdf`: renders a
//! document (e.g. an ordinary 通知) from a JSON data file in the official
//! layout. The 发文字号 is taken from the data.

use std::path::PathBuf;

use anyhow::{Context as _, bail};

use kaoping::fsutil::write_atomic;
use kaoping::render::{DocMeta, Engine, parse_date};

use super::Context;

/// 按模板生成公文 PDF
#[derive(Debug, clap::Args)]
pub struct Args {
    /// 模板名，例如 tongzhi（通知）；档案库 templates 目录中的同名文件优先
    #[arg(value_name = "模板")]
    template: String,

    /// 数据文件（JSON），字段说明见 templates/README.md
    #[arg(long, value_name = "文件")]
    data: PathBuf,

    /// 输出的 PDF 文件
    #[arg(short = 'o', long, value_name = "文件")]
    output: PathBuf,

    /// 不生成 PDF，只输出模板生成的 Typst 源码（用于检查模板）
    #[arg(long)]
    typst: bool,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(&args.data)
        .with_context(|| format!("无法读取数据文件 {}", args.data.display()))?;
    let data: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        anyhow::anyhow!(
            "数据文件 {} 不是有效的 JSON（第 {} 行第 {} 列）：{}",
            args.data.display(),
            e.line(),
            e.column(),
            e
        )
    })?;
    let meta =
        meta_from(&data).with_context(|| format!("数据文件 {} 有误", args.data.display()))?;
    let engine = Engine::new(Some(&ctx.root().templates_dir()))?;
    let context = || {
        format!(
            "按模板“{}”和数据文件 {} 生成公文失败",
            args.template,
            args.data.display()
        )
    };
    if args.typst {
        let source = engine
            .source(&args.template, &data, &meta)
            .with_context(context)?;
        write_atomic(&args.output, source.as_bytes())
            .with_context(|| format!("无法写入 {}", args.output.display()))?;
        return Ok(());
    }
    let pdf = engine
        .render(&args.template, &data, &meta)
        .with_context(context)?;
    write_atomic(&args.output, &pdf)
        .with_context(|| format!("无法写入 {}", args.output.display()))?;
    eprintln!("已生成 {}（{} 字节）", args.output.display(), pdf.len());
    Ok(())
}

/// PDF metadata from the data: `title`, `author` (default: `issuers`
/// joined), `date`.
fn meta_from(data: &serde_json::Value) -> anyhow::Result<DocMeta> {
    let field = |name: &str| -> anyhow::Result<&str> {
        match data.get(name) {
            Some(serde_json::Value::String(s)) => Ok(s),
            Some(_) => bail!("字段“{name}”应为文字（字符串）"),
            None => bail!("缺少字段“{name}”"),
        }
    };
    let title = field("title")?.to_string();
    let date = parse_date(field("date")?)?;
    let author = match data.get("author").and_then(|v| v.as_str()) {
        Some(a) => a.to_string(),
        None => match data.get("issuers") {
            Some(serde_json::Value::Array(items)) => items
                .iter()
                .filter_map(|v| v.as_str())
                .collect::<Vec<_>>()
                .join("、"),
            _ => bail!("缺少字段“issuers”（发文机关名称列表）"),
        },
    };
    Ok(DocMeta {
        title,
        author,
        date,
    })
}
