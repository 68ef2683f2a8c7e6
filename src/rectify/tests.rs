use super::*;
use crate::archive::log::Record;
use crate::assessment::Verdict;

fn record(event: Event) -> Record {
    Record {
        seq: 1,
        prev: String::new(),
        time: String::new(),
        account: None,
        event,
    }
}

fn opened(id: &str, deadline: NaiveDate) -> Event {
    Event::RectifyOpen(Opened {
        id: id.into(),
        community: "WH-001".into(),
        notice: "昆社治办〔2026〕3号".into(),
        deadline,
        problem: Problem {
            indicator: Some("1.1".into()),
            standard: Some(1),
            method: Some(Method::OnSite),
            verdict: Some(Verdict::Partial),
            level: Some(Level::Final),
            remark: "台账不全".into(),
        },
        source: Source::Assessment,
    })
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
}

#[test]
fn items_follow_answers_checks_and_new_deadlines() {
    let answer = |v| {
        Event::RectifyAnswer(Answer {
            id: "ZG001".into(),
            community: "WH-001".into(),
            version: v,
            text: "补齐台账".into(),
            files: vec![],
            objects: vec![],
        })
    };
    let check = |outcome| {
        Event::RectifyCheck(Check {
            id: "ZG001".into(),
            community: "WH-001".into(),
            outcome,
            remark: "x".into(),
            by: Reviewer::District,
            assessment: None,
        })
    };
    let mut log = vec![
        record(opened("ZG001", day(10))),
        record(opened("ZG002", day(10))),
    ];
    assert_eq!(next_serial(&log), 3);
    log.push(record(answer(1)));
    assert_eq!(fold(&log)["ZG001"].status, Status::Answered);
    log.push(record(check(Outcome::Returned)));
    assert_eq!(fold(&log)["ZG001"].status, Status::Returned);
    log.push(record(answer(2)));
    log.push(record(check(Outcome::Closed)));
    let items = fold(&log);
    assert_eq!(items["ZG001"].status, Status::Closed);
    assert_eq!(items["ZG001"].answers.len(), 2);
    // Past the deadline: the open one is overdue, the closed one is not.
    assert_eq!(items["ZG002"].status_on(day(11)), Status::Overdue);
    assert_eq!(items["ZG002"].status_on(day(10)), Status::Open);
    assert_eq!(items["ZG001"].status_on(day(20)), Status::Closed);
    let c = Counts::of(items.values(), day(11));
    assert_eq!((c.open, c.closed, c.overdue), (1, 1, 1));
    log.push(record(Event::RectifyExtend(Extended {
        notice: "昆社治办〔2026〕9号".into(),
        items: vec!["ZG002".into()],
        deadline: day(30),
    })));
    let items = fold(&log);
    assert_eq!(items["ZG002"].status_on(day(11)), Status::Open);
    assert_eq!(items["ZG002"].supervised, vec!["昆社治办〔2026〕9号"]);
}

#[test]
fn states_keep_their_chinese_names_on_disk() {
    for (s, t) in [
        (Status::Open, "\"待整改\""),
        (Status::Answered, "\"已答复\""),
        (Status::Closed, "\"已销号\""),
        (Status::Returned, "\"已退回\""),
        (Status::Overdue, "\"逾期\""),
    ] {
        assert_eq!(serde_json::to_string(&s).unwrap(), t);
    }
    assert_eq!(
        serde_json::to_string(&Outcome::Closed).unwrap(),
        "\"已整改（销号）\""
    );
}

#[test]
fn item_events_keep_their_on_disk_names() {
    let line = serde_json::to_value(opened("ZG001", day(10))).unwrap();
    assert_eq!(line["kind"], "rectify-open");
    let data = &line["data"];
    assert_eq!(data["notice"], "昆社治办〔2026〕3号");
    assert_eq!(data["deadline"], "2026-12-10");
    // The problem's fields sit beside the item's, not nested.
    assert_eq!(data["method"], "实地考评");
    assert_eq!(data["verdict"], "基本达标");
    assert_eq!(data["level"], "最终");
    let back: Event = serde_json::from_value(line).unwrap();
    assert_eq!(back, opened("ZG001", day(10)));
    let check = Event::RectifyCheck(Check {
        id: "ZG001".into(),
        community: "WH-001".into(),
        outcome: Outcome::Returned,
        remark: "照片不清楚".into(),
        by: Reviewer::Office,
        assessment: None,
    });
    let v = serde_json::to_value(&check).unwrap();
    assert_eq!(v["kind"], "rectify-check");
    assert_eq!(v["data"]["outcome"], "退回");
    assert_eq!(v["data"]["by"], "考评办");
    assert!(v["data"].get("assessment").is_none());
}
