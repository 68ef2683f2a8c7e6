//! `kaoping community add|import|template|list`: registering pilot
//! communities.

use std::io::Write;
use std::path::PathBuf;

use clap::Subcommand;

use kaoping::actions::{self, Ctx};
use kaoping::archive::Archive;
use kaoping::community::{self, Community};

use kaoping::table;

use super::Context;
use super::batch::console;
use super::output::{self, pad};
use super::sheets::{self, TemplateKind};

/// 登记试点社区
pub(super) type Args = super::Group<Sub>;

#[derive(Debug, Subcommand)]
pub(super) enum Sub {
    /// 登记一个试点社区
    Add(AddArgs),
    /// 从社区名单批量登记：Excel/WPS 工作簿（.xlsx、.xls、.ods）或 CSV，表头：编号,名称,所属区县,类型,批次
    Import(ImportArgs),
    /// 生成空白社区名单（.xlsx 或 .csv，按 -o 的扩展名），区县、类型、批次可从下拉列表选择
    Template(TemplateArgs),
    /// 列出已登记的社区
    List(ListArgs),
}

#[derive(Debug, clap::Args)]
pub(in crate::cli) struct AddArgs {
    /// 社区编号（由考评办公室统一编定，如 WH-001）
    #[arg(long, value_name = "编号")]
    id: String,
    /// 社区名称
    #[arg(long, value_name = "名称")]
    name: String,
    /// 所属县（市）区，须是附件1中的名称，如 五华区
    #[arg(long, value_name = "区县")]
    district: String,
    /// 社区类型：城市社区 或 “村改居”社区
    #[arg(long = "type", value_name = "类型")]
    kind: String,
    /// 批次：第一阶段、第二阶段 或 第三阶段
    #[arg(long, value_name = "批次")]
    batch: String,
    /// 所在街道（乡镇），如 华山街道（街道提交的共享材料计入其每个试点社区）
    #[arg(long, value_name = "街道", default_value = "")]
    street: String,
    /// 档案库正被其他进程写入时立即退出，不排队等待
    #[arg(long)]
    no_wait: bool,
}

#[derive(Debug, clap::Args)]
pub(in crate::cli) struct ImportArgs {
    /// 社区名单：Excel/WPS 工作簿（.xlsx、.xls、.ods）或 CSV 文件（空白名单用 kaoping community template 生成）
    #[arg(value_name = "文件")]
    file: PathBuf,
    /// 档案库正被其他进程写入时立即退出，不排队等待
    #[arg(long)]
    no_wait: bool,
}

#[derive(Debug, clap::Args)]
pub(in crate::cli) struct ListArgs {
    /// 以 JSON 格式输出（供其他程序读取）
    #[arg(long, conflicts_with_all = ["xlsx", "output"])]
    json: bool,
    #[command(flatten)]
    table: sheets::TableOut,
}

#[derive(Debug, clap::Args)]
pub(in crate::cli) struct TemplateArgs {
    /// 输出的文件：社区名单.xlsx（Excel 工作簿，推荐）或 社区名单.csv
    #[arg(short = 'o', long, value_name = "文件")]
    output: PathBuf,
    /// 文件已存在时覆盖它（默认拒绝，以免覆盖已填好的名单）
    #[arg(long)]
    force: bool,
}

/// Rows offered in a blank community list.
const TEMPLATE_ROWS: u32 = 300;

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    let archive = ctx.archive();
    match args.command {
        Sub::Add(a) => {
            let c = Community::new(&a.id, &a.name, &a.district, &a.kind, &a.batch)?
                .in_street(&a.street)?;
            let act = Ctx::console(&archive, super::batch::wait(a.no_wait));
            let done = actions::community::register(&act, std::slice::from_ref(&c))?;
            warn_same_name(&done);
            let mut out = output::stdout();
            if done.added == 1 {
                writeln!(
                    out,
                    "已登记社区 {} {}（{}，{}，{}）",
                    c.id, c.name, c.district, c.kind, c.batch
                )?;
            } else {
                writeln!(out, "社区 {} 已经登记过，信息相同，未作改动", c.id)?;
            }
            Ok(out.flush()?)
        }
        Sub::Import(a) => {
            let read = community::read_list(&a.file)?;
            if !read.ignored.is_empty() {
                eprintln!("提示：以下列不认识，已忽略：{}", read.ignored.join("、"));
            }
            let list = read.communities;
            let act = Ctx::console(&archive, super::batch::wait(a.no_wait));
            let done = actions::community::register(&act, &list)?;
            warn_same_name(&done);
            let added = done.added;
            let mut out = output::stdout();
            writeln!(
                out,
                "已从 {} 导入 {added} 个社区（共 {} 行，{} 个此前已登记）",
                a.file.display(),
                list.len(),
                list.len() - added
            )?;
            Ok(out.flush()?)
        }
        Sub::Template(a) => template(a),
        Sub::List(a) => list(&archive, a),
    }
}

/// `kaoping community list`.
fn list(archive: &Archive, a: ListArgs) -> anyhow::Result<()> {
    let listed = actions::community::list(&console(archive, false))?;
    let all: Vec<&Community> = listed.iter().collect();
    if a.table.emit(false, &|| {
        community::list::roster_sheet(all.iter().copied())
    })? {
        return Ok(());
    }
    let mut out = output::stdout();
    if a.json {
        output::json(&mut out, &all)?;
    } else if all.is_empty() {
        writeln!(
            out,
            "还没有登记任何社区。用 kaoping community add 或 kaoping community import 登记。"
        )?;
    } else {
        let width = |f: fn(&Community) -> &str, title: &str| {
            all.iter()
                .map(|c| unicode_width::UnicodeWidthStr::width(f(c)))
                .chain([unicode_width::UnicodeWidthStr::width(title)])
                .max()
                .unwrap_or(0)
                + 2
        };
        let w = [
            width(|c| &c.id, "编号"),
            width(|c| &c.name, "名称"),
            width(|c| &c.district, "所属区县"),
            width(|c| c.kind.name(), "类型"),
            width(|c| c.batch.name(), "批次"),
        ];
        // The 街道 column appears once a community has one.
        let streets = all.iter().any(|c| c.street.is_some());
        let row = |cells: [&str; 6]| {
            let mut line = String::new();
            for (cell, width) in cells.iter().zip(w) {
                line.push_str(&pad(cell, width, false));
            }
            match streets {
                true => line.push_str(cells[5]),
                false => line = line.trim_end().to_string(),
            }
            line
        };
        writeln!(
            out,
            "{}",
            row(["编号", "名称", "所属区县", "类型", "批次", "街道（乡镇）"])
        )?;
        for c in &all {
            let street = c.street.as_deref().unwrap_or("");
            writeln!(
                out,
                "{}",
                row([
                    &c.id,
                    &c.name,
                    &c.district,
                    c.kind.name(),
                    c.batch.name(),
                    street
                ])
            )?;
        }
        writeln!(out, "共 {} 个社区", all.len())?;
    }
    Ok(out.flush()?)
}

/// `kaoping community template`.
fn template(a: TemplateArgs) -> anyhow::Result<()> {
    let bytes = match sheets::template_kind(&a.output, "社区名单")? {
        TemplateKind::Xlsx => {
            table::write::xlsx(&[community::list::template_sheet(TEMPLATE_ROWS)])?
        }
        TemplateKind::Csv => community::list::template_csv(),
    };
    sheets::write_template(&a.output, a.force, &bytes)?;
    let mut out = output::stdout();
    writeln!(out, "已生成空白社区名单：{}", a.output.display())?;
    writeln!(
        out,
        "每行填一个社区；填好后直接保存，用 kaoping community import {} 登记。",
        a.output.display()
    )?;
    Ok(out.flush()?)
}

fn warn_same_name(done: &kaoping::archive::Registered) {
    for (id, o) in &done.same_name {
        eprintln!(
            "注意：{} 已有同名社区 {} {}（与 {id} 同名），请确认不是重复登记",
            o.district, o.id, o.name
        );
    }
}
