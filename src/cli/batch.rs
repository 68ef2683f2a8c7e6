//! What the document commands share: choosing communities (one, a
//! district, or all), the output folder and date, and issuing a batch of
//! drafts through the register in one process with a progress bar.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context as _, bail};
use chrono::NaiveDate;

use kaoping::archive::Archive;
use kaoping::archive::lock::WriterLock;
use kaoping::documents::batch::{self, Kind, Scope};
use kaoping::fsutil;
use kaoping::issuance::{self, Draft};
use kaoping::render::{Engine, parse_date};

use super::bar::Bar;
use super::output;
use super::{Context, wait_message};

/// Which communities a document command is for.
#[derive(Debug, clap::Args)]
pub struct Target {
    /// 社区编号
    #[arg(long, value_name = "编号", conflicts_with_all = ["all", "district"])]
    pub community: Option<String>,
    /// 为所有已登记的社区各生成一份
    #[arg(long)]
    pub all: bool,
    /// 为某个县（市）区的所有社区各生成一份
    #[arg(long, value_name = "区县", conflicts_with = "all")]
    pub district: Option<String>,
}

/// Where and when.
#[derive(Debug, clap::Args)]
pub struct Output {
    /// 输出文件夹（不是文件名；默认当前文件夹）：每份公文以“区县-社区-公文种类.pdf”命名放在里面
    #[arg(
        short = 'o',
        long = "out-dir",
        value_name = "文件夹",
        default_value = ".",
        hide_default_value = true
    )]
    pub out_dir: PathBuf,
    /// 成文日期（默认今天），如 2026-11-27
    #[arg(long, value_name = "日期", value_parser = parse_day)]
    pub date: Option<NaiveDate>,
    /// 档案库正被其他进程写入时立即退出，不排队等待
    #[arg(long)]
    pub no_wait: bool,
    /// 输出文件夹里已有同名文件时覆盖它（默认拒绝，不发文、不占文号）
    #[arg(long)]
    pub force: bool,
}

pub fn parse_day(s: &str) -> Result<NaiveDate, String> {
    parse_date(s).map_err(|e| e.to_string())
}

impl Output {
    /// The document date.
    pub fn date(&self) -> NaiveDate {
        self.date
            .unwrap_or_else(|| chrono::Local::now().date_naive())
    }
}

impl Target {
    /// The scope chosen on the command line.
    pub fn scope(&self) -> anyhow::Result<Scope> {
        if let Some(id) = &self.community {
            return Ok(Scope::Community(id.clone()));
        }
        if let Some(d) = &self.district {
            return Ok(Scope::District(d.clone()));
        }
        if self.all {
            return Ok(Scope::All);
        }
        bail!("请用 --community 编号 指定社区，或用 --district 区县、--all 批量生成")
    }
}

/// Drafts `kind` for the chosen communities under the writer lock, prints
/// who was left out, then issues and writes the rest.
pub fn issue_kind(ctx: &Context, target: &Target, kind: Kind, out: &Output) -> anyhow::Result<()> {
    let scope = target.scope()?;
    let archive = Archive::new(ctx.root().dir());
    let config = ctx.config()?;
    let lock = lock(&archive, out)?;
    let drafted = batch::draft(&archive, &config, &kind, &scope, out.date())?;
    for l in &drafted.left {
        eprintln!("跳过 {} {}：{}", l.id, l.name, l.reason);
    }
    issue_and_write(ctx, &archive, &lock, drafted.drafts, out)
}

/// Takes the writer lock.
pub fn lock(archive: &Archive, out: &Output) -> anyhow::Result<WriterLock> {
    Ok(archive.lock(!out.no_wait, wait_message)?)
}

/// Issues the drafts (numbers, render, store, register) and writes each
/// PDF into the output folder; prints one line per document.
pub fn issue_and_write(
    ctx: &Context,
    archive: &Archive,
    lock: &WriterLock,
    drafts: Vec<Draft>,
    out: &Output,
) -> anyhow::Result<()> {
    if drafts.is_empty() {
        bail!("没有需要生成的公文");
    }
    let engine = Engine::new(Some(&ctx.root().templates_dir()))?;
    fsutil::create_dir_durable(&out.out_dir)
        .with_context(|| format!("无法创建输出文件夹 {}", out.out_dir.display()))?;
    // Checked before any number is allocated: nothing is overwritten.
    let taken: Vec<String> = drafts
        .iter()
        .map(|d| out.out_dir.join(&d.file_name))
        .filter(|p| p.exists())
        .map(|p| p.display().to_string())
        .collect();
    if !taken.is_empty() && !out.force {
        bail!(
            "输出文件夹里已有同名文件，为免覆盖，这次没有发文、没有占用文号：\n  {}\n请换一个输出文件夹（-o），或加 --force 覆盖",
            taken.join("\n  ")
        );
    }
    output::check_writable(&out.out_dir)?;
    let entries = issuance::entries(archive)?;
    for d in &drafts {
        if let Some(e) = issuance::earlier(&entries, d) {
            eprintln!(
                "注意：{} 已有{}（{}，{}），这次将另发一份新文号的",
                e.record.recipient, e.record.kind, e.record.number, e.record.date
            );
        }
    }
    let issued = issuance::issue(archive, lock, &engine, drafts, &Bar::default())?;
    let mut stdout = output::stdout();
    for doc in &issued {
        let path = out.out_dir.join(&doc.record.file_name);
        fsutil::write_atomic(&path, &doc.pdf).with_context(|| {
            format!(
                "无法写入 {}（该公文已登记，可用 kaoping cat {} > 文件 取出）",
                path.display(),
                doc.record.sha256()
            )
        })?;
        writeln!(
            stdout,
            "{}  {}  {}",
            doc.record.number,
            doc.record.kind,
            path.display()
        )?;
    }
    writeln!(stdout, "共生成并登记 {} 份公文。", issued.len())?;
    Ok(stdout.flush()?)
}
