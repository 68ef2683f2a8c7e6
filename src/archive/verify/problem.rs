//! What `verify` can find wrong, each problem with its Chinese report
//! line.

use std::path::PathBuf;

/// A submission version, as problems name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    /// Community id.
    pub community: String,
    /// Version number.
    pub version: u32,
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "社区 {} 第 {} 版", self.community, self.version)
    }
}

/// Something `verify` found wrong. `Display` writes the Chinese report
/// line.
#[derive(Debug, thiserror::Error)]
pub enum Problem {
    /// The template override folder cannot be read.
    #[error("无法读取覆盖模板文件夹 {}（{cause}）", dir.display())]
    Templates {
        /// The folder.
        dir: PathBuf,
        /// Why.
        cause: String,
    },
    /// The log's chain or records are broken.
    #[error("{0}")]
    Log(String),
    /// The database's index of the log disagrees with the log.
    #[error("数据库中的日志索引（表 log_keys）与日志不符：{0}；请备份数据库后联系管理员重建该表")]
    LogKeys(String),
    /// A version's manifest cannot be read.
    #[error("{version}：无法读取 {}（{cause}）", path.display())]
    ManifestUnreadable {
        /// The version.
        version: Version,
        /// The manifest file.
        path: PathBuf,
        /// Why.
        cause: String,
    },
    /// A version's manifest is not valid.
    #[error("{version}：{message}")]
    ManifestInvalid {
        /// The version.
        version: Version,
        /// What is wrong.
        message: String,
    },
    /// The manifest names another community or version than the log.
    #[error("{0}：清单中的社区或版本号与日志不符")]
    WrongVersion(Version),
    /// File count or bytes differ between manifest and log.
    #[error("{0}：清单中的文件数或字节数与记录不符")]
    WrongCounts(Version),
    /// The objects list differs from the manifest.
    #[error("{version}：{} 与清单不一致", path.display())]
    ObjectsList {
        /// The version.
        version: Version,
        /// The objects list.
        path: PathBuf,
    },
    /// The objects list cannot be read.
    #[error("{version}：无法读取 {}（{cause}）", path.display())]
    ObjectsListUnreadable {
        /// The version.
        version: Version,
        /// The objects list.
        path: PathBuf,
        /// Why.
        cause: String,
    },
    /// A manifest entry's hash is not a hash.
    #[error("{version}：文件“{path}”的哈希无效")]
    FileHash {
        /// The version.
        version: Version,
        /// The file's path as handed in.
        path: String,
    },
    /// A log record's object hash is not a hash.
    #[error("{0}：记录的哈希无效")]
    RecordHash(String),
    /// A stored object is missing, altered, the wrong size or unreadable.
    #[error("文件 {object} {what}{}", users_text(users))]
    Object {
        /// Its path in the store.
        object: String,
        /// What is wrong.
        what: String,
        /// Who uses it: the submission or record, and the path there.
        users: Option<Vec<(String, String)>>,
    },
    /// A committed version whose log record is gone.
    #[error(
        "社区 {community} 第 {version} 版已提交（日志第 {log_seq} 条），但日志中没有这条记录：日志被截断或改动"
    )]
    LostRecord {
        /// Community id.
        community: String,
        /// Version.
        version: u32,
        /// The log line its marker names.
        log_seq: u64,
    },
    /// A completion marker that disagrees with the log.
    #[error("{version}：提交完成标记（日志第 {marker_seq} 条）与日志第 {log_seq} 条记录不符")]
    MarkerMismatch {
        /// The version.
        version: Version,
        /// The log line the marker names.
        marker_seq: u64,
        /// The log line of the record.
        log_seq: u64,
    },
}

fn users_text(users: &Option<Vec<(String, String)>>) -> String {
    let Some(list) = users else {
        return "\n    （未被任何提交引用）".to_string();
    };
    list.iter()
        .map(|(sub, path)| {
            if path.is_empty() {
                format!("\n    被 {sub} 引用")
            } else {
                format!("\n    被 {sub} 的“{path}”引用")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_damaged_object_is_named_with_everyone_who_uses_it() {
        let p = Problem::Object {
            object: "objects/ab/abcd".into(),
            what: "缺失".into(),
            users: Some(vec![
                ("社区 A1 第 1 版".into(), "Ⅱ-01/标准1/a.txt".into()),
                ("考评报告 昆社治办〔2026〕1号".into(), String::new()),
            ]),
        };
        assert_eq!(
            p.to_string(),
            "文件 objects/ab/abcd 缺失\n    被 社区 A1 第 1 版 的“Ⅱ-01/标准1/a.txt”引用\n    被 考评报告 昆社治办〔2026〕1号 引用"
        );
        let lone = Problem::Object {
            object: "objects/cd/cdef".into(),
            what: "缺失".into(),
            users: None,
        };
        assert!(lone.to_string().ends_with("\n    （未被任何提交引用）"));
        let v = Version {
            community: "A1".into(),
            version: 2,
        };
        assert_eq!(
            Problem::WrongCounts(v).to_string(),
            "社区 A1 第 2 版：清单中的文件数或字节数与记录不符"
        );
    }
}
