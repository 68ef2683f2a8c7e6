//! "Too old" judged against the visit: a photo's 拍摄时间过早 flag is
//! re-evaluated when the visit is finished, against the visit's date, and
//! every reader (the list, the report) sees the new flags.

use super::cli::{photo_args, setup};
use super::util::{AT, events, photo};

fn listed(t: &crate::util::TestArchive, file: &str) -> String {
    t.ok(&["field", "list", "--community", "WH-001"])
        .lines()
        .find(|l| l.starts_with("照片") && l.contains(file))
        .unwrap_or_else(|| panic!("{file} is not listed"))
        .to_string()
}

#[test]
fn finishing_a_visit_judges_the_photos_against_the_visit_date() {
    let t = setup();
    let d = t.dir.path();
    photo(d, "ten.jpg", Some((10, Some(AT))), 11);
    photo(d, "twenty.jpg", Some((20, Some(AT))), 12);
    photo(d, "today.jpg", Some((0, Some(AT))), 13);
    for f in ["ten.jpg", "twenty.jpg", "today.jpg"] {
        t.ok(&photo_args("wuhua", "P1", "Ⅱ-6/1", f));
    }
    // Before the visit: judged against the receive time.
    assert!(listed(&t, "ten.jpg").contains("早于考评 7 天以上（按收到时间"));
    assert!(listed(&t, "twenty.jpg").contains("早于考评 7 天以上（按收到时间"));
    assert!(!listed(&t, "today.jpg").contains("早于考评"));
    // The visit was on a day five days ago: the ten-day-old photo was
    // taken five days before it, the twenty-day-old one fifteen.
    let day = (chrono::Local::now().date_naive() - chrono::Days::new(5)).to_string();
    t.ok(&[
        "field",
        "record",
        "--community",
        "WH-001",
        "--as",
        "wuhua",
        "--point",
        "P1",
        "--verdict",
        "Ⅱ-6/1=达标",
        "--date",
        &day,
    ]);
    let ten = listed(&t, "ten.jpg");
    assert!(!ten.contains("早于考评"), "no longer too old: {ten}");
    let twenty = listed(&t, "twenty.jpg");
    assert!(
        twenty.contains(&format!("早于考评 7 天以上（按考评时间 {day} 计）")),
        "{twenty}"
    );
    assert!(!listed(&t, "today.jpg").contains("早于考评"));
    // Two photos changed, one event each; the photo records stay as they were.
    let re = events(&t.archive(), "field-photo-flags");
    assert_eq!(re.len(), 2, "{re:?}");
    assert_eq!(events(&t.archive(), "field-photo").len(), 3);
    assert!(
        events(&t.archive(), "field-photo")
            .iter()
            .filter(|e| e["data"]["file"]["name"] != "today.jpg")
            .all(|e| e["data"]["flags"][0]["detail"]
                .as_str()
                .unwrap()
                .contains("按收到时间"))
    );
    // Finishing the same visit again changes nothing more.
    t.ok(&[
        "field",
        "record",
        "--community",
        "WH-001",
        "--as",
        "wuhua",
        "--point",
        "P1",
        "--verdict",
        "Ⅱ-6/1=达标",
        "--date",
        &day,
    ]);
    assert_eq!(events(&t.archive(), "field-photo-flags").len(), 2);
    let verify = t.ok(&["verify"]);
    assert!(!verify.contains("损坏"), "{verify}");
}
