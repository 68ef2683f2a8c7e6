//! Setting up a distributed root: `kaoping init --database …` applies the
//! schema migrations, checks the bucket and writes `[storage]` into the
//! root's `kaoping.toml`; `migrate` prepares the empty root it copies into.

use std::path::Path;

use super::{ArchiveRoot, CONFIG_FILE};
use crate::config::storage as config;
use crate::storage::{StorageConfig, StorageError, StorageKind};

/// What `init --database` did.
#[derive(Debug)]
pub struct Prepared {
    /// Migrations applied now (empty: the schema was current).
    pub applied: Vec<i32>,
}

fn cfg_err(path: &Path, reason: String) -> StorageError {
    StorageError::Config {
        path: path.to_path_buf(),
        reason,
    }
}

/// Applies the migrations, checks the bucket and records `storage` in the
/// configuration of `root` (created first if needed). A configuration
/// that already names another storage is refused, not changed.
pub fn init(root: &ArchiveRoot, storage: &StorageConfig) -> Result<Prepared, StorageError> {
    let path = root.config_path();
    let (database, bucket) = storage.distributed(&path)?;
    let local_log = root.dir().join(crate::storage::local::LOG_FILE);
    if local_log.is_file() {
        return Err(cfg_err(
            &path,
            format!(
                "{} 已有本地档案（{}）。不能直接改成分布式，否则这些档案会被搁在一边；请用 kaoping migrate --to-database … --to-bucket … 复制过去",
                root.dir().display(),
                local_log.display()
            ),
        ));
    }
    let applied = crate::storage::db::migrate(&database)?;
    crate::storage::bucket::Bucket::open(&bucket)?.probe()?;
    root.init()
        .map_err(|e| cfg_err(&path, format!("无法新建档案库（{e}）")))?;
    let text =
        std::fs::read_to_string(&path).map_err(|e| cfg_err(&path, format!("无法读取（{e}）")))?;
    let current = config::parse(&text, &path)?;
    if current == *storage {
        return Ok(Prepared { applied });
    }
    if current.kind != StorageKind::Local || current.database.is_some() || current.bucket.is_some()
    {
        return Err(cfg_err(
            &path,
            "已经配置了另一个存储；要换存储请用 kaoping migrate 复制到新的档案库，不要改写这里"
                .into(),
        ));
    }
    let mut text = text;
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str("\n# 分布式存储（kaoping init --database 写入）。访问密钥放在环境变量\n# AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY，数据库密码放在 PGPASSWORD。\n");
    text.push_str(&storage.to_toml());
    crate::fsutil::write_atomic(&path, text.as_bytes())
        .map_err(|e| cfg_err(&path, format!("无法写入（{e}）")))?;
    // The process may have looked at this root before.
    crate::storage::forget(root.dir());
    Ok(Prepared { applied })
}

/// Creates the empty root `into` for a copy of the archive at `from`: its
/// configuration (without `[storage]`), its templates, and `storage` (local
/// when `None`).
pub fn target(
    from: &Path,
    into: &ArchiveRoot,
    storage: Option<&StorageConfig>,
) -> Result<(), StorageError> {
    let path = into.config_path();
    if into.dir().exists() && std::fs::read_dir(into.dir()).is_ok_and(|mut d| d.next().is_some()) {
        return Err(cfg_err(
            into.dir(),
            "目标文件夹不是空的，请换一个新的文件夹".into(),
        ));
    }
    if let Some(s) = storage {
        let (database, _) = s.distributed(&path)?;
        crate::storage::db::migrate(&database)?;
        let db = crate::storage::db::Db::connect(&database)?;
        if db
            .log_head()
            .map_err(|e| cfg_err(&path, e.to_string()))?
            .is_some()
        {
            return Err(cfg_err(
                &path,
                "目标数据库已有内容（日志已有记录）。迁移只写入空的数据库，请换一个空的数据库"
                    .into(),
            ));
        }
    }
    let source = from.join(CONFIG_FILE);
    let text = std::fs::read_to_string(&source).unwrap_or_default();
    let mut table: toml::Table =
        toml::from_str(&text).map_err(|e| cfg_err(&source, e.message().to_string()))?;
    table.remove("storage");
    into.init()
        .map_err(|e| cfg_err(&path, format!("无法新建档案库（{e}）")))?;
    let mut out = toml::to_string(&table).map_err(|e| cfg_err(&path, e.to_string()))?;
    if let Some(s) = storage {
        out.push('\n');
        out.push_str(&s.to_toml());
    }
    crate::fsutil::write_atomic(&path, out.as_bytes())
        .map_err(|e| cfg_err(&path, format!("无法写入（{e}）")))?;
    copy_templates(
        &from.join(crate::root::TEMPLATES_DIR),
        &into.templates_dir(),
    )
    .map_err(|e| cfg_err(&path, format!("无法复制模板（{e}）")))?;
    crate::storage::forget(into.dir());
    Ok(())
}

fn copy_templates(from: &Path, to: &Path) -> std::io::Result<()> {
    let Ok(entries) = std::fs::read_dir(from) else {
        return Ok(());
    };
    for e in entries {
        let e = e?;
        if e.file_type()?.is_file() {
            std::fs::copy(e.path(), to.join(e.file_name()))?;
        }
    }
    Ok(())
}
