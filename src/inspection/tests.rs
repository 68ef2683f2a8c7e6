use super::*;

#[test]
fn findings_are_read_in_every_form_people_type() {
    let f = parse_finding("WH-001:Ⅱ-2-1:活动室被挪作他用", true).unwrap();
    assert_eq!(f.community, "WH-001");
    assert_eq!(f.indicator.as_deref(), Some("Ⅱ-2"));
    assert_eq!(f.standard, Some(1));
    assert!(f.problem);
    assert_eq!(f.text, "活动室被挪作他用");
    let f = parse_finding("WH-001：Ⅱ-2 标准3：台账不全：缺三月", false).unwrap();
    assert_eq!((f.indicator.as_deref(), f.standard), (Some("Ⅱ-2"), Some(3)));
    assert_eq!(f.text, "台账不全：缺三月");
    let f = parse_finding("WH-001:Ⅱ-4:居民议事会运转良好", false).unwrap();
    assert_eq!((f.indicator.as_deref(), f.standard), (Some("Ⅱ-4"), None));
    let f = parse_finding("WH-001::整体推进较慢", true).unwrap();
    assert_eq!((f.indicator, f.standard), (None, None));
    for bad in [
        "WH-001",
        "WH-001:Ⅱ-2-1",
        ":Ⅱ-2-1:x",
        "WH-001:Ⅱ-2-x:y",
        "WH-001:Ⅱ-2-1: ",
    ] {
        assert!(
            matches!(parse_finding(bad, true), Err(InspectionError::Form { .. })),
            "{bad}"
        );
    }
}

#[test]
fn ids_count_per_kind_prefix() {
    assert_eq!(next_id(&[], InspectionKind::Special), "DC001");
    assert_eq!(next_id(&[], InspectionKind::Regular), "DY001");
}
