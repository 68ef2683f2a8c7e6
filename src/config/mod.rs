//! The office's settings file, `kaoping.toml`: issuing organs (发文机关),
//! their red-header text and document-number prefix, and the default
//! 主送/抄送 lists. The commented default lives in `data/kaoping.toml`,
//! is compiled in, and is what `kaoping init` writes.

mod archives;
mod district;
mod documents;
mod scoring;
mod settings;
pub mod storage;
mod survey;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use crate::clock::TimeSettings;
pub use archives::{ArchivesSettings, Retention};
pub use district::{DistrictOffice, default_name, default_prefix};
pub use documents::{
    Certificate, DocFormat, Documents, Letterhead, Organ, RectifySettings, SigningSettings,
};
pub use scoring::{Grade, Scoring, VerdictPoints};
pub use settings::{AssessmentSettings, FieldSettings, NamingSettings, Rule, ServerSettings};
pub use survey::SurveySettings;

/// The default configuration text, with comments for office staff.
pub const DEFAULT_CONFIG: &str = include_str!("../../data/kaoping.toml");

/// The whole configuration.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Issuing organs.
    pub organs: Vec<Organ>,
    /// Document defaults.
    pub documents: Documents,
    /// Scoring scheme (the built-in default when absent).
    #[serde(default = "default_scoring")]
    pub scoring: Scoring,
    /// Certificate settings (the built-in default when absent).
    #[serde(default = "default_certificate")]
    pub certificate: Certificate,
    /// How times are shown (Beijing time unless set).
    #[serde(default)]
    pub time: TimeSettings,
    /// 评估验收 settings (majority of the experts unless set).
    #[serde(default)]
    pub assessment: AssessmentSettings,
    /// `[districts."五华区"]`: each district's office as the sender of its
    /// own documents (defaults derived from the name).
    #[serde(default)]
    pub districts: BTreeMap<String, DistrictOffice>,
    /// 命名 settings (open rectification items block naming unless set).
    #[serde(default)]
    pub naming: NamingSettings,
    /// 整改 settings: the communities' own letterheads.
    #[serde(default)]
    pub rectify: RectifySettings,
    /// `[survey]`: 问卷调查 copies, links and verdict rules.
    #[serde(default)]
    pub survey: SurveySettings,
    /// 实地考评 photo checks (built-in limits unless set).
    #[serde(default)]
    pub field: FieldSettings,
    /// Facts about the installation's web server.
    #[serde(default)]
    pub server: ServerSettings,
    /// `[signing]`: test certificates for organs without a key (on unless
    /// set off).
    #[serde(default)]
    pub signing: SigningSettings,
    /// `[archives]`: 全宗, 立档单位 and 保管期限 for 归档 and 移交.
    #[serde(default)]
    pub archives: ArchivesSettings,
    /// Where the archive's bytes live (local unless set).
    #[serde(default, skip_serializing_if = "is_local")]
    pub storage: storage::StorageConfig,
}

fn is_local(s: &storage::StorageConfig) -> bool {
    *s == storage::StorageConfig::default()
}

fn default_scoring() -> Scoring {
    Config::default().scoring
}

fn default_certificate() -> Certificate {
    Config::default().certificate
}

/// Why a configuration could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("无法读取配置文件 {path}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid TOML or has unknown or missing keys.
    #[error("配置文件 {path} 格式有误，请按提示修改：\n{message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// The parser's message, with line and column.
        message: String,
    },
    /// The file parses but its content is inconsistent.
    #[error("配置文件 {path} 有误：{problem}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong and how to fix it.
        problem: String,
    },
}

impl Default for Config {
    fn default() -> Self {
        // The embedded default is checked by a unit test.
        Config::parse(DEFAULT_CONFIG, Path::new("<内置默认配置>"))
            .expect("data/kaoping.toml is valid (checked by tests)")
    }
}

impl Config {
    /// Parses and validates configuration text; `path` is for messages.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let mut config: Config = toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: path.to_path_buf(),
            message: crate::handtext::explain_toml(&e, text),
        })?;
        config.validate(path)?;
        config.share_public_url();
        Ok(config)
    }

    /// The server's public address is one fact of the installation: set
    /// as `[server] public_url` or `[survey] base_url`, it serves both the
    /// field forms' and the questionnaires' QR codes.
    fn share_public_url(&mut self) {
        let set = |u: &Option<String>| u.as_ref().filter(|u| !u.trim().is_empty()).cloned();
        match (set(&self.server.public_url), set(&self.survey.base_url)) {
            (Some(u), None) => self.survey.base_url = Some(u),
            (None, Some(u)) => self.server.public_url = Some(u),
            _ => {}
        }
    }

    /// Reads and validates a configuration file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        if !path.is_file() {
            return Err(ConfigError::Read {
                path: path.to_path_buf(),
                source: std::io::Error::from(std::io::ErrorKind::NotFound),
            });
        }
        let text = crate::handtext::read(path).map_err(|problem| ConfigError::Invalid {
            path: path.to_path_buf(),
            problem,
        })?;
        Config::parse(&text, path)
    }

    fn validate(&self, path: &Path) -> Result<(), ConfigError> {
        let invalid = |problem: String| ConfigError::Invalid {
            path: path.to_path_buf(),
            problem,
        };
        if self.organs.is_empty() {
            return Err(invalid("至少要有一个 [[organs]]（发文机关）".into()));
        }
        if self.time.offset().is_none() {
            return Err(invalid(format!(
                "[time] zone = \"{}\" 无法识别：请写 \"Asia/Shanghai\"（北京时间）、\"UTC\" 或 \"+08:00\" 这样的时差",
                self.time.zone
            )));
        }
        let mut keys = HashSet::new();
        for o in &self.organs {
            for (field, value) in [
                ("key", &o.key),
                ("name", &o.name),
                ("header", &o.header),
                ("prefix", &o.prefix),
            ] {
                if value.trim().is_empty() {
                    return Err(invalid(format!("发文机关“{}”的 {field} 不能为空", o.name)));
                }
            }
            if !keys.insert(o.key.as_str()) {
                return Err(invalid(format!(
                    "发文机关代号 key = \"{}\" 重复了，每个机关的 key 必须不同",
                    o.key
                )));
            }
        }
        if self.documents.issuers.is_empty() {
            return Err(invalid(
                "[documents] 的 issuers 至少要写一个发文机关的 key".into(),
            ));
        }
        for k in &self.documents.issuers {
            if !keys.contains(k.as_str()) {
                let known: Vec<_> = self.organs.iter().map(|o| o.key.as_str()).collect();
                return Err(invalid(format!(
                    "[documents] issuers 中的“{k}”不是已定义的发文机关；已定义的 key：{}",
                    known.join("、")
                )));
            }
        }
        if !self.documents.formats.contains(&DocFormat::Pdf) {
            return Err(invalid(
                "[documents] 的 formats 必须包含 \"pdf\"（登记的公文总有签名的 PDF），例如 formats = [\"pdf\", \"ofd\"]".into(),
            ));
        }
        if !(5..=86_400).contains(&self.documents.reserve_seconds) {
            return Err(invalid(format!(
                "[documents] reserve_seconds = {} 不合适：预留文号的时限要在 5 到 86400 秒（一天）之间，默认 600",
                self.documents.reserve_seconds
            )));
        }
        self.validate_districts(path)?;
        if let Some(problem) = self.survey.problem().or_else(|| self.archives.problem()) {
            return Err(invalid(problem));
        }
        self.validate_scoring(path)
    }

    /// Every `[districts."…"]` entry names a district of Attachment 1.
    fn validate_districts(&self, path: &Path) -> Result<(), ConfigError> {
        let table = crate::districts::DistrictTable::builtin();
        for name in self.districts.keys() {
            if let Err(e) = table.find(name) {
                return Err(ConfigError::Invalid {
                    path: path.to_path_buf(),
                    problem: format!("[districts.\"{name}\"]：{e}"),
                });
            }
        }
        Ok(())
    }

    /// The office of `district` (a name of Attachment 1) as a sender.
    pub fn district_office(&self, district: &str) -> DistrictOffice {
        let table = crate::districts::DistrictTable::builtin();
        self.districts
            .iter()
            .find(|(k, _)| table.find(k).is_ok_and(|d| d.name == district))
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// The organ with this key.
    pub fn organ(&self, key: &str) -> Option<&Organ> {
        self.organs.iter().find(|o| o.key == key)
    }

    /// The default issuing organs, in order.
    pub fn issuers(&self) -> Vec<&Organ> {
        self.documents
            .issuers
            .iter()
            .filter_map(|k| self.organ(k))
            .collect()
    }

    /// The 印发机关 line.
    pub fn printer(&self) -> &str {
        match &self.documents.printer {
            Some(p) if !p.trim().is_empty() => p,
            _ => self.organs.first().map(|o| o.name.as_str()).unwrap_or(""),
        }
    }
}
