//! The options that name a distributed setup (database, bucket), shared by
//! `init` and `migrate`.

use kaoping::storage::{BucketConfig, StorageConfig, StorageKind};

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
}

impl Target {
    /// The storage of a database and a bucket, or an error naming what to add.
    pub fn storage(&self, database: &str, bucket: &str) -> anyhow::Result<StorageConfig> {
        let Some(endpoint) = self.endpoint.clone() else {
            anyhow::bail!("请用 --endpoint 给出对象存储的地址（如 http://127.0.0.1:3900）");
        };
        Ok(StorageConfig {
            kind: StorageKind::Distributed,
            database: Some(database.to_string()),
            bucket: Some(BucketConfig {
                endpoint,
                region: self.region.clone(),
                name: bucket.to_string(),
                path_style: !self.virtual_hosted,
            }),
        })
    }
}
