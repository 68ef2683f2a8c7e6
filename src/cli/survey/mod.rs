//! `kaoping survey`: the questionnaire, numbered copies with QR codes,
//! paper answers (from a table, with double entry), open links, the
//! statistics with the verdict of each 问卷 standard, and closing a
//! survey. One file per subcommand; each calls one survey action.

use std::io::Write;
use std::path::PathBuf;

use clap::Subcommand;

use kaoping::actions::{Ctx, Wait};
use kaoping::catalog::Catalog;
use kaoping::survey::Questionnaire;

use super::output;
use super::{Context, wait_message};

mod close;
mod import;
mod install;
mod mismatches;
mod open_link;
mod print;
mod record;
mod report;
mod resolve;
mod show;
mod tally;

/// 问卷调查（居民测评）
pub(super) type Args = super::Group<Sub>;

#[derive(Debug, Subcommand)]
pub(super) enum Sub {
    /// 查看问卷：每道题、它对应的考评标准和选项
    Show {
        /// 以 JSON 输出
        #[arg(long)]
        json: bool,
    },
    /// 启用考评办公室自己的问卷（格式同 data/questionnaire.toml）代替内置问卷；须在印制问卷之前
    #[command(name = "use")]
    Use {
        /// 问卷文件（TOML）
        #[arg(value_name = "文件")]
        file: PathBuf,
    },
    /// 印制编号问卷（每份一页，带二维码）和发放登记表；每次印出的都是新编号
    Print(PrintArgs),
    /// 导入录入好的纸质答卷（Excel/WPS 工作簿或 CSV：问卷编号一列，每道题一列）
    Import {
        /// 答卷表文件
        #[arg(value_name = "文件")]
        file: PathBuf,
        /// 录入员（[survey] double_entry = true 时必填：两位不同录入员的录入一致才计入）
        #[arg(long, value_name = "姓名")]
        clerk: Option<String>,
    },
    /// 列出双录入中两位录入员不一致、待核对的问卷
    Mismatches {
        /// 社区编号
        #[arg(long, value_name = "编号")]
        community: String,
        /// 以 JSON 输出
        #[arg(long)]
        json: bool,
    },
    /// 核对不一致的双录入：采用某位录入员的录入作为这份问卷的答卷
    Resolve {
        /// 问卷编号
        #[arg(long, value_name = "编号")]
        number: String,
        /// 采用其录入的录入员
        #[arg(long, value_name = "姓名")]
        clerk: String,
    },
    /// 开通（或用 --off 停用）某社区某考评点的开放链接（无问卷编号，每台设备限答一次，单独统计为较低可信度）
    #[command(name = "open-link")]
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
    Tally {
        /// 社区编号
        #[arg(long, value_name = "编号")]
        community: String,
        /// 以 JSON 输出
        #[arg(long)]
        json: bool,
    },
    /// 生成社区的问卷调查统计表（PDF，登记发文）：样本、各标准满意率和结论、各题分布条形图、意见和建议原文
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
    Close {
        /// 社区编号
        #[arg(long, value_name = "编号")]
        community: String,
    },
}

#[derive(Debug, clap::Args)]
pub(super) struct PrintArgs {
    /// 社区编号
    #[arg(long, value_name = "编号")]
    pub(super) community: String,
    /// 份数（默认为 kaoping.toml 中 [survey] copies_per_community）
    #[arg(long, value_name = "份数")]
    pub(super) copies: Option<u32>,
    /// 考评点名称，可写多个（默认为 kaoping.toml 中 [survey] points）；份数平均分到各考评点
    #[arg(long, value_name = "名称", num_args = 1..)]
    pub(super) point: Vec<String>,
    /// 输出的文件（以 .pdf 结尾）或文件夹（默认当前文件夹）；文件名默认为 问卷-首号至末号.pdf
    #[arg(short = 'o', long, value_name = "文件或文件夹")]
    pub(super) output: Option<PathBuf>,
    /// 另存每份问卷的编号和答题链接（CSV），供发短信或网上发放；注意保管，持有链接即可答题
    #[arg(long, value_name = "文件")]
    pub(super) links: Option<PathBuf>,
    /// 只发放网上链接、不印纸质问卷：不生成 PDF，只写 --links 文件
    #[arg(long, requires = "links")]
    pub(super) links_only: bool,
    /// 输出文件已存在时覆盖它（默认拒绝，不发放编号）
    #[arg(long)]
    pub(super) force: bool,
}

impl Args {
    /// Whether the subcommand works on an existing archive (`show` reads
    /// the archive's questionnaire only if there is one).
    pub fn needs_archive(&self) -> bool {
        !matches!(self.command, Sub::Show { .. })
    }
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    let archive = ctx.archive();
    let act = Ctx::console(&archive, Wait::Yes(&wait_message));
    let root = ctx.root().exists().then(|| ctx.root().dir());
    let q = Questionnaire::load(root, Catalog::builtin())?;
    let mut out = output::stdout();
    match args.command {
        Sub::Show { json } => show::run(&mut out, &q, json)?,
        Sub::Use { file } => install::run(&act, &file, &mut out)?,
        Sub::Print(a) => print::run(ctx, &act, &q, a, &mut out)?,
        Sub::Import { file, clerk } => {
            import::run(ctx, &act, &q, &file, clerk.as_deref(), &mut out)?
        }
        Sub::Mismatches { community, json } => mismatches::run(&act, &community, json, &mut out)?,
        Sub::Resolve { number, clerk } => resolve::run(&act, &number, &clerk, &mut out)?,
        Sub::OpenLink {
            community,
            point,
            off,
            qr,
            force,
        } => open_link::run(
            ctx,
            &act,
            (&community, &point),
            off,
            qr.as_deref().map(|q| (q, force)),
            &mut out,
        )?,
        Sub::Tally { community, json } => tally::run(ctx, &act, &q, &community, json, &mut out)?,
        Sub::Report {
            community,
            district,
            all,
            output,
        } => report::run(ctx, &q, (&community, district, all), &output)?,
        Sub::Record {
            community,
            level,
            expert,
        } => record::run(
            ctx,
            &act,
            &q,
            &community,
            (&level, expert.as_deref()),
            &mut out,
        )?,
        Sub::Close { community } => close::run(&act, &community, &mut out)?,
    }
    out.flush()?;
    Ok(())
}
