//! `kaoping apply template`: a blank application sheet.

use std::io::Write;
use std::path::PathBuf;

use kaoping::application::sheet;
use kaoping::table;

use super::super::output;
use super::super::sheets::{self, TemplateKind};

#[derive(Debug, clap::Args)]
pub(in crate::cli) struct Args {
    /// 输出的文件：申报表.xlsx（推荐）或 申报表.csv
    #[arg(short = 'o', long, value_name = "文件")]
    output: PathBuf,
    /// 文件已存在时覆盖它
    #[arg(long)]
    force: bool,
}

pub(super) fn run(a: Args) -> anyhow::Result<()> {
    let bytes = match sheets::template_kind(&a.output, "申报表")? {
        TemplateKind::Xlsx => table::write::xlsx(&[sheet::template_sheet(100)])?,
        TemplateKind::Csv => table::write::csv(&sheet::template_sheet(0)),
    };
    sheets::write_template(&a.output, a.force, &bytes)?;
    let mut out = output::stdout();
    writeln!(out, "已生成空白申报表：{}", a.output.display())?;
    Ok(out.flush()?)
}
