//! 归档 and 移交 records, pinned.

use chrono::NaiveDate;

use super::pinned;
use crate::config::Retention;
use crate::event::Event;
use crate::event::archive::ObjectRef;
use crate::event::community::Batch;
use crate::event::records::{FiledItem, FiledSource, Filing, Transferred};

#[test]
fn records_kinds() {
    pinned(
        Event::Filing(Filing {
            phase: Batch::First,
            items: vec![FiledItem {
                code: "Q001-2019-Y-0001".into(),
                year: 2019,
                retention: Retention::Permanent,
                piece: 1,
                source: FiledSource::Submission {
                    community: "WH-001".into(),
                    version: 2,
                },
                title: "翠湖社区考评材料（第2版）".into(),
                date: NaiveDate::from_ymd_opt(2019, 10, 8).unwrap(),
                files: 3,
                bytes: 1024,
            }],
            passed: true,
            objects: vec![ObjectRef {
                sha256: "ab".into(),
                size: 2,
                sm3: None,
            }],
        }),
        r#"{"kind":"filing","data":{"phase":"第一阶段","items":[{"code":"Q001-2019-Y-0001","year":2019,"retention":"永久","piece":1,"source":{"类型":"考评材料","community":"WH-001","version":2},"title":"翠湖社区考评材料（第2版）","date":"2019-10-08","files":3,"bytes":1024}],"passed":true,"objects":[{"sha256":"ab","size":2}]}}"#,
    );
    pinned(
        Event::Transfer(Transferred {
            phase: Batch::First,
            package: "移交包".into(),
            items: 4,
            bytes: 4096,
            catalogue_sm3: "cd".into(),
            passed: false,
        }),
        r#"{"kind":"transfer","data":{"phase":"第一阶段","package":"移交包","items":4,"bytes":4096,"catalogue_sm3":"cd","passed":false}}"#,
    );
}
