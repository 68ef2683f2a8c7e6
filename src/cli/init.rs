//! `kaoping init`: creates an archive root with a commented default
//! `kaoping.toml`; with `--database` and `--bucket`, a distributed one
//! (schema applied, bucket checked, `[storage]` written).

use std::io::Write;
use std::path::PathBuf;

use kaoping::root::{ArchiveRoot, InitOutcome};

use super::Context;
use super::output;
use super::storage_args::Target;

/// 新建档案库
#[derive(Debug, clap::Args)]
pub struct Args {
    /// 档案库目录（默认使用 --archive 或 ./archive）
    #[arg(value_name = "目录")]
    dir: Option<PathBuf>,
    /// 分布式部署：PostgreSQL 连接串，如 "host=db1 user=kaoping dbname=kaoping"（密码放在 PGPASSWORD）
    #[arg(long, value_name = "连接串", requires = "bucket")]
    database: Option<String>,
    /// 分布式部署：存放证据和公文的 S3 桶名（访问密钥放在 AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY）
    #[arg(long, value_name = "桶名", requires = "database")]
    bucket: Option<String>,
    #[command(flatten)]
    target: Target,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    let root = match &args.dir {
        Some(d) => ArchiveRoot::new(d.clone()),
        None => ctx.root().clone(),
    };
    if let (Some(db), Some(bucket)) = (&args.database, &args.bucket) {
        return distributed(&root, &args.target.storage(db, bucket)?);
    }
    let outcome = root.init()?;
    let mut out = output::stdout();
    match outcome {
        InitOutcome::Created => {
            writeln!(out, "已新建档案库：{}", root.dir().display())?;
            writeln!(
                out,
                "请用文本编辑器打开 {} ，填写发文机关名称、红头和发文字号前缀。",
                root.config_path().display()
            )?;
        }
        InitOutcome::AlreadyInitialised => {
            writeln!(
                out,
                "档案库 {} 已经存在，原有配置文件 {} 保持不变。",
                root.dir().display(),
                root.config_path().display()
            )?;
        }
    }
    Ok(out.flush()?)
}

fn distributed(
    root: &ArchiveRoot,
    storage: &kaoping::storage::StorageConfig,
) -> anyhow::Result<()> {
    let done = kaoping::root::setup::init(root, storage)?;
    let mut out = output::stdout();
    if done.applied.is_empty() {
        writeln!(out, "数据库表结构已是最新，无需升级。")?;
    } else {
        let v: Vec<String> = done.applied.iter().map(|v| format!("第 {v} 版")).collect();
        writeln!(out, "已在数据库中建立表结构（{}）。", v.join("、"))?;
    }
    writeln!(
        out,
        "已新建分布式档案库：{}（证据和公文存入对象存储，日志、登记和会话存入 PostgreSQL）。",
        root.dir().display()
    )?;
    writeln!(
        out,
        "每台服务器用同一份 [storage] 配置运行 kaoping --archive {} serve 即可共用这套数据。",
        root.dir().display()
    )?;
    Ok(out.flush()?)
}
