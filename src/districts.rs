//! The district task table (Attachment 1, 昆明市社区治理创新试点任务分解表):
//! the 18 县（市）区 and 开发（度假）园区 with their community counts and
//! pilot quotas. The data lives in `data/districts.toml`, compiled in.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

const DISTRICTS_TOML: &str = include_str!("../data/districts.toml");

/// One row of Attachment 1.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct District {
    /// Name exactly as printed, without the parenthesised note.
    pub name: String,
    /// The note printed after the name, e.g. `（含大板桥街道）`; empty if none.
    pub note: String,
    /// 县（市）区 or 开发（度假）园区.
    #[serde(skip_serializing)]
    pub kind: String,
    /// 社区总数（个）.
    pub communities: u32,
    /// 城市社区数（个）.
    pub urban: u32,
    /// “村改居”社区数（个）.
    pub village_to_residence: u32,
    /// 试点总任务数（2018年9月—2020年底）.
    pub pilot_quota: u32,
    /// 第一阶段任务数（2018年9月—2019年底）.
    pub phase1_quota: u32,
    /// Other names it is written under: the official full name (禄劝彝族
    /// 苗族自治县), the park's long name. Not part of the source's table.
    #[serde(default, skip_serializing)]
    pub aliases: Vec<String>,
}

/// The 总计 row as printed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Totals {
    /// 社区总数.
    pub communities: u32,
    /// 城市社区数.
    pub urban: u32,
    /// “村改居”社区数.
    pub village_to_residence: u32,
    /// 试点总任务数.
    pub pilot_quota: u32,
    /// 第一阶段任务数.
    pub phase1_quota: u32,
}

/// The whole table.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DistrictTable {
    /// The 18 rows in the source's order.
    pub districts: Vec<District>,
    /// The printed 总计 row.
    pub total: Totals,
}

/// A district name that is not one of the 18.
#[derive(Debug, thiserror::Error)]
#[error("“{input}”不是附件1中的县（市）区或开发（度假）园区。{hint}可用的名称：{valid}")]
pub struct UnknownDistrict {
    /// What the user typed.
    pub input: String,
    /// A suggestion, if one is close.
    pub hint: String,
    /// The valid names.
    pub valid: String,
}

impl DistrictTable {
    /// The built-in table (parsed once per process).
    pub fn builtin() -> &'static DistrictTable {
        static TABLE: OnceLock<DistrictTable> = OnceLock::new();
        TABLE.get_or_init(|| {
            // Checked by the unit tests below; failure is a build defect.
            toml::from_str(DISTRICTS_TOML).expect("data/districts.toml is valid (checked by tests)")
        })
    }

    /// The column sums over the 18 rows.
    pub fn sums(&self) -> Totals {
        let mut t = Totals {
            communities: 0,
            urban: 0,
            village_to_residence: 0,
            pilot_quota: 0,
            phase1_quota: 0,
        };
        for d in &self.districts {
            t.communities += d.communities;
            t.urban += d.urban;
            t.village_to_residence += d.village_to_residence;
            t.pilot_quota += d.pilot_quota;
            t.phase1_quota += d.phase1_quota;
        }
        t
    }

    /// Finds a district by name. Accepts the name with its note
    /// (`官渡区（含大板桥街道）`) and ignores white space.
    pub fn find(&self, input: &str) -> Result<&District, UnknownDistrict> {
        let key: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        let key = key.replace('(', "（").replace(')', "）");
        let key = key
            .strip_prefix("昆明市")
            .or_else(|| key.strip_prefix("昆明"))
            .filter(|k| !k.is_empty())
            .unwrap_or(&key)
            .to_string();
        if let Some(d) = self.districts.iter().find(|d| {
            d.name == key || format!("{}{}", d.name, d.note) == key || d.aliases.contains(&key)
        }) {
            return Ok(d);
        }
        let hint = self
            .districts
            .iter()
            .map(|d| (strsim::normalized_levenshtein(&key, &d.name), d))
            .filter(|(s, _)| *s >= 0.34)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, d)| format!("您是不是要找“{}”？", d.name))
            .unwrap_or_default();
        Err(UnknownDistrict {
            input: input.to_string(),
            hint,
            valid: self
                .districts
                .iter()
                .map(|d| d.name.as_str())
                .collect::<Vec<_>>()
                .join("、"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eighteen_districts_in_source_order() {
        let t = DistrictTable::builtin();
        assert_eq!(t.districts.len(), 18);
        assert_eq!(t.districts[0].name, "五华区");
        assert_eq!(t.districts[17].name, "阳宗海风景区");
        let parks: Vec<_> = t
            .districts
            .iter()
            .filter(|d| d.kind == "开发（度假）园区")
            .map(|d| d.name.as_str())
            .collect();
        assert_eq!(parks, ["高新区", "经开区", "滇池度假区", "阳宗海风景区"]);
    }

    #[test]
    fn columns_add_up_to_the_printed_total() {
        let t = DistrictTable::builtin();
        assert_eq!(t.sums(), t.total);
        assert_eq!(t.total.pilot_quota, 100);
        assert_eq!(t.total.phase1_quota, 35);
    }

    #[test]
    fn urban_and_village_make_up_each_district() {
        for d in &DistrictTable::builtin().districts {
            assert_eq!(
                d.urban + d.village_to_residence,
                d.communities,
                "{}",
                d.name
            );
            assert!(d.phase1_quota <= d.pilot_quota, "{}", d.name);
        }
    }

    #[test]
    fn rows_match_the_source() {
        let t = DistrictTable::builtin();
        let gd = t.find("官渡区").unwrap();
        assert_eq!(gd.note, "（含大板桥街道）");
        assert_eq!(
            (
                gd.communities,
                gd.urban,
                gd.village_to_residence,
                gd.pilot_quota,
                gd.phase1_quota
            ),
            (116, 45, 71, 19, 4)
        );
        let xs = t.find("西山区").unwrap();
        assert_eq!((xs.pilot_quota, xs.phase1_quota), (17, 5));
        assert_eq!(t.find("阳宗海风景区").unwrap().urban, 0);
        assert_eq!(t.find("官渡区（含大板桥街道）").unwrap().name, "官渡区");
        assert_eq!(t.find("官渡区(含大板桥街道)").unwrap().name, "官渡区");
    }

    #[test]
    fn unknown_district_suggests_the_nearest() {
        let err = DistrictTable::builtin()
            .find("五华")
            .unwrap_err()
            .to_string();
        assert!(err.contains("五华区"), "{err}");
        assert!(err.contains("阳宗海风景区"), "{err}");
    }
}
