//! The reservation, void and return of document numbers.

use super::pinned;
use crate::event::Event;
use crate::event::issuance::{DocKind, Reservation, ReservedNumber, Returned, Sequence, Voided};

fn number() -> ReservedNumber {
    ReservedNumber {
        number: "昆社治办〔2026〕3号".into(),
        sequence: Sequence::Document("昆社治办".into()),
        year: 2026,
        serial: 3,
        kind: DocKind::Progress,
        title: "进度汇总表".into(),
        recipient: "各县（市）区".into(),
    }
}

const NUMBER: &str = r#"{"number":"昆社治办〔2026〕3号","sequence":"昆社治办","year":2026,"serial":3,"kind":"进度汇总表","title":"进度汇总表","recipient":"各县（市）区"}"#;

#[test]
fn number_kinds() {
    pinned(
        Event::Reservation(Reservation {
            id: "ab12".into(),
            numbers: vec![number()],
            until: "2026-12-06T10:10:00Z".into(),
            holder: "进程 7，主机 a".into(),
        }),
        &format!(
            r#"{{"kind":"number-reservation","data":{{"id":"ab12","numbers":[{NUMBER}],"until":"2026-12-06T10:10:00Z","holder":"进程 7，主机 a"}}}}"#
        ),
    );
    pinned(
        Event::NumbersVoided(Voided {
            reservation: "ab12".into(),
            numbers: vec![number()],
            reason: "超时".into(),
        }),
        &format!(
            r#"{{"kind":"number-void","data":{{"reservation":"ab12","numbers":[{NUMBER}],"reason":"超时"}}}}"#
        ),
    );
    pinned(
        Event::NumbersReturned(Returned {
            reservation: "ab12".into(),
            reason: "生成失败".into(),
        }),
        r#"{"kind":"number-return","data":{"reservation":"ab12","reason":"生成失败"}}"#,
    );
}
