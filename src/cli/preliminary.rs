//! `kaoping preliminary`: a district's 初评情况报告 to the city (上行文).

use kaoping::actions::assess;

use super::Context;

/// 生成县区初评情况报告（上行文，报市城乡社区治理工作领导小组办公室），登记发文
#[derive(Debug, clap::Args)]
pub struct Args {
    /// 报送的县（市）区、开发（度假）园区（附件1中的名称）
    #[arg(long, value_name = "区县")]
    district: String,
    /// 签发人姓名（默认取 kaoping.toml 中该县区的 signer）
    #[arg(long, value_name = "姓名")]
    signer: Option<String>,
    #[command(flatten)]
    output: super::batch::Output,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    let date = args.output.date();
    let who = (args.district, args.signer);
    super::batch::issue_through(ctx, &args.output, |act, making, folder| {
        assess::preliminary(act, making, who, date, folder)
    })
    .map(drop)
}
