//! Pins the transcription of Attachment 2 to expectations read from the
//! source document by hand, so that a slip in `data/catalog.toml` fails here.

use super::*;

const SOURCE: &str = include_str!("../../tests/data/source-document.txt");

use Method::{MaterialReview as M, NetworkSurvey as N, OnSite as S, Questionnaire as Q};

/// (indicator, item, methods of each standard in order), read off the source.
fn expected() -> Vec<(u32, u32, Vec<Vec<Method>>)> {
    vec![
        (1, 1, vec![vec![M], vec![S], vec![Q]]),
        (2, 1, vec![vec![M], vec![M]]),
        (3, 1, vec![vec![M], vec![S], vec![S], vec![M]]),
        (4, 1, vec![vec![S], vec![S], vec![S]]),
        (5, 2, vec![vec![S], vec![M], vec![M]]),
        (6, 2, vec![vec![S], vec![S]]),
        (7, 2, vec![vec![S], vec![S], vec![S]]),
        (8, 2, vec![vec![S, M], vec![S, M], vec![S, M], vec![S, M]]),
        (9, 2, vec![vec![S], vec![N], vec![N], vec![N], vec![N]]),
        (10, 3, vec![vec![S], vec![S], vec![S], vec![S]]),
        (11, 3, vec![vec![S], vec![S]]),
        (12, 3, vec![vec![M], vec![Q], vec![M]]),
        (13, 3, vec![vec![S], vec![S], vec![S]]),
        (14, 4, vec![vec![M], vec![M], vec![M], vec![Q]]),
        (15, 4, vec![vec![M], vec![M], vec![M]]),
        (16, 4, vec![vec![M], vec![M], vec![M]]),
        (17, 4, vec![vec![Q], vec![S], vec![Q]]),
    ]
}

#[test]
fn items_are_the_four_of_the_source() {
    let c = Catalog::builtin();
    let items: Vec<_> = c
        .items
        .iter()
        .map(|i| (i.code.as_str(), i.name.as_str()))
        .collect();
    assert_eq!(
        items,
        [
            ("Ⅰ-1", "城乡社区治理体系"),
            ("Ⅰ-2", "城乡社区治理水平"),
            ("Ⅰ-3", "城乡社区治理环境"),
            ("Ⅰ-4", "城乡社区治理保障"),
        ]
    );
}

#[test]
fn indicators_standards_and_methods_match_the_source() {
    let c = Catalog::builtin();
    let got: Vec<_> = c
        .indicators()
        .map(|(it, ind)| {
            (
                ind.number(),
                code::number_of(&it.code),
                ind.standards
                    .iter()
                    .map(|s| s.methods.clone())
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    assert_eq!(got, expected());
    assert_eq!(c.standards().count(), 54);
}

#[test]
fn every_indicator_appears_once_with_canonical_code() {
    let c = Catalog::builtin();
    let codes: Vec<_> = c.indicators().map(|(_, i)| i.code.clone()).collect();
    let want: Vec<_> = (1..=17).map(|n| format!("Ⅱ-{n}")).collect();
    assert_eq!(codes, want);
    for (_, ind) in c.indicators() {
        let numbers: Vec<_> = ind.standards.iter().map(|s| s.number).collect();
        let want: Vec<_> = (1..=ind.standards.len() as u32).collect();
        assert_eq!(numbers, want, "{}", ind.code);
    }
}

#[test]
fn names_and_texts_are_verbatim_from_the_source() {
    let c = Catalog::builtin();
    for (_, ind) in c.indicators() {
        let printed = format!("Ⅱ—{}{}", ind.number(), ind.name);
        assert!(
            SOURCE.contains(&printed),
            "indicator heading {printed} not in source"
        );
        for s in &ind.standards {
            let printed = format!("{}.{}", s.number, s.text);
            assert!(
                SOURCE.contains(&printed),
                "{} standard {} text is not verbatim: {printed}",
                ind.code,
                s.number
            );
            assert!(!s.text.trim().is_empty() && s.text.trim() == s.text);
        }
        // The method column as printed, minus layout white space.
        let squeezed: String = SOURCE.chars().filter(|c| !c.is_whitespace()).collect();
        let first = ind.methods_source.split('；').next().unwrap_or_default();
        assert!(squeezed.contains(first), "{}: {first}", ind.code);
    }
}

#[test]
fn a_few_exact_phrases() {
    let c = Catalog::builtin();
    let (_, _, s) = c.standard("Ⅱ-4", 1).unwrap();
    assert!(s.text.contains("城市社区平均拥有不少于10个社区社会组织"));
    assert!(s.text.contains("“村改居”社区平均拥有不少于5个社区社会组织"));
    let (_, _, s) = c.standard("Ⅱ-11", 1).unwrap();
    assert!(
        s.text
            .starts_with("按照每百户居民拥有综合服务设施面积不低于30平方米的标准")
    );
    let (_, _, s) = c.standard("Ⅱ-16", 1).unwrap();
    assert_eq!(s.text, "保持社工师获取证书人数以不低于3%的增速逐年递增；");
    let (_, _, s) = c.standard("Ⅱ-15", 3).unwrap();
    assert!(s.text.ends_with("并在项目开发上制定完善的优惠政策"));
    let (_, ind) = c.indicator("Ⅱ-14").unwrap();
    assert_eq!(ind.name, "社区领导机制和工作机制");
}

#[test]
fn method_descriptions_cover_the_four_methods() {
    let c = Catalog::builtin();
    let names: Vec<_> = c.methods.iter().map(|m| m.name).collect();
    assert_eq!(names, Method::ALL);
    for m in &c.methods {
        assert!(SOURCE.contains(&m.description), "{}", m.name);
    }
}

#[test]
fn lookup_accepts_codes_and_names() {
    let c = Catalog::builtin();
    for s in [
        "Ⅱ-1",
        "Ⅱ—1",
        "II-1",
        "2-1",
        "党组织领导核心作用",
        "Ⅱ—1党组织领导核心作用",
    ] {
        match c.lookup(s).unwrap() {
            Entry::Indicator(it, ind) => {
                assert_eq!(ind.code, "Ⅱ-1");
                assert_eq!(it.code, "Ⅰ-1");
            }
            Entry::Item(_) => panic!("{s} found an item"),
        }
    }
    assert!(matches!(c.lookup("I-2").unwrap(), Entry::Item(it) if it.name == "城乡社区治理水平"));
    assert!(matches!(c.lookup("城乡社区治理保障").unwrap(), Entry::Item(it) if it.code == "Ⅰ-4"));
}

#[test]
fn unknown_codes_list_the_valid_ones_and_the_nearest() {
    let c = Catalog::builtin();
    let err = c.lookup("Ⅱ-18").unwrap_err().to_string();
    assert!(
        err.contains("Ⅱ-18") && err.contains("Ⅱ-17") && err.contains("Ⅰ-1"),
        "{err}"
    );
    let err = c.lookup("党组织领导作用").unwrap_err().to_string();
    assert!(err.contains("Ⅱ-1 党组织领导核心作用"), "{err}");
    let err = c.standard("Ⅱ-2", 3).unwrap_err().to_string();
    assert!(err.contains("共有 2 条标准"), "{err}");
}

#[test]
fn folder_names_are_zero_padded() {
    let c = Catalog::builtin();
    let (_, ind) = c.indicator("Ⅱ-1").unwrap();
    assert_eq!(ind.folder_name(), "Ⅱ-01 党组织领导核心作用");
    let (_, ind) = c.indicator("Ⅱ-16").unwrap();
    assert_eq!(ind.folder_name(), "Ⅱ-16 加强社区工作者队伍建设");
}
