//! `kaoping init`: creates an archive root with a commented default
//! `kaoping.toml`.

use std::io::Write;
use std::path::PathBuf;

use kaoping::root::{ArchiveRoot, InitOutcome};

use super::Context;
use super::output;

/// 新建档案库
#[derive(Debug, clap::Args)]
pub struct Args {
    /// 档案库目录（默认使用 --archive 或 ./archive）
    #[arg(value_name = "目录")]
    dir: Option<PathBuf>,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    let root = match args.dir {
        Some(d) => ArchiveRoot::new(d),
        None => ctx.root().clone(),
    };
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
