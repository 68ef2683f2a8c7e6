//! `kaoping rectify report`: the community's 整改情况报告, once every
//! item is answered.

use kaoping::actions::rectify;
use kaoping::archive::Archive;
use kaoping::render::Engine;

use super::super::Context;
use super::super::batch;
use super::write_doc;

#[derive(Debug, clap::Args)]
pub(in crate::cli) struct ReportArgs {
    /// 社区编号
    #[arg(long, value_name = "编号")]
    community: String,
    #[command(flatten)]
    output: batch::Output,
}

pub(super) fn report(ctx: &Context, archive: &Archive, a: ReportArgs) -> anyhow::Result<()> {
    let config = ctx.config()?;
    archive.communities()?.get(&a.community)?;
    let engine = Engine::for_archive(ctx.root().dir(), &ctx.config()?)?;
    a.output.prepare(&[])?;
    let act = super::console(archive, a.output.no_wait);
    let doc = rectify::report(&act, &config, &engine, &a.community, a.output.date())?;
    write_doc(&a.output, &doc)
}
