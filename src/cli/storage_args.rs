//! The options that name a distributed setup (database, bucket), shared by
//! `init` and `migrate`.

use std::path::PathBuf;

use kaoping::storage::{BucketConfig, SslMode, StorageConfig, StorageKind};

/// Where a distributed archive keeps its bytes.
#[derive(Debug, Clone, clap::Args)]
pub struct Target {
    /// 对象存储的 S3 地址，如 http://127.0.0.1:3900（与 --bucket 一起用）
    #[arg(long, value_name = "地址")]
    pub endpoint: Option<String>,
    /// 对象存储的区域（默认 us-east-1；Garage 为其配置中的 s3_region）
    #[arg(
        long,
        value_name = "区域",
        default_value = "us-east-1",
        hide_default_value = true
    )]
    pub region: String,
    /// 用虚拟主机式地址（bucket.host），默认用路径式（host/bucket）
    #[arg(long)]
    pub virtual_hosted: bool,
    /// 连接数据库的 TLS 方式：disable（不加密）、require（加密，不校验证书）、verify-full（加密并校验证书和主机名）
    #[arg(long, value_name = "方式", value_parser = ["disable", "require", "verify-full"], default_value = "disable")]
    pub database_sslmode: String,
    /// 数据库服务器证书的 CA 证书文件（PEM，verify-full 时用）
    #[arg(long, value_name = "文件")]
    pub database_ca_file: Option<PathBuf>,
    /// https 对象存储的 CA 证书文件（PEM；设置后只信任这些 CA，不再看 AWS_CA_BUNDLE）
    #[arg(long, value_name = "文件")]
    pub bucket_ca_file: Option<PathBuf>,
}

/// `file` as a full path (the configuration lives in another folder).
fn absolute(file: &Option<PathBuf>) -> anyhow::Result<Option<PathBuf>> {
    Ok(match file {
        Some(f) => Some(std::path::absolute(f)?),
        None => None,
    })
}

impl Target {
    /// The storage of a database and a bucket, or an error naming what to add.
    pub fn storage(&self, database: &str, bucket: &str) -> anyhow::Result<StorageConfig> {
        let Some(endpoint) = self.endpoint.clone() else {
            anyhow::bail!("请用 --endpoint 给出对象存储的地址（如 http://127.0.0.1:3900）");
        };
        let database_sslmode = match self.database_sslmode.as_str() {
            "require" => SslMode::Require,
            "verify-full" => SslMode::VerifyFull,
            _ => SslMode::Disable,
        };
        Ok(StorageConfig {
            kind: StorageKind::Distributed,
            database: Some(database.to_string()),
            database_sslmode,
            database_ca_file: absolute(&self.database_ca_file)?,
            bucket: Some(BucketConfig {
                endpoint,
                region: self.region.clone(),
                name: bucket.to_string(),
                path_style: !self.virtual_hosted,
                ca_file: absolute(&self.bucket_ca_file)?,
            }),
        })
    }
}
