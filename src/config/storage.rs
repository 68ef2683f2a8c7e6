//! The `[storage]` table of `kaoping.toml`: which backend an archive root
//! uses and, for the distributed one, where its database and bucket are.
//! Secrets never live here: the S3 keys come from `AWS_ACCESS_KEY_ID` and
//! `AWS_SECRET_ACCESS_KEY`, a database password from `PGPASSWORD`. The CA
//! files that TLS to the database and the bucket trust are named here
//! (`database_ca_file`, `[storage.bucket] ca_file`).

use std::path::{Path, PathBuf};

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
    /// PEM file of the CA(s) an `https://` endpoint's certificate must
    /// chain to; the only roots trusted when set (relative: to the
    /// configuration's folder).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<PathBuf>,
}

/// How the connection to PostgreSQL uses TLS (libpq's `sslmode` names).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum SslMode {
    /// Plain TCP (a database on the same host or a private network only).
    #[default]
    #[serde(rename = "disable")]
    Disable,
    /// TLS required, the server's certificate not checked (as libpq's
    /// `require` without a root certificate).
    #[serde(rename = "require")]
    Require,
    /// TLS required, the certificate checked against `database_ca_file`
    /// (or the system's CAs) and the host name.
    #[serde(rename = "verify-full")]
    VerifyFull,
}

/// The database of a distributed setup: where, and how TLS is used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseConfig {
    /// libpq key=value connection string (without `sslmode`).
    pub conninfo: String,
    /// TLS use.
    pub sslmode: SslMode,
    /// The CA file for `verify-full`, resolved to a full path.
    pub ca_file: Option<PathBuf>,
}

impl DatabaseConfig {
    /// A plain connection (no TLS) to `conninfo`.
    pub fn plain(conninfo: &str) -> DatabaseConfig {
        DatabaseConfig {
            conninfo: conninfo.to_string(),
            sslmode: SslMode::Disable,
            ca_file: None,
        }
    }
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
    /// TLS to the database: `disable` (default), `require`, `verify-full`.
    #[serde(default, skip_serializing_if = "is_disable")]
    pub database_sslmode: SslMode,
    /// PEM file of the CA(s) the database's certificate must chain to
    /// (`verify-full`; relative: to the configuration's folder).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database_ca_file: Option<PathBuf>,
    /// The bucket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bucket: Option<BucketConfig>,
}

fn is_disable(m: &SslMode) -> bool {
    *m == SslMode::Disable
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
                "[storage] {}（kind 只能是 \"local\" 或 \"distributed\"；database_sslmode 只能是 \"disable\"、\"require\" 或 \"verify-full\"；bucket 需要 endpoint、name，可选 region、path_style、ca_file）",
                e.message()
            ),
        })?;
    Ok(only.storage)
}

impl StorageConfig {
    /// The database and bucket of a distributed setup, both required.
    /// CA file names are resolved against the folder of `path`.
    pub fn distributed(&self, path: &Path) -> Result<(DatabaseConfig, BucketConfig), StorageError> {
        let invalid = |reason: String| StorageError::Config {
            path: path.to_path_buf(),
            reason,
        };
        let missing = |what: &str| invalid(format!("[storage] kind = \"distributed\" 需要 {what}"));
        let conninfo = self
            .database
            .clone()
            .ok_or_else(|| missing("database = \"host=… dbname=…\""))?;
        if conninfo.contains("sslmode") || conninfo.contains("sslrootcert") {
            return Err(invalid(
                "[storage] database 的连接串里不要写 sslmode 或 sslrootcert，请改用 database_sslmode 和 database_ca_file 两项设置".into(),
            ));
        }
        let mut bucket = self
            .bucket
            .clone()
            .ok_or_else(|| missing("[storage.bucket]（endpoint、name）"))?;
        let dir = path.parent().unwrap_or(Path::new("."));
        let ca_file = self.database_ca_file.as_ref().map(|f| dir.join(f));
        if ca_file.is_some() && self.database_sslmode != SslMode::VerifyFull {
            return Err(invalid(
                "[storage] database_ca_file 只在 database_sslmode = \"verify-full\" 时使用，请一并设置".into(),
            ));
        }
        bucket.ca_file = bucket.ca_file.map(|f| dir.join(f));
        let db = DatabaseConfig {
            conninfo,
            sslmode: self.database_sslmode,
            ca_file,
        };
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

    #[test]
    fn storage_tls_settings_resolve_against_the_config_folder() {
        let p = Path::new("/etc/kaoping/kaoping.toml");
        let text = "[storage]\nkind = \"distributed\"\ndatabase = \"host=db\"\ndatabase_sslmode = \"verify-full\"\ndatabase_ca_file = \"ca.pem\"\n[storage.bucket]\nendpoint = \"https://s3\"\nname = \"b\"\nca_file = \"/opt/s3-ca.pem\"\n";
        let c = parse(text, p).unwrap();
        assert_eq!(parse(&c.to_toml(), p).unwrap(), c);
        let (db, b) = c.distributed(p).unwrap();
        assert_eq!(db.sslmode, SslMode::VerifyFull);
        assert_eq!(db.ca_file.unwrap(), Path::new("/etc/kaoping/ca.pem"));
        assert_eq!(b.ca_file.unwrap(), Path::new("/opt/s3-ca.pem"));
        let e = parse(&text.replace("verify-full", "verify-ca"), p).unwrap_err();
        assert!(e.to_string().contains("database_sslmode"), "{e}");
        let c = parse(&text.replace("host=db", "host=db sslmode=require"), p).unwrap();
        let e = c.distributed(p).unwrap_err().to_string();
        assert!(e.contains("database_sslmode"), "{e}");
        let c = parse(&text.replace("\"verify-full\"", "\"require\""), p).unwrap();
        let e = c.distributed(p).unwrap_err().to_string();
        assert!(e.contains("database_ca_file"), "{e}");
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
    /// TLS to the database or the bucket failed: the certificate was
    /// refused or the server does not speak TLS.
    #[error("{service}的 TLS 连接失败：{reason}。请检查 kaoping.toml 中的 {setting}")]
    Tls {
        /// 数据库 or 对象存储 and where.
        service: String,
        /// The setting(s) to check.
        setting: String,
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
