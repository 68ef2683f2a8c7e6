//! `kaoping field photo|record|scan|submit|list|import-outbox`: on-site assessment from
//! the command line, as the phone page does it — a photo per standard, a
//! point's findings, a scanned paper form, and the sheet the visits become
//! at the assessor's level. Each subcommand is a file here.

mod import;
mod list;
mod photo;
mod record;
mod scan;
mod submit;

use std::path::Path;

use clap::Subcommand;

use kaoping::accounts::Account;
use kaoping::actions::{Ctx, Wait, field};
use kaoping::archive::Archive;

use super::{Context, wait_message};

/// 实地考评
pub(super) type Args = super::Group<Sub>;

#[derive(Debug, Subcommand)]
pub(super) enum Sub {
    /// 保存一张现场照片（原样保存，读取 EXIF 拍摄时间和位置）
    Photo(photo::Args),
    /// 记录一个考评点的实地考评结论
    Record(record::Args),
    /// 上传填好的纸质实地考评表扫描件（PDF 或图片）
    Scan(scan::Args),
    /// 把各考评点的结论作为本级考评表提交（县区初评或专家评估）
    Submit(submit::Args),
    /// 列出社区的现场照片和实地考评记录
    List(list::Args),
    /// 导入手机上“导出待上传记录”保存的文件（已导入或已上传的记录不会重复）
    ImportOutbox(import::Args),
}

#[derive(Debug, clap::Args)]
struct Who {
    /// 社区编号
    #[arg(long, value_name = "编号")]
    community: String,
    /// 考评人账号（县区或专家账号）
    #[arg(long = "as", value_name = "账号")]
    account: String,
}

/// The assessor at a point (photo, record, scan).
#[derive(Debug, clap::Args)]
struct AtPoint {
    #[command(flatten)]
    who: Who,
    /// 考评点编号
    #[arg(long, value_name = "点位编号")]
    point: String,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    match args.command {
        Sub::Photo(a) => photo::run(ctx, a),
        Sub::Record(a) => record::run(ctx, a),
        Sub::Scan(a) => scan::run(ctx, a),
        Sub::Submit(a) => submit::run(ctx, a),
        Sub::List(a) => list::run(ctx, a),
        Sub::ImportOutbox(a) => import::run(ctx, a),
    }
}

/// The archive, recording `name` in the log, and that account (the one
/// `--as` names); the console's context waits for another writer.
pub(super) fn acting(ctx: &Context, name: &str) -> anyhow::Result<(Archive, Account)> {
    let archive = ctx.archive().acting_as(name);
    let account = field::account(&console(&archive), name)?;
    Ok((archive, account))
}

/// The console's context for a field action: it waits for another writer,
/// saying so.
pub(super) fn console(archive: &Archive) -> Ctx<'_> {
    Ctx::console(archive, Wait::Yes(&wait_message))
}

/// The name the user gave file `path` (its last component).
pub(super) fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
