//! `kaoping phase set|show|template`: the 第二阶段 and 第三阶段 tasks per
//! district and the phases' dates, set by the office from a task table.

use std::path::PathBuf;

use anyhow::bail;
use clap::Subcommand;

use kaoping::actions::phases as act;
use kaoping::phases::{Given, Setting, Span, dates, list};
use kaoping::table;

use super::Context;
use super::batch::console;

/// 第二、第三阶段任务和日期
pub(super) type Args = super::Group<Sub>;

#[derive(Debug, Subcommand)]
pub(super) enum Sub {
    /// 下达第二、第三阶段各县（市）区任务数和各阶段日期（整体替换上一次下达的）
    Set(SetArgs),
    /// 查看三个阶段的各县（市）区任务数和日期
    Show,
    /// 生成空白的阶段任务表（xlsx，已列出各县（市）区和剩余任务数）
    Template(OutArgs),
}

fn parse_span(s: &str) -> Result<Span, String> {
    dates::parse(s).ok_or_else(|| format!("“{s}”不是日期或期间；写成 {}", dates::FORMS))
}

#[derive(Debug, clap::Args)]
pub(in crate::cli) struct SetArgs {
    /// 任务表（xlsx 或 CSV，列：区县、第二阶段任务数、第三阶段任务数）
    #[arg(long, value_name = "文件")]
    tasks: PathBuf,
    /// 第二阶段试点创建的起止，如 2020-01..2020-09
    #[arg(long, value_name = "期间", value_parser = parse_span)]
    p2_creation: Option<Span>,
    /// 第二阶段评估验收的起止，如 2020-10..2020-11
    #[arg(long, value_name = "期间", value_parser = parse_span)]
    p2_assessment: Option<Span>,
    /// 第二阶段总结命名的月份或日期，如 2020-12
    #[arg(long, value_name = "期间", value_parser = parse_span)]
    p2_naming: Option<Span>,
    /// 第三阶段试点创建的起止
    #[arg(long, value_name = "期间", value_parser = parse_span)]
    p3_creation: Option<Span>,
    /// 第三阶段评估验收的起止
    #[arg(long, value_name = "期间", value_parser = parse_span)]
    p3_assessment: Option<Span>,
    /// 第三阶段总结命名的月份或日期
    #[arg(long, value_name = "期间", value_parser = parse_span)]
    p3_naming: Option<Span>,
    /// 某县（市）区第二、第三阶段任务数之和不等于剩余任务数时，写明理由
    #[arg(long, value_name = "理由")]
    reason: Option<String>,
}

type OutArgs = super::args::OutXlsx;

fn count(n: Option<u32>) -> String {
    n.map_or_else(|| "未下达".to_string(), |n| n.to_string())
}

fn show(c: &kaoping::actions::Ctx) -> anyhow::Result<()> {
    let v = act::show(c)?;
    println!("县（市）区  试点总任务数  第一阶段  第二阶段  第三阶段");
    for d in &v.districts {
        println!(
            "{}  {}  {}  {}  {}{}",
            d.district,
            d.pilot,
            d.first,
            count(d.second),
            count(d.third),
            if v.set && !d.adds_up {
                "  （第二、第三阶段之和不等于剩余任务数）"
            } else {
                ""
            }
        );
    }
    for (phase, steps) in [
        ("第一阶段", &v.first_steps),
        ("第二阶段", &v.second_steps),
        ("第三阶段", &v.third_steps),
    ] {
        let text: Vec<String> = steps.iter().map(|(n, w)| format!("{n} {w}")).collect();
        if text.is_empty() {
            println!("{phase}：日期尚未确定");
        } else {
            println!("{phase}：{}", text.join("；"));
        }
    }
    match (&v.file, &v.reason) {
        (None, _) => println!(
            "考评办尚未下达第二、第三阶段任务；用 kaoping phase template -o 阶段任务.xlsx 生成任务表。"
        ),
        (Some(f), reason) => {
            println!("依据任务表：{f}");
            if let Some(r) = reason {
                println!("任务数不等于剩余任务数的理由：{r}");
            }
        }
    }
    Ok(())
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    let archive = ctx.archive();
    let c = console(&archive, false);
    match args.command {
        Sub::Set(a) => {
            let Some(name) = a
                .tasks
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
            else {
                bail!("{} 不是文件", a.tasks.display());
            };
            let s = Setting {
                path: &a.tasks,
                name: &name,
                second: Given {
                    creation: a.p2_creation,
                    assessment: a.p2_assessment,
                    naming: a.p2_naming,
                },
                third: Given {
                    creation: a.p3_creation,
                    assessment: a.p3_assessment,
                    naming: a.p3_naming,
                },
                reason: a.reason.as_deref(),
            };
            let set = act::set(&c, &s)?;
            let sum = |f: fn(&kaoping::phases::DistrictTasks) -> u32| {
                set.districts.iter().map(f).sum::<u32>()
            };
            println!(
                "已下达阶段任务：第二阶段 {} 个，第三阶段 {} 个（{} 个县（市）区）。",
                sum(|d| d.second),
                sum(|d| d.third),
                set.districts.len()
            );
        }
        Sub::Show => show(&c)?,
        Sub::Template(a) => {
            let bytes = table::write::xlsx(&[list::template_sheet()])?;
            super::sheets::write_template(&a.out, a.force, &bytes)?;
            println!(
                "已生成阶段任务表：{}；填好后用 kaoping phase set --tasks {} 下达。",
                a.out.display(),
                a.out.display()
            );
        }
    }
    Ok(())
}
