//! `kaoping render`: real PDFs checked with poppler (`pdftotext`,
//! `pdffonts`, `pdfinfo`). Without poppler the tests skip locally but fail
//! in CI (CI=true), where `.ci/run` installs it.

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use serde_json::{Value, json};

const FIXTURE: &str = include_str!("data/tongzhi-54.json");

/// Whether poppler is installed; panics in CI when it is not.
fn poppler() -> bool {
    crate::util::require("pdftotext", "poppler-utils")
}

fn tool(name: &str, args: &[&str], pdf: &Path) -> String {
    let mut cmd = Process::new(name);
    cmd.args(args).arg(pdf);
    if name == "pdftotext" {
        cmd.arg("-");
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{name} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn info(args: &[&str], pdf: &Path) -> String {
    let out = Process::new("pdfinfo")
        .args(args)
        .arg(pdf)
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

/// Text of the PDF with all whitespace removed (spread-out organ names and
/// line breaks then compare as written).
fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Asserts that `needles` occur in `hay` in this order.
fn assert_in_order(hay: &str, needles: &[&str]) {
    let mut from = 0;
    for n in needles {
        let n = squeeze(n);
        match hay[from..].find(&n) {
            Some(i) => from += i + n.len(),
            None => panic!("“{n}” not found (in order) in:\n{hay}"),
        }
    }
}

struct Run {
    dir: tempfile::TempDir,
}

impl Run {
    fn new() -> Self {
        Run {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn write_data(&self, data: &Value) -> PathBuf {
        let p = self.path("data.json");
        std::fs::write(&p, serde_json::to_string(data).unwrap()).unwrap();
        p
    }

    /// Renders a draft (no number allocated, nothing registered), so the
    /// same data can be rendered again.
    fn render(&self, template: &str, data: &Path, out: &str) -> assert_cmd::assert::Assert {
        crate::util::kaoping(self.path("").as_path())
            .arg("--archive")
            .arg(self.path("archive"))
            .args(["render", "--draft", template, "--data"])
            .arg(data)
            .arg("-o")
            .arg(self.path(out))
            .assert()
    }
}

fn fixture() -> Value {
    serde_json::from_str(FIXTURE).unwrap()
}

#[test]
fn reproduces_the_source_documents_own_notice() {
    let run = Run::new();
    let data = run.write_data(&fixture());
    run.render("tongzhi", &data, "54.pdf").success();
    if !poppler() {
        return;
    }
    let pdf = run.path("54.pdf");
    let text = squeeze(&tool("pdftotext", &[], &pdf));
    assert_in_order(
        &text,
        &[
            "中共昆明市委办公厅",
            "昆明市人民政府办公厅",
            "文件",
            "昆办通〔2018〕54号",
            "中共昆明市委办公厅 昆明市人民政府办公厅印发《关于开展城乡社区治理创新试点建设工作方案》的通知",
            "各县（市）区党委和人民政府，各国家级、省级开发（度假）园区，市委和市级国家机关各部委办局，各人民团体：",
            "现印发给你们，请结合实际认真贯彻执行。",
            "中共昆明市委办公厅",
            "昆明市人民政府办公厅",
            "2018年9月18日",
            "（此件发至县级）",
            "关于开展城乡社区治理创新试点建设工作方案",
            "一、目标任务",
            "二、严格考评",
            "三、工作步骤",
            "四、工作要求",
            "（一）加强组织领导，明确责任主体。",
            "附件：1.昆明市社区治理创新试点任务分解表",
            "2.昆明市城乡社区治理创新考评体系（试行）",
            "附件1",
            "县（市）区名称",
            "五华区",
            "抄送：云南滇中新区（综合管理部）。",
            "中共昆明市委办公厅",
            "2018年9月18日印发",
        ],
    );

    // Every font embedded (pdffonts: the "emb" column is "yes").
    let fonts = tool("pdffonts", &[], &pdf);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "{fonts}");
    for row in &rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        let emb = cols[cols.len() - 5];
        assert_eq!(emb, "yes", "font not embedded: {row}");
    }

    // A4 portrait pages, numbered "— N —" in sequence; the task table on a
    // landscape page.
    let summary = info(&[], &pdf);
    let pages: usize = summary
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(pages >= 3, "{summary}");
    // PDF/A-2b, declared in the XMP metadata (the metadata stream is not
    // compressed).
    let raw = std::fs::read(&pdf).unwrap();
    let raw = String::from_utf8_lossy(&raw);
    assert!(
        raw.contains("<pdfaid:part>2</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance>"),
        "not declared PDF/A-2b"
    );
    let sizes = info(&["-f", "1", "-l", &pages.to_string()], &pdf);
    let mut landscape = 0;
    let mut after_blank = false;
    for n in 1..=pages {
        let line = sizes
            .lines()
            .find(|l| l.starts_with(&format!("Page {n:>4} size:")))
            .unwrap();
        if line.contains("841.89 x 595.276") {
            landscape += 1;
        } else {
            assert!(line.contains("595.276 x 841.89"), "{line}");
        }
        let page = squeeze(&tool(
            "pdftotext",
            &["-f", &n.to_string(), "-l", &n.to_string()],
            &pdf,
        ));
        // A page left blank before the 版记 page carries no number, and
        // then neither does the 版记 page; every other page has its number.
        if after_blank {
            assert_eq!(n, pages, "a blank page inside the document");
            assert!(!page.contains(&format!("—{n}—")), "版记 page numbered");
        } else {
            assert!(
                page.is_empty() || page.contains(&format!("—{n}—")),
                "page {n} lacks its number"
            );
        }
        after_blank = page.is_empty();
    }
    assert!(landscape >= 1, "no landscape page: {sizes}");
    // The 版记 closes the document on an even page (the back of a sheet).
    assert_eq!(pages % 2, 0, "版记 not on an even page");
    let last = tool(
        "pdftotext",
        &["-f", &pages.to_string(), "-l", &pages.to_string()],
        &pdf,
    );
    assert_in_order(&squeeze(&last), &["抄送", "印发"]);
}

#[test]
fn values_print_literally_and_cannot_reach_files() {
    let run = Run::new();
    let evil = [
        "#read(\"/etc/passwd\")",
        "]",
        "*x*",
        "$",
        "\\",
        "@ref",
        "<label>",
        "// 注释",
        "#",
        "#image(\"/etc/x.png\")",
    ];
    let mut data = fixture();
    data["title"] = json!(format!("关于{}的通知", evil.join(" ")));
    data["recipients"] = json!(evil.join(" "));
    data["body"] = json!(
        evil.iter()
            .map(|s| format!("社区名称{s}"))
            .collect::<Vec<_>>()
    );
    let path = run.write_data(&data);
    run.render("tongzhi", &path, "evil.pdf").success();
    if !poppler() {
        return;
    }
    let text = squeeze(&tool("pdftotext", &[], &run.path("evil.pdf")));
    assert!(!text.contains("root:"), "file content leaked");
    assert_in_order(&text, &[&evil.join("")]);
    for s in evil {
        assert_in_order(&text, &[&format!("社区名称{s}")]);
    }
}

#[test]
fn rare_name_characters_render_and_uncovered_ones_are_named() {
    let run = Run::new();
    let mut data = fixture();
    data["body"] = json!(["张堃、王犇、𬌗社区同志："]);
    let path = run.write_data(&data);
    run.render("tongzhi", &path, "rare.pdf").success();
    if poppler() {
        let text = squeeze(&tool("pdftotext", &[], &run.path("rare.pdf")));
        assert!(text.contains("张堃、王犇、𬌗社区同志："), "{text}");
    }

    data["body"] = json!(["正常段落", "私用区字符\u{E000}"]);
    let path = run.write_data(&data);
    run.render("tongzhi", &path, "bad.pdf")
        .failure()
        .stderr(predicates::str::contains("body[1]"))
        .stderr(predicates::str::contains("U+E000"));
    assert!(!run.path("bad.pdf").exists());
}

#[test]
fn same_inputs_give_the_same_bytes() {
    let run = Run::new();
    let path = run.write_data(&fixture());
    run.render("tongzhi", &path, "a.pdf").success();
    run.render("tongzhi", &path, "b.pdf").success();
    let a = std::fs::read(run.path("a.pdf")).unwrap();
    let b = std::fs::read(run.path("b.pdf")).unwrap();
    assert!(a == b, "renders differ");
    // The creation date is the document's, not the clock's.
    let raw = String::from_utf8_lossy(&a);
    assert!(
        raw.contains("2018-09-18"),
        "no document date in the metadata"
    );
}

#[test]
fn archive_templates_override_the_built_ins() {
    let run = Run::new();
    let templates = run.path("archive/templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(
        templates.join("tongzhi.typ.j2"),
        "#import \"/gongwen.typ\": *\n#show: setup\n#para(\"本办自定义模板\")\n#para({{ title }})\n",
    )
    .unwrap();
    std::fs::write(
        templates.join("jianbao.typ.j2"),
        "#set text(font: \"SimSun\")\n简报\n",
    )
    .unwrap();
    let path = run.write_data(&fixture());
    run.render("tongzhi", &path, "o.pdf").success();
    if poppler() {
        let text = squeeze(&tool("pdftotext", &[], &run.path("o.pdf")));
        assert!(text.starts_with("本办自定义模板"), "{text}");
    }
    // The layout library can be overridden too.
    std::fs::write(
        templates.join("gongwen.typ"),
        "#let setup(doc) = doc\n#let para(x) = [覆盖排版库：#x]\n",
    )
    .unwrap();
    run.render("tongzhi", &path, "g.pdf").success();
    if poppler() {
        let text = squeeze(&tool("pdftotext", &[], &run.path("g.pdf")));
        assert!(text.starts_with("覆盖排版库：本办自定义模板"), "{text}");
    }
    std::fs::remove_file(templates.join("gongwen.typ")).unwrap();
    // A font that is not shipped is an error, not a silent fallback.
    run.render("jianbao", &path, "j.pdf")
        .failure()
        .stderr(predicates::str::contains("simsun"));
    // A template reading outside files fails.
    std::fs::write(templates.join("tou.typ.j2"), "#read(\"/etc/passwd\")\n").unwrap();
    run.render("tou", &path, "t.pdf")
        .failure()
        .stderr(predicates::str::contains("第 2 行"));
}

#[test]
fn bad_data_files_are_named_with_the_problem() {
    let run = Run::new();
    let bad = run.path("bad.json");
    std::fs::write(&bad, "{\"title\": \"通知\",\n \"date\": }").unwrap();
    run.render("tongzhi", &bad, "x.pdf")
        .failure()
        .stderr(predicates::str::contains("bad.json"))
        .stderr(predicates::str::contains("不是有效的 JSON（第 2 行"));

    let mut data = fixture();
    data.as_object_mut().unwrap().remove("title");
    let path = run.write_data(&data);
    run.render("tongzhi", &path, "x.pdf")
        .failure()
        .stderr(predicates::str::contains("缺少字段“title”"))
        .stderr(predicates::str::contains("data.json"));

    data = fixture();
    // Every form people type is a date (issue 19); an impossible one is
    // refused with the forms that are accepted.
    data["date"] = json!("2018年13月18日");
    let path = run.write_data(&data);
    run.render("tongzhi", &path, "x.pdf")
        .failure()
        .stderr(predicates::str::contains("2026年11月20日"));

    let path = run.write_data(&fixture());
    run.render("nosuch", &path, "x.pdf")
        .failure()
        .stderr(predicates::str::contains("tongzhi"));
    assert!(!run.path("x.pdf").exists());
}
