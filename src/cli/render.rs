//! `kaoping render TEMPLATE --data FILE.json -o OUT.pdf`: renders a
//! document (e.g. an ordinary 通知) from a JSON data file in the official
//! layout, allocates its 发文字号 (unless the data gives one) and records
//! it in the document register. `--draft` renders without registering.
//! `--format ofd|both` writes the same layout as OFD (GB/T 33190) too; a
//! registered document always has its signed PDF, and its OFD (with
//! `both`, or `[documents] formats = ["pdf", "ofd"]`) is registered under
//! the same number.

use std::path::PathBuf;

use anyhow::{Context as _, bail};

use kaoping::actions::Ctx;
use kaoping::actions::documents::{self, Kept, Making};
use kaoping::documents::custom;
use kaoping::meter::Silent;
use kaoping::outfile;
use kaoping::render::{Engine, Formats};

use super::Context;

/// 输出的版式文件格式
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// PDF/A-2b（默认）
    Pdf,
    /// 只生成 OFD（GB/T 33190-2016），仅限草稿（--draft）；登记发文请用 both
    Ofd,
    /// PDF 和 OFD 各一份：文件名取 -o 的主名，扩展名分别为 .pdf 和 .ofd
    Both,
}

impl Format {
    fn formats(self) -> Formats {
        match self {
            Format::Pdf => Formats::PDF,
            Format::Ofd => Formats::OFD,
            Format::Both => Formats::BOTH,
        }
    }
}

/// 按模板生成公文 PDF（也可生成 OFD）
#[derive(Debug, clap::Args)]
pub struct Args {
    /// 模板名，例如 tongzhi（通知）；档案库 templates 目录中的同名文件优先
    #[arg(value_name = "模板")]
    template: String,

    /// 数据文件（JSON），字段说明见 templates/README.md
    #[arg(long, value_name = "文件")]
    data: PathBuf,

    /// 输出的 PDF（或 OFD）文件
    #[arg(short = 'o', long, value_name = "文件")]
    output: PathBuf,

    /// 版式格式：pdf、ofd 或 both（两种都生成）；不写时草稿为 pdf，
    /// 登记发文按 kaoping.toml 的 [documents] formats
    #[arg(long, value_enum, value_name = "格式")]
    format: Option<Format>,

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
    let data = read_data(&args.data)?;
    let file_name = args
        .output
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let custom = custom::prepare(
        &config,
        args.organ.as_deref(),
        data,
        &args.template,
        &file_name,
        !args.registers(),
    )
    .with_context(|| format!("数据文件 {} 有误", args.data.display()))?;
    let mut engine = Engine::for_archive(ctx.root().dir(), &ctx.config()?)?;
    let context = || {
        format!(
            "按模板“{}”和数据文件 {} 生成公文失败",
            args.template,
            args.data.display()
        )
    };
    if args.typst {
        let source = engine
            .source(&args.template, &custom.data, &custom.meta)
            .with_context(context)?;
        outfile::write(&args.output, source.as_bytes(), args.force)?;
        return Ok(());
    }
    if args.draft {
        let rendered = engine
            .render_as(
                &args.template,
                &custom.data,
                &custom.meta,
                args.format.unwrap_or(Format::Pdf).formats(),
            )
            .with_context(context)?;
        let files = outputs(&args.output, rendered);
        for (path, _) in &files {
            if path.exists() && !args.force {
                bail!(
                    "{} 已经存在，为免覆盖，这次什么也没有写。请换一个文件名，或加 --force 覆盖",
                    path.display()
                );
            }
        }
        for (path, bytes) in &files {
            outfile::write(path, bytes, args.force)?;
            eprintln!(
                "已生成草稿 {}（{} 字节，未登记）",
                path.display(),
                bytes.len()
            );
        }
        return Ok(());
    }
    match args.format {
        Some(Format::Ofd) => bail!(
            "登记的公文总有签名的 PDF：要同时生成 OFD 请用 --format both（只要 OFD 草稿请加 --draft）"
        ),
        Some(format) => engine.set_ofd(format == Format::Both),
        None => {}
    }
    register(ctx, &args, (&config, &engine), custom.draft)
}

/// The files to write: `output` itself for one format, or `output` with
/// the extensions `.pdf` and `.ofd` for both.
fn outputs(
    output: &std::path::Path,
    rendered: kaoping::render::Rendered,
) -> Vec<(PathBuf, Vec<u8>)> {
    let both = rendered.pdf.is_some() && rendered.ofd.is_some();
    let name = |ext: &str| match both {
        true => output.with_extension(ext),
        false => output.to_path_buf(),
    };
    let mut files = Vec::new();
    if let Some(pdf) = rendered.pdf {
        files.push((name("pdf"), pdf));
    }
    if let Some(ofd) = rendered.ofd {
        files.push((name("ofd"), ofd));
    }
    files
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

/// The JSON data file `path`, in any encoding people save text in.
fn read_data(path: &std::path::Path) -> anyhow::Result<serde_json::Value> {
    let text = kaoping::handtext::read(path).map_err(anyhow::Error::msg)?;
    serde_json::from_str(&text).map_err(|e| {
        anyhow::anyhow!(
            "数据文件 {} 不是有效的 JSON（第 {} 行第 {} 列）：{}",
            path.display(),
            e.line(),
            e.column(),
            e
        )
    })
}

/// Issues `draft` as a registered document and writes it out.
fn register(
    ctx: &Context,
    args: &Args,
    (config, engine): (&kaoping::config::Config, &Engine),
    draft: kaoping::issuance::Draft,
) -> anyhow::Result<()> {
    let context = || {
        format!(
            "按模板“{}”和数据文件 {} 生成公文失败",
            args.template,
            args.data.display()
        )
    };
    let archive = ctx.archive();
    let pdf_path = match engine.writes_ofd() {
        true => args.output.with_extension("pdf"),
        false => args.output.clone(),
    };
    let ofd_path = args.output.with_extension("ofd");
    check_destination(&pdf_path, args.force)?;
    if engine.writes_ofd() {
        check_destination(&ofd_path, args.force)?;
    }
    let act = Ctx::console(&archive, super::batch::wait(args.no_wait));
    let making = Making {
        config,
        engine,
        meter: &Silent,
    };
    let issued = documents::issue_given(&act, making, vec![draft], &Kept)
        .with_context(context)?
        .issued;
    for doc in issued {
        outfile::write(&pdf_path, &doc.pdf, args.force)
            .and_then(|()| super::batch::write_sigs(&pdf_path, &doc, args.force))
            .with_context(|| {
                format!(
                    "公文已登记（{}），可用 kaoping cat {} > 文件 取出",
                    doc.record.number,
                    doc.record.sha256()
                )
            })?;
        eprintln!(
            "已生成 {}（{}，{} 字节），已登记；SHA-256 {}",
            pdf_path.display(),
            doc.record.number,
            doc.pdf.len(),
            doc.record.sha256()
        );
        if let (Some(ofd), Some(sha)) = (&doc.ofd, &doc.record.ofd) {
            outfile::write(&ofd_path, ofd, args.force).with_context(|| {
                format!(
                    "公文已登记（{}），OFD 可用 kaoping cat {sha} > 文件 取出",
                    doc.record.number
                )
            })?;
            eprintln!(
                "已生成 {}（OFD，{} 字节），同一文号登记；SHA-256 {sha}",
                ofd_path.display(),
                ofd.len()
            );
        }
    }
    Ok(())
}
