//! The `[storage]` table of `kaoping.toml`: which backend an archive root
//! uses and, for the distributed one, where its database and bucket are.
//! Secrets never live here: the S3 keys come from `AWS_ACCESS_KEY_ID` and
//! `AWS_SECRET_ACCESS_KEY`, a database password from `PGPASSWORD`.

use std::path::Path;

use serde::{Deserialize, Serialize};

/// File name of the configuration inside an archive root.
pub const CONFIG_FILE: &str = "kaoping.toml";
/// Folder inside the root where an office may override built-in templates.
pub const TEMPLATES_DIR: &str = "templates";

/// Which backend.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StorageKind {
    /// Everything in the root folder.
    #[default]
    Local,
    /// Objects in S3, the rest in PostgreSQL.
    Distributed,
}

/// The S3-compatible bucket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BucketConfig {
    /// e.g. `http://127.0.0.1:3900` or `https://oss-cn-hangzhou.aliyuncs.com`.
    pub endpoint: String,
    /// The region the store expects (Garage: its `s3_region`).
    #[serde(default = "default_region")]
    pub region: String,
    /// The bucket's name.
    pub name: String,
    /// `http://host/bucket/key` requests (Garage, MinIO) instead of
    /// `http://bucket.host/key`.
    #[serde(default = "yes")]
    pub path_style: bool,
}

fn default_region() -> String {
    "us-east-1".into()
}

fn yes() -> bool {
    true
}

/// `[storage]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StorageConfig {
    /// `local` or `distributed`.
    #[serde(default)]
    pub kind: StorageKind,
    /// libpq connection string, e.g. `host=db1 port=5432 user=kaoping dbname=kaoping`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database: Option<String>,
    /// The bucket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bucket: Option<BucketConfig>,
}

#[derive(Deserialize)]
struct Only {
    #[serde(default)]
    storage: StorageConfig,
}

/// Reads `[storage]` of the configuration at `path` (local when the file
/// or the table is missing; the rest of the file is checked elsewhere).
pub fn read(path: &Path) -> Result<StorageConfig, StorageError> {
    if !path.is_file() {
        return Ok(StorageConfig::default());
    }
    // Read as the configuration loader does (any encoding, a BOM).
    let text = crate::handtext::read(path).map_err(|reason| StorageError::Config {
        path: path.to_path_buf(),
        reason,
    })?;
    parse(&text, path)
}

/// Parses `[storage]` out of a whole configuration text.
pub fn parse(text: &str, path: &Path) -> Result<StorageConfig, StorageError> {
    #[derive(Deserialize)]
    struct Loose {
        #[serde(default)]
        storage: Option<toml::Value>,
    }
    let loose: Loose = toml::from_str(text).map_err(|e| StorageError::Config {
        path: path.to_path_buf(),
        reason: format!("不是有效的 TOML（{}），请按提示修改", e.message()),
    })?;
    let Some(table) = loose.storage else {
        return Ok(StorageConfig::default());
    };
    let only: Only = toml::Value::Table(toml::map::Map::from_iter([("storage".into(), table)]))
        .try_into()
        .map_err(|e: toml::de::Error| StorageError::Config {
            path: path.to_path_buf(),
            reason: format!(
                "[storage] {}（kind 只能是 \"local\" 或 \"distributed\"；bucket 需要 endpoint、name，可选 region、path_style）",
                e.message()
            ),
        })?;
    Ok(only.storage)
}

impl StorageConfig {
    /// The database and bucket of a distributed setup, both required.
    pub fn distributed(&self, path: &Path) -> Result<(String, BucketConfig), StorageError> {
        let missing = |what: &str| StorageError::Config {
            path: path.to_path_buf(),
            reason: format!("[storage] kind = \"distributed\" 需要 {what}"),
        };
        let db = self
            .database
            .clone()
            .ok_or_else(|| missing("database = \"host=… dbname=…\""))?;
        let bucket = self
            .bucket
            .clone()
            .ok_or_else(|| missing("[storage.bucket]（endpoint、name）"))?;
        Ok((db, bucket))
    }

    /// The `[storage]` table as TOML text, for `init` to write.
    pub fn to_toml(&self) -> String {
        #[derive(Serialize)]
        struct Wrap<'a> {
            storage: &'a StorageConfig,
        }
        toml::to_string(&Wrap { storage: self }).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_defaults_to_local_and_names_what_is_missing() {
        let p = Path::new("kaoping.toml");
        assert_eq!(parse("[time]\n", p).unwrap().kind, StorageKind::Local);
        let c = parse("[storage]\nkind = \"distributed\"\n", p).unwrap();
        let e = c.distributed(p).unwrap_err().to_string();
        assert!(e.contains("database"), "{e}");
        let e = parse("[storage]\nkind = \"cloud\"\n", p)
            .unwrap_err()
            .to_string();
        assert!(e.contains("distributed"), "{e}");
        let c = parse(
            "[storage]\nkind = \"distributed\"\ndatabase = \"host=x\"\n[storage.bucket]\nendpoint = \"http://e\"\nname = \"b\"\n",
            p,
        )
        .unwrap();
        let (_, b) = c.distributed(p).unwrap();
        assert!(b.path_style);
        assert_eq!(parse(&c.to_toml(), p).unwrap(), c);
    }
}

/// Why the distributed setup of a root cannot be used.
#[derive(Debug, Clone, thiserror::Error)]
pub enum StorageError {
    /// `[storage]` in the configuration is wrong.
    #[error("配置文件 {path} 有误：{reason}")]
    Config {
        /// The configuration file.
        path: std::path::PathBuf,
        /// What is wrong and how to fix it.
        reason: String,
    },
    /// The bucket could not be reached or used.
    #[error("对象存储（{endpoint} 桶 {bucket}）出错：{reason}")]
    Bucket {
        /// The S3 endpoint.
        endpoint: String,
        /// The bucket.
        bucket: String,
        /// What failed.
        reason: String,
    },
    /// The database could not be reached or used.
    #[error(
        "数据库出错：{reason}。请检查 [storage] database 的连接串、数据库是否在运行，以及是否已运行 kaoping init --database"
    )]
    Database {
        /// What failed.
        reason: String,
    },
}

impl From<StorageError> for std::io::Error {
    fn from(e: StorageError) -> std::io::Error {
        std::io::Error::other(e)
    }
}
