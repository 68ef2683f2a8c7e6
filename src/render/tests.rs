//! Property tests of the escaping: whatever a value contains, the compiled
//! Typst document holds exactly that text (markup) or those code points
//! (string literals), and compiles without touching anything else.

use chrono::NaiveDate;
use proptest::prelude::*;
use typst::syntax::Source;
use typst_layout::PagedDocument;

use super::escape::{markup, str_literal};
use super::world::{DocWorld, LIBRARY_PATH, file_id};

fn compile(main: String) -> Result<(), String> {
    let library = Source::new(file_id(LIBRARY_PATH), String::new());
    let date = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
    let world = DocWorld::new(main.clone(), library, date);
    typst::compile::<PagedDocument>(&world)
        .output
        .map(|_| ())
        .map_err(|d| {
            format!(
                "{:?}\n{main}",
                d.iter().map(|d| &d.message).collect::<Vec<_>>()
            )
        })
}

/// Typst code turning content back into plain text.
const PLAIN: &str = r#"#let plain(c) = if type(c) == str { c } else if c.has("text") { c.text } else if c.has("children") { c.children.map(plain).sum(default: "") } else if c.func() == linebreak { " " } else if c.func() == [ ].func() { " " } else { "<" + repr(c.func()) + ">" }
#let norm(s) = s.replace(regex("\s+"), " ").trim()
"#;

fn codepoints(s: &str) -> String {
    let list: String = s.chars().map(|c| format!("{}, ", c as u32)).collect();
    format!("({list})")
}

/// Characters that matter to Typst, plus CJK, spaces and newlines.
fn tricky() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            prop::sample::select(vec![
                "#",
                "*",
                "_",
                "$",
                "\\",
                "@",
                "<",
                ">",
                "[",
                "]",
                "{",
                "}",
                "(",
                ")",
                "/",
                "//",
                "/*",
                "=",
                "-",
                "--",
                "+",
                "~",
                "'",
                "\"",
                "`",
                ":",
                ".",
                "...",
                "1.",
                "http://x",
                "\\u{41}",
                "#read(\"/etc/passwd\")",
                "社区",
                "堃",
                " ",
                "\n",
                "\u{2028}",
                "\u{2029}",
                "a",
                "0",
            ])
            .prop_map(str::to_string),
            any::<char>()
                .prop_filter("printable", |c| !c.is_control())
                .prop_map(String::from),
        ],
        0..12,
    )
    .prop_map(|parts| parts.concat())
}

/// Passes when `main` compiles (its `assert`s hold); else fails with
/// Typst's message.
fn compiles(main: String) -> Result<(), TestCaseError> {
    let result = compile(main);
    prop_assert!(result.is_ok(), "{}", result.err().unwrap_or_default());
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn markup_escape_prints_literally(s in tricky()) {
        compiles(format!(
            "{PLAIN}#let got = plain([{}])\n#assert.eq(norm(got), norm({}))\n",
            markup(&s),
            str_literal(&s),
        ))?;
    }

    #[test]
    fn string_literal_keeps_every_code_point(s in tricky()) {
        compiles(format!(
            "#let s = {}\n#assert.eq(s.codepoints().map(str.to-unicode), {})\n",
            str_literal(&s),
            codepoints(&s),
        ))?;
    }
}

#[test]
fn the_world_denies_files_outside_the_document() {
    for code in [
        "#read(\"/etc/passwd\")",
        "#read(\"../../../../etc/passwd\")",
        "#image(\"/etc/hostname.png\")",
        "#import \"@preview/cetz:0.3.0\": *",
    ] {
        let err = compile(code.to_string()).unwrap_err();
        assert!(!err.contains("root:"), "{err}");
    }
}

/// An engine with the built-in templates, and the 54号 notice's data and
/// metadata.
fn notice() -> (super::Engine, serde_json::Value, super::DocMeta) {
    let engine = super::Engine::new(None).unwrap();
    let data = serde_json::from_str(include_str!("../../tests/data/tongzhi-54.json")).unwrap();
    let meta = super::DocMeta {
        title: "通知".into(),
        author: "中共昆明市委办公厅".into(),
        date: NaiveDate::from_ymd_opt(2018, 9, 18).unwrap(),
    };
    (engine, data, meta)
}

#[test]
fn one_engine_renders_identical_bytes_from_several_threads() {
    let (engine, data, meta) = notice();
    let first = engine.render("tongzhi", &data, &meta).unwrap();
    let others: Vec<Vec<u8>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..2)
            .map(|_| s.spawn(|| engine.render("tongzhi", &data, &meta).unwrap()))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(first.starts_with(b"%PDF-1.7"));
    for other in others {
        assert!(other == first, "thread render differs");
    }
    // Another date is another document.
    let later = super::DocMeta {
        date: NaiveDate::from_ymd_opt(2018, 9, 19).unwrap(),
        ..meta
    };
    assert!(engine.render("tongzhi", &data, &later).unwrap() != first);
}

#[test]
fn today_is_the_documents_date() {
    compile("#assert.eq(datetime.today(), datetime(year: 2026, month: 11, day: 27))".into())
        .unwrap();
    assert!(
        compile("#assert.eq(datetime.today(), datetime(year: 2026, month: 11, day: 28))".into())
            .is_err()
    );
}

#[test]
fn the_built_in_notice_compiles_without_warnings() {
    let (engine, data, meta) = notice();
    let source = engine.source("tongzhi", &data, &meta).unwrap();
    let world = DocWorld::new(source, engine.library.clone(), meta.date);
    let compiled = typst::compile::<PagedDocument>(&world);
    let warnings: Vec<_> = compiled
        .warnings
        .iter()
        .map(|w| w.message.clone())
        .collect();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert!(compiled.output.is_ok());
}

/// Regression: when the body fills the page exactly, the 版记 placement
/// used to oscillate between layout passes (no convergence, wrong page
/// numbers). Lengthen a notice line by line across that boundary.
#[test]
fn colophon_placement_settles_and_ends_on_an_even_page() {
    let engine = super::Engine::new(None).unwrap();
    let base: serde_json::Value =
        serde_json::from_str(include_str!("../../docs/samples/upward.json")).unwrap();
    let meta = super::DocMeta {
        title: "报告".into(),
        author: "昆明市城乡社区治理工作领导小组办公室".into(),
        date: NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
    };
    for n in 6..14 {
        let mut data = base.clone();
        let body = data["body"].as_array_mut().unwrap();
        for i in 0..n {
            body.push(serde_json::json!(format!("补充说明第{i}条。")));
        }
        let source = engine.source("tongzhi", &data, &meta).unwrap();
        let world = DocWorld::new(source, engine.library.clone(), meta.date);
        let compiled = typst::compile::<PagedDocument>(&world);
        assert!(
            compiled.warnings.is_empty(),
            "n={n}: {:?}",
            compiled.warnings
        );
        let pages = compiled.output.unwrap().pages().len();
        assert_eq!(pages % 2, 0, "n={n}: 版记 on page {pages}");
    }
}

/// Regression: a batch of certificates rendered from a rayon parallel
/// iterator nested documents inside one another on the workers' stacks
/// (rayon work-stealing while Typst waited for its own parallel work) and
/// aborted with a stack overflow after about a hundred. `par_map` keeps
/// each document on its own stack and the results in order.
#[test]
fn a_large_batch_renders_in_order_without_nesting() {
    let engine = super::Engine::new(None).unwrap();
    let meta = super::DocMeta {
        title: "命名证书".into(),
        author: "昆明市城乡社区治理工作领导小组办公室".into(),
        date: NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
    };
    let numbers: Vec<usize> = (1..=240).collect();
    let pdfs = super::parallel::par_map(&numbers, |n| {
        engine.render("zhengshu", &certificate(*n), &meta).unwrap()
    });
    assert_eq!(pdfs.len(), numbers.len());
    // In order: each PDF differs from its neighbours only by its number,
    // and a repeat render of number 7 matches the seventh.
    let again = engine.render("zhengshu", &certificate(7), &meta).unwrap();
    assert_eq!(pdfs[6], again);
    assert_ne!(pdfs[6], pdfs[7]);
}

/// The data of naming certificate number `n`.
fn certificate(n: usize) -> serde_json::Value {
    serde_json::json!({
        "number": format!("昆社治试证〔2026〕第{n:03}号"),
        "title": "命名证书",
        "community": "五华区翠湖社区",
        "honour": "昆明市城乡社区治理创新试点",
        "text": "经考评验收，你社区被命名为",
        "closing": "特发此证。",
        "signatures": ["昆明市城乡社区治理工作领导小组办公室"],
        "date": "2026-11-27",
    })
}
