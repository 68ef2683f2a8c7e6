//! The dates of a phase's steps as the office types them — a month
//! (`2020-01`, `2020年1月`) or a day, alone or as a range (`2020-01..2020-09`,
//! `2020年1月—9月` is not accepted: both ends are written in full) — checked
//! for completeness and order, and shown as the source writes them
//! (`2018年10月—2019年9月`).

use chrono::{Datelike, NaiveDate};

use super::{PhaseDates, Span};
use crate::community::Batch;

/// The forms accepted, for messages.
pub const FORMS: &str = "2020-01（整月）、2020-12-20（某一天）或 2020-01..2020-09（起止）";

/// The dates of one phase as given; each step may be missing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Given {
    /// 试点创建.
    pub creation: Option<Span>,
    /// 评估验收.
    pub assessment: Option<Span>,
    /// 总结命名.
    pub naming: Option<Span>,
}

/// Why a phase's dates were refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// Some steps given, others not.
    #[error(
        "{}的日期不全，缺少{}；一个阶段的试点创建、评估验收、总结命名日期要一起写（或都不写，以后再定）",
        .phase.name(),
        .missing.join("、")
    )]
    Missing {
        /// The phase.
        phase: Batch,
        /// The steps missing.
        missing: Vec<&'static str>,
    },
    /// A step starts before the step before it ends.
    #[error(
        "{}的{later}（{}）开始得比{earlier}（{}）结束还早；请按 试点创建 → 评估验收 → 总结命名 的顺序写日期",
        .phase.name(),
        show(.later_span),
        show(.earlier_span)
    )]
    Order {
        /// The phase.
        phase: Batch,
        /// The earlier step.
        earlier: &'static str,
        /// Its dates.
        earlier_span: Span,
        /// The later step.
        later: &'static str,
        /// Its dates.
        later_span: Span,
    },
    /// A later phase starts before the phase before it.
    #[error(
        "{}的试点创建从 {start} 开始，早于{before}；请改正日期",
        .phase.name()
    )]
    TooEarly {
        /// The phase.
        phase: Batch,
        /// Its 试点创建's first day.
        start: NaiveDate,
        /// What it may not precede, in words.
        before: String,
    },
}

fn month_of(s: &str) -> Option<(i32, u32)> {
    let t = s.trim().trim_end_matches('月');
    let t = t.replace(['年', '/', '.'], "-");
    let (y, m) = t.split_once('-')?;
    let (y, m) = (y.trim().parse::<i32>().ok()?, m.trim().parse::<u32>().ok()?);
    ((1900..=9999).contains(&y) && (1..=12).contains(&m)).then_some((y, m))
}

fn last_day(y: i32, m: u32) -> Option<NaiveDate> {
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    NaiveDate::from_ymd_opt(ny, nm, 1)?.pred_opt()
}

/// One end as typed: a day is that day, a month runs its whole length.
fn point(s: &str) -> Option<Span> {
    if let Some(d) = crate::dates::parse(s) {
        return Some(Span { start: d, end: d });
    }
    let (y, m) = month_of(s)?;
    Some(Span {
        start: NaiveDate::from_ymd_opt(y, m, 1)?,
        end: last_day(y, m)?,
    })
}

/// Parses a period: one month or day, or two joined by `..`, `—`, `~` or
/// `至` (the first's start to the second's end). `None` when it is not one
/// or it runs backwards.
pub fn parse(s: &str) -> Option<Span> {
    let s = s.trim();
    for sep in ["..", "——", "—", "～", "~", "至"] {
        if let Some((a, b)) = s.split_once(sep) {
            let (a, b) = (point(a)?, point(b)?);
            return (a.start <= b.end).then_some(Span {
                start: a.start,
                end: b.end,
            });
        }
    }
    point(s)
}

fn whole_months(s: &Span) -> bool {
    s.start.day() == 1 && s.end.succ_opt().is_some_and(|d| d.day() == 1)
}

fn cn_day(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// A period as the source writes it: `2019年12月`, `2019年10月—11月`,
/// `2018年10月—2019年9月`, or with days where it is not whole months.
pub fn show(s: &Span) -> String {
    let (a, b) = (s.start, s.end);
    if whole_months(s) {
        let same_month = (a.year(), a.month()) == (b.year(), b.month());
        return match (same_month, a.year() == b.year()) {
            (true, _) => format!("{}年{}月", a.year(), a.month()),
            (false, true) => format!("{}年{}月—{}月", a.year(), a.month(), b.month()),
            (false, false) => format!(
                "{}年{}月—{}年{}月",
                a.year(),
                a.month(),
                b.year(),
                b.month()
            ),
        };
    }
    if a == b {
        return cn_day(a);
    }
    format!("{}—{}", cn_day(a), cn_day(b))
}

/// Checks `given` for phase `phase`: all three steps or none, in order,
/// starting after the phase before (`previous`, or 第一阶段's 试点创建
/// for 第二阶段).
pub fn phase(
    phase: Batch,
    given: &Given,
    previous: Option<&PhaseDates>,
) -> Result<Option<PhaseDates>, DateError> {
    let steps = [
        ("试点创建", given.creation),
        ("评估验收", given.assessment),
        ("总结命名", given.naming),
    ];
    let missing: Vec<&'static str> = steps
        .iter()
        .filter(|(_, s)| s.is_none())
        .map(|(n, _)| *n)
        .collect();
    let (Some(creation), Some(assessment), Some(naming)) =
        (given.creation, given.assessment, given.naming)
    else {
        if missing.len() == steps.len() {
            return Ok(None);
        }
        return Err(DateError::Missing { phase, missing });
    };
    for ((earlier, e), (later, l)) in [
        (("试点创建", creation), ("评估验收", assessment)),
        (("评估验收", assessment), ("总结命名", naming)),
    ] {
        if l.start < e.end {
            return Err(DateError::Order {
                phase,
                earlier,
                earlier_span: e,
                later,
                later_span: l,
            });
        }
    }
    let before = match previous {
        Some(p) => Some((p.creation.start, "上一阶段试点创建的开始".to_string())),
        None => super::timeline::first_creation()
            .map(|s| (s.end, format!("第一阶段试点创建的结束（{}）", show(&s)))),
    };
    if let Some((bound, words)) = before
        && creation.start < bound
    {
        return Err(DateError::TooEarly {
            phase,
            start: creation.start,
            before: words,
        });
    }
    Ok(Some(PhaseDates {
        creation,
        assessment,
        naming,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn months_days_and_ranges_read_and_show_as_the_source_writes_them() {
        let s = parse("2018-10..2019-09").unwrap();
        assert_eq!((s.start, s.end), (d(2018, 10, 1), d(2019, 9, 30)));
        assert_eq!(show(&s), "2018年10月—2019年9月");
        assert_eq!(
            show(&parse("2019年10月—2019年11月").unwrap()),
            "2019年10月—11月"
        );
        assert_eq!(show(&parse("2019-12").unwrap()), "2019年12月");
        let day = parse("2020-12-20").unwrap();
        assert_eq!((day.start, day.end), (d(2020, 12, 20), d(2020, 12, 20)));
        assert_eq!(parse("2020-02").unwrap().end, d(2020, 2, 29));
        for bad in ["2020-13", "明年", "2020-09..2020-01", ""] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_phase_needs_all_three_steps_in_order() {
        let g = |c: &str, a: &str, n: &str| Given {
            creation: parse(c),
            assessment: parse(a),
            naming: parse(n),
        };
        let ok = g("2020-01..2020-09", "2020-10..2020-11", "2020-12");
        assert!(phase(Batch::Second, &ok, None).unwrap().is_some());
        assert_eq!(phase(Batch::Second, &Given::default(), None), Ok(None));
        let half = Given { naming: None, ..ok };
        let e = phase(Batch::Second, &half, None).unwrap_err();
        assert!(e.to_string().contains("缺少总结命名"), "{e}");
        let wrong = g("2020-01..2020-09", "2020-08..2020-11", "2020-12");
        assert!(matches!(
            phase(Batch::Second, &wrong, None),
            Err(DateError::Order { .. })
        ));
        let early = g("2019-01..2019-09", "2019-10..2019-11", "2019-12");
        let e = phase(Batch::Second, &early, None).unwrap_err();
        assert!(e.to_string().contains("第一阶段试点创建"), "{e}");
    }
}
