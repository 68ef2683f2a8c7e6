//! `kaoping field photo|record|scan|submit|list`: on-site assessment from
//! the command line, as the phone page does it — a photo per standard, a
//! point's findings, a scanned paper form, and the sheet the visits become
//! at the assessor's level.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::Subcommand;

use kaoping::accounts::{Account, Accounts};
use kaoping::archive::Archive;
use kaoping::catalog::Catalog;
use kaoping::field::photo::{self, Incoming};
use kaoping::field::visit::{self, Finding};

use super::output;
use super::{Context, HELP_TEMPLATE, wait_message};

/// 实地考评
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Sub,
}

#[derive(Debug, Subcommand)]
enum Sub {
    /// 保存一张现场照片（原样保存，读取 EXIF 拍摄时间和位置）
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Photo(PhotoArgs),
    /// 记录一个考评点的实地考评结论
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Record(RecordArgs),
    /// 上传填好的纸质实地考评表扫描件（PDF 或图片）
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Scan(ScanArgs),
    /// 把各考评点的结论作为本级考评表提交（县区初评或专家评估）
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Submit(SubmitArgs),
    /// 列出社区的现场照片和实地考评记录
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    List(ListArgs),
}

#[derive(Debug, clap::Args)]
struct Who {
    /// 社区编号
    #[arg(long, value_name = "编号")]
    community: String,
    /// 考评人账号（县区或专家账号）
    #[arg(long = "as", value_name = "账号")]
    account: String,
}

#[derive(Debug, clap::Args)]
struct PhotoArgs {
    #[command(flatten)]
    who: Who,
    /// 考评点编号
    #[arg(long, value_name = "点位编号")]
    point: String,
    /// 标准，如 Ⅱ-6/1
    #[arg(long, value_name = "标准")]
    standard: String,
    /// 照片文件
    #[arg(value_name = "照片", required = true)]
    files: Vec<PathBuf>,
}

#[derive(Debug, clap::Args)]
struct RecordArgs {
    #[command(flatten)]
    who: Who,
    /// 考评点编号
    #[arg(long, value_name = "点位编号")]
    point: String,
    /// 结论，写成 "Ⅱ-6/1=达标"，可写多个
    #[arg(long, value_name = "标准=结论", required = true)]
    verdict: Vec<String>,
    /// 情况记录，写成 "Ⅱ-6/1=……"，可写多个
    #[arg(long, value_name = "标准=记录")]
    remark: Vec<String>,
    /// 考评日期（默认今天）
    #[arg(long, value_name = "日期")]
    date: Option<String>,
}

#[derive(Debug, clap::Args)]
struct ScanArgs {
    #[command(flatten)]
    who: Who,
    /// 考评点编号
    #[arg(long, value_name = "点位编号")]
    point: String,
    /// 扫描件
    #[arg(value_name = "文件")]
    file: PathBuf,
}

#[derive(Debug, clap::Args)]
struct SubmitArgs {
    #[command(flatten)]
    who: Who,
    /// 其余考评方法（材料审核、问卷调查、网络（媒体）调查）的考评表；不写则沿用本人本级上一版考评表
    #[arg(long, value_name = "考评表")]
    sheet: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
struct ListArgs {
    /// 社区编号
    #[arg(long, value_name = "编号")]
    community: String,
}

fn account(archive: &Archive, name: &str) -> anyhow::Result<Account> {
    Accounts::load(archive.root())?
        .get(name)
        .cloned()
        .with_context(|| format!("没有名为 {name} 的账号（用 kaoping user list 查看）"))
}

fn split(items: &[String], what: &str) -> anyhow::Result<Vec<(String, String)>> {
    items
        .iter()
        .map(|s| {
            s.split_once('=')
                .map(|(a, b)| (a.trim().to_string(), b.trim().to_string()))
                .with_context(|| format!("{what}“{s}”应写成 标准=内容，如 Ⅱ-6/1=达标"))
        })
        .collect()
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    let catalog = Catalog::builtin();
    let mut out = output::stdout();
    match args.command {
        Sub::Photo(a) => {
            let config = ctx.config()?;
            let zone = kaoping::field::zone(&config.time);
            let archive = Archive::new(ctx.root().dir()).acting_as(&a.who.account);
            let acc = account(&archive, &a.who.account)?;
            let lock = archive.lock(true, wait_message)?;
            let reg = archive.communities()?;
            let c = reg.get(&a.who.community)?;
            for f in &a.files {
                let name = f
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let incoming = Incoming {
                    point: &a.point,
                    standard: &a.standard,
                    path: f,
                    name: &name,
                };
                let s = photo::store(
                    &archive,
                    &lock,
                    catalog,
                    (&config.field, zone),
                    c,
                    &acc,
                    &incoming,
                )?;
                let r = &s.record;
                let flags: Vec<String> = r.flags.iter().map(|f| f.detail.clone()).collect();
                writeln!(
                    out,
                    "{}照片 {}（{}）：{} {}，拍摄时间 {}{}",
                    if s.duplicate {
                        "已有相同的"
                    } else {
                        "已保存"
                    },
                    name,
                    r.file.short(),
                    r.point,
                    r.key,
                    r.exif.taken.as_deref().unwrap_or("未知"),
                    if flags.is_empty() {
                        String::new()
                    } else {
                        format!("；标记：{}", flags.join("；"))
                    }
                )?;
            }
        }
        Sub::Record(a) => {
            let archive = Archive::new(ctx.root().dir()).acting_as(&a.who.account);
            let acc = account(&archive, &a.who.account)?;
            let remarks = split(&a.remark, "情况记录")?;
            let findings: Vec<Finding> = split(&a.verdict, "结论")?
                .into_iter()
                .map(|(standard, verdict)| Finding {
                    remark: remarks
                        .iter()
                        .find(|(s, _)| *s == standard)
                        .map(|(_, r)| r.clone())
                        .unwrap_or_default(),
                    standard,
                    verdict,
                })
                .collect();
            let date = match a.date.as_deref() {
                Some(d) => kaoping::dates::parse(d).with_context(|| {
                    format!(
                        "考评日期“{d}”无效，请写成 {} 这样的日期",
                        kaoping::dates::FORMS
                    )
                })?,
                None => kaoping::dates::today(),
            };
            let lock = archive.lock(true, wait_message)?;
            let reg = archive.communities()?;
            let c = reg.get(&a.who.community)?;
            let config = ctx.config()?;
            let zone = kaoping::field::zone(&config.time);
            let v = visit::record(
                &archive,
                &lock,
                catalog,
                (&config.field, zone),
                c,
                &acc,
                (&a.point, &findings, date),
            )?;
            let photos: usize = v.rows.iter().map(|r| r.photos.len()).sum();
            writeln!(
                out,
                "已记录 {} 在考评点 {} 的实地考评（{}）：{} 条标准，{} 张照片",
                acc.name,
                v.point,
                v.level.name(),
                v.rows.len(),
                photos
            )?;
        }
        Sub::Scan(a) => {
            let archive = Archive::new(ctx.root().dir()).acting_as(&a.who.account);
            let acc = account(&archive, &a.who.account)?;
            let lock = archive.lock(true, wait_message)?;
            let reg = archive.communities()?;
            let c = reg.get(&a.who.community)?;
            let name = a
                .file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let s = visit::attach_scan(&archive, &lock, c, &acc, &a.point, &a.file, &name)?;
            writeln!(
                out,
                "已保存考评点 {} 的实地考评表扫描件 {}（{}）",
                s.point,
                name,
                s.file.short()
            )?;
        }
        Sub::Submit(a) => {
            let archive = Archive::new(ctx.root().dir()).acting_as(&a.who.account);
            let acc = account(&archive, &a.who.account)?;
            let lock = archive.lock(true, wait_message)?;
            let reg = archive.communities()?;
            let c = reg.get(&a.who.community)?;
            let s = visit::submit(&archive, &lock, catalog, c, &acc, a.sheet.as_deref())?;
            writeln!(
                out,
                "已提交 {} 对社区 {} 的{}（第 {} 版考评结果，含实地考评结论）",
                acc.name,
                c.id,
                s.record.level.name(),
                s.record.version
            )?;
        }
        Sub::List(a) => {
            let archive = Archive::new(ctx.root().dir());
            archive.communities()?.get(&a.community)?;
            let time = ctx.config()?.time;
            writeln!(out, "（时间均为{}）", time.label())?;
            for p in photo::list(&archive, &a.community)? {
                let flags: Vec<&str> = p.flags.iter().map(|f| f.detail.as_str()).collect();
                writeln!(
                    out,
                    "照片 {} {} {} {} {} 收到 {} 拍摄 {} {}",
                    p.file.short(),
                    p.point,
                    p.key,
                    p.assessor,
                    p.file.name,
                    time.show(&p.received),
                    p.exif
                        .taken
                        .as_deref()
                        .map_or("未知".into(), |t| time.show(t)),
                    flags.join("；")
                )?;
            }
            for v in visit::list(&archive, &a.community)? {
                for r in &v.rows {
                    writeln!(
                        out,
                        "记录 {} {} {} {} {} {}（{} 张照片）",
                        v.point,
                        v.assessor,
                        v.level.name(),
                        v.date,
                        r.key,
                        r.verdict,
                        r.photos.len()
                    )?;
                }
            }
        }
    }
    Ok(())
}
