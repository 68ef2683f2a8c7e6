//! `kaoping survey show|print|import|tally`: the questionnaire, numbered
//! copies with QR codes, paper answers from a table, and the statistics
//! with the verdict of each 问卷 standard.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::Subcommand;

use kaoping::archive::Archive;
use kaoping::assessment::level::Level;
use kaoping::assessment::store::At;
use kaoping::catalog::Catalog;
use kaoping::fsutil;
use kaoping::outfile;
use kaoping::render::Engine;
use kaoping::survey::answer::Rules;
use kaoping::survey::state::Survey;
use kaoping::survey::stats::{self, percent};
use kaoping::survey::{Questionnaire, copies, document, paper, print, record};

#[path = "survey_more.rs"]
mod more;

use super::output;
use super::{Context, HELP_TEMPLATE, wait_message};

/// 问卷调查（居民测评）
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Sub,
}

#[derive(Debug, Subcommand)]
enum Sub {
    /// 查看问卷：每道题、它对应的考评标准和选项
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Show {
        /// 以 JSON 输出
        #[arg(long)]
        json: bool,
    },
    /// 启用考评办公室自己的问卷（格式同 data/questionnaire.toml）代替内置问卷；须在印制问卷之前
    #[command(name = "use", help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Use {
        /// 问卷文件（TOML）
        #[arg(value_name = "文件")]
        file: PathBuf,
    },
    /// 印制编号问卷（每份一页，带二维码）和发放登记表；每次印出的都是新编号
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Print(PrintArgs),
    /// 导入录入好的纸质答卷（Excel/WPS 工作簿或 CSV：问卷编号一列，每道题一列）
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Import {
        /// 答卷表文件
        #[arg(value_name = "文件")]
        file: PathBuf,
        /// 录入员（[survey] double_entry = true 时必填：两位不同录入员的录入一致才计入）
        #[arg(long, value_name = "姓名")]
        clerk: Option<String>,
    },
    /// 列出双录入中两位录入员不一致、待核对的问卷
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Mismatches {
        /// 社区编号
        #[arg(long, value_name = "编号")]
        community: String,
        /// 以 JSON 输出
        #[arg(long)]
        json: bool,
    },
    /// 核对不一致的双录入：采用某位录入员的录入作为这份问卷的答卷
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Resolve {
        /// 问卷编号
        #[arg(long, value_name = "编号")]
        number: String,
        /// 采用其录入的录入员
        #[arg(long, value_name = "姓名")]
        clerk: String,
    },
    /// 开通（或用 --off 停用）某社区某考评点的开放链接（无问卷编号，每台设备限答一次，单独统计为较低可信度）
    #[command(name = "open-link", help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    OpenLink {
        /// 社区编号
        #[arg(long, value_name = "编号")]
        community: String,
        /// 考评点名称
        #[arg(long, value_name = "名称")]
        point: String,
        /// 停用这个考评点的开放链接
        #[arg(long)]
        off: bool,
        /// 把链接的二维码另存为 SVG 文件
        #[arg(long, value_name = "文件")]
        qr: Option<PathBuf>,
        /// 二维码文件已存在时覆盖它（默认拒绝）
        #[arg(long, requires = "qr")]
        force: bool,
    },
    /// 统计问卷：发放、回收、有效份数，各题分布，各标准的满意率、满意度指数和结论
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Tally {
        /// 社区编号
        #[arg(long, value_name = "编号")]
        community: String,
        /// 以 JSON 输出
        #[arg(long)]
        json: bool,
    },
    /// 生成社区的问卷调查统计表（PDF，登记发文）：样本、各标准满意率和结论、各题分布条形图、意见和建议原文
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Report {
        /// 社区编号，可写多个
        #[arg(long, value_name = "编号", num_args = 1.., required_unless_present_any = ["district", "all"])]
        community: Vec<String>,
        /// 生成一个县（市）区的汇总统计表（按社区列出）
        #[arg(long, value_name = "区县", conflicts_with = "community")]
        district: Option<String>,
        /// 生成全市的汇总统计表（按社区列出）
        #[arg(long, conflicts_with_all = ["community", "district"])]
        all: bool,
        #[command(flatten)]
        output: super::batch::Output,
    },
    /// 把问卷得出的结论（连同算式）写入某一级考评结果中各条问卷调查标准的一行，保存为新版本
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Record {
        /// 社区编号
        #[arg(long, value_name = "编号")]
        community: String,
        /// 组织问卷调查的一级：自查、初评、专家 或 最终（默认：最终，即考评办公室）
        #[arg(
            long,
            value_name = "级别",
            default_value = "最终",
            hide_default_value = true
        )]
        level: String,
        /// 专家账号（--level 专家 时）
        #[arg(long, value_name = "账号")]
        expert: Option<String>,
    },
    /// 结束某社区的问卷调查：此后网页、开放链接和纸质录入都不再接收答卷（记录问卷结论或印发统计表时也会自动结束）
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
    Close {
        /// 社区编号
        #[arg(long, value_name = "编号")]
        community: String,
    },
}

#[derive(Debug, clap::Args)]
struct PrintArgs {
    /// 社区编号
    #[arg(long, value_name = "编号")]
    community: String,
    /// 份数（默认为 kaoping.toml 中 [survey] copies_per_community）
    #[arg(long, value_name = "份数")]
    copies: Option<u32>,
    /// 考评点名称，可写多个（默认为 kaoping.toml 中 [survey] points）；份数平均分到各考评点
    #[arg(long, value_name = "名称", num_args = 1..)]
    point: Vec<String>,
    /// 输出的文件（以 .pdf 结尾）或文件夹（默认当前文件夹）；文件名默认为 问卷-首号至末号.pdf
    #[arg(short = 'o', long, value_name = "文件或文件夹")]
    output: Option<PathBuf>,
    /// 另存每份问卷的编号和答题链接（CSV），供发短信或网上发放；注意保管，持有链接即可答题
    #[arg(long, value_name = "文件")]
    links: Option<PathBuf>,
    /// 只发放网上链接、不印纸质问卷：不生成 PDF，只写 --links 文件
    #[arg(long, requires = "links")]
    links_only: bool,
    /// 输出文件已存在时覆盖它（默认拒绝，不发放编号）
    #[arg(long)]
    force: bool,
}

impl Args {
    /// Whether the subcommand works on an existing archive (`show` reads
    /// the archive's questionnaire only if there is one).
    pub fn needs_archive(&self) -> bool {
        !matches!(self.command, Sub::Show { .. })
    }
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    let archive = Archive::new(ctx.root().dir());
    let root = ctx.root().exists().then(|| ctx.root().dir());
    let q = Questionnaire::load(root, Catalog::builtin())?;
    let mut out = output::stdout();
    match args.command {
        Sub::Show { json } => show(&mut out, &q, json)?,
        Sub::Use { file } => {
            let text = kaoping::handtext::read(&file)
                .map_err(|e| anyhow::anyhow!("无法读取问卷文件 {}：{e}", file.display()))?;
            let lock = archive.lock(true, wait_message)?;
            let q = kaoping::survey::questionnaire::install(
                &archive,
                &lock,
                &text,
                &file,
                Catalog::builtin(),
            )?;
            writeln!(
                out,
                "已启用问卷《{}》（{} 道题），代替内置问卷；之后印制的问卷都用它。",
                q.title,
                q.questions.len()
            )?;
        }
        Sub::Print(a) => print_copies(ctx, &archive, &q, a, &mut out)?,
        Sub::Import { file, clerk } => {
            let config = ctx.config()?;
            if config.survey.double_entry {
                let rules = Rules {
                    q: &q,
                    settings: &config.survey,
                };
                more::import_double(&archive, rules, &file, clerk.as_deref(), &mut out)?;
                out.flush()?;
                return Ok(());
            }
            let bytes =
                std::fs::read(&file).with_context(|| format!("无法读取 {}", file.display()))?;
            let lock = archive.lock(true, wait_message)?;
            let rules = Rules {
                q: &q,
                settings: &config.survey,
            };
            let got = paper::import(&archive, &lock, rules, &file, &bytes)?;
            let invalid = got.iter().filter(|a| a.invalid.is_some()).count();
            writeln!(
                out,
                "已录入 {} 份纸质答卷（其中无效 {invalid} 份）",
                got.len()
            )?;
        }
        Sub::Mismatches { community, json } => {
            archive.communities()?.get(&community)?;
            more::mismatches(&archive, &community, json, &mut out)?;
        }
        Sub::Resolve { number, clerk } => more::resolve(&archive, &number, &clerk, &mut out)?,
        Sub::OpenLink {
            community,
            point,
            off,
            qr,
            force,
        } => more::open_link(
            ctx,
            &archive,
            &community,
            &point,
            off,
            qr.as_deref().map(|q| (q, force)),
            &mut out,
        )?,
        Sub::Tally { community, json } => {
            let config = ctx.config()?;
            archive.communities()?.get(&community)?;
            let survey = Survey::load(&archive)?;
            let t = stats::tally(&survey, &q, &config.survey, &community);
            if json {
                serde_json::to_writer_pretty(&mut out, &t)?;
                writeln!(out)?;
            } else {
                tally_text(&mut out, &t)?;
            }
        }
        Sub::Report {
            community,
            district,
            all,
            output,
        } => {
            let config = ctx.config()?;
            let roster = archive.communities()?;
            let survey = Survey::load(&archive)?;
            let issuer = kaoping::documents::Issuer::default_of(&config);
            let mut drafts = Vec::new();
            if all || district.is_some() {
                let area = district.clone().unwrap_or_else(|| "昆明市".to_string());
                let members: Vec<(&str, &str)> = roster
                    .all()
                    .filter(|c| district.as_deref().is_none_or(|d| c.district == d))
                    .map(|c| (c.id.as_str(), c.name.as_str()))
                    .collect();
                if members.is_empty() {
                    anyhow::bail!("{area}没有登记的试点社区");
                }
                let t = stats::tally_area(&survey, &q, &config.survey, &area, &members);
                drafts.push(document::build_area(&issuer, &area, &t, output.date()));
            }
            for id in &community {
                let c = roster.get(id)?;
                let t = stats::tally(&survey, &q, &config.survey, &c.id);
                drafts.push(document::build(&issuer, c, &t, output.date()));
            }
            let lock = super::batch::lock(&archive, &output)?;
            super::batch::issue_and_write(ctx, &archive, &lock, drafts, &output)?;
        }
        Sub::Close { community } => {
            let c = archive.communities()?.get(&community)?.clone();
            let lock = archive.lock(true, wait_message)?;
            let survey = Survey::load(&archive)?;
            kaoping::survey::close::close(
                &archive,
                &lock,
                &survey,
                &c.id,
                kaoping::survey::close::ClosedBy::Office,
            )?;
            writeln!(
                out,
                "已结束社区 {} {} 的问卷调查：此后不再接收任何答卷（网页、开放链接、纸质录入）。",
                c.id, c.name
            )?;
        }
        Sub::Record {
            community,
            level,
            expert,
        } => {
            let config = ctx.config()?;
            let level = Level::parse(&level).ok_or_else(|| {
                anyhow::anyhow!("级别“{level}”无效：可写 自查、初评、专家 或 最终")
            })?;
            let c = archive.communities()?.get(&community)?.clone();
            let lock = archive.lock(true, wait_message)?;
            let survey = Survey::load(&archive)?;
            let t = stats::tally(&survey, &q, &config.survey, &c.id);
            let scratch = tempfile::tempdir()?;
            let at = At {
                level,
                expert: expert.as_deref(),
                by: None,
            };
            let (stored, n) = record::record(
                &archive,
                &lock,
                &c,
                &t,
                at,
                kaoping::dates::today(),
                scratch.path(),
            )?;
            writeln!(
                out,
                "已把 {n} 条问卷调查标准的结论写入社区 {} 的{}考评结果（第 {} 版）",
                c.id,
                level.name(),
                stored.record.version
            )?;
            for s in &t.standards {
                writeln!(
                    out,
                    "  {} 标准{}：{}",
                    s.indicator, s.standard, s.arithmetic
                )?;
            }
        }
    }
    out.flush()?;
    Ok(())
}

fn show(out: &mut impl Write, q: &Questionnaire, json: bool) -> anyhow::Result<()> {
    if json {
        serde_json::to_writer_pretty(&mut *out, q)?;
        writeln!(out)?;
        return Ok(());
    }
    writeln!(out, "{}\n\n{}\n", q.title, q.intro)?;
    for x in &q.questions {
        let choices = q.choices(&x.id).unwrap_or(&[]);
        writeln!(
            out,
            "{}（考评标准 {}）{}",
            x.id,
            x.standard.replace('/', " 标准"),
            x.text
        )?;
        writeln!(out, "    {}", numbered(choices))?;
    }
    writeln!(out, "\n受访者情况（不记名）：")?;
    for r in &q.respondent {
        writeln!(out, "{} {}", r.id, r.text)?;
        writeln!(out, "    {}", numbered(&r.choices))?;
    }
    writeln!(out, "\n{} {}", q.open.id, q.open.text)?;
    Ok(())
}

fn numbered(choices: &[String]) -> String {
    choices
        .iter()
        .enumerate()
        .map(|(i, c)| format!("{}. {c}", i + 1))
        .collect::<Vec<_>>()
        .join("  ")
}

fn print_copies(
    ctx: &Context,
    archive: &Archive,
    q: &Questionnaire,
    a: PrintArgs,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let config = ctx.config()?;
    let s = &config.survey;
    let community = archive.communities()?.get(&a.community)?.clone();
    let points = if a.point.is_empty() {
        s.points.clone()
    } else {
        a.point
    };
    let engine = Engine::new(Some(&ctx.root().templates_dir()))?;
    let lock = archive.lock(true, wait_message)?;
    let (printed, batch) = copies::prepare(
        archive,
        &community,
        a.copies.unwrap_or(s.copies_per_community),
        &points,
    )?;
    let today = kaoping::dates::today();
    let pdf = match a.links_only {
        true => None,
        false => Some(print::render(
            &engine,
            q,
            &community,
            &printed,
            s.base_url.as_deref(),
            today,
        )?),
    };
    let (first, last) = match (printed.first(), printed.last()) {
        (Some(f), Some(l)) => (f.number.clone(), l.number.clone()),
        _ => anyhow::bail!("没有印出任何问卷"),
    };
    let path = outfile::place(
        a.output.as_deref(),
        "pdf",
        &format!("问卷-{first}至{last}.pdf"),
    );
    // Checked before the numbers are recorded: nothing is overwritten and
    // no number is handed out for a file that cannot be written.
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    if pdf.is_some() {
        outfile::refuse_existing(&path, a.force)?;
        fsutil::create_dir_durable(dir)?;
    }
    if let Some(links) = &a.links {
        outfile::refuse_existing(links, a.force)?;
    }
    output::check_writable(dir)?;
    copies::record(archive, &lock, batch)?;
    drop(lock);
    if let Some(pdf) = &pdf {
        outfile::write(&path, pdf, a.force)?;
    }
    if let Some(links) = &a.links {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(["问卷编号", "考评点", "答题链接"])?;
        for c in &printed {
            let link = print::link(s.base_url.as_deref().unwrap_or(""), &c.token);
            w.write_record([c.number.as_str(), c.point.as_str(), link.as_str()])?;
        }
        let bytes = w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?;
        outfile::write(links, &bytes, a.force)?;
    }
    let shown = match (&pdf, &a.links) {
        (None, Some(l)) => format!("只发放链接，见 {}", l.display()),
        _ => format!("见 {}", path.display()),
    };
    writeln!(
        out,
        "已为 {}（{}）发放 {} 份问卷：{first} 至 {last}，{shown}",
        community.name,
        community.id,
        printed.len(),
    )?;
    for (p, n) in copies::plan(printed.len() as u32, &points) {
        writeln!(out, "  {p}：{n} 份")?;
    }
    if s.base_url.is_none() {
        writeln!(
            out,
            "提示：kaoping.toml 没有写网页服务的对外地址（[server] 的 public_url 或 [survey] 的 base_url），问卷上没有印二维码，只能填写纸质问卷。"
        )?;
    }
    Ok(())
}

fn tally_text(out: &mut impl Write, t: &stats::Tally) -> anyhow::Result<()> {
    let rate = t.response_rate.map_or("—".to_string(), percent);
    writeln!(
        out,
        "社区 {}：发放 {} 份，回收 {} 份（网页 {} 份），回收率 {rate}，有效 {} 份",
        t.community, t.issued, t.returned, t.web, t.valid
    )?;
    for (reason, n) in &t.invalid {
        writeln!(out, "  无效答卷：{reason} {n} 份")?;
    }
    for p in &t.points {
        writeln!(
            out,
            "  考评点 {}：发放 {}，回收 {}，有效 {}",
            p.point, p.issued, p.returned, p.valid
        )?;
    }
    writeln!(out)?;
    for s in &t.standards {
        let verdict = s.verdict.map_or("不作结论", |v| v.name());
        writeln!(out, "{} 标准{}：{verdict}", s.indicator, s.standard)?;
        writeln!(out, "  {}", s.arithmetic)?;
    }
    writeln!(out)?;
    for i in &t.items {
        let dist: Vec<String> = i.counts.iter().map(|(c, n)| format!("{c} {n}")).collect();
        writeln!(out, "{} {}：{}", i.id, i.text, dist.join("，"))?;
    }
    if let Some(o) = &t.open_link {
        more::open_link_text(out, o)?;
    }
    if !t.open.is_empty() {
        writeln!(out, "\n意见和建议（{} 条）：", t.open.len())?;
        for o in &t.open {
            writeln!(out, "  - {o}")?;
        }
    }
    Ok(())
}
