//! A district's 城乡社区治理工作领导小组办公室 as the sender of its own
//! documents (the 初评情况报告 to the city): its name, red header,
//! 发文字号 prefix and 签发人, from the district's `[districts."…"]` entry
//! in `kaoping.toml`, each derived from the district's name when unset.

use serde::{Deserialize, Serialize};

use super::Organ;

/// A district's entry in `kaoping.toml`; every field may be left out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DistrictOffice {
    /// Full name (落款, 印发机关).
    #[serde(default)]
    pub name: Option<String>,
    /// The red header; the name plus 文件 when unset.
    #[serde(default)]
    pub header: Option<String>,
    /// 发文字号 prefix, e.g. 五社治办.
    #[serde(default)]
    pub prefix: Option<String>,
    /// 签发人 of the district's 上行文.
    #[serde(default)]
    pub signer: Option<String>,
}

/// The default full name: 五华区城乡社区治理工作领导小组办公室.
pub fn default_name(district: &str) -> String {
    format!("{district}城乡社区治理工作领导小组办公室")
}

/// The default prefix: the district's name without its last character
/// (区/县/市) when that leaves two or more, plus 社治办: 五华社治办.
pub fn default_prefix(district: &str) -> String {
    let chars: Vec<char> = district.chars().collect();
    let stem: String = match chars.split_last() {
        Some((last, rest)) if rest.len() >= 2 && matches!(last, '区' | '县' | '市') => {
            rest.iter().collect()
        }
        _ => district.to_string(),
    };
    format!("{stem}社治办")
}

impl DistrictOffice {
    /// The organ `district` signs as, with the defaults filled in.
    pub fn organ(&self, district: &str) -> Organ {
        let name = self
            .name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| default_name(district));
        Organ {
            key: district.to_string(),
            header: self
                .header
                .clone()
                .filter(|h| !h.trim().is_empty())
                .unwrap_or_else(|| format!("{name}文件")),
            prefix: self
                .prefix
                .clone()
                .filter(|p| !p.trim().is_empty())
                .unwrap_or_else(|| default_prefix(district)),
            name,
            signing_key: None,
            certificate: None,
            passphrase_env: None,
            seal: None,
            sm2_key: None,
        }
    }

    /// The configured 签发人, if any.
    pub fn signer(&self) -> Option<&str> {
        self.signer
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_district_name() {
        let o = DistrictOffice::default().organ("五华区");
        assert_eq!(o.name, "五华区城乡社区治理工作领导小组办公室");
        assert_eq!(o.header, "五华区城乡社区治理工作领导小组办公室文件");
        assert_eq!(o.prefix, "五华社治办");
        assert_eq!(default_prefix("安宁市"), "安宁社治办");
        // A two-character name keeps its last character.
        assert_eq!(default_prefix("某区"), "某区社治办");
    }

    #[test]
    fn set_fields_win() {
        let o = DistrictOffice {
            name: Some("五华区民政局".into()),
            prefix: Some("五民".into()),
            signer: Some(" 张三 ".into()),
            ..Default::default()
        };
        assert_eq!(o.organ("五华区").header, "五华区民政局文件");
        assert_eq!(o.organ("五华区").prefix, "五民");
        assert_eq!(o.signer(), Some("张三"));
    }
}
