//! Header matching and cell conversion.

use super::*;

const COLS: &[Column] = &[
    Column {
        name: "编号",
        aliases: &["id"],
        required: true,
        kind: Kind::Code,
    },
    Column {
        name: "结论",
        aliases: &[],
        required: true,
        kind: Kind::Text,
    },
    Column {
        name: "日期",
        aliases: &[],
        required: false,
        kind: Kind::Date,
    },
];
static SCHEMA: Schema = Schema { columns: COLS };

#[test]
fn headers_match_as_people_write_them() {
    for h in [
        "结论",
        " 结论 ",
        "结论（必填）",
        "结论(必填)",
        "*结论",
        "结　论",
        "结论（达标/基本达标）",
    ] {
        assert!(matches(h, &COLS[1]), "{h}");
    }
    assert!(matches("ID", &COLS[0]));
    assert!(matches("ｉｄ", &COLS[0]), "full-width letters");
    assert!(!matches("结论说明", &COLS[1]));
    assert!(!matches("（必填）", &COLS[1]));
}

#[test]
fn the_header_is_found_below_title_rows() {
    let text = "2019年第一批试点社区名单,,\n,,\n备注,结论（必填）,编号\nx,达标,A1\n,,\n";
    let t = read(Path::new("a.csv"), text.as_bytes(), &SCHEMA).unwrap();
    assert_eq!(t.rows.len(), 1);
    assert_eq!(t.rows[0].text("编号"), "A1");
    assert_eq!(t.rows[0].place, Place::Line { line: 4 });
    assert_eq!(t.ignored, ["备注"]);
    let err = read(Path::new("a.csv"), "编号,x\nA1,y\n".as_bytes(), &SCHEMA).unwrap_err();
    assert!(err.to_string().contains("缺少列：结论"), "{err}");
}

#[test]
fn excel_serial_dates_follow_the_1900_system() {
    assert_eq!(from_serial(1.0), NaiveDate::from_ymd_opt(1900, 1, 1));
    assert_eq!(from_serial(59.0), NaiveDate::from_ymd_opt(1900, 2, 28));
    assert_eq!(from_serial(61.0), NaiveDate::from_ymd_opt(1900, 3, 1));
    assert_eq!(from_serial(43789.0), NaiveDate::from_ymd_opt(2019, 11, 20));
    assert_eq!(from_serial(0.0), None);
}

#[test]
fn changed_ids_are_refused_and_values_become_text() {
    let code = &COLS[0];
    assert!(cell_text(&Value::Number(1.0), code).is_err());
    assert!(cell_text(&Value::Text("1.23457E+11".into()), code).is_err());
    assert!(
        cell_text(
            &Value::Date(NaiveDate::from_ymd_opt(2026, 2, 4).unwrap()),
            code
        )
        .is_err()
    );
    assert_eq!(
        cell_text(&Value::Text("WH-001".into()), code).unwrap(),
        "WH-001"
    );
    assert_eq!(cell_text(&Value::Text("E5".into()), code).unwrap(), "E5");
    assert_eq!(cell_text(&Value::Number(3.0), &COLS[1]).unwrap(), "3");
    assert_eq!(cell_text(&Value::Number(3.5), &COLS[1]).unwrap(), "3.5");
    assert_eq!(
        cell_text(&Value::Number(43789.0), &COLS[2]).unwrap(),
        "2019-11-20"
    );
    assert!(
        cell_text(&Value::Uncomputed, &COLS[1])
            .unwrap_err()
            .contains("公式")
    );
}
