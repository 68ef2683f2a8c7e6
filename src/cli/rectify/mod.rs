//! `kaoping rectify list|answer|report|close|return|supervise`: the items
//! every 整改通知书 opened, the community's answers, its 整改情况报告, the
//! re-check (销号 or 退回) and the 督办通知 for overdue items.

mod answer;
mod check;
mod list;
mod report;
mod supervise;

use clap::Subcommand;

use kaoping::rectify::Reviewer;

use super::Context;
use super::batch::console;

/// 整改：整改事项、答复、整改情况报告、复查销号和督办
pub(super) type Args = super::Group<Sub>;

#[derive(Debug, Subcommand)]
pub(super) enum Sub {
    /// 列出整改事项及其状态（待整改、已答复、已销号、已退回、逾期）
    List(list::ListArgs),
    /// 社区答复一个整改事项：整改措施和结果，可附证明材料
    Answer(answer::AnswerArgs),
    /// 全部事项答复后，生成并登记社区的整改情况报告
    Report(report::ReportArgs),
    /// 复查通过，整改事项销号（可同时导入该标准的新考评表）
    Close(check::CloseArgs),
    /// 复查不通过，退回整改事项，写明理由
    #[command(name = "return")]
    Return(check::ReturnArgs),
    /// 向县区发督办通知：列出其逾期未销号的事项，给出新的期限
    Supervise(supervise::SuperviseArgs),
}

fn parse_reviewer(s: &str) -> Result<Reviewer, String> {
    match s.trim() {
        "district" | "县区" | "县区初评" | "初评" => Ok(Reviewer::District),
        "office" | "考评办" => Ok(Reviewer::Office),
        _ => Err(format!(
            "“{s}”不是复查单位；写 district（县区初评）或 office（考评办）"
        )),
    }
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    let archive = ctx.archive();
    match args.command {
        Sub::List(a) => list::list(&archive, a),
        Sub::Answer(a) => answer::answer(&archive, a),
        Sub::Report(a) => report::report(ctx, a),
        Sub::Close(a) => check::close(&archive, a),
        Sub::Return(a) => check::send_back(&archive, a),
        Sub::Supervise(a) => supervise::supervise_run(ctx, a),
    }
}
