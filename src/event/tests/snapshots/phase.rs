//! The office's later-phase tasks, pinned.

use chrono::NaiveDate;

use super::pinned;
use crate::event::Event;
use crate::event::phase::{DistrictTasks, PhaseDates, PhaseTasks, Span};

fn span(a: (i32, u32, u32), b: (i32, u32, u32)) -> Span {
    Span {
        start: NaiveDate::from_ymd_opt(a.0, a.1, a.2).unwrap(),
        end: NaiveDate::from_ymd_opt(b.0, b.1, b.2).unwrap(),
    }
}

#[test]
fn phase_kinds() {
    pinned(
        Event::Phases(PhaseTasks {
            districts: vec![DistrictTasks {
                district: "五华区".into(),
                second: 3,
                third: 5,
            }],
            second: Some(PhaseDates {
                creation: span((2020, 1, 1), (2020, 6, 30)),
                assessment: span((2020, 7, 1), (2020, 8, 31)),
                naming: span((2020, 9, 1), (2020, 9, 30)),
            }),
            third: None,
            reason: Some("两个社区合并".into()),
            file: "任务.csv".into(),
        }),
        r#"{"kind":"phase-tasks","data":{"districts":[{"district":"五华区","second":3,"third":5}],"second":{"creation":{"start":"2020-01-01","end":"2020-06-30"},"assessment":{"start":"2020-07-01","end":"2020-08-31"},"naming":{"start":"2020-09-01","end":"2020-09-30"}},"third":null,"reason":"两个社区合并","file":"任务.csv"}}"#,
    );
}
