//! `[survey]` of `kaoping.toml`: how many copies, where they are handed
//! out, the link printed in the QR code, what makes an answer valid and
//! how the verdicts follow. The source (昆办通〔2018〕54号) sets no
//! numbers for the survey: every default here is kaoping's own.

use serde::{Deserialize, Serialize};

/// The survey settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SurveySettings {
    /// Copies printed per community when `--copies` is not given.
    pub copies_per_community: u32,
    /// 考评点 the copies are spread over when `--point` is not given.
    pub points: Vec<String>,
    /// The public address of the server, e.g. `https://kaoping.example.cn`;
    /// without it copies carry no QR code.
    pub base_url: Option<String>,
    /// Web answers faster than this many seconds are marked 疑似无效.
    pub min_seconds: u32,
    /// Fewest valid answers per community for a verdict.
    pub min_valid: u32,
    /// The choices of the 5-level scale counted as satisfied (满意率).
    pub satisfied: Vec<String>,
    /// Weights of the 5 satisfaction levels, best first (满意度指数).
    pub weights: Vec<f64>,
    /// 满意率 at or above which a standard is 达标.
    pub pass: f64,
    /// 满意率 at or above which a standard is 基本达标.
    pub partial: f64,
    /// Paper copies count only once two clerks' entries agree.
    pub double_entry: bool,
    /// Hours between two open-link answers from the same device.
    pub open_link_hours: u32,
    /// Whether open-link answers are counted in the copy-based rates.
    pub open_link_counts: bool,
}

impl Default for SurveySettings {
    fn default() -> Self {
        SurveySettings {
            copies_per_community: 50,
            points: vec!["社区综合文化服务中心".into(), "居民小区".into()],
            base_url: None,
            min_seconds: 30,
            min_valid: 30,
            satisfied: vec!["非常满意".into(), "满意".into(), "基本满意".into()],
            weights: vec![100.0, 80.0, 60.0, 30.0, 0.0],
            pass: 0.85,
            partial: 0.70,
            double_entry: false,
            open_link_hours: 24,
            open_link_counts: false,
        }
    }
}

impl SurveySettings {
    /// What is wrong with the settings, if anything (for the config
    /// check).
    pub fn problem(&self) -> Option<String> {
        if self.copies_per_community == 0 || self.copies_per_community > 9999 {
            return Some("[survey] copies_per_community 应在 1 到 9999 之间".into());
        }
        if self.points.is_empty() || self.points.iter().any(|p| p.trim().is_empty()) {
            return Some("[survey] points 至少写一个考评点，名称不能为空".into());
        }
        if self.weights.len() != 5 {
            return Some("[survey] weights 应写 5 个数，对应 非常满意…非常不满意".into());
        }
        if !(0.0..=1.0).contains(&self.partial) || !(self.partial..=1.0).contains(&self.pass) {
            return Some(
                "[survey] 应满足 0 ≤ partial ≤ pass ≤ 1，如 pass = 0.85、partial = 0.70".into(),
            );
        }
        if let Some(url) = &self.base_url
            && !(url.starts_with("https://") || url.starts_with("http://"))
        {
            return Some(format!(
                "[survey] base_url “{url}” 应以 https:// 或 http:// 开头"
            ));
        }
        None
    }
}
