//! `kaoping assess template|import|show`: the blank assessment sheet, importing
//! a filled sheet as a new version of a community's results, and showing
//! the scored results.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::Subcommand;

use kaoping::archive::Archive;
use kaoping::assessment::Facts;
use kaoping::assessment::computed;
use kaoping::assessment::score::{self, round1};
use kaoping::assessment::sheet;
use kaoping::assessment::store;
use kaoping::catalog::Catalog;

use super::output;
use super::sheets::{self, TemplateKind};
use super::{Context, HELP_TEMPLATE, wait_message};

/// 考评结果：生成考评表、导入考评结果、查看得分
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Sub,
}

#[derive(Debug, Subcommand)]
enum Sub {
    /// 生成空白考评表（.xlsx 或 .csv，按 -o 的扩展名），已填好每条标准及其考评方法，考评人只需填结论
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Template(TemplateArgs),
    /// 导入填好的考评表（Excel/WPS 工作簿 .xlsx、.xls、.ods，或 CSV、TOML、JSON），保存为该社区考评结果的新版本
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Import(ImportArgs),
    /// 查看社区最新的考评结果：总分、等次、各项目小计和问题清单
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Show(ShowArgs),
}

#[derive(Debug, clap::Args)]
struct TemplateArgs {
    /// 社区编号
    #[arg(long, value_name = "编号")]
    community: String,
    /// 输出的文件：考评表.xlsx（Excel 工作簿，推荐）或 考评表.csv
    #[arg(short = 'o', long, value_name = "文件")]
    output: PathBuf,
    /// 文件已存在时覆盖它（默认拒绝，以免覆盖已填好的考评表）
    #[arg(long)]
    force: bool,
}

#[derive(Debug, clap::Args)]
struct ImportArgs {
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
    /// 档案库正被其他进程写入时立即退出，不排队等待
    #[arg(long)]
    no_wait: bool,
}

#[derive(Debug, clap::Args)]
struct ShowArgs {
    /// 社区编号
    #[arg(long, value_name = "编号")]
    community: String,
    /// 以 JSON 格式输出
    #[arg(long)]
    json: bool,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    let archive = Archive::new(ctx.root().dir());
    let catalog = Catalog::builtin();
    match args.command {
        Sub::Template(a) => {
            let reg = archive.communities()?;
            let c = reg.get(&a.community)?;
            let bytes = match sheets::template_kind(&a.output, "考评表")? {
                TemplateKind::Xlsx => sheet::template_xlsx(catalog)?,
                TemplateKind::Csv => sheet::template(catalog),
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
        Sub::Import(a) => {
            let facts = match &a.facts {
                Some(p) => Some(read_facts(p)?),
                None => None,
            };
            let lock = archive.lock(!a.no_wait, wait_message)?;
            let reg = archive.communities()?;
            let c = reg.get(&a.community)?;
            let stored = store::import(&archive, &lock, catalog, c, &a.file, facts)?;
            if !stored.ignored_columns.is_empty() {
                eprintln!(
                    "提示：以下列不认识，已忽略：{}",
                    stored.ignored_columns.join("、")
                );
            }
            drop(lock);
            let config = ctx.config()?;
            let card = score::score(&stored.assessment, catalog, &config);
            let mut out = output::stdout();
            let against = match stored.record.evidence_version {
                0 => "该社区还没有提交任何证据材料".to_string(),
                v => format!("对照第 {v} 版提交材料"),
            };
            writeln!(
                out,
                "已导入 {} {} 的第 {} 版考评结果（{} 条），{against}。",
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
        Sub::Show(a) => {
            let reg = archive.communities()?;
            let c = reg.get(&a.community)?;
            let stored = store::latest(&archive, &c.id)?;
            let config = ctx.config()?;
            let card = score::score(&stored.assessment, catalog, &config);
            let mut out = output::stdout();
            if a.json {
                let v = serde_json::json!({
                    "community": c,
                    "version": stored.record.version,
                    "imported": stored.time,
                    "evidence_version": stored.record.evidence_version,
                    "score": card,
                    "named": card.named(),
                    "needs_notice": card.needs_notice(),
                    "results": stored.assessment.results,
                    "facts": stored.assessment.facts,
                });
                serde_json::to_writer_pretty(&mut out, &v).context("无法输出 JSON")?;
                writeln!(out)?;
                return Ok(out.flush()?);
            }
            writeln!(
                out,
                "{} {}（{}，{}）第 {} 版考评结果，导入于 {}",
                c.id,
                c.name,
                c.district,
                c.kind,
                stored.record.version,
                ctx.config()?.time.show(&stored.time)
            )?;
            writeln!(
                out,
                "总分 {} / {}，等次：{}；{}；{}",
                card.total,
                round1(card.max),
                card.grade.name,
                if card.named() {
                    "可以命名"
                } else {
                    "不予命名"
                },
                if card.needs_notice() {
                    "需要整改"
                } else {
                    "无需整改"
                }
            )?;
            for it in &card.items {
                writeln!(
                    out,
                    "  {} {}：{} / {}",
                    it.code,
                    it.name,
                    round1(it.score),
                    round1(it.max)
                )?;
            }
            let shortfalls: Vec<_> = stored.assessment.shortfalls().collect();
            if !shortfalls.is_empty() {
                writeln!(out, "问题清单：")?;
                for r in shortfalls {
                    writeln!(
                        out,
                        "  {} 标准{}（{}）：{}。{}",
                        r.indicator, r.standard, r.method, r.verdict, r.remark
                    )?;
                }
            }
            for calc in computed::compute(&stored.assessment.facts, store::kind_of(c)) {
                writeln!(
                    out,
                    "自动判定 {} 标准{}：{}",
                    calc.indicator, calc.standard, calc.arithmetic
                )?;
            }
            Ok(out.flush()?)
        }
    }
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
