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
use kaoping::assessment::level::Level;
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
    /// 退回社区自查或县区初评，写明理由；退回后可重新提交
    #[command(name = "return", help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Return(ReturnArgs),
    /// 考评办公室改定最终结果中一条标准的结论（必须写明理由，保存为新版本）
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Override(OverrideArgs),
    /// 专家组结论：每位专家的结论和按 kaoping.toml [assessment] aggregate 规则汇总的结论及算式
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Panel(PanelArgs),
    /// 按专家组汇总结论记录最终考评结果（每条标准用 [assessment] aggregate 规则汇总各位专家的结论，算式记入备注）
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Finalize(FinalizeArgs),
    /// 各社区评估验收的进度：未开始、自查已提交、初评已提交、专家评估中、已评定
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    State(StateArgs),
    /// 查看社区最新的考评结果：总分、等次、各项目小计和问题清单
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Show(ShowArgs),
}

#[derive(Debug, clap::Args)]
struct TemplateArgs {
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

fn parse_level(s: &str) -> Result<Level, String> {
    Level::parse(s).ok_or_else(|| "考评层级只能是 自查、初评、专家 或 最终".to_string())
}

#[derive(Debug, clap::Args)]
struct ReturnArgs {
    /// 社区编号
    #[arg(long, value_name = "编号")]
    community: String,
    /// 退回哪一级：自查（由县区退回）或 初评（由考评办公室退回）
    #[arg(long, value_name = "层级", value_parser = parse_level)]
    level: Level,
    /// 退回的理由
    #[arg(long, value_name = "理由")]
    reason: String,
    /// 档案库正被其他进程写入时立即退出，不排队等待
    #[arg(long)]
    no_wait: bool,
}

#[derive(Debug, clap::Args)]
struct OverrideArgs {
    /// 社区编号
    #[arg(long, value_name = "编号")]
    community: String,
    /// 指标，如 Ⅱ-4、II-4、2-4
    #[arg(long, value_name = "指标")]
    indicator: String,
    /// 标准序号
    #[arg(long, value_name = "序号")]
    standard: u32,
    /// 考评方法：材料审核、实地考评、问卷调查、网络（媒体）调查
    #[arg(long, value_name = "方法")]
    method: String,
    /// 改定后的结论：达标、基本达标 或 未达标
    #[arg(long, value_name = "结论")]
    verdict: String,
    /// 改定的理由（必填）
    #[arg(long, value_name = "理由")]
    reason: String,
    /// 档案库正被其他进程写入时立即退出，不排队等待
    #[arg(long)]
    no_wait: bool,
}

#[derive(Debug, clap::Args)]
struct PanelArgs {
    /// 社区编号
    #[arg(long, value_name = "编号")]
    community: String,
    /// 以 JSON 格式输出
    #[arg(long)]
    json: bool,
}

#[derive(Debug, clap::Args)]
struct FinalizeArgs {
    /// 社区编号
    #[arg(long, value_name = "编号")]
    community: String,
    /// 档案库正被其他进程写入时立即退出，不排队等待
    #[arg(long)]
    no_wait: bool,
}

#[derive(Debug, clap::Args)]
struct StateArgs {
    /// 以 JSON 格式输出
    #[arg(long)]
    json: bool,
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
        Sub::Import(a) => {
            let facts = match &a.facts {
                Some(p) => Some(read_facts(p)?),
                None => None,
            };
            let lock = archive.lock(!a.no_wait, wait_message)?;
            let reg = archive.communities()?;
            let c = reg.get(&a.community)?;
            let at = store::At {
                level: a.level,
                expert: a.expert.as_deref(),
                by: None,
            };
            let stored = store::import_at(&archive, &lock, catalog, c, &a.file, facts, at)?;
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
        Sub::Return(a) => {
            let lock = archive.lock(!a.no_wait, wait_message)?;
            let reg = archive.communities()?;
            let c = reg.get(&a.community)?;
            if a.reason.trim().is_empty() {
                anyhow::bail!("请用 --reason 写明退回的理由");
            }
            let done = store::send_back(&archive, &lock, c, a.level, &a.reason)?;
            let mut out = output::stdout();
            writeln!(
                out,
                "已退回 {} {} 的{}，理由：{}",
                c.id,
                c.name,
                a.level,
                a.reason.trim()
            )?;
            if done.final_reopened {
                writeln!(out, "{}", store::REOPENED_NOTE)?;
            }
            Ok(out.flush()?)
        }
        Sub::Override(a) => {
            use kaoping::assessment::overrule::{Override, overrule};
            let change = Override::typed(
                catalog,
                &a.indicator,
                a.standard,
                &a.method,
                &a.verdict,
                &a.reason,
            )?;
            let lock = archive.lock(!a.no_wait, wait_message)?;
            let c = archive.communities()?.get(&a.community)?.clone();
            let stored = overrule(&archive, &lock, &c.id, change)?;
            let o = &stored.record.overrides[0];
            let mut out = output::stdout();
            writeln!(
                out,
                "已改定 {} {} {} 标准{}（{}）：{} → {}，理由：{}（第 {} 版考评结果）",
                c.id,
                c.name,
                o.indicator,
                o.standard,
                o.method,
                o.from,
                o.to,
                o.reason,
                stored.record.version
            )?;
            Ok(out.flush()?)
        }
        Sub::Panel(a) => {
            let c = archive.communities()?.get(&a.community)?.clone();
            let rule = ctx.config()?.assessment.aggregate;
            let rows = kaoping::assessment::panel::panel(&archive, &c.id, rule)?;
            let mut out = output::stdout();
            if a.json {
                serde_json::to_writer_pretty(&mut out, &rows).context("无法输出 JSON")?;
                writeln!(out)?;
            } else if rows.is_empty() {
                writeln!(out, "{} {} 还没有专家提交评估。", c.id, c.name)?;
            } else {
                for r in &rows {
                    let each: Vec<String> =
                        r.verdicts.iter().map(|(w, v)| format!("{w} {v}")).collect();
                    writeln!(
                        out,
                        "{} 标准{}（{}）：{}；{}",
                        r.indicator,
                        r.standard,
                        r.method,
                        each.join("、"),
                        r.aggregate.arithmetic
                    )?;
                }
            }
            Ok(out.flush()?)
        }
        Sub::Finalize(a) => {
            use kaoping::assessment::Verdict;
            use kaoping::assessment::finalize::{finalize, rule_name};
            let c = archive.communities()?.get(&a.community)?.clone();
            let rule = ctx.config()?.assessment.aggregate;
            let lock = archive.lock(!a.no_wait, wait_message)?;
            let stored = finalize(&archive, &lock, &c.id, rule)?;
            let counts = Verdict::ALL.map(|v| {
                let n = stored
                    .assessment
                    .results
                    .iter()
                    .filter(|r| r.verdict == v)
                    .count();
                format!("{v} {n} 条")
            });
            let mut out = output::stdout();
            writeln!(
                out,
                "已按专家组汇总（{}）记录 {} {} 的第 {} 版最终考评结果：{}。每条的算式见 kaoping assess show。",
                rule_name(rule),
                c.id,
                c.name,
                stored.record.version,
                counts.join("、")
            )?;
            Ok(out.flush()?)
        }
        Sub::State(a) => {
            let states = store::states(&archive)?;
            let mut out = output::stdout();
            if a.json {
                serde_json::to_writer_pretty(&mut out, &states).context("无法输出 JSON")?;
                writeln!(out)?;
            } else {
                for s in &states {
                    writeln!(
                        out,
                        "{}  {}  {}  {}{}",
                        s.community,
                        s.name,
                        s.district,
                        s.state.name(),
                        if s.final_reopened {
                            "（原最终结果已因退回撤销，待重新评定）"
                        } else {
                            ""
                        }
                    )?;
                }
            }
            Ok(out.flush()?)
        }
        Sub::Show(a) => {
            let reg = archive.communities()?;
            let c = reg.get(&a.community)?;
            let stored = store::latest_recorded(&archive, &c.id)?;
            let reopened =
                kaoping::assessment::level::final_reopened(&store::steps(&archive, &c.id)?);
            let overrides = kaoping::assessment::overrule::standing(&archive, &c.id)?;
            let config = ctx.config()?;
            let card = score::score(&stored.assessment, catalog, &config);
            let mut out = output::stdout();
            if a.json {
                let v = ShowJson {
                    community: c,
                    version: stored.record.version,
                    imported: &stored.time,
                    evidence_version: stored.record.evidence_version,
                    reopened,
                    score: &card,
                    named: card.named() && !reopened,
                    needs_notice: card.needs_notice(),
                    results: &stored.assessment.results,
                    overrides: &overrides,
                    facts: &stored.assessment.facts,
                };
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
                ctx.config()?.time.show_labelled(&stored.time)
            )?;
            if reopened {
                writeln!(
                    out,
                    "注意：这一版最终结果已因退回下级而撤销，待重新评定，不能据以发文或命名。"
                )?;
            }
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

/// `assess show --json`.
#[derive(serde::Serialize)]
struct ShowJson<'a> {
    community: &'a kaoping::community::Community,
    version: u32,
    imported: &'a str,
    evidence_version: u32,
    /// The final result was withdrawn by a return below it.
    reopened: bool,
    score: &'a score::ScoreCard,
    named: bool,
    needs_notice: bool,
    results: &'a [kaoping::assessment::ResultRow],
    overrides: &'a [kaoping::assessment::overrule::Override],
    facts: &'a Facts,
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
