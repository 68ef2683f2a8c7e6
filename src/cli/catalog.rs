//! `kaoping catalog`: prints the evaluation system (Attachment 2) as an
//! indented table or as JSON, whole or for one item or indicator.

use std::io::Write;

use kaoping::catalog::{Catalog, Entry, Indicator, Item, Method};

use super::Context;
use super::output::{self, wrap};

/// 查看考评体系
#[derive(Debug, clap::Args)]
pub struct Args {
    /// 只看某一考评项目或指标，如 Ⅱ-1、II-1、2-1、Ⅰ-3 或指标名称
    #[arg(value_name = "编号或名称")]
    code: Option<String>,

    /// 只列出用这种方法考评的标准：材料审核、实地考评、问卷调查、网络（媒体）调查
    #[arg(long, value_name = "方法", value_parser = parse_method)]
    method: Option<Method>,

    /// 以 JSON 格式输出（供其他程序读取）
    #[arg(long)]
    json: bool,
}

fn parse_method(s: &str) -> Result<Method, String> {
    Method::parse(s)
        .ok_or_else(|| "只能是 材料审核、实地考评、问卷调查、网络（媒体）调查 之一".to_string())
}

pub fn run(_ctx: &Context, args: Args) -> anyhow::Result<()> {
    let catalog = Catalog::builtin();
    let entry = match &args.code {
        Some(code) => Some(catalog.lookup(code)?),
        None => None,
    };
    let mut out = output::stdout();
    if args.json {
        let value = match entry {
            None => CatalogJson::Items {
                items: catalog
                    .items
                    .iter()
                    .map(|it| item_json(it, args.method))
                    .collect(),
            },
            Some(Entry::Item(it)) => CatalogJson::Item(item_json(it, args.method)),
            Some(Entry::Indicator(it, ind)) => CatalogJson::Indicator {
                indicator: indicator_json(ind, args.method),
                item: Named {
                    code: &it.code,
                    name: &it.name,
                },
            },
        };
        output::json_sorted(&mut out, &value)?;
    } else {
        match entry {
            None => {
                let n_ind = catalog.indicators().count();
                let n_std = catalog.standards().count();
                writeln!(out, "{}", catalog.title)?;
                writeln!(
                    out,
                    "共 {} 个考评项目、{n_ind} 项考评指标、{n_std} 条考评标准\n",
                    catalog.items.len()
                )?;
                for it in &catalog.items {
                    write_item(&mut out, it, args.method)?;
                }
                writeln!(out, "考评方法：")?;
                for m in &catalog.methods {
                    writeln!(
                        out,
                        "{}",
                        wrap(&format!("{}：{}", m.name, m.description), 2, 4)
                    )?;
                }
            }
            Some(Entry::Item(it)) => write_item(&mut out, it, args.method)?,
            Some(Entry::Indicator(it, ind)) => {
                writeln!(out, "{} {}", it.code, it.name)?;
                write_indicator(&mut out, ind, args.method)?;
            }
        }
    }
    out.flush()?;
    Ok(())
}

fn keep(s: &kaoping::catalog::Standard, method: Option<Method>) -> bool {
    method.is_none_or(|m| s.methods.contains(&m))
}

/// `catalog --json`: every item, one item, or one indicator with its item.
#[derive(serde::Serialize)]
#[serde(untagged)]
enum CatalogJson<'a> {
    Items {
        items: Vec<ItemJson<'a>>,
    },
    Item(ItemJson<'a>),
    Indicator {
        #[serde(flatten)]
        indicator: IndicatorJson<'a>,
        item: Named<'a>,
    },
}

/// An item or indicator by its code and name.
#[derive(serde::Serialize)]
struct Named<'a> {
    code: &'a str,
    name: &'a str,
}

/// An item with its indicators that have a standard of the method.
#[derive(serde::Serialize)]
struct ItemJson<'a> {
    #[serde(flatten)]
    named: Named<'a>,
    indicators: Vec<IndicatorJson<'a>>,
}

/// An indicator with its standards of the method.
#[derive(serde::Serialize)]
struct IndicatorJson<'a> {
    #[serde(flatten)]
    named: Named<'a>,
    standards: Vec<&'a kaoping::catalog::Standard>,
}

fn item_json(it: &Item, method: Option<Method>) -> ItemJson<'_> {
    ItemJson {
        named: Named {
            code: &it.code,
            name: &it.name,
        },
        indicators: it
            .indicators
            .iter()
            .filter(|ind| ind.standards.iter().any(|s| keep(s, method)))
            .map(|ind| indicator_json(ind, method))
            .collect(),
    }
}

fn indicator_json(ind: &Indicator, method: Option<Method>) -> IndicatorJson<'_> {
    IndicatorJson {
        named: Named {
            code: &ind.code,
            name: &ind.name,
        },
        standards: ind.standards.iter().filter(|s| keep(s, method)).collect(),
    }
}

fn write_item(out: &mut impl Write, it: &Item, method: Option<Method>) -> std::io::Result<()> {
    writeln!(out, "{} {}", it.code, it.name)?;
    for ind in &it.indicators {
        if ind.standards.iter().any(|s| keep(s, method)) {
            write_indicator(out, ind, method)?;
        }
    }
    writeln!(out)
}

fn write_indicator(
    out: &mut impl Write,
    ind: &Indicator,
    method: Option<Method>,
) -> std::io::Result<()> {
    writeln!(out, "  {} {}", ind.code, ind.name)?;
    for s in ind.standards.iter().filter(|s| keep(s, method)) {
        let methods: Vec<_> = s.methods.iter().map(|m| m.name()).collect();
        let line = format!("{}. {}〔{}〕", s.number, s.text, methods.join("、"));
        writeln!(out, "{}", wrap(&line, 4, 7))?;
    }
    Ok(())
}
