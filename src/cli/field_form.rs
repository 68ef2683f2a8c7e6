//! `kaoping field-form`: the printable 实地考评表 of a community's points.

use std::io::Write;
use std::path::PathBuf;

use kaoping::actions::{self, Ctx, Wait};
use kaoping::field::form;
use kaoping::outfile;
use kaoping::render::Engine;

use super::Context;
use super::output;

/// 生成实地考评表
#[derive(Debug, clap::Args)]
pub struct Args {
    /// 社区编号
    #[arg(long, value_name = "编号")]
    community: String,
    /// 只生成这个考评点的一页（不写则每个考评点一页）
    #[arg(long, value_name = "点位编号")]
    point: Option<String>,
    /// 输出的文件（以 .pdf 结尾）或文件夹（默认当前文件夹）；文件名默认为 实地考评表-社区编号.pdf
    #[arg(short = 'o', long, value_name = "文件或文件夹")]
    output: Option<PathBuf>,
    /// 文件已存在时覆盖它（默认拒绝）
    #[arg(long)]
    force: bool,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    let archive = ctx.archive();
    let config = ctx.config()?;
    let engine = Engine::for_archive(ctx.root().dir(), &config)?;
    let act = Ctx::console(&archive, Wait::No);
    let point = args.point.as_deref();
    let (c, pdf) = actions::field::form(&act, &engine, &config, &args.community, point)?;
    let path = outfile::place(
        args.output.as_deref(),
        "pdf",
        &format!("实地考评表-{}.pdf", c.id),
    );
    outfile::refuse_existing(&path, args.force)?;
    if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        kaoping::fsutil::create_dir_durable(dir)?;
    }
    outfile::write(&path, &pdf.bytes, args.force)?;
    let mut out = output::stdout();
    writeln!(out, "已生成 {}", path.display())?;
    if pdf.urls.is_empty() {
        writeln!(out, "提示：{}", form::NO_ADDRESS_HINT)?;
    } else {
        writeln!(out, "二维码地址：{}", pdf.urls.join("、"))?;
    }
    Ok(())
}
