//! `kaoping districts`: prints the district task table (Attachment 1) as an
//! aligned table or as JSON.

use std::io::Write;

use kaoping::districts::DistrictTable;

use super::Context;
use super::output::{self, pad};

/// 查看试点任务分解表
#[derive(Debug, clap::Args)]
pub struct Args {
    /// 以 JSON 格式输出（供其他程序读取）
    #[arg(long)]
    json: bool,
}

pub fn run(_ctx: &Context, args: Args) -> anyhow::Result<()> {
    let table = DistrictTable::builtin();
    let mut out = output::stdout();
    if args.json {
        return output::json(&mut out, &table.districts);
    }
    writeln!(out, "昆明市社区治理创新试点任务分解表（附件1）\n")?;
    let header = [
        "县（市）区名称",
        "社区总数",
        "城市社区",
        "“村改居”社区",
        "试点总任务",
        "第一阶段任务",
    ];
    let widths = [26, 8, 8, 13, 10, 12];
    let row = |cells: [String; 6]| -> String {
        cells
            .iter()
            .zip(widths)
            .enumerate()
            .map(|(i, (c, w))| pad(c, w, i > 0))
            .collect::<Vec<_>>()
            .join("  ")
    };
    writeln!(out, "{}", row(header.map(String::from)))?;
    for d in &table.districts {
        writeln!(
            out,
            "{}",
            row([
                format!("{}{}", d.name, d.note),
                d.communities.to_string(),
                d.urban.to_string(),
                d.village_to_residence.to_string(),
                d.pilot_quota.to_string(),
                d.phase1_quota.to_string(),
            ])
        )?;
    }
    let t = &table.total;
    writeln!(
        out,
        "{}",
        row([
            "总计".into(),
            t.communities.to_string(),
            t.urban.to_string(),
            t.village_to_residence.to_string(),
            t.pilot_quota.to_string(),
            t.phase1_quota.to_string(),
        ])
    )?;
    writeln!(
        out,
        "\n试点总任务期限：2018年9月—2020年底；第一阶段：2018年9月—2019年底。"
    )?;
    Ok(out.flush()?)
}
