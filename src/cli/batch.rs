//! What the document commands share: choosing communities (one, a
//! district, or all), the output folder and date, and issuing a batch of
//! drafts through the register in one process with a progress bar.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context as _, bail};
use chrono::NaiveDate;

use kaoping::archive::Archive;
use kaoping::archive::lock::WriterLock;
use kaoping::assessment::score::{self, ScoreCard};
use kaoping::assessment::store::{self, AssessmentError, StoredAssessment};
use kaoping::catalog::Catalog;
use kaoping::community::{Community, Register};
use kaoping::districts::DistrictTable;
use kaoping::documents::DocumentError;
use kaoping::fsutil;
use kaoping::issuance::{self, Draft};
use kaoping::render::{Engine, parse_date};

use super::output;
use super::progress::Bar;
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
    /// 输出文件夹（默认当前文件夹）；文件名如“五华区-翠湖社区-考评报告.pdf”
    #[arg(
        short = 'o',
        long = "out-dir",
        value_name = "文件夹",
        default_value = "."
    )]
    pub out_dir: PathBuf,
    /// 成文日期（默认今天），如 2026-11-27
    #[arg(long, value_name = "日期", value_parser = parse_day)]
    pub date: Option<NaiveDate>,
    /// 档案库正被其他进程写入时立即退出，不排队等待
    #[arg(long)]
    pub no_wait: bool,
}

fn parse_day(s: &str) -> Result<NaiveDate, String> {
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
    /// Whether several communities may be chosen (skips are then notes,
    /// not errors).
    pub fn is_batch(&self) -> bool {
        self.all || self.district.is_some()
    }

    /// The chosen communities.
    pub fn select<'a>(&self, reg: &'a Register) -> anyhow::Result<Vec<&'a Community>> {
        if let Some(id) = &self.community {
            return Ok(vec![reg.get(id)?]);
        }
        if let Some(d) = &self.district {
            let d = DistrictTable::builtin().find(d)?;
            let list: Vec<_> = reg.all().filter(|c| c.district == d.name).collect();
            if list.is_empty() {
                bail!("{} 还没有登记任何试点社区", d.name);
            }
            return Ok(list);
        }
        if self.all {
            let list: Vec<_> = reg.all().collect();
            if list.is_empty() {
                bail!(
                    "档案库中还没有登记任何试点社区，请先用 kaoping community add 或 import 登记"
                );
            }
            return Ok(list);
        }
        bail!("请用 --community 编号 指定社区，或用 --district 区县、--all 批量生成")
    }
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

/// Prints why a community was left out of a batch.
pub fn skip(c: &Community, why: &dyn std::fmt::Display) {
    eprintln!("跳过 {} {}：{why}", c.id, c.name);
}

/// Builds one draft per chosen community from its latest assessment:
/// loads and scores the results, then calls `build`. In a batch, a
/// community without results or one `build` refuses is skipped with a
/// note; for a single community both are errors.
pub fn assessed_drafts(
    ctx: &Context,
    archive: &Archive,
    target: &Target,
    mut build: impl FnMut(&Community, &StoredAssessment, &ScoreCard) -> Result<Draft, DocumentError>,
) -> anyhow::Result<Vec<Draft>> {
    let config = ctx.config()?;
    let catalog = Catalog::builtin();
    let reg = archive.register()?;
    let mut drafts = Vec::new();
    for c in target.select(&reg)? {
        let stored = match store::latest(archive, &c.id) {
            Ok(s) => s,
            Err(e @ AssessmentError::NoResults { .. }) if target.is_batch() => {
                skip(c, &e);
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        let card = score::score(&stored.assessment, catalog, &config);
        match build(c, &stored, &card) {
            Ok(d) => drafts.push(d),
            Err(e) if target.is_batch() => skip(c, &e),
            Err(e) => return Err(e.into()),
        }
    }
    Ok(drafts)
}
