//! `kaoping point add|import|list`: the assessment points (考评点) of a
//! community and the 实地考评 standards checked at each.

use std::io::Write;
use std::path::PathBuf;

use clap::Subcommand;

use kaoping::actions::field;
use kaoping::archive::Archive;
use kaoping::catalog::Catalog;
use kaoping::field::point::NewPoint;

use super::Context;
use super::batch::console;
use super::output;

/// 考评点
pub(super) type Args = super::Group<Sub>;

#[derive(Debug, Subcommand)]
pub(super) enum Sub {
    /// 添加一个考评点（编号相同则更新该点位）
    Add(AddArgs),
    /// 从表格（xlsx/CSV）导入考评点：列为 编号、名称、类型、地址、纬度、经度、考评标准
    Import(ImportArgs),
    /// 列出社区的考评点及各点考评的标准
    List(ListArgs),
}

#[derive(Debug, clap::Args)]
pub(in crate::cli) struct AddArgs {
    /// 社区编号
    #[arg(long, value_name = "编号")]
    community: String,
    /// 点位编号（不写则自动编为 P1、P2……）
    #[arg(long, value_name = "点位编号", default_value = "")]
    id: String,
    /// 考评点名称
    #[arg(long, value_name = "名称")]
    name: String,
    /// 类型：社区综合服务中心、小区、楼院、网格点位、其他
    #[arg(long, value_name = "类型")]
    kind: String,
    /// 地址
    #[arg(long, value_name = "地址", default_value = "")]
    address: String,
    /// 纬度（度，如 25.0431）
    #[arg(long, value_name = "纬度", default_value = "")]
    lat: String,
    /// 经度（度，如 102.7062）
    #[arg(long, value_name = "经度", default_value = "")]
    lon: String,
    /// 在该点考评的实地考评标准，如 "Ⅱ-6/1,Ⅱ-6/2"（不写则考评全部实地考评标准）
    #[arg(long, value_name = "标准", default_value = "")]
    standards: String,
}

#[derive(Debug, clap::Args)]
pub(in crate::cli) struct ImportArgs {
    /// 社区编号
    #[arg(long, value_name = "编号")]
    community: String,
    /// 考评点表格
    #[arg(value_name = "文件")]
    file: PathBuf,
}

#[derive(Debug, clap::Args)]
pub(in crate::cli) struct ListArgs {
    /// 社区编号
    #[arg(long, value_name = "编号")]
    community: String,
    /// 以 JSON 输出
    #[arg(long)]
    json: bool,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    let catalog = Catalog::builtin();
    let archive = ctx.archive();
    let act = super::field::console(&archive);
    let mut out = output::stdout();
    match args.command {
        Sub::Add(a) => {
            let new = NewPoint {
                id: a.id,
                name: a.name,
                kind: a.kind,
                address: a.address,
                lat: a.lat,
                lon: a.lon,
                standards: a.standards,
            };
            let (c, p) = field::add_point(&act, &a.community, &new)?;
            writeln!(
                out,
                "已添加社区 {} 的考评点 {} {}（{}），考评 {} 条实地考评标准",
                c.id,
                p.id,
                p.name,
                p.kind.name(),
                p.checked(catalog).len()
            )?;
        }
        Sub::Import(a) => {
            let (c, points) = field::import_points(&act, &a.community, &a.file)?;
            writeln!(
                out,
                "已从 {} 导入社区 {} 的 {} 个考评点",
                a.file.display(),
                c.id,
                points.len()
            )?;
        }
        Sub::List(a) => list(&archive, &a, &mut out)?,
    }
    Ok(())
}

/// `kaoping point list`: the points, as JSON with `--json`.
fn list(archive: &Archive, a: &ListArgs, out: &mut impl Write) -> anyhow::Result<()> {
    let points = field::points(&console(archive, false), &a.community)?;
    if a.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&points)?)?;
        return Ok(());
    }
    if points.is_empty() {
        writeln!(
            out,
            "社区 {} 还没有考评点（用 kaoping point add 添加）",
            a.community
        )?;
    }
    for p in points {
        let coords = p
            .coordinates()
            .map_or("无坐标".to_string(), |(la, lo)| format!("{la}, {lo}"));
        let stds = if p.standards.is_empty() {
            "全部实地考评标准".to_string()
        } else {
            p.standards
                .iter()
                .map(|k| k.to_string())
                .collect::<Vec<_>>()
                .join("、")
        };
        writeln!(
            out,
            "{}  {}  {}  {}  {}\n    考评：{}",
            p.id,
            p.name,
            p.kind.name(),
            p.address,
            coords,
            stds
        )?;
    }
    Ok(())
}
