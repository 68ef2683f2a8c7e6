//! The office's settings file, `kaoping.toml`: issuing organs (发文机关),
//! their red-header text and document-number prefix, and the default
//! 主送/抄送 lists. The commented default lives in `data/kaoping.toml`,
//! is compiled in, and is what `kaoping init` writes.

pub mod storage;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::catalog::{Level, code};

/// The default configuration text, with comments for office staff.
pub const DEFAULT_CONFIG: &str = include_str!("../data/kaoping.toml");

/// An issuing organ.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Organ {
    /// Short key used to refer to the organ in the config and on the CLI.
    pub key: String,
    /// Full name, used in the signature, 印发机关 and PDF author.
    pub name: String,
    /// The red header (发文机关标志), usually the name plus 文件.
    pub header: String,
    /// Document-number prefix (e.g. 昆社治办 → 昆社治办〔2026〕7号).
    pub prefix: String,
}

/// Defaults for documents.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Documents {
    /// Keys of the default issuing organ(s); several for a joint document.
    pub issuers: Vec<String>,
    /// Default 主送机关.
    #[serde(default)]
    pub recipients: Vec<String>,
    /// Default 抄送机关.
    #[serde(default)]
    pub cc: Vec<String>,
    /// 印发机关; the first issuer's full name when absent.
    #[serde(default)]
    pub printer: Option<String>,
}

/// Points (percent of a standard's value) for each verdict.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct VerdictPoints {
    /// 达标.
    #[serde(rename = "达标")]
    pub pass: f64,
    /// 基本达标.
    #[serde(rename = "基本达标")]
    pub partial: f64,
    /// 未达标.
    #[serde(rename = "未达标")]
    pub fail: f64,
}

/// A grade (等次) and what it entitles to.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Grade {
    /// Name, e.g. 优秀.
    pub name: String,
    /// Lowest total score (inclusive) for this grade.
    pub min: f64,
    /// Whether communities of this grade are named pilots.
    pub named: bool,
}

/// The scoring scheme (the source sets no points; this is the office's).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Scoring {
    /// Points per verdict.
    pub points: VerdictPoints,
    /// Full marks per item, keyed by item code.
    pub items: BTreeMap<String, f64>,
    /// Optional full marks per indicator (all of an item's, or none).
    #[serde(default)]
    pub indicators: BTreeMap<String, f64>,
    /// Grades; the first whose `min` the total reaches applies.
    pub grades: Vec<Grade>,
}

/// Naming-certificate settings.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Certificate {
    /// The honour conferred.
    pub honour: String,
    /// Certificate-number prefix.
    pub number_prefix: String,
}

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
    pub districts: BTreeMap<String, crate::district_office::DistrictOffice>,
    /// 命名 settings (open rectification items block naming unless set).
    #[serde(default)]
    pub naming: NamingSettings,
    /// 整改 settings: the communities' own letterheads.
    #[serde(default)]
    pub rectify: RectifySettings,
    /// `[survey]`: 问卷调查 copies, links and verdict rules.
    #[serde(default)]
    pub survey: crate::survey::settings::SurveySettings,
    /// 实地考评 photo checks (built-in limits unless set).
    #[serde(default)]
    pub field: FieldSettings,
    /// Facts about the installation's web server.
    #[serde(default)]
    pub server: ServerSettings,
    /// Where the archive's bytes live (local unless set).
    #[serde(default, skip_serializing_if = "is_local")]
    pub storage: storage::StorageConfig,
}

fn is_local(s: &storage::StorageConfig) -> bool {
    *s == storage::StorageConfig::default()
}

/// `[naming]`: what naming requires beyond the grade and the quota.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NamingSettings {
    /// A community with rectification items not closed cannot be named.
    #[serde(default = "yes")]
    pub require_rectified: bool,
}

fn yes() -> bool {
    true
}

impl Default for NamingSettings {
    fn default() -> NamingSettings {
        NamingSettings {
            require_rectified: true,
        }
    }
}

/// `[field]`: limits and checks of on-site photos.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FieldSettings {
    /// Largest photo accepted, in MiB.
    pub max_photo_mb: u64,
    /// A photo taken more than this many days before the visit is flagged.
    pub max_age_days: i64,
    /// A photo taken farther than this from the point is flagged (metres).
    pub max_distance_m: f64,
}

impl Default for FieldSettings {
    fn default() -> FieldSettings {
        FieldSettings {
            max_photo_mb: 20,
            max_age_days: 7,
            max_distance_m: 500.0,
        }
    }
}

/// `[rectify]`: letterheads of communities for their 整改情况报告, by
/// community id; a community without one reports with no red header.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RectifySettings {
    /// Letterheads by community id.
    #[serde(default)]
    pub letterheads: BTreeMap<String, Letterhead>,
}

/// A community's letterhead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Letterhead {
    /// The red header, e.g. 五华区翠湖社区居民委员会.
    pub header: String,
    /// Its document-number prefix, e.g. 翠湖居.
    pub prefix: String,
}

impl FieldSettings {
    /// The photo size limit in bytes.
    pub fn max_photo_bytes(&self) -> u64 {
        self.max_photo_mb.saturating_mul(1 << 20)
    }
}

/// `[server]`: where the web server is reached from outside.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerSettings {
    /// The public address (`https://kaoping.example.cn`) printed in QR
    /// codes of field forms; none when unset.
    pub public_url: Option<String>,
}

/// `[assessment]`: how the experts' verdicts are combined.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssessmentSettings {
    /// `majority`, `mean` or `trimmed-mean`.
    #[serde(default)]
    pub aggregate: crate::assessment::aggregate::Rule,
}

/// `[time]`: the time zone every time a person reads is shown in; the log
/// keeps UTC.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeSettings {
    /// `Asia/Shanghai` (the default, 北京时间), `UTC`, or an offset such as
    /// `+08:00`.
    pub zone: String,
}

impl Default for TimeSettings {
    fn default() -> TimeSettings {
        TimeSettings {
            zone: "Asia/Shanghai".into(),
        }
    }
}

impl TimeSettings {
    /// The zone's offset from UTC. China keeps one offset all year (no
    /// summer time), so the zones of China are a fixed +08:00 and no time
    /// zone database is needed.
    pub fn offset(&self) -> Option<chrono::FixedOffset> {
        let z = self.zone.trim();
        let china = [
            "Asia/Shanghai",
            "Asia/Chongqing",
            "Asia/Chungking",
            "Asia/Harbin",
            "PRC",
            "Asia/Hong_Kong",
            "Asia/Macau",
            "Asia/Taipei",
            "北京时间",
        ];
        if china.iter().any(|c| c.eq_ignore_ascii_case(z)) {
            return chrono::FixedOffset::east_opt(8 * 3600);
        }
        if z.eq_ignore_ascii_case("UTC") || z == "Z" {
            return chrono::FixedOffset::east_opt(0);
        }
        let (sign, rest) = match z.strip_prefix('+') {
            Some(r) => (1, r),
            None => (-1, z.strip_prefix('-')?),
        };
        let (h, m) = rest.split_once(':').unwrap_or((rest, "0"));
        let secs = h.parse::<i32>().ok()? * 3600 + m.parse::<i32>().ok()? * 60;
        chrono::FixedOffset::east_opt(sign * secs)
    }

    /// An RFC 3339 time from the log, as people read it: `2026-12-01
    /// 15:33:55` in this zone. Text that is not such a time is returned as
    /// it is.
    pub fn show(&self, rfc3339: &str) -> String {
        match (chrono::DateTime::parse_from_rfc3339(rfc3339), self.offset()) {
            (Ok(t), Some(off)) => t
                .with_timezone(&off)
                .format("%Y-%m-%d %H:%M:%S")
                .to_string(),
            _ => rfc3339.to_string(),
        }
    }

    /// The zone's name as a label people read once beside the times (a
    /// column heading, or after a time in a sentence): 北京时间 for the
    /// zones of China, else `UTC` or `UTC+05:30`.
    pub fn label(&self) -> String {
        match self.offset().map(|o| o.local_minus_utc()) {
            Some(28800) => "北京时间".into(),
            Some(0) | None => "UTC".into(),
            Some(s) => {
                let sign = if s < 0 { '-' } else { '+' };
                let s = s.abs();
                format!("UTC{sign}{:02}:{:02}", s / 3600, s % 3600 / 60)
            }
        }
    }

    /// [`TimeSettings::show`] with the label after it, for a time standing
    /// alone in a sentence: `2026-12-01 15:33:55（北京时间）`.
    pub fn show_labelled(&self, rfc3339: &str) -> String {
        let shown = self.show(rfc3339);
        if shown == rfc3339 {
            shown
        } else {
            format!("{shown}（{}）", self.label())
        }
    }
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
        self.validate_districts(path)?;
        if let Some(problem) = self.survey.problem() {
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
    pub fn district_office(&self, district: &str) -> crate::district_office::DistrictOffice {
        let table = crate::districts::DistrictTable::builtin();
        self.districts
            .iter()
            .find(|(k, _)| table.find(k).is_ok_and(|d| d.name == district))
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    fn validate_scoring(&self, path: &Path) -> Result<(), ConfigError> {
        let invalid = |problem: String| ConfigError::Invalid {
            path: path.to_path_buf(),
            problem,
        };
        let catalog = crate::catalog::Catalog::builtin();
        let p = &self.scoring.points;
        for (name, v) in [
            ("达标", p.pass),
            ("基本达标", p.partial),
            ("未达标", p.fail),
        ] {
            if !(0.0..=100.0).contains(&v) {
                return Err(invalid(format!(
                    "[scoring.points] 中“{name}”的得分率 {v} 应在 0—100 之间"
                )));
            }
        }
        for key in self.scoring.items.keys() {
            match catalog.lookup(key) {
                Ok(crate::catalog::Entry::Item(_)) => {}
                _ => {
                    return Err(invalid(format!(
                        "[scoring.items] 中的“{key}”不是考评项目编号，应为 Ⅰ-1、Ⅰ-2、Ⅰ-3、Ⅰ-4"
                    )));
                }
            }
        }
        for it in &catalog.items {
            match self.item_weight(&it.code) {
                Some(w) if w > 0.0 => {}
                _ => {
                    return Err(invalid(format!(
                        "[scoring.items] 缺少“{}”（{}）的分值，或分值不是正数",
                        it.code, it.name
                    )));
                }
            }
        }
        for key in self.scoring.indicators.keys() {
            if catalog.indicator(key).is_err() {
                return Err(invalid(format!(
                    "[scoring.indicators] 中的“{key}”不是考评指标编号（Ⅱ-1—Ⅱ-17）"
                )));
            }
        }
        for it in &catalog.items {
            let given: Vec<_> = it
                .indicators
                .iter()
                .map(|ind| self.indicator_weight_override(&ind.code))
                .collect();
            if given.iter().all(Option::is_none) {
                continue;
            }
            if given.iter().any(Option::is_none) {
                return Err(invalid(format!(
                    "[scoring.indicators] 写了 {} 下的部分指标分值，请写全该项目下的所有指标，或全部删去",
                    it.code
                )));
            }
            let sum: f64 = given.iter().flatten().sum();
            let item = self.item_weight(&it.code).unwrap_or(0.0);
            if (sum - item).abs() > 1e-6 {
                return Err(invalid(format!(
                    "[scoring.indicators] 中 {} 下各指标分值合计 {sum}，与 [scoring.items] 中该项目的分值 {item} 不等",
                    it.code
                )));
            }
        }
        if self.scoring.grades.is_empty() || !self.scoring.grades.iter().any(|g| g.min <= 0.0) {
            return Err(invalid(
                "[[scoring.grades]] 中至少要有一个 min = 0 的等次，使任何总分都有等次".into(),
            ));
        }
        Ok(())
    }

    /// Full marks of an item (any accepted form of its code as key).
    pub fn item_weight(&self, item_code: &str) -> Option<f64> {
        weight_for(&self.scoring.items, item_code, Level::Item)
    }

    /// Full marks of an indicator when the office set them explicitly.
    pub fn indicator_weight_override(&self, indicator_code: &str) -> Option<f64> {
        weight_for(&self.scoring.indicators, indicator_code, Level::Indicator)
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

/// Finds the weight whose key (a code in any typed form) names `code`.
fn weight_for(weights: &BTreeMap<String, f64>, code: &str, level: Level) -> Option<f64> {
    let want = code::parse(code)?;
    weights
        .iter()
        .find(|(k, _)| code::parse(k).is_some_and(|r| r.number == want.number && r.level == level))
        .map(|(_, v)| *v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_config_parses_and_names_the_office() {
        let c = Config::default();
        assert_eq!(c.issuers()[0].prefix, "昆社治办");
        assert_eq!(c.printer(), "昆明市城乡社区治理工作领导小组办公室");
    }

    #[test]
    fn one_public_address_serves_field_forms_and_questionnaires() {
        let text = DEFAULT_CONFIG.replace(
            "# public_url = \"https://kaoping.example.cn\"",
            "public_url = \"https://kp.example.cn\"",
        );
        let c = Config::parse(&text, Path::new("x.toml")).unwrap();
        assert_eq!(c.survey.base_url.as_deref(), Some("https://kp.example.cn"));
        let text = DEFAULT_CONFIG.replace(
            "# base_url = \"https://kaoping.example.cn\"",
            "base_url = \"https://q.example.cn\"",
        );
        let c = Config::parse(&text, Path::new("x.toml")).unwrap();
        assert_eq!(c.server.public_url.as_deref(), Some("https://q.example.cn"));
        assert_eq!(Config::default().server.public_url, None);
    }

    #[test]
    fn unknown_issuer_is_named() {
        let text = DEFAULT_CONFIG.replace("issuers = [\"shezhiban\"]", "issuers = [\"nope\"]");
        let err = Config::parse(&text, Path::new("x.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("nope") && err.contains("shezhiban"), "{err}");
    }

    #[test]
    fn typo_in_a_key_is_a_parse_error_with_the_file() {
        let text = DEFAULT_CONFIG.replace("prefix =", "prefx =");
        let err = Config::parse(&text, Path::new("x.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("x.toml") && err.contains("prefx"), "{err}");
    }

    #[test]
    fn duplicate_keys_are_rejected() {
        let mut c = Config::default();
        c.organs.push(c.organs[0].clone());
        let text = toml::to_string(&c).unwrap();
        let err = Config::parse(&text, Path::new("x.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("重复"), "{err}");
    }
}
