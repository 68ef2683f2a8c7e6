//! The standards of Attachment 2 addressed to the 街道（乡镇） rather than
//! to the community (data in `data/street.toml`): a 街道 hands in their
//! evidence once and it counts for each of its pilot communities.

use std::sync::OnceLock;

use serde::Deserialize;

use super::Catalog;

const STREET_TOML: &str = include_str!("../../data/street.toml");

/// One standard addressed to the 街道.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct StreetStandard {
    /// Indicator code, e.g. `Ⅱ-2`.
    pub indicator: String,
    /// Standard number.
    pub standard: u32,
    /// The source's words that address the 街道.
    pub why: String,
}

#[derive(Deserialize)]
struct File {
    standards: Vec<StreetStandard>,
}

impl Catalog {
    /// The standards addressed to the 街道（乡镇）, in the data file's order.
    pub fn street_standards(&self) -> &'static [StreetStandard] {
        static LIST: OnceLock<Vec<StreetStandard>> = OnceLock::new();
        LIST.get_or_init(|| {
            // Embedded data, checked by the unit test below; a parse failure
            // is a build defect, not a user error.
            toml::from_str::<File>(STREET_TOML)
                .expect("data/street.toml is valid (checked by tests)")
                .standards
        })
    }

    /// Whether standard `number` of `indicator` is addressed to the 街道.
    pub fn is_street_standard(&self, indicator: &str, number: u32) -> bool {
        self.street_standards()
            .iter()
            .any(|s| s.indicator == indicator && s.standard == number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_street_standard_is_a_material_standard_that_names_the_street() {
        let catalog = Catalog::builtin();
        let list = catalog.street_standards();
        assert!(!list.is_empty());
        for s in list {
            let (_, ind, std) = catalog.standard(&s.indicator, s.standard).unwrap();
            assert_eq!(ind.code, s.indicator);
            assert!(
                std.text.contains("街道（乡镇）"),
                "{}: {}",
                s.indicator,
                std.text
            );
            assert!(ind.material_standards().any(|m| m.number == s.standard));
            assert!(catalog.is_street_standard(&s.indicator, s.standard));
        }
        assert!(!catalog.is_street_standard("Ⅱ-3", 1));
    }
}
