//! `kaoping apply add|import|template|list|approve|return|quota`: 申报,
//! districts' applications for pilot communities and the office's
//! decisions, within Attachment 1's task numbers.

use clap::Subcommand;

use super::Context;

mod add;
mod decide;
mod import;
mod list;
mod quota;
mod report;
mod template;

/// 申报试点社区
pub(super) type Args = super::Group<Sub>;

#[derive(Debug, Subcommand)]
pub(super) enum Sub {
    /// 县区申报一个试点社区
    Add(add::Args),
    /// 从申报表（.xlsx、.xls、.ods 或 CSV）批量申报；有一处错误就整表不申报
    Import(import::Args),
    /// 生成空白申报表（.xlsx 或 .csv，按 -o 的扩展名）
    Template(template::Args),
    /// 列出申报及其状态（待审核、已批准、已退回）
    List(list::Args),
    /// 考评办公室批准一项申报：登记为试点社区
    Approve(decide::ApproveArgs),
    /// 考评办公室退回一项申报，写明理由
    #[command(name = "return")]
    Return(decide::ReturnArgs),
    /// 各县区任务数的使用情况（附件1）
    Quota(quota::Args),
    /// 生成申报汇总表（一个县区或全市），登记发文
    Report(report::Args),
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    match args.command {
        Sub::Add(a) => add::run(ctx, a),
        Sub::Import(a) => import::run(ctx, a),
        Sub::Template(a) => template::run(a),
        Sub::List(a) => list::run(ctx, a),
        Sub::Report(a) => report::run(ctx, a),
        Sub::Approve(a) => decide::approve(ctx, a),
        Sub::Return(a) => decide::send_back(ctx, a),
        Sub::Quota(a) => quota::run(ctx, a),
    }
}
