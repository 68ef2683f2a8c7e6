//! Command-line front end: argument definitions (help text in Chinese),
//! dispatch to one module per subcommand, Chinese parse errors and the
//! printing of error chains.

mod apply;
mod args;
mod assess;
mod bar;
mod batch;
mod cat;
mod catalog;
mod certificate;
mod community;
mod coverage;
mod demo;
mod districts;
mod expert;
mod export;
mod field;
mod field_form;
mod gc;
mod grid;
mod history;
mod ingest;
mod init;
mod inspection;
mod keys;
mod media;
mod migrate;
mod naming;
mod notice;
mod output;
mod phase;
mod plan;
mod point;
mod preliminary;
mod progress;
mod receipt;
mod records;
mod rectify;
mod register;
mod render;
mod repair;
mod report;
mod scaffold;
mod serve;
mod sheets;
mod show;
mod storage_args;
mod street;
mod survey;
mod unit;
mod usage;

pub use usage::parse;
mod user;
mod verify;
mod verify_doc;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{ArgAction, Parser, Subcommand};

use kaoping::archive::Archive;
use kaoping::config::Config;
use kaoping::root::ArchiveRoot;

/// The help layout of the program and of every command (set on the
/// subcommands by [`usage::command`]).
const HELP_TEMPLATE: &str = "\
{before-help}{about-with-newline}
用法：{usage}

{all-args}{after-help}";

/// 城乡社区治理创新试点考评工具：证据材料归档、考评结果登记与公文生成。
///
/// 依据《关于开展城乡社区治理创新试点建设工作方案》（昆办通〔2018〕54号）及其附件1《任务分解表》、附件2《考评体系》。
#[derive(Debug, Parser)]
#[command(
    name = "kaoping",
    version,
    override_usage = "kaoping [选项] <命令>",
    help_template = HELP_TEMPLATE,
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true,
    subcommand_help_heading = "命令",
    subcommand_value_name = "命令",
    next_help_heading = "通用选项",
    after_help = "运行 kaoping <命令> --help 查看某个命令的详细说明。"
)]
pub struct Cli {
    /// 档案库根目录（默认 ./archive，也可用环境变量 KAOPING_ARCHIVE 指定）
    #[arg(
        long,
        global = true,
        value_name = "目录",
        env = "KAOPING_ARCHIVE",
        hide_env = true
    )]
    archive: Option<PathBuf>,

    /// 配置文件（默认为档案库根目录下的 kaoping.toml）
    #[arg(long, global = true, value_name = "文件")]
    config: Option<PathBuf>,

    /// 显示帮助
    #[arg(short = 'h', long, global = true, action = ArgAction::Help)]
    help: Option<bool>,

    /// 显示版本号
    #[arg(short = 'V', long, action = ArgAction::Version)]
    version: Option<bool>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// 查看考评体系（附件2）：考评项目、指标、标准及考评方法
    #[command(override_usage = "kaoping catalog [编号或名称] [--method 方法] [--json]")]
    Catalog(catalog::Args),
    /// 查看试点任务分解表（附件1）：各县（市）区社区数与试点任务数
    #[command(override_usage = "kaoping districts [--json]")]
    Districts(districts::Args),
    /// 新建档案库：创建目录和带说明的默认配置文件 kaoping.toml
    #[command(
        override_usage = "kaoping init [目录] [--database 连接串 --bucket 桶名 --endpoint 地址]"
    )]
    Init(init::Args),
    /// 迁移档案库：复制到 PostgreSQL 和 S3 对象存储（分布式部署），或复制出到文件夹，并核对
    #[command(
        override_usage = "kaoping migrate (--to-database 连接串 --to-bucket 桶名 --endpoint 地址 | --to-dir 目录)"
    )]
    Migrate(migrate::Args),
    /// 登记试点社区：add 逐个登记，import 从表格（xlsx/xls/ods/CSV）导入，list 列出
    Community(community::Args),
    /// 申报试点社区：县区 add/import 申报，考评办公室 approve 批准或 return 退回，quota 查看任务数使用情况
    Apply(apply::Args),
    /// 为社区生成空白的材料文件夹（每项指标、每条需材料审核的标准一个文件夹）
    Scaffold(scaffold::Args),
    /// 提交证据材料（文件夹或 ZIP），保存为该社区的新一版提交
    Ingest(ingest::Args),
    /// 查看每条需材料审核的标准有几个文件、缺哪些
    Coverage(coverage::Args),
    /// 查看社区的提交历史（版本、时间、提交人、文件数、根哈希）
    History(history::Args),
    /// 列出某版提交的文件及其 SHA-256 哈希
    Show(show::Args),
    /// 按哈希取出一个已保存的文件（原样输出，可重定向到文件）
    Cat(cat::Args),
    /// 校验档案库：重新计算每个文件的哈希，检查清单和日志
    Verify(verify::Args),
    /// 修复档案库：把内容损坏的文件移到 quarantine 文件夹，重新提交同样的文件即可恢复
    Repair(repair::Args),
    /// 清理无引用的文件：标记没有任何记录引用的文件，过了宽限期仍无引用的再删除（--older-than 7d、--dry-run）
    Gc(gc::Args),
    /// 把某版提交导出为 BagIt 包（ZIP），供移交或长期保存
    Export(export::Args),
    /// 按模板生成公文 PDF（GB/T 9704 格式），例如通知
    Render(render::Args),
    /// 查看发文登记簿：已发出的每份公文的文号、类型、对象、日期和哈希
    Register(register::Args),
    /// 核对公文 PDF：检查数字签名（不需要档案库），有档案库时再与发文登记逐字节比对
    #[command(name = "verify-doc")]
    VerifyDoc(verify_doc::Args),
    /// 考评结果：生成空白考评表、导入考评结果、查看得分和等次
    #[command(override_usage = "kaoping assess <命令> [选项]")]
    Assess(assess::Args),
    /// 生成考评报告（单个社区、某个区县或全部）
    Report(report::Args),
    /// 生成整改通知书（对考评中有“基本达标”“未达标”的社区）
    Notice(notice::Args),
    /// 生成县区初评情况报告（上行文，含各社区初评结果表）
    Preliminary(preliminary::Args),
    /// 颁发命名证书（对等次合格的社区，受附件1任务数限制）
    Certificate(certificate::Args),
    /// 生成材料提交回执
    Receipt(receipt::Args),
    /// 各县（市）区创建进度汇总表（对照附件1任务数），PDF、CSV 或 JSON
    Progress(progress::Args),
    /// 用示例数据演示完整流程：登记社区、提交材料、导入考评结果、生成全部公文
    Demo(demo::Args),
    /// 启动网页服务：社区上传材料、查看缺项，考评办查看进度、导入结果、生成公文
    Serve(serve::Args),
    /// 管理网页登录账号：add 开设，list 列出，passwd 重设密码，remove 删除
    User(user::Args),
    /// 给专家分配考评社区：assign 分配，unassign 取消，list 列出
    Expert(expert::Args),
    /// 整改到销号：list 列出事项，answer 答复，report 整改情况报告，close 销号，return 退回，supervise 督办
    Rectify(rectify::Args),
    /// 督查调研：add 记录专项督查或调研（问题列为整改事项），list 列出，report 督查情况通报
    Inspection(inspection::Args),
    /// 责任单位和联络员：import 导入名册，export 导出（仅考评办），template 空白名册，list 列出
    Unit(unit::Args),
    /// 县区工作方案：file 报送工作方案或考评实施细则，list 列出报送情况
    Plan(plan::Args),
    /// 阶段任务：set 下达第二、第三阶段任务数和日期，show 查看三个阶段，template 空白任务表
    Phase(phase::Args),
    /// 归档：给本阶段的公文和考评材料编档号，做归档四性检测，生成归档文件目录（kaoping file --phase 1）
    File(records::FileArgs),
    /// 移交：生成给档案馆的移交包（--phase 1 -o 移交包）；check 对移交包做接收四性检测（不需要档案库）
    #[command(
        override_usage = "kaoping transfer --phase <阶段> -o <文件夹>\n       kaoping transfer check <移交包> [--sm3 <摘要>] [--virus-db <病毒库>]"
    )]
    Transfer(records::TransferArgs),
    /// 签名密钥：init 生成测试证书，show 查看各发文机关的证书和有效期
    Keys(keys::Args),
    /// 街道（乡镇）：list 列出街道和试点社区，submit 提交街道负责的标准的共享材料
    Street(street::Args),
    /// 总结命名：decision 生成命名决定并颁发命名证书
    Naming(naming::Args),
    /// 问卷调查（居民测评）：show 查看问卷，print 印制编号问卷，import 导入纸质答卷，tally 统计和结论，report 统计表，record 把结论写入考评结果
    Survey(survey::Args),
    /// 考评点：add 添加，import 从表格导入，list 列出（每个点位考评哪些实地考评标准）
    Point(point::Args),
    /// 实地考评：photo 保存现场照片，record 记录考评点结论，scan 上传考评表扫描件，submit 作为本级考评表提交
    Field(field::Args),
    /// 生成实地考评表 PDF（每个考评点一页，带打开现场考评页面的二维码）
    #[command(name = "field-form")]
    FieldForm(field_form::Args),
    /// 网络（媒体）调查记录：add 登记（附网页存档），list 列出
    Media(media::Args),
    /// 网格化考评数据：import 导入网格管理平台导出的事件表，list 列出
    Grid(grid::Args),
    /// 显示帮助：kaoping help 或 kaoping help 命令
    Help(HelpArgs),
}

/// A command made of commands (`kaoping apply add`, …): the one chosen.
#[derive(Debug, clap::Args)]
pub struct Group<S: Subcommand> {
    #[command(subcommand)]
    command: S,
}

/// Which help to show.
#[derive(Debug, clap::Args)]
struct HelpArgs {
    /// 要查看帮助的命令（可以写子命令，如 assess import）
    #[arg(value_name = "命令")]
    command: Vec<String>,
}

/// Context every subcommand may need: where the archive is and how to load
/// its configuration.
pub struct Context {
    root: ArchiveRoot,
    config_path: Option<PathBuf>,
}

impl Context {
    /// The archive root.
    pub fn root(&self) -> &ArchiveRoot {
        &self.root
    }

    /// The archive at the root.
    pub fn archive(&self) -> Archive {
        Archive::new(self.root.dir())
    }

    /// Loads the configuration (explicit `--config`, the root's, or the
    /// built-in default).
    pub fn config(&self) -> anyhow::Result<Config> {
        Ok(self.root.load_config(self.config_path.as_deref())?)
    }
}

/// Runs the parsed command.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    let ctx = Context {
        root: ArchiveRoot::new(cli.archive.unwrap_or_else(|| PathBuf::from("archive"))),
        config_path: cli.config,
    };
    if cli.command.needs_archive() {
        ctx.root.require()?;
    }
    // The web server shuts down gracefully on its own signals.
    if !matches!(cli.command, Command::Serve(_)) {
        kaoping::interrupt::enable();
    }
    match cli.command {
        Command::Catalog(args) => catalog::run(&ctx, args),
        Command::Districts(args) => districts::run(&ctx, args),
        Command::Init(args) => init::run(&ctx, args),
        Command::Migrate(args) => migrate::run(&ctx, args),
        Command::Community(args) => community::run(&ctx, args),
        Command::Apply(args) => apply::run(&ctx, args),
        Command::Scaffold(args) => scaffold::run(&ctx, args),
        Command::Ingest(args) => ingest::run(&ctx, args),
        Command::Coverage(args) => coverage::run(&ctx, args),
        Command::History(args) => history::run(&ctx, args),
        Command::Show(args) => show::run(&ctx, args),
        Command::Cat(args) => cat::run(&ctx, args),
        Command::Verify(args) => verify::run(&ctx, args),
        Command::Repair(args) => repair::run(&ctx, args),
        Command::Gc(args) => gc::run(&ctx, args),
        Command::Export(args) => export::run(&ctx, args),
        Command::Render(args) => render::run(&ctx, args),
        Command::Register(args) => register::run(&ctx, args),
        Command::Assess(args) => assess::run(&ctx, args),
        Command::Report(args) => report::run(&ctx, args),
        Command::Notice(args) => notice::run(&ctx, args),
        Command::Preliminary(args) => preliminary::run(&ctx, args),
        Command::Certificate(args) => certificate::run(&ctx, args),
        Command::Receipt(args) => receipt::run(&ctx, args),
        Command::Progress(args) => progress::run(&ctx, args),
        Command::Demo(args) => demo::run(&ctx, args),
        Command::VerifyDoc(args) => verify_doc::run(&ctx, args),
        Command::Serve(args) => serve::run(&ctx, args),
        Command::User(args) => user::run(&ctx, args),
        Command::Expert(args) => expert::run(&ctx, args),
        Command::Rectify(args) => rectify::run(&ctx, args),
        Command::Inspection(args) => inspection::run(&ctx, args),
        Command::Unit(args) => unit::run(&ctx, args),
        Command::Plan(args) => plan::run(&ctx, args),
        Command::Street(args) => street::run(&ctx, args),
        Command::Phase(args) => phase::run(&ctx, args),
        Command::Keys(args) => keys::run(&ctx, args),
        Command::File(args) => records::run_file(&ctx, args),
        Command::Transfer(args) => records::run_transfer(&ctx, args),
        Command::Naming(args) => naming::run(&ctx, args),
        Command::Survey(args) => survey::run(&ctx, args),
        Command::Point(args) => point::run(&ctx, args),
        Command::Field(args) => field::run(&ctx, args),
        Command::FieldForm(args) => field_form::run(&ctx, args),
        Command::Media(args) => media::run(&ctx, args),
        Command::Grid(args) => grid::run(&ctx, args),
        Command::Help(args) => usage::help(&args.command),
    }
}

impl Command {
    /// Whether the command works on an existing archive (all but those
    /// that read only built-in data, create one, or render a draft).
    fn needs_archive(&self) -> bool {
        match self {
            Command::Catalog(_) | Command::Districts(_) | Command::Init(_) | Command::Demo(_) => {
                false
            }
            Command::Help(_) | Command::VerifyDoc(_) => false,
            Command::Render(args) => args.registers(),
            Command::Survey(args) => args.needs_archive(),
            Command::Transfer(args) => args.needs_archive(),
            _ => true,
        }
    }
}

/// Tells the user that another writer holds the archive and this command
/// is waiting for it.
pub fn wait_message(holder: &str) {
    let who = if holder.is_empty() {
        String::new()
    } else {
        format!("（{holder}）")
    };
    eprintln!(
        "档案库正被另一个 kaoping 进程写入{who}，正在等待它结束……（不想等待可按 Ctrl+C 后加 --no-wait 重试）"
    );
}

/// Prints an error with its chain of causes and returns the exit code.
/// A closed output pipe (`kaoping catalog | head`) is not an error.
pub fn report(err: &anyhow::Error) -> ExitCode {
    if output::is_broken_pipe(err) {
        return ExitCode::SUCCESS;
    }
    eprintln!("错误：{err}");
    for cause in err.chain().skip(1) {
        eprintln!("  原因：{}", output::describe_cause(cause));
    }
    ExitCode::FAILURE
}
