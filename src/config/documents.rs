//! The issuing organs of `kaoping.toml` and the defaults of the documents
//! they send: 主送/抄送, 印发机关, the naming certificate and the
//! communities' own letterheads.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

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
    /// The signing key (PKCS#8 PEM), relative to the archive root;
    /// `keys/<key>.key.pem` when not set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing_key: Option<String>,
    /// The certificate chain (PEM, the organ's certificate first);
    /// `keys/<key>.cert.pem` when not set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<String>,
    /// The environment variable holding the key's passphrase.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passphrase_env: Option<String>,
    /// The seal image (PNG or SVG with transparency), relative to the
    /// archive root; documents of an organ without one carry no seal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seal: Option<String>,
    /// An SM2 key (PKCS#8 PEM), relative to the archive root: each issued
    /// PDF also gets a detached SM2 signature (`.sig`) beside it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sm2_key: Option<String>,
}

/// `[signing]`: how issued documents are signed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SigningSettings {
    /// Make a self-signed test certificate (marked 测试) for an organ that
    /// has no key yet, when it first issues; `false` in production, so
    /// that an organ without its key is refused.
    #[serde(default = "yes")]
    pub test_keys: bool,
}

fn yes() -> bool {
    true
}

impl Default for SigningSettings {
    fn default() -> Self {
        SigningSettings { test_keys: true }
    }
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
    /// What issuing writes: the signed PDF always, and with `"ofd"` also
    /// an OFD (GB/T 33190) of the same layout, registered under the same
    /// number.
    #[serde(default = "pdf_only", skip_serializing_if = "is_pdf_only")]
    pub formats: Vec<DocFormat>,
    /// How long, in seconds, a number reserved for a document being
    /// rendered outside the writer lock holds; one not used by then is
    /// voided (作废) when the next document is numbered.
    #[serde(
        default = "reserve_default",
        skip_serializing_if = "is_reserve_default"
    )]
    pub reserve_seconds: u64,
}

/// Ten minutes: far beyond any batch's rendering (742 reports take under
/// a minute), short enough that a crashed server's numbers are voided the
/// same morning.
const RESERVE_DEFAULT: u64 = 600;

fn reserve_default() -> u64 {
    RESERVE_DEFAULT
}

fn is_reserve_default(s: &u64) -> bool {
    *s == RESERVE_DEFAULT
}

/// A fixed-layout format issuing writes (`[documents] formats`).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum DocFormat {
    /// PDF/A-2b, signed.
    Pdf,
    /// OFD (GB/T 33190-2016).
    Ofd,
}

fn pdf_only() -> Vec<DocFormat> {
    vec![DocFormat::Pdf]
}

fn is_pdf_only(formats: &Vec<DocFormat>) -> bool {
    formats == &pdf_only()
}

impl Documents {
    /// Whether issuing also writes an OFD.
    pub fn writes_ofd(&self) -> bool {
        self.formats.contains(&DocFormat::Ofd)
    }
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
