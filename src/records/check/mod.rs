//! The 四性检测 of DA/T 70-2018 (真实性, 完整性, 可用性, 安全性): the check
//! items, what each found, and the report they make. The same item checks
//! run at 归档 (on the archive's copies) and at 移交/接收 (on a package
//! alone, see [`package`]). Item names follow DA/T 70's wording.

pub mod clam;
pub mod item;
pub mod package;
pub mod pdf;
pub mod seen;

use serde::{Deserialize, Serialize};

/// The stage a check runs at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Stage {
    /// 归档 (filing).
    #[serde(rename = "归档")]
    Filing,
    /// 移交 (the sender, before the package leaves).
    #[serde(rename = "移交")]
    Transfer,
    /// 接收 (the receiving archive, on the package alone).
    #[serde(rename = "接收")]
    Receipt,
    /// 长期保存 (the periodic check of what is filed).
    #[serde(rename = "长期保存")]
    Keeping,
}

impl Stage {
    /// The Chinese name.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Filing => "归档",
            Stage::Transfer => "移交",
            Stage::Receipt => "接收",
            Stage::Keeping => "长期保存",
        }
    }
}

/// The four aspects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Aspect {
    /// 真实性.
    #[serde(rename = "真实性")]
    Authentic,
    /// 完整性.
    #[serde(rename = "完整性")]
    Complete,
    /// 可用性.
    #[serde(rename = "可用性")]
    Usable,
    /// 安全性.
    #[serde(rename = "安全性")]
    Secure,
}

/// Every check item kaoping runs (their words are in `data/checks.toml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum CheckId {
    /// Digests of each content file recomputed.
    ContentDigest,
    /// Each package file's digest against the catalogue.
    PackageDigest,
    /// 电子签名 of the 封装包 and of the catalogue.
    PackageSignature,
    /// The PDF signatures of issued documents.
    DocumentSignature,
    /// Metadata against content (format, size, pages, title, number).
    Consistency,
    /// 档号 rules.
    CodeRule,
    /// The package is the one sent (the catalogue's SM3 as printed).
    SameAsSent,
    /// Counts and bytes as declared.
    Totals,
    /// Required metadata present.
    RequiredMetadata,
    /// 件号 without gaps.
    PieceGaps,
    /// Every record has its content.
    ContentPresent,
    /// Business-action records present.
    Actions,
    /// Metadata readable.
    MetadataReadable,
    /// Content opens.
    ContentOpens,
    /// Format on the approved list.
    Format,
    /// Fonts embedded.
    Fonts,
    /// No encryption or compressed archives.
    NoEncryption,
    /// Virus scan.
    Virus,
    /// No extra or missing files.
    ExtraFiles,
    /// No executable content.
    Executable,
}

/// One check item's words, from `data/checks.toml`.
#[derive(Debug, Clone, Deserialize)]
struct Described {
    #[serde(rename = "类别")]
    aspect: Aspect,
    #[serde(rename = "名称")]
    name: String,
    #[serde(rename = "方法")]
    method: String,
}

/// Every check item's words, parsed once.
fn described() -> &'static std::collections::BTreeMap<CheckId, Described> {
    static ALL: std::sync::OnceLock<std::collections::BTreeMap<CheckId, Described>> =
        std::sync::OnceLock::new();
    ALL.get_or_init(|| {
        toml::from_str(include_str!("../../../data/checks.toml"))
            .expect("data/checks.toml is valid (checked by tests)")
    })
}

impl CheckId {
    /// Aspect, name and method.
    pub fn describe(self) -> (Aspect, &'static str, &'static str) {
        match described().get(&self) {
            Some(d) => (d.aspect, d.name.as_str(), d.method.as_str()),
            None => (Aspect::Secure, "未命名的检测项目", ""),
        }
    }
}

/// A record or file a check found wrong, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    /// The 档号 or file.
    #[serde(rename = "对象")]
    pub subject: String,
    /// What is wrong.
    #[serde(rename = "原因")]
    pub reason: String,
}

/// How a check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    /// 通过.
    #[serde(rename = "通过")]
    Pass,
    /// 不通过.
    #[serde(rename = "不通过")]
    Fail,
    /// 未检测 (with the reason among the problems).
    #[serde(rename = "未检测")]
    NotRun,
}

/// One check item's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckLine {
    /// The item.
    #[serde(rename = "编号")]
    pub id: CheckId,
    /// Its aspect.
    #[serde(rename = "类别")]
    pub aspect: Aspect,
    /// Its name.
    #[serde(rename = "检测项目")]
    pub name: String,
    /// How it was checked.
    #[serde(rename = "检测方法")]
    pub method: String,
    /// How many objects were checked.
    #[serde(rename = "检测数量")]
    pub checked: u64,
    /// The result.
    #[serde(rename = "结果")]
    pub outcome: Outcome,
    /// What failed (or why it was not run).
    #[serde(rename = "问题")]
    pub problems: Vec<Problem>,
    /// Notes that are not failures (e.g. formats to convert).
    #[serde(rename = "提示", default)]
    pub notes: Vec<String>,
}

/// A whole 四性检测 report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The stage.
    #[serde(rename = "检测环节")]
    pub stage: Stage,
    /// What was checked (the phase or the package).
    #[serde(rename = "检测对象")]
    pub subject: String,
    /// When (RFC 3339).
    #[serde(rename = "检测时间")]
    pub time: String,
    /// Records checked.
    #[serde(rename = "档案件数")]
    pub records: u64,
    /// Bytes of their computer files.
    #[serde(rename = "总字节数")]
    pub bytes: u64,
    /// Whether every check passed.
    #[serde(rename = "结论")]
    pub passed: bool,
    /// The checks.
    #[serde(rename = "检测项目")]
    pub lines: Vec<CheckLine>,
    /// The software that ran it.
    #[serde(rename = "检测环境")]
    pub environment: Vec<String>,
}

/// The checks of one run, filled in as records are read.
#[derive(Debug, Default)]
pub struct Checks {
    lines: std::collections::BTreeMap<CheckId, CheckLine>,
}

impl Checks {
    fn line(&mut self, id: CheckId) -> &mut CheckLine {
        self.lines.entry(id).or_insert_with(|| {
            let (aspect, name, method) = id.describe();
            CheckLine {
                id,
                aspect,
                name: name.into(),
                method: method.into(),
                checked: 0,
                outcome: Outcome::Pass,
                problems: Vec::new(),
                notes: Vec::new(),
            }
        })
    }

    /// One object checked by `id`.
    pub fn count(&mut self, id: CheckId) {
        self.line(id).checked += 1;
    }

    /// `subject` failed `id` for `reason`.
    pub fn fail(&mut self, id: CheckId, subject: &str, reason: impl Into<String>) {
        let line = self.line(id);
        line.outcome = Outcome::Fail;
        line.problems.push(Problem {
            subject: subject.to_string(),
            reason: reason.into(),
        });
    }

    /// `id` could not be run, for `reason`.
    pub fn not_run(&mut self, id: CheckId, reason: impl Into<String>) {
        let line = self.line(id);
        line.outcome = Outcome::NotRun;
        line.problems.push(Problem {
            subject: "—".into(),
            reason: reason.into(),
        });
    }

    /// A note on `id` that is not a failure.
    pub fn note(&mut self, id: CheckId, note: impl Into<String>) {
        self.line(id).notes.push(note.into());
    }

    /// The report: passed when no line failed. A check that could not run
    /// (no virus database) does not fail it, but the conclusion names it.
    pub fn report(
        mut self,
        stage: Stage,
        subject: String,
        totals: (u64, u64),
        ids: &[CheckId],
    ) -> Report {
        for id in ids {
            self.line(*id);
        }
        let lines: Vec<CheckLine> = self.lines.into_values().collect();
        Report {
            stage,
            subject,
            time: crate::clock::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            records: totals.0,
            bytes: totals.1,
            passed: lines.iter().all(|l| l.outcome != Outcome::Fail),
            lines,
            environment: vec![format!("kaoping {}", env!("CARGO_PKG_VERSION"))],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_check_item_has_its_words_in_the_data_file() {
        let all = described();
        assert_eq!(
            all.len(),
            crate::records::check::package::PACKAGE_CHECKS.len()
        );
        for id in crate::records::check::package::PACKAGE_CHECKS {
            let (_, name, method) = id.describe();
            assert!(
                !name.is_empty() && name != "未命名的检测项目" && !method.is_empty(),
                "{id:?}"
            );
        }
    }
}
