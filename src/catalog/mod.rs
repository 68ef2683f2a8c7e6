//! The evaluation system (考评体系) of Attachment 2: items (项目 Ⅰ-1…Ⅰ-4),
//! indicators (指标 Ⅱ-1…Ⅱ-17), their numbered standards (标准) and the
//! assessment methods (考评方法) that check each standard.
//!
//! The data lives in `data/catalog.toml` and is compiled into the binary;
//! this module parses it once, checks its shape, and answers look-ups by the
//! codes and names people type (see [`code`]).

pub mod code;
mod street;

pub use street::StreetStandard;

use std::fmt;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

pub use code::{CodeRef, Level};

/// The catalog source, embedded at build time.
const CATALOG_TOML: &str = include_str!("../../data/catalog.toml");

/// One of the four assessment methods named in Attachment 2's 说明.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Method {
    /// 材料审核: review of documents handed in by the community.
    #[serde(rename = "材料审核")]
    MaterialReview,
    /// 实地考评: on-site assessment.
    #[serde(rename = "实地考评")]
    OnSite,
    /// 问卷调查: questionnaire survey of residents.
    #[serde(rename = "问卷调查")]
    Questionnaire,
    /// 网络（媒体）调查: internet and media survey.
    #[serde(rename = "网络（媒体）调查")]
    NetworkSurvey,
}

impl Method {
    /// All methods in the order the source describes them in the tables.
    pub const ALL: [Method; 4] = [
        Method::MaterialReview,
        Method::OnSite,
        Method::Questionnaire,
        Method::NetworkSurvey,
    ];

    /// The method's name exactly as the source writes it.
    pub fn name(self) -> &'static str {
        match self {
            Method::MaterialReview => "材料审核",
            Method::OnSite => "实地考评",
            Method::Questionnaire => "问卷调查",
            Method::NetworkSurvey => "网络（媒体）调查",
        }
    }

    /// Parses a method name, accepting half-width parentheses and the short
    /// forms 网络调查 / 媒体调查 that people type.
    pub fn parse(input: &str) -> Option<Method> {
        let s: String = input
            .trim()
            .chars()
            .map(|c| match c {
                '(' => '（',
                ')' => '）',
                c => c,
            })
            .filter(|c| !c.is_whitespace())
            .collect();
        match s.as_str() {
            "材料审核" => Some(Method::MaterialReview),
            "实地考评" => Some(Method::OnSite),
            "问卷调查" => Some(Method::Questionnaire),
            "网络（媒体）调查" | "网络调查" | "媒体调查" | "网络媒体调查" => {
                Some(Method::NetworkSurvey)
            }
            _ => None,
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A method with the description given in Attachment 2's 说明.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MethodInfo {
    /// The method.
    pub name: Method,
    /// How the source says the method is carried out.
    pub description: String,
}

/// A numbered standard (考评标准) of an indicator.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Standard {
    /// The standard's number within its indicator, from 1.
    pub number: u32,
    /// The standard's full text as printed in the source.
    pub text: String,
    /// The methods that check this standard.
    pub methods: Vec<Method>,
}

impl Standard {
    /// Whether the standard is checked by 材料审核 (and so needs evidence).
    pub fn needs_material(&self) -> bool {
        self.methods.contains(&Method::MaterialReview)
    }
}

/// An indicator (考评指标), e.g. Ⅱ-1 党组织领导核心作用.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    /// Canonical code, e.g. `Ⅱ-1`.
    pub code: String,
    /// The indicator's name.
    pub name: String,
    /// The method column as printed in the source, for provenance.
    #[serde(skip_serializing)]
    pub methods_source: String,
    /// The numbered standards.
    pub standards: Vec<Standard>,
}

impl Indicator {
    /// The indicator's number (the `1` of `Ⅱ-1`).
    pub fn number(&self) -> u32 {
        code::number_of(&self.code)
    }

    /// The standard with this number, if any.
    pub fn standard(&self, number: u32) -> Option<&Standard> {
        self.standards.iter().find(|s| s.number == number)
    }

    /// Standards checked by 材料审核.
    pub fn material_standards(&self) -> impl Iterator<Item = &Standard> {
        self.standards.iter().filter(|s| s.needs_material())
    }

    /// Folder name used for this indicator's evidence, e.g.
    /// `Ⅱ-01 党组织领导核心作用` (zero-padded so folders sort in order).
    pub fn folder_name(&self) -> String {
        format!("Ⅱ-{:02} {}", self.number(), self.name)
    }
}

/// An item (考评项目), e.g. Ⅰ-1 城乡社区治理体系.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// Canonical code, e.g. `Ⅰ-1`.
    pub code: String,
    /// The item's name.
    pub name: String,
    /// The indicators under this item.
    pub indicators: Vec<Indicator>,
}

/// The whole evaluation system.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    /// The system's title.
    #[serde(skip_serializing)]
    pub title: String,
    /// The four methods with their descriptions.
    #[serde(skip_serializing)]
    pub methods: Vec<MethodInfo>,
    /// The items, in order.
    pub items: Vec<Item>,
}

/// What a look-up found.
#[derive(Debug, Clone, Copy)]
pub enum Entry<'a> {
    /// An item and all its indicators.
    Item(&'a Item),
    /// One indicator, with the item it belongs to.
    Indicator(&'a Item, &'a Indicator),
}

/// Errors from catalog look-ups.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    /// Nothing in the catalog matches the input.
    #[error(
        "找不到考评指标或项目“{input}”。{hint}有效的编号：{valid}（也可写作 II-1、2-1 或指标名称）"
    )]
    Unknown {
        /// What the user typed.
        input: String,
        /// "您是不是要找 …？" when a close match exists.
        hint: String,
        /// All valid codes, comma separated.
        valid: String,
    },
    /// An indicator exists but has no standard with that number.
    #[error("指标 {indicator} 没有标准 {number}；该指标共有 {count} 条标准（1—{count}）")]
    NoSuchStandard {
        /// Indicator code.
        indicator: String,
        /// Requested standard number.
        number: u32,
        /// How many standards the indicator has.
        count: usize,
    },
}

impl Catalog {
    /// The built-in catalog (parsed once per process).
    pub fn builtin() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        CATALOG.get_or_init(|| {
            // The embedded data is checked by the unit tests below; a parse
            // failure here is a build defect, not a user error.
            toml::from_str(CATALOG_TOML).expect("data/catalog.toml is valid (checked by tests)")
        })
    }

    /// Every indicator with its item, in order.
    pub fn indicators(&self) -> impl Iterator<Item = (&Item, &Indicator)> {
        self.items
            .iter()
            .flat_map(|it| it.indicators.iter().map(move |ind| (it, ind)))
    }

    /// Every standard with its item and indicator, in order.
    pub fn standards(&self) -> impl Iterator<Item = (&Item, &Indicator, &Standard)> {
        self.indicators()
            .flat_map(|(it, ind)| ind.standards.iter().map(move |s| (it, ind, s)))
    }

    /// The indicator with this canonical number (`Ⅱ-n`).
    pub fn indicator_by_number(&self, n: u32) -> Option<(&Item, &Indicator)> {
        self.indicators().find(|(_, ind)| ind.number() == n)
    }

    /// Looks up an item or indicator by any accepted form of its code or by
    /// its name (see [`code::parse`]).
    pub fn lookup(&self, input: &str) -> Result<Entry<'_>, CatalogError> {
        if let Some(r) = code::parse(input) {
            let found = match r.level {
                Level::Item => self
                    .items
                    .iter()
                    .find(|it| code::number_of(&it.code) == r.number)
                    .map(Entry::Item),
                Level::Indicator => self
                    .indicator_by_number(r.number)
                    .map(|(it, ind)| Entry::Indicator(it, ind)),
            };
            if let Some(e) = found {
                return Ok(e);
            }
        }
        let name = code::normalize_name(input);
        if let Some((it, ind)) = self
            .indicators()
            .find(|(_, ind)| code::normalize_name(&ind.name) == name)
        {
            return Ok(Entry::Indicator(it, ind));
        }
        if let Some(it) = self
            .items
            .iter()
            .find(|it| code::normalize_name(&it.name) == name)
        {
            return Ok(Entry::Item(it));
        }
        Err(self.unknown(input))
    }

    /// Looks up an indicator only (an item code is an error).
    pub fn indicator(&self, input: &str) -> Result<(&Item, &Indicator), CatalogError> {
        match self.lookup(input)? {
            Entry::Indicator(it, ind) => Ok((it, ind)),
            Entry::Item(_) => Err(self.unknown(input)),
        }
    }

    /// Looks up a standard of an indicator.
    pub fn standard(
        &self,
        indicator: &str,
        number: u32,
    ) -> Result<(&Item, &Indicator, &Standard), CatalogError> {
        let (it, ind) = self.indicator(indicator)?;
        let s = ind
            .standard(number)
            .ok_or_else(|| CatalogError::NoSuchStandard {
                indicator: ind.code.clone(),
                number,
                count: ind.standards.len(),
            })?;
        Ok((it, ind, s))
    }

    /// The indicator whose code or name is closest to `input`, for hints.
    pub fn nearest_indicator(&self, input: &str) -> Option<&Indicator> {
        let name = code::normalize_name(input);
        if name.is_empty() {
            return None;
        }
        let by_name = self
            .indicators()
            .map(|(_, ind)| {
                let score = strsim::normalized_levenshtein(&name, &code::normalize_name(&ind.name));
                (score, ind)
            })
            .filter(|(score, _)| *score >= 0.3)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, ind)| ind);
        by_name.or_else(|| self.nearest_by_number(input))
    }

    /// For a code-like input with a number no indicator has (`Ⅱ-18 不存在`),
    /// the indicator with the nearest number.
    fn nearest_by_number(&self, input: &str) -> Option<&Indicator> {
        let digits: String = input
            .split(['-', '—', '－', '–'])
            .nth(1)?
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        let n: u32 = digits.parse().ok()?;
        self.indicators()
            .filter_map(|(_, ind)| {
                let m: u32 = ind.code.rsplit('-').next()?.parse().ok()?;
                Some((m.abs_diff(n), ind))
            })
            .min_by_key(|(d, _)| *d)
            .map(|(_, ind)| ind)
    }

    fn unknown(&self, input: &str) -> CatalogError {
        let hint = match self.nearest_indicator(input) {
            Some(ind) => format!("您是不是要找“{} {}”？", ind.code, ind.name),
            None => String::new(),
        };
        let valid = self
            .items
            .iter()
            .map(|it| it.code.clone())
            .chain(self.indicators().map(|(_, ind)| ind.code.clone()))
            .collect::<Vec<_>>()
            .join("、");
        CatalogError::Unknown {
            input: input.to_string(),
            hint,
            valid,
        }
    }
}

#[cfg(test)]
mod tests;
