//! `kaoping assess import`: a filled sheet stored as a community's next result at a level.

use std::io::Write;

use std::path::PathBuf;

use kaoping::actions::assess::{self, Sheet, Stored};
use kaoping::assessment::Facts;
use kaoping::assessment::level::Level;
use kaoping::assessment::score::{self, round1};
use kaoping::catalog::Catalog;

use super::super::Context;
use super::super::output;
use super::parse_level;

#[derive(Debug, clap::Args)]
pub(in crate::cli) struct Args {
    /// 填好的考评表（.xlsx、.xls、.ods、.csv、.toml 或 .json）
    #[arg(value_name = "文件")]
    file: PathBuf,
    /// 社区编号
    #[arg(long, value_name = "编号")]
    community: String,
    /// 社区基本数据（TOML）：居民户数、综合服务设施面积、社区社会组织数、持证社工人数，
    /// 用于自动判定 Ⅱ-4 标准1、Ⅱ-11 标准1、Ⅱ-16 标准1
    #[arg(long, value_name = "文件")]
    facts: Option<PathBuf>,
    /// 考评层级：自查（社区自查）、初评（县区初评）、专家（专家评估，须写 --expert）或 最终（默认，考评办公室的最终结果）
    #[arg(long, value_name = "层级", value_parser = parse_level, default_value = "最终", hide_default_value = true)]
    level: Level,
    /// 专家评估时专家的账号
    #[arg(long, value_name = "账号")]
    expert: Option<String>,
    /// 档案库正被其他进程写入时立即退出，不排队等待
    #[arg(long)]
    no_wait: bool,
}

pub(super) fn run(ctx: &Context, a: Args) -> anyhow::Result<()> {
    let archive = ctx.archive();
    let catalog = Catalog::builtin();
    let facts = match &a.facts {
        Some(p) => Some(read_facts(p)?),
        None => None,
    };
    let act = super::console(&archive, a.no_wait);
    let sheet = Sheet::File(&a.file);
    let expert = a.expert.as_deref();
    let Stored {
        community: c,
        stored,
    } = assess::import(&act, &a.community, sheet, facts, a.level, expert)?;
    if !stored.ignored_columns.is_empty() {
        eprintln!(
            "提示：以下列不认识，已忽略：{}",
            stored.ignored_columns.join("、")
        );
    }
    let config = ctx.config()?;
    let card = score::score(&stored.assessment, catalog, &config);
    let mut out = output::stdout();
    let against = match stored.record.evidence_version {
        0 => "该社区还没有提交任何证据材料".to_string(),
        v => format!("对照第 {v} 版提交材料"),
    };
    let level = match a.level {
        Level::Final => String::new(),
        Level::Expert => format!("（专家评估：{}）", a.expert.as_deref().unwrap_or("")),
        l => format!("（{l}）"),
    };
    writeln!(
        out,
        "已导入 {} {} 的第 {} 版考评结果{level}（{} 条），{against}。",
        c.id,
        c.name,
        stored.record.version,
        stored.assessment.results.len(),
    )?;
    writeln!(
        out,
        "总分 {} / {}，等次：{}",
        card.total,
        round1(card.max),
        card.grade.name
    )?;
    Ok(out.flush()?)
}

fn read_facts(path: &std::path::Path) -> anyhow::Result<Facts> {
    let text = kaoping::handtext::read(path).map_err(anyhow::Error::msg)?;
    toml::from_str(&text).map_err(|e| {
        anyhow::anyhow!(
            "社区数据文件 {} 格式有误：{}\n可用的项：居民户数、综合服务设施面积、社区社会组织数、[持证社工人数]（按年份）",
            path.display(),
            kaoping::handtext::explain_toml(&e, &text)
        )
    })
}
