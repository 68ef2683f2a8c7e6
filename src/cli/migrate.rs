//! `kaoping migrate`: copies the archive into a database and a bucket
//! (`--to-database`/`--to-bucket`) or out into a folder (`--to-dir`), and
//! checks the copy.

use std::io::Write;
use std::path::PathBuf;

use kaoping::archive::migrate;
use kaoping::root::ArchiveRoot;
use kaoping::root::setup;

use super::Context;
use super::bar::Bar;
use super::ingest::human_bytes;
use super::output;
use super::storage_args::Target;

/// 迁移档案库：复制到 PostgreSQL + 对象存储，或复制出到一个文件夹
#[derive(Debug, clap::Args)]
pub struct Args {
    /// 目标 PostgreSQL 连接串（与 --to-bucket、--endpoint 一起用）
    #[arg(
        long,
        value_name = "连接串",
        requires = "to_bucket",
        conflicts_with = "to_dir"
    )]
    to_database: Option<String>,
    /// 目标 S3 桶名
    #[arg(long, value_name = "桶名", requires = "to_database")]
    to_bucket: Option<String>,
    /// 复制出到这个新文件夹（本地档案库；也可作备份）
    #[arg(long, value_name = "目录")]
    to_dir: Option<PathBuf>,
    /// 迁入分布式存储时，新档案库（服务器配置）所在的文件夹（默认：源档案库旁的 <名称>-distributed）
    #[arg(long, value_name = "目录", conflicts_with = "to_dir")]
    into: Option<PathBuf>,
    #[command(flatten)]
    target: Target,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    let from = ctx.root().dir();
    let (into, storage) = match (&args.to_dir, &args.to_database, &args.to_bucket) {
        (Some(dir), None, None) => (dir.clone(), None),
        (None, Some(db), Some(bucket)) => {
            let into = args.into.clone().unwrap_or_else(|| {
                let name = from
                    .file_name()
                    .map_or("archive".into(), |n| n.to_string_lossy().into_owned());
                from.with_file_name(format!("{name}-distributed"))
            });
            (into, Some(args.target.storage(db, bucket)?))
        }
        _ => anyhow::bail!(
            "请给出迁移目标：--to-database 连接串 --to-bucket 桶名 --endpoint 地址，或 --to-dir 文件夹"
        ),
    };
    let target = ArchiveRoot::new(into.clone());
    setup::target(from, &target, storage.as_ref())?;
    let done = migrate::copy(from, &into, &Bar::default())?;
    let mut out = output::stdout();
    writeln!(
        out,
        "已迁移：{} 个对象（{}）、{} 个提交版本、{} 条日志记录、{} 份登记簿。",
        done.objects,
        human_bytes(done.bytes),
        done.versions,
        done.records,
        done.registers
    )?;
    writeln!(
        out,
        "核对通过：对象集合与日志与源档案库一致，校验 {} 个对象无问题。",
        done.verify.objects
    )?;
    writeln!(out, "新档案库：{}（源档案库未改动）", into.display())?;
    Ok(out.flush()?)
}
