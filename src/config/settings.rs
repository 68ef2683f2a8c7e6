//! The smaller sections of `kaoping.toml`: `[naming]`, `[field]`,
//! `[server]` and `[assessment]`.

use serde::{Deserialize, Serialize};

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
    /// The on-site page's edition: raised by hand, it makes phones take a
    /// new version of the page's offline worker (which they do only once
    /// their outbox is empty), as a new kaoping does by itself.
    pub page_edition: u32,
}

impl Default for FieldSettings {
    fn default() -> FieldSettings {
        FieldSettings {
            max_photo_mb: 20,
            max_age_days: 7,
            max_distance_m: 500.0,
            page_edition: 1,
        }
    }
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
    pub aggregate: Rule,
}

/// How the experts' verdicts are combined (`[assessment] aggregate`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Rule {
    /// The most frequent verdict, ties to the less favourable.
    #[default]
    #[serde(rename = "majority")]
    Majority,
    /// The verdict nearest the mean.
    #[serde(rename = "mean")]
    Mean,
    /// The mean without the highest and lowest, from five experts up.
    #[serde(rename = "trimmed-mean")]
    TrimmedMean,
}
