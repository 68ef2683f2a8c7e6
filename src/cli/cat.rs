//! `kaoping cat`: writes a stored file to stdout byte for byte, checking
//! its hash on the way.

use std::io::{self, Write};

use super::Context;

/// 取出一个已保存的文件
#[derive(Debug, clap::Args)]
pub struct Args {
    /// 文件的 SHA-256 哈希（64 位，或至少前 8 位）；用 kaoping show 查看
    #[arg(value_name = "哈希")]
    hash: String,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    let archive = ctx.archive();
    let digest = archive.find_object(&args.hash)?;
    let mut out = io::stdout();
    match archive.store().copy_verified(&digest, &mut out) {
        Err(e) if e.kind() == io::ErrorKind::InvalidData => {
            let _ = out.flush();
            anyhow::bail!(
                "文件 {} 已损坏：内容与哈希不符，上面输出的内容不可信。请运行 kaoping verify 检查档案库",
                digest
            );
        }
        result => result?,
    };
    out.flush()?;
    Ok(())
}
