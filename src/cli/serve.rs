//! `kaoping serve`: the web pages for community staff and the office.

use std::io::Write;
use std::net::SocketAddr;

use anyhow::{Context as _, bail};

use kaoping::accounts::Accounts;
use kaoping::render::Engine;
use kaoping::web::{self, AppState, Limits, Settings, Timeouts};
use std::time::Duration;

use super::Context;
use super::output;

/// 启动网页服务
#[derive(Debug, clap::Args)]
pub struct Args {
    /// 监听地址和端口（默认 127.0.0.1:8080）；只在本机使用时保持 127.0.0.1，端口写 0 则自动选一个空闲端口
    #[arg(
        long,
        value_name = "地址:端口",
        default_value = "127.0.0.1:8080",
        hide_default_value = true
    )]
    listen: SocketAddr,
    /// 每次上传的总大小上限（MB）
    #[arg(long, value_name = "MB", default_value_t = 2048)]
    max_upload_mb: u64,
    /// 每次上传的文件数上限
    #[arg(long, value_name = "个", default_value_t = 20_000)]
    max_files: usize,
    /// 上传和提交时档案库所在磁盘至少保留的剩余空间（MB）
    #[arg(long, value_name = "MB", default_value_t = 1024)]
    reserve_mb: u64,
    /// 同一账号同时进行的上传数上限
    #[arg(long, value_name = "个", default_value_t = 2)]
    uploads_per_account: usize,
    /// 网页可用的其他地址（域名或 IP，可写多次）；默认只接受 localhost、127.0.0.1 和监听地址，其他地址的请求会被拒绝（防 DNS 重绑定）
    #[arg(long = "host", value_name = "名称")]
    hosts: Vec<String>,
    /// 网页经由本机的 HTTPS 反向代理（如 nginx）对外提供：Cookie 加 Secure 标记，客户端地址取代理写入的 X-Forwarded-For
    #[arg(long)]
    https_proxy: bool,
    /// 接收请求头的时限（秒），超时断开连接
    #[arg(long, value_name = "秒", default_value_t = 20)]
    header_timeout: u64,
    /// 请求正文（如上传）中途停顿的时限（秒），超时断开
    #[arg(long, value_name = "秒", default_value_t = 60)]
    idle_timeout: u64,
    /// 除上传外每个请求的处理时限（秒）
    #[arg(long, value_name = "秒", default_value_t = 600)]
    request_timeout: u64,
    /// 同时打开的连接数上限，超过的新连接立即关闭
    #[arg(long, value_name = "个", default_value_t = 512)]
    max_connections: usize,
    /// 同一客户端地址（IPv6 按 /64 网段）最多占用的连接数，超过的新连接立即关闭；默认为 --max-connections 的四分之一（经 --https-proxy 的连接不按地址计）
    #[arg(long, value_name = "个")]
    connections_per_address: Option<usize>,
    /// 登录、问卷答卷等表单请求的正文须在此时限（秒）内收完，超时断开；上传另按 --min-upload-rate 多给时间
    #[arg(long, value_name = "秒", default_value_t = 15)]
    body_timeout: u64,
    /// 上传正文的最低平均速度（KB/秒）：上传须在 --body-timeout 加上“已收 KB 数 ÷ 此速度”秒内收完，否则断开
    #[arg(long, value_name = "KB/秒", default_value_t = 4)]
    min_upload_rate: u64,
    /// 问卷页面（含开放链接）同时有效的表单数上限
    #[arg(long, value_name = "份", default_value_t = 100_000)]
    max_open_forms: usize,
    /// 同一客户端地址最多同时打开的问卷表单数；再打开时作废该地址最早打开的一份
    #[arg(long, value_name = "份", default_value_t = 1_000)]
    open_forms_per_address: usize,
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
    let engine = Engine::for_archive(ctx.root().dir(), &ctx.config()?)?;
    let accounts = Accounts::load(&root)?;
    web::clean_staging(&root)
        .with_context(|| format!("无法清理 {} 中上次留下的上传临时文件", root.display()))?;
    let settings = settings(root, &args);
    let state = AppState::new(settings, config, engine)
        .context("无法启动网页服务（核对密码的线程，或分布式存储的数据库连接）")?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_keep_alive(kaoping::web::THREAD_KEEP_ALIVE)
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
        notices(local, &args, accounts.accounts.is_empty())?;
        web::serve(listener, state)
            .await
            .context("网页服务异常停止")
    })
}

/// The server's settings from the command line.
fn settings(root: std::path::PathBuf, args: &Args) -> Settings {
    Settings {
        root,
        limits: Limits {
            max_bytes: args.max_upload_mb << 20,
            max_files: args.max_files,
            reserve_bytes: args.reserve_mb << 20,
            per_account: args.uploads_per_account.max(1),
        },
        hosts: web::host_names(Some(args.listen), &args.hosts),
        https_proxy: args.https_proxy,
        timeouts: Timeouts {
            header: Duration::from_secs(args.header_timeout.max(1)),
            body_idle: Duration::from_secs(args.idle_timeout.max(1)),
            form_body: Duration::from_secs(args.body_timeout.max(1)),
            min_upload_rate: args.min_upload_rate.max(1) << 10,
            request: Duration::from_secs(args.request_timeout.max(1)),
        },
        max_connections: args.max_connections.max(1),
        connections_per_address: args
            .connections_per_address
            .unwrap_or(args.max_connections / 4)
            .max(1),
        open_forms: (args.max_open_forms, args.open_forms_per_address),
    }
}

/// What the person starting the server should know: the address, and
/// what is not safe yet.
fn notices(local: std::net::SocketAddr, args: &Args, no_accounts: bool) -> anyhow::Result<()> {
    let mut out = output::stdout();
    writeln!(
        out,
        "考评系统网页已启动：http://{local}/  （按 Ctrl+C 停止）"
    )?;
    if no_accounts {
        writeln!(
            out,
            "注意：还没有任何账号，请先用 kaoping user add 开设账号"
        )?;
    }
    if local.ip().is_unspecified() && args.hosts.is_empty() {
        writeln!(
            out,
            "注意：只接受以 localhost 或 127.0.0.1 访问的请求；其他电脑要用本机的 IP 或域名访问时，请加 --host 该地址（可写多次）"
        )?;
    }
    if !local.ip().is_loopback() && !args.https_proxy {
        writeln!(
            out,
            "注意：网页对其他电脑开放，且未加密（HTTP）；只应在可信的内部网络中这样使用，对外提供请经 HTTPS 反向代理（见 README“网页的安全”）"
        )?;
    }
    Ok(out.flush()?)
}
