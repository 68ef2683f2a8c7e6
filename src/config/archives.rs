//! `[archives]`: what 归档 and 移交 stamp on every record — the 全宗
//! (号 and 名称), the 立档单位, the receiving 档案馆, the 保管期限 of each
//! kind of record (DA/T 13: 永久, 定期30年, 定期10年) and where ClamAV's
//! signature database is.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// 保管期限 with its DA/T 13 code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Retention {
    /// 永久 (Y).
    #[serde(rename = "永久")]
    Permanent,
    /// 定期30年 (D30).
    #[serde(rename = "定期30年", alias = "30年")]
    Years30,
    /// 定期10年 (D10).
    #[serde(rename = "定期10年", alias = "10年")]
    Years10,
}

impl Retention {
    /// The code in a 档号.
    pub fn code(self) -> &'static str {
        match self {
            Retention::Permanent => "Y",
            Retention::Years30 => "D30",
            Retention::Years10 => "D10",
        }
    }

    /// The Chinese name.
    pub fn name(self) -> &'static str {
        match self {
            Retention::Permanent => "永久",
            Retention::Years30 => "定期30年",
            Retention::Years10 => "定期10年",
        }
    }
}

/// The `[archives]` table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArchivesSettings {
    /// 全宗号 (the 档案馆 assigns it; 4 characters in most 馆).
    #[serde(rename = "全宗号")]
    pub fonds_code: String,
    /// 全宗名称.
    #[serde(rename = "全宗名称")]
    pub fonds_name: String,
    /// 立档单位名称.
    #[serde(rename = "立档单位")]
    pub unit: String,
    /// 档案馆名称 (the receiving archive).
    #[serde(rename = "档案馆名称", default)]
    pub archive_name: String,
    /// 档案馆代码, when known.
    #[serde(rename = "档案馆代码", default)]
    pub archive_code: String,
    /// 机构或问题 code inserted in the 档号, when the 全宗 uses one.
    #[serde(rename = "机构或问题", default)]
    pub section: String,
    /// 保管期限 by document kind (文种 as the register names it), and
    /// `材料` for evidence submissions; kinds not listed take `其他`.
    #[serde(rename = "保管期限", default = "default_retention")]
    pub retention: BTreeMap<String, Retention>,
    /// A ClamAV signature database (a folder or a file) for the 安全性
    /// check; ClamAV's default database when absent.
    #[serde(rename = "病毒库", default, skip_serializing_if = "Option::is_none")]
    pub clamav_database: Option<PathBuf>,
}

fn default_retention() -> BTreeMap<String, Retention> {
    ArchivesSettings::default().retention
}

impl Default for ArchivesSettings {
    fn default() -> Self {
        let retention = [
            ("命名决定", Retention::Permanent),
            ("命名证书", Retention::Permanent),
            ("考评报告", Retention::Permanent),
            ("整改通知书", Retention::Years30),
            ("初评情况报告", Retention::Years30),
            ("申报汇总表", Retention::Years30),
            ("材料", Retention::Years30),
            ("进度汇总表", Retention::Years10),
            ("材料提交回执", Retention::Years10),
            ("其他", Retention::Years30),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        ArchivesSettings {
            fonds_code: "Q001".into(),
            fonds_name: "昆明市城乡社区治理工作领导小组办公室".into(),
            unit: "昆明市城乡社区治理工作领导小组办公室".into(),
            archive_name: "昆明市档案馆".into(),
            archive_code: String::new(),
            section: String::new(),
            retention,
            clamav_database: None,
        }
    }
}

impl ArchivesSettings {
    /// The 保管期限 of a record of `kind` (`材料` for evidence).
    pub fn retention_of(&self, kind: &str) -> Retention {
        self.retention
            .get(kind)
            .or_else(|| self.retention.get("其他"))
            .copied()
            .unwrap_or(Retention::Years30)
    }

    /// What is wrong with the values, if anything.
    pub fn problem(&self) -> Option<String> {
        let code_ok = |s: &str| {
            !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric()) && s.len() <= 16
        };
        if !code_ok(&self.fonds_code) {
            return Some(format!(
                "[archives] 全宗号“{}”不合规：只能用字母和数字（不超过16位），例如 Q001；请按档案馆给定的全宗号填写",
                self.fonds_code
            ));
        }
        if !self.section.is_empty() && !code_ok(&self.section) {
            return Some(format!(
                "[archives] 机构或问题“{}”不合规：只能用字母和数字，例如 BGS；不用时请删去此项",
                self.section
            ));
        }
        if self.fonds_name.trim().is_empty() || self.unit.trim().is_empty() {
            return Some("[archives] 全宗名称和立档单位都要填写".into());
        }
        None
    }
}
