//! `kaoping cat`: writes a stored file to stdout byte for byte, checking
//! its hash on the way.

use std::io::{self, Read, Write};

use sha2::{Digest as _, Sha256};

use kaoping::archive::Archive;

use super::Context;

/// 取出一个已保存的文件
#[derive(Debug, clap::Args)]
pub struct Args {
    /// 文件的 SHA-256 哈希（64 位，或至少前 8 位）；用 kaoping show 查看
    #[arg(value_name = "哈希")]
    hash: String,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    let archive = Archive::new(ctx.root().dir());
    let digest = archive.find_object(&args.hash)?;
    let mut file = archive.store().open(&digest)?;
    let mut out = io::stdout().lock();
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        out.write_all(&buf[..n])?;
    }
    out.flush()?;
    if hasher.finalize().as_slice() != digest.0 {
        anyhow::bail!(
            "文件 {} 已损坏：内容与哈希不符，上面输出的内容不可信。请运行 kaoping verify 检查档案库",
            digest
        );
    }
    Ok(())
}
