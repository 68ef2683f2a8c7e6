//! The log's lines pinned: each kind of event written as a literal JSON
//! line, and lines of older releases read back.

use super::*;

/// Lines as the release before the typed log wrote them (their `data`
/// built by hand) read as the typed events.
#[test]
fn lines_of_the_untyped_log_read_as_events() {
    let head = r#""seq":1,"prev":"0000000000000000000000000000000000000000000000000000000000000000","time":"2026-12-01T08:00:00Z""#;
    for (tail, want) in [
        (
            r#""account":"kb","kind":"signin","data":{"role":"office"}"#,
            "登录",
        ),
        (r#""account":"kb","kind":"signout","data":{}"#, "退出"),
        (
            r#""account":"cuihu","kind":"download","data":{"community":"WH-001","version":1,"what":"BagIt"}"#,
            "下载",
        ),
        (
            r#""account":"kb","kind":"verify-doc","data":{"sha256":"ab","registered":null}"#,
            "核验公文",
        ),
        (
            r#""kind":"account","data":{"action":"add","name":"kb","role":"office","community":null}"#,
            "账号",
        ),
        (
            r#""kind":"account","data":{"action":"password","name":"kb"}"#,
            "账号",
        ),
        (
            r#""kind":"account","data":{"action":"add","name":"wuhua","role":"district","district":"五华区"}"#,
            "账号",
        ),
        (
            r#""kind":"account","data":{"action":"assign","name":"zhang","communities":["WH-001","PL-001"]}"#,
            "账号",
        ),
    ] {
        let line = format!("{{{head},{tail}}}");
        let rec: Record = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{line}: {e}"));
        assert_eq!(rec.event.name(), want);
        // Written again, the fields keep their order.
        let again = serde_json::to_string(&rec).unwrap();
        assert!(again.starts_with(&format!("{{{head}")), "{again}");
    }
}

#[test]
fn an_unknown_kind_is_an_error_not_a_silent_skip() {
    let line = r#"{"seq":1,"prev":"0","time":"t","kind":"frobnicate","data":{}}"#;
    assert!(serde_json::from_str::<Record>(line).is_err());
}

/// The one-pass reader of a line: unknown keys are passed over, a field
/// missing or ill-typed in `data` is named with its place in the line, a
/// line whose `data` comes before `kind` (not written by kaoping) and one
/// with no `seq` are refused.
#[test]
fn a_line_is_read_in_one_pass_and_its_faults_are_named() {
    let head = r#""seq":7,"prev":"ab","time":"t""#;
    let ok = format!(r#"{{{head},"extra":[1,{{"x":2}}],"kind":"signout","data":{{}}}}"#);
    let rec: Record = serde_json::from_str(&ok).unwrap();
    assert_eq!((rec.seq, rec.event), (7, Event::SignOut {}));
    let bad = format!(r#"{{{head},"kind":"signin","data":{{"role":"校长"}}}}"#);
    let err = serde_json::from_str::<Record>(&bad)
        .unwrap_err()
        .to_string();
    assert!(err.contains("校长") && err.contains("column"), "{err}");
    let swapped = format!(r#"{{{head},"data":{{}},"kind":"signout"}}"#);
    let err = serde_json::from_str::<Record>(&swapped)
        .unwrap_err()
        .to_string();
    assert!(err.contains("data 写在了 kind 之前"), "{err}");
    let no_seq = r#"{"prev":"ab","time":"t","kind":"signout","data":{}}"#;
    let err = serde_json::from_str::<Record>(no_seq)
        .unwrap_err()
        .to_string();
    assert!(err.contains("seq"), "{err}");
}

mod snapshots;
