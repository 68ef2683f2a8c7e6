//! One constructed event per kind, written and compared with the line
//! the log holds for it: a field renamed, reordered or dropped shows
//! up here.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::catalog::Method;
use crate::event::accounts::{AccountAction, AccountChange, Role};
use crate::event::application::{ApplicationRecord, Decision, DecisionRecord, Proposal};
use crate::event::archive::{Collected, Download, ObjectRef, Quarantined, SubmissionRecord};
use crate::event::assessment::{AssessmentRecord, Level, Override, Returned, Verdict};
use crate::event::community::{Batch, CommunityKind};
use crate::event::field::{
    CaptureFormat, ClientRef, Flag, FlagKind, GridRecord, ImageFormat, MediaRecord, PhotoFacts,
    PhotoRecord, Platform, Point, PointKind, Reflag, ScanRecord, StdKey, StoredFile, Summary,
    VisitRecord, VisitRow,
};
use crate::event::issuance::{DocKind, DocumentCheck, IssuedRecord, Origin, Sequence, TemplateUse};
use crate::event::rectify::{Answer, Check, Extended, Opened, Outcome, Problem, Reviewer, Source};
use crate::event::survey::{
    AnswerRecord, Channel, Closed, ClosedBy, CopiesIssued, Entry, IssuedCopy, OpenAnswer, OpenLink,
    QuestionnaireSet,
};
use crate::event::{Event, Record};

fn pinned(event: Event, want: &str) {
    let got = serde_json::to_string(&event).unwrap();
    assert_eq!(got, want);
    let back: Event = serde_json::from_str(want).unwrap();
    assert_eq!(back, event);
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
}

fn obj() -> ObjectRef {
    ObjectRef {
        sha256: "ab".into(),
        size: 2,
        sm3: None,
    }
}

fn file() -> StoredFile {
    StoredFile {
        name: "a.jpg".into(),
        object: obj(),
    }
}

fn key() -> StdKey {
    StdKey {
        indicator: "Ⅱ-3".into(),
        standard: 1,
    }
}

fn answer() -> AnswerRecord {
    AnswerRecord {
        number: "WH-001-0001".into(),
        community: "WH-001".into(),
        channel: Channel::Paper,
        answers: BTreeMap::from([("Q1".to_string(), "满意".to_string())]),
        open: String::new(),
        seconds: None,
        invalid: None,
    }
}

#[test]
fn a_whole_line_keeps_its_field_order() {
    let rec = Record {
        seq: 2,
        prev: "00".into(),
        time: "2026-12-01T08:00:00Z".into(),
        account: Some("kb".into()),
        event: Event::SignOut {},
    };
    assert_eq!(
        serde_json::to_string(&rec).unwrap(),
        r#"{"seq":2,"prev":"00","time":"2026-12-01T08:00:00Z","account":"kb","kind":"signout","data":{}}"#
    );
}

#[test]
fn archive_kinds() {
    pinned(
        Event::Submission(SubmissionRecord {
            community: "WH-001".into(),
            version: 1,
            root_hash: "ff".into(),
            file_count: 2,
            total_bytes: 10,
            submitter: Some("张三".into()),
            source: "m".into(),
        }),
        r#"{"kind":"submission","data":{"community":"WH-001","version":1,"root_hash":"ff","file_count":2,"total_bytes":10,"submitter":"张三","source":"m"}}"#,
    );
    pinned(
        Event::Download(Download {
            community: "WH-001".into(),
            version: 1,
            what: "BagIt".into(),
        }),
        r#"{"kind":"download","data":{"community":"WH-001","version":1,"what":"BagIt"}}"#,
    );
    pinned(
        Event::Quarantine(Quarantined {
            sha256: "ab".into(),
            moved_to: "quarantine/ab".into(),
            reason: "哈希不符".into(),
        }),
        r#"{"kind":"quarantine","data":{"sha256":"ab","moved_to":"quarantine/ab","reason":"哈希不符"}}"#,
    );
    pinned(
        Event::Gc(Collected {
            older_than_s: 604800,
            stored: 10,
            marked: 3,
            marked_bytes: 300,
            waiting: 1,
            rescued: 1,
            removed: 2,
            removed_bytes: 20,
        }),
        r#"{"kind":"gc","data":{"older_than_s":604800,"stored":10,"marked":3,"marked_bytes":300,"waiting":1,"rescued":1,"removed":2,"removed_bytes":20}}"#,
    );
}

#[test]
fn account_kinds() {
    pinned(
        Event::Account(AccountChange {
            street: None,
            action: AccountAction::Add,
            name: "wuhua".into(),
            role: Some(Role::District),
            community: None,
            district: Some("五华区".into()),
            communities: vec![],
        }),
        r#"{"kind":"account","data":{"action":"add","name":"wuhua","role":"district","district":"五华区"}}"#,
    );
    pinned(
        Event::Account(AccountChange {
            street: None,
            action: AccountAction::Assign,
            name: "zhang".into(),
            role: None,
            community: None,
            district: None,
            communities: vec!["WH-001".into()],
        }),
        r#"{"kind":"account","data":{"action":"assign","name":"zhang","communities":["WH-001"]}}"#,
    );
    pinned(
        Event::SignIn { role: Role::Expert },
        r#"{"kind":"signin","data":{"role":"expert"}}"#,
    );
    pinned(Event::SignOut {}, r#"{"kind":"signout","data":{}}"#);
}

#[test]
fn assessment_kinds() {
    pinned(
        Event::Assessment(AssessmentRecord {
            community: "WH-001".into(),
            version: 2,
            sheet: "表.csv".into(),
            evidence_version: 1,
            evidence_root_hash: "ff".into(),
            objects: vec![obj()],
            level: Level::Expert,
            expert: Some("zhuanjia".into()),
            overrides: vec![Override {
                indicator: "Ⅱ-3".into(),
                standard: 1,
                method: Method::OnSite,
                from: Verdict::Fail,
                to: Verdict::Pass,
                reason: "复核".into(),
            }],
        }),
        r#"{"kind":"assessment","data":{"community":"WH-001","version":2,"sheet":"表.csv","evidence_version":1,"evidence_root_hash":"ff","objects":[{"sha256":"ab","size":2}],"level":"专家评估","expert":"zhuanjia","overrides":[{"indicator":"Ⅱ-3","standard":1,"method":"实地考评","from":"未达标","to":"达标","reason":"复核"}]}}"#,
    );
    pinned(
        Event::AssessmentReturn(Returned {
            community: "WH-001".into(),
            level: Level::District,
            reason: "缺材料".into(),
        }),
        r#"{"kind":"assessment-return","data":{"community":"WH-001","level":"县区初评","reason":"缺材料"}}"#,
    );
}

#[test]
fn application_kinds() {
    pinned(
        Event::Application(ApplicationRecord {
            number: 1,
            proposal: Proposal {
                street: None,
                district: "五华区".into(),
                name: "翠湖社区".into(),
                kind: CommunityKind::VillageToResidence,
                batch: Batch::Second,
                households: Some(300),
                facility_area: Some(1.5),
                situation: "概况".into(),
                reason: "理由".into(),
            },
        }),
        r#"{"kind":"application","data":{"number":1,"district":"五华区","name":"翠湖社区","type":"“村改居”社区","batch":"第二阶段","households":300,"facility_area":1.5,"situation":"概况","reason":"理由"}}"#,
    );
    pinned(
        Event::ApplicationDecision(DecisionRecord {
            number: 1,
            decision: Decision::Approved {
                community: "WH-001".into(),
                over_quota: Some("急需".into()),
            },
        }),
        r#"{"kind":"application-decision","data":{"number":1,"decision":"批准","community":"WH-001","over_quota":"急需"}}"#,
    );
    pinned(
        Event::ApplicationDecision(DecisionRecord {
            number: 2,
            decision: Decision::Returned {
                reason: "重复".into(),
            },
        }),
        r#"{"kind":"application-decision","data":{"number":2,"decision":"退回","reason":"重复"}}"#,
    );
}

#[test]
fn issuance_kinds() {
    pinned(
        Event::Document(IssuedRecord {
            number: "昆社治办〔2026〕1号".into(),
            sequence: Sequence::Document("昆社治办".into()),
            year: 2026,
            serial: 1,
            kind: DocKind::Notice,
            title: "整改通知书".into(),
            recipient: "翠湖社区".into(),
            community: Some("WH-001".into()),
            district: Some("五华区".into()),
            date: day(1),
            organs: vec!["考评办".into()],
            file_name: "a.pdf".into(),
            over_quota: Some("理由".into()),
            submission: Some(1),
            objects: vec![obj()],
            ofd: None,
            templates: vec![TemplateUse {
                name: "notice".into(),
                sha256: "cd".into(),
                origin: Origin::Builtin,
            }],
            basis: Some("昆社治办〔2026〕0号".into()),
        }),
        r#"{"kind":"document","data":{"number":"昆社治办〔2026〕1号","sequence":"昆社治办","year":2026,"serial":1,"kind":"整改通知书","title":"整改通知书","recipient":"翠湖社区","community":"WH-001","district":"五华区","date":"2026-12-01","organs":["考评办"],"file_name":"a.pdf","over_quota":"理由","submission":1,"objects":[{"sha256":"ab","size":2}],"templates":[{"name":"notice","sha256":"cd","origin":"builtin"}],"basis":"昆社治办〔2026〕0号"}}"#,
    );
    pinned(
        Event::Document(IssuedRecord {
            number: "证1".into(),
            sequence: Sequence::Certificate("证".into()),
            year: 2026,
            serial: 1,
            kind: DocKind::Other("通报".into()),
            title: "t".into(),
            recipient: "r".into(),
            community: None,
            district: None,
            date: day(2),
            organs: vec![],
            file_name: "b.pdf".into(),
            over_quota: None,
            submission: None,
            objects: vec![],
            ofd: None,
            templates: vec![],
            basis: None,
        }),
        r#"{"kind":"document","data":{"number":"证1","sequence":"证书:证","year":2026,"serial":1,"kind":"通报","title":"t","recipient":"r","date":"2026-12-02","organs":[],"file_name":"b.pdf","objects":[]}}"#,
    );
    pinned(
        Event::VerifyDoc(DocumentCheck {
            sha256: "ab".into(),
            registered: Some("证1".into()),
        }),
        r#"{"kind":"verify-doc","data":{"sha256":"ab","registered":"证1"}}"#,
    );
}

#[test]
fn rectify_kinds() {
    pinned(
        Event::RectifyOpen(Opened {
            id: "WH-001-1".into(),
            community: "WH-001".into(),
            notice: "昆社治办〔2026〕2号".into(),
            deadline: day(31),
            problem: Problem {
                indicator: Some("Ⅱ-3".into()),
                standard: Some(1),
                method: Some(Method::MaterialReview),
                verdict: Some(Verdict::Partial),
                level: Some(Level::Final),
                remark: "缺".into(),
            },
            source: Source::Assessment,
        }),
        r#"{"kind":"rectify-open","data":{"id":"WH-001-1","community":"WH-001","notice":"昆社治办〔2026〕2号","deadline":"2026-12-31","indicator":"Ⅱ-3","standard":1,"method":"材料审核","verdict":"基本达标","level":"最终","remark":"缺"}}"#,
    );
    pinned(
        Event::RectifyAnswer(Answer {
            id: "WH-001-1".into(),
            community: "WH-001".into(),
            version: 2,
            text: "已补".into(),
            files: vec!["a.pdf".into()],
            objects: vec![obj()],
        }),
        r#"{"kind":"rectify-answer","data":{"id":"WH-001-1","community":"WH-001","version":2,"text":"已补","files":["a.pdf"],"objects":[{"sha256":"ab","size":2}]}}"#,
    );
    pinned(
        Event::RectifyCheck(Check {
            id: "WH-001-1".into(),
            community: "WH-001".into(),
            outcome: Outcome::Closed,
            remark: "好".into(),
            by: Reviewer::District,
            assessment: Some(3),
        }),
        r#"{"kind":"rectify-check","data":{"id":"WH-001-1","community":"WH-001","outcome":"已整改（销号）","remark":"好","by":"县区初评","assessment":3}}"#,
    );
    pinned(
        Event::RectifyCheck(Check {
            id: "WH-001-1".into(),
            community: "WH-001".into(),
            outcome: Outcome::Returned,
            remark: String::new(),
            by: Reviewer::Office,
            assessment: None,
        }),
        r#"{"kind":"rectify-check","data":{"id":"WH-001-1","community":"WH-001","outcome":"退回","remark":"","by":"考评办"}}"#,
    );
    pinned(
        Event::RectifyExtend(Extended {
            notice: "督1".into(),
            items: vec!["WH-001-1".into()],
            deadline: day(20),
        }),
        r#"{"kind":"rectify-extend","data":{"notice":"督1","items":["WH-001-1"],"deadline":"2026-12-20"}}"#,
    );
}

mod field;
mod numbers;
mod phase;
mod records;
mod survey;
