//! The office's documents, built as drafts for the register: 考评报告
//! ([`report`]), 整改通知书 ([`notice`]), 命名证书 ([`certificate`]),
//! 材料提交回执 ([`receipt`]) and 进度汇总表 ([`progress`]). Each builder
//! turns archive facts into template data; the register numbers, renders
//! and records them ([`crate::issuance`]).

pub mod applications;
pub mod batch;
pub mod bulletin;
pub mod certificate;
pub mod custom;
pub mod data;
pub mod decision;
pub mod field_evidence;
pub mod inspection;
pub mod notice;
pub mod preliminary;
pub mod progress;
pub mod receipt;
pub mod rectify_report;
pub mod report;
pub mod supervise;
pub mod survey;

use chrono::NaiveDate;
use serde::Serialize;

use crate::community::Community;
use crate::config::{Config, Organ};
use crate::issuance::{Draft, Numbering, banner};
use crate::render::{DocMeta, cn_date};

/// Why a document cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    /// The submission version already has its receipt.
    #[error("{name}（{id}）第 {version} 版提交的回执已经发出：{number}（{date}），不再重复发出")]
    ReceiptExists {
        /// Community id.
        id: String,
        /// Community name.
        name: String,
        /// Submission version.
        version: u32,
        /// The receipt's number.
        number: String,
        /// Its date.
        date: NaiveDate,
    },
    /// The community has nothing to rectify.
    #[error("{name}（{id}）的考评结论全部为“达标”，没有需要整改的问题，不需要整改通知书")]
    NothingToRectify {
        /// Community id.
        id: String,
        /// Community name.
        name: String,
    },
    /// The community's grade does not qualify for naming.
    #[error(
        "{name}（{id}）考评总分 {total} 分，等次为“{grade}”，按 kaoping.toml 的计分办法不能命名，不能颁发命名证书"
    )]
    NotQualified {
        /// Community id.
        id: String,
        /// Community name.
        name: String,
        /// Total score.
        total: f64,
        /// Grade.
        grade: String,
    },
    /// Naming would exceed the district's quota for the phase.
    #[error(
        "{district}{batch}的试点任务数为 {quota} 个，已命名 {named} 个（{names}）；再命名{name}将超出任务数。确需命名的，请加 --over-quota \"理由\"，理由会记入发文登记簿"
    )]
    OverQuota {
        /// District.
        district: String,
        /// Phase.
        batch: crate::community::Batch,
        /// The quota.
        quota: u32,
        /// How many are named already.
        named: usize,
        /// Their names.
        names: String,
        /// This community.
        name: String,
    },
    /// The community has rectification items not closed
    /// (`[naming] require_rectified`).
    #[error(
        "{name}（{id}）还有 {count} 个整改事项没有销号，按 kaoping.toml 的 [naming] require_rectified 不能命名：\n    {items}"
    )]
    OpenItems {
        /// Community id.
        id: String,
        /// Community name.
        name: String,
        /// How many.
        count: usize,
        /// The items, one a line.
        items: String,
    },
    /// The community already holds a certificate.
    #[error("{name}（{id}）已于 {date} 颁发命名证书 {number}，不能重复颁发")]
    AlreadyNamed {
        /// Community id.
        id: String,
        /// Community name.
        name: String,
        /// The certificate number.
        number: String,
        /// Its date.
        date: NaiveDate,
    },
}

/// The issuing side of a document: which organs, from the configuration.
pub struct Issuer<'a> {
    /// The configuration.
    pub config: &'a Config,
    /// Issuing organs, lead first.
    pub organs: Vec<&'a Organ>,
}

impl<'a> Issuer<'a> {
    /// The default issuers of `config`.
    pub fn default_of(config: &'a Config) -> Issuer<'a> {
        Issuer {
            config,
            organs: config.issuers(),
        }
    }

    /// Organ names, for signatures and the register.
    pub fn names(&self) -> Vec<String> {
        self.organs.iter().map(|o| o.name.clone()).collect()
    }

    /// The lead organ's 发文字号 sequence.
    pub fn numbering(&self) -> Numbering {
        Numbering::Document {
            prefix: self
                .organs
                .first()
                .map(|o| o.prefix.clone())
                .unwrap_or_default(),
        }
    }

    /// The header, signature and 版记 fields every official document has.
    /// The body and attachments are left empty for the builder.
    pub fn common(&self, title: &str, recipients: &str, date: NaiveDate) -> data::Official {
        let (issuers, suffix) = banner(&self.organs);
        data::Official {
            issuers,
            mark_suffix: suffix,
            signatures: self.names(),
            title: title.to_string(),
            recipients: recipients.to_string(),
            date,
            printer: self.config.printer().to_string(),
            body: Vec::new(),
            attachments: Vec::new(),
            cc: None,
            deadline: None,
        }
    }

    /// A draft of `kind` with the lead organ's numbering; `title` is the
    /// data's title (its line breaks are dropped for the register).
    #[allow(clippy::too_many_arguments)]
    pub fn draft(
        &self,
        kind: crate::issuance::DocKind,
        template: &str,
        title: &str,
        data: &impl Serialize,
        date: NaiveDate,
        recipient: &str,
        community: Option<&Community>,
    ) -> Draft {
        let title = title.replace('\n', "");
        let file_name = file_name(community, kind.name());
        Draft {
            kind,
            template: template.to_string(),
            data: data::to_value(data),
            meta: DocMeta {
                title,
                author: self.names().join("、"),
                date,
            },
            recipient: recipient.to_string(),
            community: community.map(|c| c.id.clone()),
            district: None,
            numbering: self.numbering(),
            over_quota: None,
            submission: None,
            file_name,
            organs: self.names(),
            follow: None,
            cites: None,
        }
    }
}

/// Predictable Chinese file name: `五华区-翠湖社区-考评报告.pdf`, or
/// `进度汇总表.pdf` for documents not about one community. Characters that
/// file systems reject are replaced.
pub fn file_name(community: Option<&Community>, kind: &str) -> String {
    let raw = match community {
        Some(c) => format!("{}-{}-{kind}.pdf", c.district, c.name),
        None => format!("{kind}.pdf"),
    };
    crate::fsutil::safe_name(&raw)
}

/// The basis every assessment document cites: the work plan and its
/// evaluation system.
pub const BASIS: &str = "根据《关于开展城乡社区治理创新试点建设工作方案》（昆办通〔2018〕54号）和《昆明市城乡社区治理创新考评体系（试行）》，";

/// The district's office a community's documents are copied to (抄送).
pub fn district_office(c: &Community) -> String {
    format!("{}城乡社区治理工作领导小组办公室", c.district)
}

/// A community as named in documents: district, 街道 when registered,
/// name.
pub fn full_name(c: &Community) -> String {
    // 考评对象 are "参加试点的街道（乡镇）及社区": a community whose 街道
    // is registered is named with it, as official documents do.
    format!(
        "{}{}{}",
        c.district,
        c.street.as_deref().unwrap_or(""),
        c.name
    )
}

/// A date range in Chinese: one date, or `A至B`.
pub fn date_range(range: Option<(NaiveDate, NaiveDate)>) -> String {
    match range {
        None => "考评期间".to_string(),
        Some((a, b)) if a == b => cn_date(a),
        Some((a, b)) => format!("{}至{}", cn_date(a), cn_date(b)),
    }
}

/// A SHA-256 for print: four groups of 16 hex digits separated by spaces,
/// so a line can break between groups (an unbroken 64-digit run would
/// overflow the text block).
pub fn grouped_hash(hex: &str) -> String {
    hex.as_bytes()
        .chunks(16)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

pub use crate::sizes::size_text;

/// Issues `drafts` under `lock` ([`crate::issuance::issue`]) with the
/// rectification items and deadlines they set going
/// ([`crate::rectify::follow_batch`]).
pub fn issue(
    archive: &crate::archive::Archive,
    lock: &crate::archive::lock::WriterLock,
    engine: &crate::render::Engine,
    drafts: Vec<crate::issuance::Draft>,
    progress: &dyn crate::meter::Meter,
) -> Result<Vec<crate::issuance::Issued>, crate::issuance::IssueError> {
    let follow = &crate::rectify::follow_batch;
    crate::issuance::issue(archive, lock, engine, drafts, progress, follow)
}

/// The last two cells of every file list: size, and the first 12 hex
/// digits of the SHA-256.
pub fn size_and_hash(f: &crate::archive::manifest::FileEntry) -> [data::Cell; 2] {
    let hash = f.sha256.get(..12).unwrap_or(&f.sha256);
    [data::Cell::from(size_text(f.size)), data::Cell::from(hash)]
}

/// Marks as text with at most one decimal: `7.5`, `30`.
pub fn marks(x: f64) -> String {
    let r = crate::assessment::score::round1(x);
    if (r - r.round()).abs() < 1e-9 {
        format!("{}", r.round() as i64)
    } else {
        format!("{r:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_predictable_and_safe() {
        // A name registered before names were checked may hold a slash.
        let mut c = Community::new("WH-1", "翠湖社区", "五华区", "城市社区", "第一阶段").unwrap();
        c.name = "翠湖/社区".into();
        assert_eq!(
            file_name(Some(&c), "考评报告"),
            "五华区-翠湖_社区-考评报告.pdf"
        );
        assert_eq!(file_name(None, "进度汇总表"), "进度汇总表.pdf");
    }

    #[test]
    fn sizes_are_written_alike_everywhere() {
        assert_eq!(size_text(57), "57 字节");
        assert_eq!(size_text(106_396), "103.9 KB");
        assert_eq!(size_text(2 << 30), "2.0 GB");
        assert_eq!(size_text(5 << 20), "5.0 MB");
    }

    #[test]
    fn hashes_are_grouped_for_print() {
        let h = "0123456789abcdef".repeat(4);
        let g = grouped_hash(&h);
        assert_eq!(g.split(' ').count(), 4);
        assert_eq!(g.replace(' ', ""), h);
    }

    #[test]
    fn marks_drop_needless_decimals() {
        assert_eq!(marks(30.0), "30");
        assert_eq!(marks(7.5), "7.5");
        assert_eq!(marks(96.25), "96.3");
    }
}
