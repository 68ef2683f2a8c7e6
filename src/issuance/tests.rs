//! Unit tests of numbering and the register.

use super::*;

#[test]
fn sequences_keep_their_text_in_the_register() {
    for (q, s) in [
        (Sequence::Document("昆社治办".into()), "\"昆社治办\""),
        (
            Sequence::Certificate("昆社治试证".into()),
            "\"证书:昆社治试证\"",
        ),
        (Sequence::Given, "\"\""),
    ] {
        assert_eq!(serde_json::to_string(&q).unwrap(), s);
        assert_eq!(serde_json::from_str::<Sequence>(s).unwrap(), q);
    }
}

#[test]
fn document_kinds_keep_their_chinese_names_on_disk() {
    for (k, s) in [
        (DocKind::Report, "\"考评报告\""),
        (DocKind::Receipt, "\"材料提交回执\""),
        (DocKind::Other("通知".into()), "\"通知\""),
    ] {
        assert_eq!(serde_json::to_string(&k).unwrap(), s);
        assert_eq!(serde_json::from_str::<DocKind>(s).unwrap(), k);
    }
    assert_eq!(DocKind::named("命名证书"), DocKind::Certificate);
    assert_eq!(DocKind::named("函"), DocKind::Other("函".into()));
}

#[test]
fn numbers_follow_gbt9704() {
    assert_eq!(document_number("昆社治办", 2026, 7), "昆社治办〔2026〕7号");
    assert_eq!(
        certificate_number("昆社治试证", 2026, 12),
        "昆社治试证〔2026〕第012号"
    );
}

#[test]
fn banner_splits_the_common_suffix() {
    let a = Organ {
        key: "a".into(),
        name: "甲".into(),
        header: "中共昆明市委办公厅文件".into(),
        prefix: "昆办".into(),
        signing_key: None,
        certificate: None,
        passphrase_env: None,
        seal: None,
        sm2_key: None,
    };
    let b = Organ {
        header: "昆明市人民政府办公厅文件".into(),
        ..a.clone()
    };
    assert_eq!(
        banner(&[&a, &b]),
        (
            vec![
                "中共昆明市委办公厅".to_string(),
                "昆明市人民政府办公厅".to_string()
            ],
            "文件".to_string()
        )
    );
    let c = Organ {
        header: "昆明市民政局".into(),
        ..a.clone()
    };
    assert_eq!(banner(&[&a, &c]).1, "");
}
