//! What the document commands share: choosing communities (one, a
//! district, or all), the output folder and date, and issuing a batch of
//! drafts through the register in one process with a progress bar.

use std::cell::RefCell;
use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context as _, bail};
use chrono::NaiveDate;

use kaoping::actions::documents::{self, Delivery, Issuing, Making};
use kaoping::actions::{ActionError, Ctx, Wait};
use kaoping::documents::batch::{Kind, Left, Scope};
use kaoping::fsutil;
use kaoping::issuance::{Entry, Issued};
use kaoping::outfile;
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
    /// 输出文件夹（默认当前文件夹），每份公文以“区县-社区-公文种类.pdf”命名放在里面；只生成一份时也可写以 .pdf 结尾的文件名
    #[arg(
        short = 'o',
        long = "out-dir",
        value_name = "文件夹或文件",
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
    /// 已有同名文件时覆盖它（默认拒绝，不发文、不占文号）
    #[arg(long)]
    pub force: bool,
}

pub fn parse_day(s: &str) -> Result<NaiveDate, String> {
    parse_date(s).map_err(|e| e.to_string())
}

impl Output {
    /// The document date.
    pub fn date(&self) -> NaiveDate {
        self.date.unwrap_or_else(kaoping::dates::today)
    }

    /// Whether `-o` names one PDF file rather than a folder.
    pub fn names_file(&self) -> bool {
        outfile::names_file(&self.out_dir, "pdf")
    }

    /// The folder the documents go into.
    pub fn folder(&self) -> PathBuf {
        if self.names_file() {
            match self.out_dir.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => PathBuf::from("."),
            }
        } else {
            self.out_dir.clone()
        }
    }

    /// Where the document with this file name is written.
    pub fn path_of(&self, file_name: &str) -> PathBuf {
        outfile::place(Some(self.out_dir.as_path()), "pdf", file_name)
    }

    /// Creates the output folder and refuses what cannot be written
    /// there — several documents for one file, an existing file without
    /// `--force`, a folder without write permission — before any number
    /// is allocated.
    pub fn prepare(&self, file_names: &[&str]) -> anyhow::Result<()> {
        if self.names_file() && file_names.len() > 1 {
            bail!(
                "这次要生成 {} 份公文，-o 后面请写一个文件夹（不以 .pdf 结尾），不能写一个文件名 {}；这次没有发文、没有占用文号",
                file_names.len(),
                self.out_dir.display()
            );
        }
        let dir = self.folder();
        fsutil::create_dir_durable(&dir)
            .with_context(|| format!("无法创建输出文件夹 {}", dir.display()))?;
        let taken: Vec<String> = file_names
            .iter()
            .map(|n| self.path_of(n))
            .filter(|p| p.exists())
            .map(|p| p.display().to_string())
            .collect();
        if !taken.is_empty() && !self.force {
            bail!(
                "已有同名文件，为免覆盖，这次没有发文、没有占用文号：\n  {}\n请换一个输出文件夹或文件名（-o），或加 --force 覆盖",
                taken.join("\n  ")
            );
        }
        output::check_writable(&dir)
    }

    /// Writes an issued PDF to its place.
    pub fn write(&self, file_name: &str, pdf: &[u8]) -> Result<PathBuf, outfile::OutFileError> {
        let path = self.path_of(file_name);
        outfile::write(&path, pdf, self.force)?;
        Ok(path)
    }

    /// Writes an issued document's PDF and, beside it, its detached SM2
    /// signatures and its OFD (`[documents] formats`).
    pub fn write_issued(&self, doc: &Issued) -> Result<PathBuf, outfile::OutFileError> {
        let path = self.write(&doc.record.file_name, &doc.pdf)?;
        write_sigs(&path, doc, self.force)?;
        if let Some(ofd) = &doc.ofd {
            outfile::write(&path.with_extension("ofd"), ofd, self.force)?;
        }
        Ok(path)
    }
}

/// Writes `doc`'s SM2 signatures beside `pdf`: `X.pdf.sig`, then
/// `X.pdf.2.sig` … for a joint document's further organs.
pub fn write_sigs(
    pdf: &std::path::Path,
    doc: &Issued,
    force: bool,
) -> Result<(), outfile::OutFileError> {
    for (i, sig) in doc.sm2.iter().enumerate() {
        let suffix = if i == 0 {
            ".sig".to_string()
        } else {
            format!(".{}.sig", i + 1)
        };
        let mut name = pdf.as_os_str().to_os_string();
        name.push(suffix);
        outfile::write(std::path::Path::new(&name), sig, force)?;
    }
    Ok(())
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

/// The wait policy of `--no-wait`.
pub fn wait(no_wait: bool) -> Wait<'static> {
    if no_wait {
        Wait::No
    } else {
        Wait::Yes(&wait_message)
    }
}

/// The console's context for an action on `archive`: it waits for
/// another writer (saying so) unless `no_wait`.
pub fn console(archive: &kaoping::archive::Archive, no_wait: bool) -> kaoping::actions::Ctx<'_> {
    kaoping::actions::Ctx::console(archive, wait(no_wait))
}

/// Issues `kind` for the chosen communities, prints who was left out,
/// then writes the documents.
pub fn issue_kind(ctx: &Context, target: &Target, kind: Kind, out: &Output) -> anyhow::Result<()> {
    issue(ctx, &target.scope()?, kind, out)
}

/// Issues `kind` for `scope` through the issuing action and writes each
/// PDF into the output folder; prints one line per document.
pub fn issue(ctx: &Context, scope: &Scope, kind: Kind, out: &Output) -> anyhow::Result<()> {
    let date = out.date();
    issue_through(ctx, out, |act, making, folder| {
        documents::issue(act, making, &kind, scope, date, folder)
    })
    .map(drop)
}

/// Runs the issuing `action` with the console's context, the configured
/// engine, a progress bar and the output folder as its delivery, then
/// writes each PDF into the folder; prints one line per document (and
/// each community left out, after “跳过”). Gives how many were issued.
pub fn issue_through(
    ctx: &Context,
    out: &Output,
    action: impl FnOnce(&Ctx, Making, &dyn Delivery) -> Result<Issuing, ActionError>,
) -> anyhow::Result<usize> {
    issue_as(ctx, out, "跳过", action)
}

/// [`issue_through`], saying `left_word` before each community left out
/// (the 命名决定: “未命名”).
pub fn issue_as(
    ctx: &Context,
    out: &Output,
    left_word: &'static str,
    action: impl FnOnce(&Ctx, Making, &dyn Delivery) -> Result<Issuing, ActionError>,
) -> anyhow::Result<usize> {
    let archive = ctx.archive();
    let config = ctx.config()?;
    let engine = Engine::for_archive(ctx.root().dir(), &config)?;
    let act = Ctx::console(&archive, wait(out.no_wait));
    let folder = Folder::new(out, left_word);
    let making = Making {
        config: &config,
        engine: &engine,
        meter: &Bar::default(),
    };
    let done = action(&act, making, &folder).map_err(|e| folder.error(e))?;
    let n = done.issued.len();
    write_all(out, done.issued)?;
    Ok(n)
}

/// The output folder as the issuing action's delivery: refuses what
/// cannot be written there (keeping the refusal to report it whole) and
/// tells of communities left out and earlier documents on stderr.
struct Folder<'a> {
    out: &'a Output,
    /// Said before each community left out.
    left_word: &'static str,
    refused: RefCell<Option<anyhow::Error>>,
}

impl<'a> Folder<'a> {
    fn new(out: &'a Output, left_word: &'static str) -> Folder<'a> {
        Folder {
            out,
            left_word,
            refused: RefCell::new(None),
        }
    }

    /// The error to report for `e`: the folder's own refusal, if that
    /// was it.
    fn error(&self, e: ActionError) -> anyhow::Error {
        self.refused.take().unwrap_or_else(|| e.into())
    }
}

impl Delivery for Folder<'_> {
    fn check(&self, file_names: &[&str]) -> Result<(), ActionError> {
        self.out.prepare(file_names).map_err(|e| {
            let message = format!("{e:#}");
            *self.refused.borrow_mut() = Some(e);
            ActionError::Invalid(message)
        })
    }

    fn left(&self, l: &Left) {
        eprintln!("{} {} {}：{}", self.left_word, l.id, l.name, l.reason);
    }

    fn earlier(&self, e: &Entry) {
        eprintln!(
            "注意：{} 已有{}（{}，{}），这次将另发一份新文号的",
            e.record.recipient, e.record.kind, e.record.number, e.record.date
        );
    }
}

/// Writes the issued PDFs and prints one line per document and a total.
fn write_all(out: &Output, issued: Vec<Issued>) -> anyhow::Result<()> {
    if issued.is_empty() {
        bail!("没有需要生成的公文");
    }
    let mut stdout = output::stdout();
    for doc in &issued {
        let path = out.write_issued(doc).with_context(|| {
            format!(
                "没有写出《{}》（该公文已登记，可用 kaoping cat {} > 文件 取出）",
                doc.record.title,
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
