//! Dates as office staff type them. One parser for every date kaoping
//! reads — command-line options, data files, sheets and forms — so the same
//! forms are accepted everywhere: `2026-11-20`, `2026/11/20`,
//! `2026.11.20` and `2026年11月20日` (month and day with or without a
//! leading zero). Today is the day in Beijing time, and no date people
//! record may lie after it.

use chrono::NaiveDate;

/// The forms accepted, for messages.
pub const FORMS: &str = "2026-11-20、2026/11/20、2026.11.20 或 2026年11月20日";

/// The environment variable that fixes today's date (in one of the
/// accepted forms) for tests and rehearsals: what is overdue is computed
/// against it.
pub const TODAY_VAR: &str = "KAOPING_TODAY";

/// Today: the demo story's day while the demo runs, else the date
/// `KAOPING_TODAY` names, else today in Beijing time
/// ([`crate::clock::today`]), whatever the machine's time zone.
pub fn today() -> NaiveDate {
    crate::clock::story_day()
        .or_else(|| std::env::var(TODAY_VAR).ok().and_then(|s| parse(&s)))
        .unwrap_or_else(crate::clock::today)
}

/// Whether `d` lies after today. Nothing people date — an assessment, a
/// field record, a document — may: it has not happened yet.
pub fn is_future(d: NaiveDate) -> bool {
    d > today()
}

/// Parses a date in one of the accepted forms.
pub fn parse(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(s, f).ok())
        // A year of four digits only: chrono takes `26-11-20` as year 26.
        .filter(|d| (1900..=9999).contains(&chrono::Datelike::year(d)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_people_type_gives_the_same_date() {
        let want = NaiveDate::from_ymd_opt(2026, 11, 20);
        for s in [
            "2026-11-20",
            "2026/11/20",
            "2026.11.20",
            "2026年11月20日",
            " 2026-11-20 ",
        ] {
            assert_eq!(parse(s), want, "{s}");
        }
        assert_eq!(parse("2026年3月5日"), NaiveDate::from_ymd_opt(2026, 3, 5));
        assert_eq!(parse("2026-3-5"), NaiveDate::from_ymd_opt(2026, 3, 5));
        for bad in ["20261120", "2026-13-01", "26-11-20", "第1天", ""] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }
}
