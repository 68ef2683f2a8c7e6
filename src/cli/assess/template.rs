//! `kaoping assess template`: the blank assessment sheet (.xlsx or .csv).

use std::io::Write;

use std::path::PathBuf;

use kaoping::assessment::level::Level;
use kaoping::assessment::sheet;
use kaoping::catalog::Catalog;

use super::super::Context;
use super::super::output;
use super::super::sheets::{self, TemplateKind};
use super::parse_level;

#[derive(Debug, clap::Args)]
pub(in crate::cli) struct Args {
    /// 社区编号
    #[arg(long, value_name = "编号")]
    community: String,
    /// 考评表用于哪一级：自查、初评、专家 或 最终（写入表中，导入到其他层级时会被拒绝；不写则各级通用）
    #[arg(long, value_name = "层级", value_parser = parse_level)]
    level: Option<Level>,
    /// 输出的文件：考评表.xlsx（Excel 工作簿，推荐）或 考评表.csv
    #[arg(short = 'o', long, value_name = "文件")]
    output: PathBuf,
    /// 文件已存在时覆盖它（默认拒绝，以免覆盖已填好的考评表）
    #[arg(long)]
    force: bool,
}

pub(super) fn run(ctx: &Context, a: Args) -> anyhow::Result<()> {
    let archive = ctx.archive();
    let catalog = Catalog::builtin();
    let reg = archive.communities()?;
    let c = reg.get(&a.community)?;
    let target = sheet::Target {
        community: Some(&c.id),
        level: a.level,
    };
    let bytes = match sheets::template_kind(&a.output, "考评表")? {
        TemplateKind::Xlsx => sheet::template_xlsx(catalog, target)?,
        TemplateKind::Csv => sheet::template(catalog, target),
    };
    sheets::write_template(&a.output, a.force, &bytes)?;
    let mut out = output::stdout();
    writeln!(
        out,
        "已生成 {} {} 的考评表：{}",
        c.id,
        c.name,
        a.output.display()
    )?;
    writeln!(
        out,
        "请在“结论”栏填 达标、基本达标 或 未达标，并填写考评人、考评日期；有问题的写在“备注”栏。填好后直接保存，用 kaoping assess import 导入。"
    )?;
    Ok(out.flush()?)
}
