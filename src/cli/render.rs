//! `kaoping render TEMPLATE --data FILE.json -o OUT.pdf`: renders a
//! document (e.g. an ordinary 通知) from a JSON data file in the official
//! layout, allocates its 发文字号 (unless the data gives one) and records
//! it in the document register. `--draft` renders without registering.

use std::path::PathBuf;

use anyhow::{Context as _, bail};

use kaoping::archive::Archive;
use kaoping::config::Organ;
use kaoping::fsutil::write_atomic;
use kaoping::issuance::{self, Draft, Numbering, banner};
use kaoping::progress::Silent;
use kaoping::render::{DocMeta, Engine, parse_date};
use serde_json::json;

use super::{Context, wait_message};

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

    /// 草稿：不编文号、不登记（数据中没有 number 时文号处印“草稿”）
    #[arg(long)]
    draft: bool,

    /// 发文机关（kaoping.toml 中 [[organs]] 的 key）；默认用 [documents] issuers 的第一个。
    /// 数据中没有 issuers 时，红头也取自这里
    #[arg(long, value_name = "机关代号")]
    organ: Option<String>,

    /// 档案库正被其他进程写入时立即退出，不排队等待
    #[arg(long)]
    no_wait: bool,

    /// 输出文件已存在时覆盖它（默认拒绝，不发文、不占文号）
    #[arg(long)]
    force: bool,
}

impl Args {
    /// Whether this run registers a document (needs an archive).
    pub fn registers(&self) -> bool {
        !self.draft && !self.typst
    }
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    let config = ctx.config()?;
    let organs: Vec<&Organ> = match &args.organ {
        Some(k) => vec![config.organ(k).ok_or_else(|| {
            anyhow::anyhow!(
                "kaoping.toml 中没有 key = \"{k}\" 的发文机关；已有：{}",
                config
                    .organs
                    .iter()
                    .map(|o| o.key.as_str())
                    .collect::<Vec<_>>()
                    .join("、")
            )
        })?],
        None => config.issuers(),
    };
    let text = kaoping::handtext::read(&args.data).map_err(anyhow::Error::msg)?;
    let data: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        anyhow::anyhow!(
            "数据文件 {} 不是有效的 JSON（第 {} 行第 {} 列）：{}",
            args.data.display(),
            e.line(),
            e.column(),
            e
        )
    })?;
    let mut data = data;
    if let Some(obj) = data.as_object_mut() {
        if !obj.contains_key("issuers") {
            let (names, suffix) = banner(&organs);
            obj.insert("issuers".into(), json!(names));
            obj.insert("mark_suffix".into(), json!(suffix));
            if !obj.contains_key("signatures") {
                obj.insert(
                    "signatures".into(),
                    json!(organs.iter().map(|o| o.name.clone()).collect::<Vec<_>>()),
                );
            }
        }
        // The default 主送机关 of kaoping.toml when the data names none.
        if !obj.contains_key("recipients") {
            obj.insert(
                "recipients".into(),
                json!(config.documents.recipients.join("，")),
            );
        }
        // A draft, or Typst source to inspect, has no number yet.
        if (args.draft || args.typst) && !obj.contains_key("number") {
            obj.insert("number".into(), json!("草稿"));
        }
    }
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
    if args.draft {
        let pdf = engine
            .render(&args.template, &data, &meta)
            .with_context(context)?;
        write_atomic(&args.output, &pdf)
            .with_context(|| format!("无法写入 {}", args.output.display()))?;
        eprintln!(
            "已生成草稿 {}（{} 字节，未登记）",
            args.output.display(),
            pdf.len()
        );
        return Ok(());
    }
    let numbering = match data.get("number").and_then(|n| n.as_str()) {
        Some(n) => Numbering::Given(n.to_string()),
        None => Numbering::Document {
            prefix: organs.first().map(|o| o.prefix.clone()).unwrap_or_default(),
        },
    };
    let recipient = data
        .get("recipients")
        .and_then(|r| r.as_str())
        .unwrap_or("")
        .to_string();
    let file_name = args
        .output
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let draft = Draft {
        kind: kaoping::issuance::DocKind::named(
            data.get("kind").and_then(|k| k.as_str()).unwrap_or("通知"),
        ),
        template: args.template.clone(),
        organs: organs.iter().map(|o| o.name.clone()).collect(),
        data,
        meta,
        recipient,
        community: None,
        numbering,
        over_quota: None,
        submission: None,
        file_name,
    };
    let archive = Archive::new(ctx.root().dir());
    check_destination(&args.output, args.force)?;
    let lock = archive.lock(!args.no_wait, wait_message)?;
    let issued =
        issuance::issue(&archive, &lock, &engine, vec![draft], &Silent).with_context(context)?;
    drop(lock);
    for doc in issued {
        write_atomic(&args.output, &doc.pdf)
            .with_context(|| format!("无法写入 {}", args.output.display()))?;
        eprintln!(
            "已生成 {}（{}，{} 字节），已登记；SHA-256 {}",
            args.output.display(),
            doc.record.number,
            doc.pdf.len(),
            doc.record.sha256()
        );
    }
    Ok(())
}

/// Refuses an output file that exists (unless `force`) or cannot be
/// written, before a number is allocated.
fn check_destination(path: &std::path::Path, force: bool) -> anyhow::Result<()> {
    if path.exists() && !force {
        bail!(
            "{} 已经存在，为免覆盖，这次没有发文、没有占用文号。请换一个文件名，或加 --force 覆盖",
            path.display()
        );
    }
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => std::path::Path::new("."),
    };
    super::output::check_writable(parent)
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
