//! The field kinds' lines pinned.

use super::*;

#[test]
fn field_kinds() {
    pinned(
        Event::Point(Point {
            community: "WH-001".into(),
            id: "P1".into(),
            name: "服务中心".into(),
            kind: PointKind::ServiceCentre,
            address: "翠湖路1号".into(),
            lat: Some(25.5),
            lon: Some(102.5),
            standards: vec![key()],
        }),
        r#"{"kind":"kaoping-point","data":{"community":"WH-001","id":"P1","name":"服务中心","kind":"社区综合服务中心","address":"翠湖路1号","lat":25.5,"lon":102.5,"standards":[{"indicator":"Ⅱ-3","standard":1}]}}"#,
    );
    pinned(
        Event::FieldPhoto(PhotoRecord {
            exif: PhotoFacts {
                taken: Some("2026-12-01T07:00:00".into()),
                gps: Some((25.5, 102.5)),
                has_exif: true,
            },
            flags: vec![Flag {
                kind: FlagKind::FarAway,
                detail: "2公里".into(),
            }],
            ..photo(ImageFormat::Jpeg, None)
        }),
        r#"{"kind":"field-photo","data":{"community":"WH-001","point":"P1","indicator":"Ⅱ-3","standard":1,"assessor":"王明","level":"县区初评","file":{"name":"a.jpg","object":{"sha256":"ab","size":2}},"format":"JPEG","received":"2026-12-01T08:00:00Z","exif":{"taken":"2026-12-01T07:00:00","gps":[25.5,102.5],"has_exif":true},"flags":[{"kind":"拍摄位置偏远","detail":"2公里"}]}}"#,
    );
    pinned(
        Event::FieldVisit(VisitRecord {
            community: "WH-001".into(),
            point: "P1".into(),
            assessor: "王明".into(),
            level: Level::SelfCheck,
            date: day(3),
            rows: vec![VisitRow {
                key: key(),
                verdict: Verdict::Pass,
                remark: "好".into(),
                photos: vec!["ab".into()],
            }],
            client: None,
        }),
        r#"{"kind":"field-visit","data":{"community":"WH-001","point":"P1","assessor":"王明","level":"社区自查","date":"2026-12-03","rows":[{"indicator":"Ⅱ-3","standard":1,"verdict":"达标","remark":"好","photos":["ab"]}]}}"#,
    );
    pinned(
        Event::FieldScan(ScanRecord {
            community: "WH-001".into(),
            point: "P1".into(),
            assessor: "王明".into(),
            file: file(),
        }),
        r#"{"kind":"field-scan","data":{"community":"WH-001","point":"P1","assessor":"王明","file":{"name":"a.jpg","object":{"sha256":"ab","size":2}}}}"#,
    );
    pinned(
        Event::MediaCapture(MediaRecord {
            community: "WH-001".into(),
            key: key(),
            url: "https://example.org".into(),
            title: "报道".into(),
            platform: Platform::WeChat,
            published: Some(day(1)),
            checked: day(2),
            finding: "属实".into(),
            file: file(),
            format: CaptureFormat::Warc,
            assessor: "王明".into(),
        }),
        r#"{"kind":"media-capture","data":{"community":"WH-001","indicator":"Ⅱ-3","standard":1,"url":"https://example.org","title":"报道","platform":"微信公众号","published":"2026-12-01","checked":"2026-12-02","finding":"属实","file":{"name":"a.jpg","object":{"sha256":"ab","size":2}},"format":"WARC","assessor":"王明"}}"#,
    );
    pinned(
        Event::GridData(GridRecord {
            community: "WH-001".into(),
            file: file(),
            standards: vec![key()],
            summary: Summary {
                total: 3,
                resolved: 2,
                by_category: BTreeMap::from([("治安".to_string(), 3)]),
                by_state: BTreeMap::from([("已办结".to_string(), 2)]),
                by_point: BTreeMap::new(),
            },
        }),
        r#"{"kind":"grid-data","data":{"community":"WH-001","file":{"name":"a.jpg","object":{"sha256":"ab","size":2}},"standards":[{"indicator":"Ⅱ-3","standard":1}],"summary":{"total":3,"resolved":2,"by_category":{"治安":3},"by_state":{"已办结":2},"by_point":{}}}}"#,
    );
    pinned(
        Event::FieldPhotoFlags(Reflag {
            community: "WH-001".into(),
            point: "P1".into(),
            key: key(),
            assessor: "王明".into(),
            sha256: "ab".into(),
            reference: "2026-12-03".into(),
            flags: vec![Flag {
                kind: FlagKind::TooOld,
                detail: String::new(),
            }],
        }),
        r#"{"kind":"field-photo-flags","data":{"community":"WH-001","point":"P1","indicator":"Ⅱ-3","standard":1,"assessor":"王明","sha256":"ab","reference":"2026-12-03","flags":[{"kind":"拍摄时间过早","detail":""}]}}"#,
    );
}

fn client() -> ClientRef {
    ClientRef {
        id: "0b7d3f9e-5c1a-4e2b-9a6f-3d8c2e1f4a5b".into(),
        phone_time: "2026-12-01T15:04:05+08:00".into(),
        content: "cd".into(),
    }
}

/// 王明's photo at P1, of the given format and outbox id, without EXIF.
fn photo(format: ImageFormat, client: Option<ClientRef>) -> PhotoRecord {
    PhotoRecord {
        community: "WH-001".into(),
        point: "P1".into(),
        key: key(),
        assessor: "王明".into(),
        level: Level::District,
        file: file(),
        format,
        received: "2026-12-01T08:00:00Z".into(),
        exif: PhotoFacts::default(),
        flags: vec![],
        client,
    }
}

/// Records that came through a phone's offline outbox carry its id.
#[test]
fn field_kinds_from_the_outbox() {
    pinned(
        Event::FieldVisit(VisitRecord {
            community: "WH-001".into(),
            point: "P1".into(),
            assessor: "王明".into(),
            level: Level::District,
            date: day(3),
            rows: vec![VisitRow {
                key: key(),
                verdict: Verdict::Partial,
                remark: String::new(),
                photos: vec![],
            }],
            client: Some(client()),
        }),
        r#"{"kind":"field-visit","data":{"community":"WH-001","point":"P1","assessor":"王明","level":"县区初评","date":"2026-12-03","rows":[{"indicator":"Ⅱ-3","standard":1,"verdict":"基本达标","remark":"","photos":[]}],"client":{"id":"0b7d3f9e-5c1a-4e2b-9a6f-3d8c2e1f4a5b","phone_time":"2026-12-01T15:04:05+08:00","content":"cd"}}}"#,
    );
    pinned(
        Event::FieldPhoto(photo(ImageFormat::Png, Some(client()))),
        r#"{"kind":"field-photo","data":{"community":"WH-001","point":"P1","indicator":"Ⅱ-3","standard":1,"assessor":"王明","level":"县区初评","file":{"name":"a.jpg","object":{"sha256":"ab","size":2}},"format":"PNG","received":"2026-12-01T08:00:00Z","exif":{"has_exif":false},"client":{"id":"0b7d3f9e-5c1a-4e2b-9a6f-3d8c2e1f4a5b","phone_time":"2026-12-01T15:04:05+08:00","content":"cd"}}}"#,
    );
}
