//! `kaoping serve`: the web pages for community staff and the office.

use std::io::Write;
use std::net::SocketAddr;

use anyhow::{Context as _, bail};

use kaoping::accounts::Accounts;
use kaoping::render::Engine;
use kaoping::web::{self, AppState, Limits, Settings};

use super::Context;
use super::output;

/// 启动网页服务
#[derive(Debug, clap::Args)]
pub struct Args {
    /// 监听地址和端口；只在本机使用时保持 127.0.0.1，端口写 0 则自动选一个空闲端口
    #[arg(long, value_name = "地址:端口", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// 每次上传的总大小上限（MB）
    #[arg(long, value_name = "MB", default_value_t = 2048)]
    max_upload_mb: u64,
    /// 每次上传的文件数上限
    #[arg(long, value_name = "个", default_value_t = 20_000)]
    max_files: usize,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<()> {
    let root = ctx.root().dir().to_path_buf();
    if !ctx.root().config_path().is_file() && !root.join("log.jsonl").is_file() {
        bail!(
            "{} 还不是档案库：请先运行 kaoping init {}，登记社区，再用 kaoping user add 开设账号",
            root.display(),
            root.display()
        );
    }
    let config = ctx.config()?;
    let engine = Engine::new(Some(&ctx.root().templates_dir()))?;
    let accounts = Accounts::load(&root)?;
    web::clean_staging(&root)
        .with_context(|| format!("无法清理 {} 中上次留下的上传临时文件", root.display()))?;
    let settings = Settings {
        root,
        limits: Limits {
            max_bytes: args.max_upload_mb << 20,
            max_files: args.max_files,
        },
    };
    let state = AppState::new(settings, config, engine);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("无法启动网页服务的运行环境")?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .with_context(|| {
                format!(
                    "无法监听 {}（端口可能已被占用，可用 --listen 换一个端口）",
                    args.listen
                )
            })?;
        let local = listener.local_addr().context("无法取得监听地址")?;
        let mut out = output::stdout();
        writeln!(
            out,
            "考评系统网页已启动：http://{local}/  （按 Ctrl+C 停止）"
        )?;
        if accounts.accounts.is_empty() {
            writeln!(
                out,
                "注意：还没有任何账号，请先用 kaoping user add 开设账号"
            )?;
        }
        if !local.ip().is_loopback() {
            writeln!(
                out,
                "注意：网页对其他电脑开放，且未加密（HTTP）；只应在可信的内部网络中这样使用"
            )?;
        }
        out.flush()?;
        web::serve(listener, state)
            .await
            .context("网页服务异常停止")
    })
}
