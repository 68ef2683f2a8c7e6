//! The one clock: the current time (kept in UTC by the log) and the
//! current day in Beijing time (UTC+8), which is the day every date people
//! write or read is measured against — "not after today" means not after
//! today in Kunming, whatever the server's own time zone is.
//!
//! The demo runs the clock at its own story's time ([`Story`]), so that
//! everything it records, from log times to photo receipts, is dated in the
//! same days as the documents it issues.

use std::sync::RwLock;

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Beijing time: UTC+8 all year (China keeps no summer time).
pub const BEIJING: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(o) => o,
    None => panic!("UTC+8 is a valid offset"),
};

/// The time the demo's story is at, when it runs.
static STORY: RwLock<Option<DateTime<Utc>>> = RwLock::new(None);

/// The current time: the demo story's time while it runs, else the
/// system's.
pub fn now() -> DateTime<Utc> {
    STORY.read().ok().and_then(|s| *s).unwrap_or_else(Utc::now)
}

/// Today in Beijing time.
pub fn today() -> NaiveDate {
    now().with_timezone(&BEIJING).date_naive()
}

/// The day the demo's story is at, while it runs.
pub fn story_day() -> Option<NaiveDate> {
    STORY
        .read()
        .ok()
        .and_then(|s| *s)
        .map(|t| t.with_timezone(&BEIJING).date_naive())
}

/// The time `at` as people read it: Beijing time with its label, e.g.
/// `2026-12-01 15:33:55（北京时间）`; text that is not an RFC 3339 time
/// is returned as it is. For times shown without the office's
/// configuration at hand (error messages, the lock note).
pub fn show(rfc3339: &str) -> String {
    TimeSettings::default().show_labelled(rfc3339)
}

/// `[time]`: the time zone every time a person reads is shown in; the log
/// keeps UTC.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeSettings {
    /// `Asia/Shanghai` (the default, 北京时间), `UTC`, or an offset such as
    /// `+08:00`.
    pub zone: String,
}

impl Default for TimeSettings {
    fn default() -> TimeSettings {
        TimeSettings {
            zone: "Asia/Shanghai".into(),
        }
    }
}

impl TimeSettings {
    /// The zone's offset from UTC. China keeps one offset all year (no
    /// summer time), so the zones of China are a fixed +08:00 and no time
    /// zone database is needed.
    pub fn offset(&self) -> Option<chrono::FixedOffset> {
        let z = self.zone.trim();
        let china = [
            "Asia/Shanghai",
            "Asia/Chongqing",
            "Asia/Chungking",
            "Asia/Harbin",
            "PRC",
            "Asia/Hong_Kong",
            "Asia/Macau",
            "Asia/Taipei",
            "北京时间",
        ];
        if china.iter().any(|c| c.eq_ignore_ascii_case(z)) {
            return chrono::FixedOffset::east_opt(8 * 3600);
        }
        if z.eq_ignore_ascii_case("UTC") || z == "Z" {
            return chrono::FixedOffset::east_opt(0);
        }
        let (sign, rest) = match z.strip_prefix('+') {
            Some(r) => (1, r),
            None => (-1, z.strip_prefix('-')?),
        };
        let (h, m) = rest.split_once(':').unwrap_or((rest, "0"));
        let secs = h.parse::<i32>().ok()? * 3600 + m.parse::<i32>().ok()? * 60;
        chrono::FixedOffset::east_opt(sign * secs)
    }

    /// An RFC 3339 time from the log, as people read it: `2026-12-01
    /// 15:33:55` in this zone. Text that is not such a time is returned as
    /// it is.
    pub fn show(&self, rfc3339: &str) -> String {
        match (chrono::DateTime::parse_from_rfc3339(rfc3339), self.offset()) {
            (Ok(t), Some(off)) => t
                .with_timezone(&off)
                .format("%Y-%m-%d %H:%M:%S")
                .to_string(),
            _ => rfc3339.to_string(),
        }
    }

    /// The zone's name as a label people read once beside the times (a
    /// column heading, or after a time in a sentence): 北京时间 for the
    /// zones of China, else `UTC` or `UTC+05:30`.
    pub fn label(&self) -> String {
        match self.offset().map(|o| o.local_minus_utc()) {
            Some(28800) => "北京时间".into(),
            Some(0) | None => "UTC".into(),
            Some(s) => {
                let sign = if s < 0 { '-' } else { '+' };
                let s = s.abs();
                format!("UTC{sign}{:02}:{:02}", s / 3600, s % 3600 / 60)
            }
        }
    }

    /// [`TimeSettings::show`] with the label after it, for a time standing
    /// alone in a sentence: `2026-12-01 15:33:55（北京时间）`.
    pub fn show_labelled(&self, rfc3339: &str) -> String {
        let shown = self.show(rfc3339);
        if shown == rfc3339 {
            shown
        } else {
            format!("{shown}（{}）", self.label())
        }
    }
}

/// The demo's clock: while a `Story` lives, [`now`] is the time it was
/// last set to; dropping it gives the system clock back.
#[derive(Debug)]
pub struct Story(());

impl Story {
    /// Starts the story at `at`.
    pub fn begin(at: DateTime<Utc>) -> Story {
        set(Some(at));
        Story(())
    }

    /// Moves the story to `at` (Beijing time on the given day and hour).
    pub fn at(&self, day: NaiveDate, hour: u32) {
        let t = day
            .and_hms_opt(hour, 0, 0)
            .and_then(|t| t.and_local_timezone(BEIJING).single())
            .map(|t| t.with_timezone(&Utc));
        if t.is_some() {
            set(t);
        }
    }
}

impl Drop for Story {
    fn drop(&mut self) {
        set(None);
    }
}

fn set(at: Option<DateTime<Utc>>) {
    if let Ok(mut s) = STORY.write() {
        *s = at;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beijing_day_turns_at_utc_sixteen() {
        let t = DateTime::parse_from_rfc3339("2026-12-04T16:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            t.with_timezone(&BEIJING).date_naive(),
            NaiveDate::from_ymd_opt(2026, 12, 5).unwrap()
        );
        assert_eq!(
            show("2026-12-04T16:30:00Z"),
            "2026-12-05 00:30:00（北京时间）"
        );
        assert_eq!(show("不是时间"), "不是时间");
    }
}
