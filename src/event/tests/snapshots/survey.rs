//! The survey kinds' lines pinned.

use super::*;

#[test]
fn survey_kinds() {
    pinned(
        Event::SurveyCopies(CopiesIssued {
            community: "WH-001".into(),
            copies: vec![IssuedCopy {
                number: "WH-001-0001".into(),
                point: "P1".into(),
                token_sha256: "ab".into(),
            }],
        }),
        r#"{"kind":"survey-copies","data":{"community":"WH-001","copies":[{"number":"WH-001-0001","point":"P1","token_sha256":"ab"}]}}"#,
    );
    pinned(
        Event::SurveyAnswer(AnswerRecord {
            channel: Channel::Web,
            open: "建议".into(),
            seconds: Some(90),
            invalid: Some("太快".into()),
            ..answer()
        }),
        r#"{"kind":"survey-answer","data":{"number":"WH-001-0001","community":"WH-001","channel":"网页","answers":{"Q1":"满意"},"open":"建议","seconds":90,"invalid":"太快"}}"#,
    );
    pinned(
        Event::SurveyEntry(Entry {
            clerk: "lu".into(),
            answer: answer(),
        }),
        r#"{"kind":"survey-entry","data":{"clerk":"lu","answer":{"number":"WH-001-0001","community":"WH-001","channel":"纸质","answers":{"Q1":"满意"}}}}"#,
    );
    pinned(
        Event::SurveyClose(Closed {
            community: "WH-001".into(),
            by: ClosedBy::Recorded,
        }),
        r#"{"kind":"survey-close","data":{"community":"WH-001","by":"记录问卷结论"}}"#,
    );
    pinned(
        Event::SurveyOpenLink(OpenLink {
            community: "WH-001".into(),
            point: "P1".into(),
            token_sha256: "ab".into(),
            enabled: true,
        }),
        r#"{"kind":"survey-open-link","data":{"community":"WH-001","point":"P1","token_sha256":"ab","enabled":true}}"#,
    );
    pinned(
        Event::SurveyOpenAnswer(OpenAnswer {
            point: "P1".into(),
            link_sha256: "ab".into(),
            device_sha256: "cd".into(),
            answer: AnswerRecord {
                channel: Channel::OpenLink,
                ..answer()
            },
        }),
        r#"{"kind":"survey-open-answer","data":{"point":"P1","link_sha256":"ab","device_sha256":"cd","answer":{"number":"WH-001-0001","community":"WH-001","channel":"开放链接","answers":{"Q1":"满意"}}}}"#,
    );
    pinned(
        Event::Questionnaire(QuestionnaireSet {
            sha256: "ab".into(),
            questions: 12,
            source: "q.toml".into(),
        }),
        r#"{"kind":"questionnaire","data":{"sha256":"ab","questions":12,"source":"q.toml"}}"#,
    );
}
