//! `kaoping media add|list`: 网络（媒体）调查 records with their capture
//! files. The URL is recorded, never fetched.

use std::io::Write;
use std::path::PathBuf;

use clap::Subcommand;

use kaoping::actions::field;
use kaoping::field::media::NewMedia;

use super::Context;
use super::batch::console;
use super::output;

/// 网络（媒体）调查
pub(super) type Args = super::Group<Sub>;

#[derive(Debug, Subcommand)]
pub(super) enum Sub {
    /// 登记一条网络（媒体）调查记录及其网页存档（PDF、PNG、MHTML 或 WARC）
    Add(Box<AddArgs>),
    /// 列出社区的网络（媒体）调查记录
    List(ListArgs),
}

#[derive(Debug, clap::Args)]
pub(in crate::cli) struct AddArgs {
    /// 社区编号
    #[arg(long, value_name = "编号")]
    community: String,
    /// 记录人账号（县区、专家或考评办公室账号）
    #[arg(long = "as", value_name = "账号")]
    account: String,
    /// 标准，如 Ⅱ-9/2
    #[arg(long, value_name = "标准")]
    standard: String,
    /// 网址（只记录，不访问）
    #[arg(long, value_name = "网址")]
    url: String,
    /// 标题
    #[arg(long, value_name = "标题")]
    title: String,
    /// 平台：政府网站、微信公众号、媒体报道、其他
    #[arg(long, value_name = "平台")]
    platform: String,
    /// 发布日期
    #[arg(long, value_name = "日期", default_value = "")]
    published: String,
    /// 核查日期（默认今天）
    #[arg(long, value_name = "日期", default_value = "")]
    checked: String,
    /// 核查结果
    #[arg(long, value_name = "结果")]
    finding: String,
    /// 网页存档文件
    #[arg(long, value_name = "文件")]
    capture: PathBuf,
}

#[derive(Debug, clap::Args)]
pub(in crate::cli) struct ListArgs {
    /// 社区编号
    #[arg(long, value_name = "编号")]
    community: String,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    let mut out = output::stdout();
    match args.command {
        Sub::Add(a) => {
            let a = *a;
            let (archive, acc) = super::field::acting(ctx, &a.account)?;
            let new = NewMedia {
                standard: a.standard,
                url: a.url,
                title: a.title,
                platform: a.platform,
                published: a.published,
                checked: a.checked,
                finding: a.finding,
            };
            let name = super::field::file_name(&a.capture);
            let capture = kaoping::field::Upload {
                path: &a.capture,
                name: &name,
            };
            let act = super::field::console(&archive);
            let (c, r) = field::add_media(&act, &a.community, Some(&acc), &new, capture)?;
            writeln!(
                out,
                "已登记社区 {} {} 的网络（媒体）调查记录：{}（{}，存档 {}）",
                c.id,
                r.key,
                r.title,
                r.platform.name(),
                r.file.short()
            )?;
        }
        Sub::List(a) => {
            let archive = ctx.archive();
            for r in field::media(&console(&archive, false), &a.community)? {
                writeln!(
                    out,
                    "{} {} {} {} 核查 {} {} 存档 {}",
                    r.key,
                    r.platform.name(),
                    r.title,
                    r.url,
                    r.checked,
                    r.finding,
                    r.file.short()
                )?;
            }
        }
    }
    Ok(())
}
