//! `kaoping apply add`: a district proposes one pilot community.

use std::io::Write;

use kaoping::actions::{Ctx, apply};
use kaoping::application::Proposal;

use super::super::Context;
use super::super::batch::wait;
use super::super::output;

#[derive(Debug, clap::Args)]
pub(in crate::cli) struct Args {
    /// 申报单位（附件1中的县（市）区、开发（度假）园区）
    #[arg(long, value_name = "区县")]
    district: String,
    /// 社区名称
    #[arg(long, value_name = "名称")]
    name: String,
    /// 城市社区 或 “村改居”社区
    #[arg(long = "type", value_name = "类型")]
    kind: String,
    /// 第一阶段、第二阶段 或 第三阶段
    #[arg(long, value_name = "批次")]
    batch: String,
    /// 推荐理由
    #[arg(long, value_name = "理由")]
    reason: String,
    /// 所在街道（乡镇），如 华山街道
    #[arg(long, value_name = "街道", default_value = "")]
    street: String,
    /// 居民户数
    #[arg(long, value_name = "户数")]
    households: Option<u32>,
    /// 社区综合服务设施面积（平方米）
    #[arg(long, value_name = "平方米")]
    area: Option<f64>,
    /// 社区基本情况
    #[arg(long, value_name = "文字", default_value = "")]
    situation: String,
    /// 档案库正被其他进程写入时立即退出，不排队等待
    #[arg(long)]
    no_wait: bool,
}

pub(super) fn run(ctx: &Context, a: Args) -> anyhow::Result<()> {
    let archive = ctx.archive();
    let act = Ctx::console(&archive, wait(a.no_wait));
    let mut p =
        Proposal::new(&a.district, &a.name, &a.kind, &a.batch, &a.reason)?.in_street(&a.street)?;
    p.households = a.households;
    p.facility_area = a.area;
    p.situation = a.situation;
    let mut out = output::stdout();
    for r in apply::submit(&act, vec![p])? {
        writeln!(
            out,
            "已收到第 {} 号申报：{} {}（{}，{}），待考评办公室审核",
            r.number, r.proposal.district, r.proposal.name, r.proposal.kind, r.proposal.batch
        )?;
    }
    Ok(out.flush()?)
}
