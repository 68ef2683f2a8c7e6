//! `kaoping assess template|import|show`: the blank assessment sheet, importing
//! a filled sheet as a new version of a community's results, and showing
//! the scored results.

mod finalize;
mod import;
mod overrule;
mod panel;
mod send_back;
mod show;
mod state;
mod template;

use clap::Subcommand;

use kaoping::assessment::level::Level;

use super::Context;
use super::batch::console;

/// 考评结果：生成考评表、导入考评结果、查看得分
pub(super) type Args = super::Group<Sub>;

#[derive(Debug, Subcommand)]
pub(super) enum Sub {
    /// 生成空白考评表（.xlsx 或 .csv，按 -o 的扩展名），已填好每条标准及其考评方法，考评人只需填结论
    Template(template::Args),
    /// 导入填好的考评表（Excel/WPS 工作簿 .xlsx、.xls、.ods，或 CSV、TOML、JSON），保存为该社区考评结果的新版本
    Import(import::Args),
    /// 退回社区自查或县区初评，写明理由；退回后可重新提交
    #[command(name = "return")]
    Return(send_back::Args),
    /// 考评办公室改定最终结果中一条标准的结论（必须写明理由，保存为新版本）
    Override(overrule::Args),
    /// 专家组结论：每位专家的结论和按 kaoping.toml [assessment] aggregate 规则汇总的结论及算式
    Panel(panel::Args),
    /// 按专家组汇总结论记录最终考评结果（每条标准用 [assessment] aggregate 规则汇总各位专家的结论，算式记入备注）
    Finalize(finalize::Args),
    /// 各社区评估验收的进度：未开始、自查已提交、初评已提交、专家评估中、已评定
    State(state::Args),
    /// 查看社区最新的考评结果：总分、等次、各项目小计和问题清单
    Show(show::Args),
}

fn parse_level(s: &str) -> Result<Level, String> {
    Level::parse(s).ok_or_else(|| "考评层级只能是 自查、初评、专家 或 最终".to_string())
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    match args.command {
        Sub::Template(a) => template::run(ctx, a),
        Sub::Import(a) => import::run(ctx, a),
        Sub::Return(a) => send_back::run(ctx, a),
        Sub::Override(a) => overrule::run(ctx, a),
        Sub::Panel(a) => panel::run(ctx, a),
        Sub::Finalize(a) => finalize::run(ctx, a),
        Sub::State(a) => state::run(ctx, a),
        Sub::Show(a) => show::run(ctx, a),
    }
}
