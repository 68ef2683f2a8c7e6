//! `kaoping keys init|show`: the issuing organs' signing keys and
//! certificates.

use clap::{Subcommand, ValueEnum};

use kaoping::actions::keys as act;
use kaoping::sign::Algorithm;

use super::Context;
use super::batch::console;

/// 签名密钥和证书
pub(super) type Args = super::Group<Sub>;

#[derive(Debug, Subcommand)]
pub(super) enum Sub {
    /// 生成自签名的测试证书（证书主题标明“测试”，仅供试用和演示，不具法律效力）
    Init(InitArgs),
    /// 列出每个发文机关用哪个证书签名、有效期到哪天
    Show,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(in crate::cli) enum Alg {
    /// ECDSA P-256（默认）
    P256,
    /// RSA 2048 位
    Rsa,
}

#[derive(Debug, clap::Args)]
pub(in crate::cli) struct InitArgs {
    /// 发文机关：kaoping.toml 中的 key、机关全称、发文字号前缀，或县（市）区名称；不写则为每个还没有密钥的机关生成
    #[arg(long, value_name = "机关")]
    organ: Option<String>,
    /// 密钥算法
    #[arg(long, value_enum, default_value = "p256", value_name = "算法")]
    algorithm: Alg,
    /// 已有密钥时换成新的测试证书
    #[arg(long)]
    force: bool,
}

fn print(lines: &[act::KeyLine]) {
    for l in lines {
        match (&l.subject, &l.problem) {
            (Some(subject), None) => println!(
                "{}：{}，{}，有效期至 {}{}\n    证书：{}\n    密钥：{}{}",
                l.organ,
                l.algorithm.as_deref().unwrap_or(""),
                if l.test {
                    "测试证书"
                } else {
                    "正式证书"
                },
                l.valid_until.as_deref().unwrap_or(""),
                if l.test {
                    "（仅供试用，不具法律效力）"
                } else {
                    ""
                },
                subject,
                l.key_file,
                l.seal
                    .as_ref()
                    .map(|s| format!("\n    印章：{s}"))
                    .unwrap_or_default(),
            ),
            (_, problem) => println!(
                "{}：不能签名（{}）\n    密钥：{}",
                l.organ,
                problem.as_deref().unwrap_or(""),
                l.key_file
            ),
        }
    }
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    let archive = ctx.archive();
    let c = console(&archive, false);
    let config = ctx.config()?;
    match args.command {
        Sub::Init(a) => {
            let algorithm = match a.algorithm {
                Alg::P256 => Algorithm::P256,
                Alg::Rsa => Algorithm::Rsa2048,
            };
            let lines = act::init(&c, &config, a.organ.as_deref(), algorithm, a.force)?;
            print(&lines);
            println!(
                "测试证书只供试用和演示；正式发文前请换成 CA 签发的证书（见 README“签名与印章”）。"
            );
        }
        Sub::Show => print(&act::show(&c, &config)?),
    }
    Ok(())
}
