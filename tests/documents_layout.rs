//! Layout of the office's documents as `kaoping demo` writes them, read
//! back with poppler: nothing runs past the text block, the score table
//! carries its subtotals and total and repeats its header on every page,
//! the progress table fits one page, and the 版记 ends every document on
//! an even page. Without poppler the tests skip locally but fail in CI
//! (CI=true), where `.ci/run` installs it.

use std::path::{Path, PathBuf};
use std::process::Command as Process;
use std::sync::OnceLock;

use assert_cmd::Command;

/// Whether poppler is installed; panics in CI when it is not.
fn poppler() -> bool {
    crate::util::require("pdftotext", "poppler-utils")
}

/// The demo's output folder, made once for all tests of this file.
pub(crate) fn output() -> &'static Path {
    static DIR: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &DIR.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let out = crate::util::kaoping(tmp.path())
            .arg("demo")
            .arg(tmp.path().join("demo"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let dir = tmp.path().join("demo/output");
        (tmp, dir)
    })
    .1
}

pub(crate) fn pdfs() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(output())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    v.sort();
    assert!(v.len() >= 10, "{v:?}");
    v
}

fn pdf(kind_and_name: &str) -> PathBuf {
    pdfs()
        .into_iter()
        .find(|p| p.to_string_lossy().contains(kind_and_name))
        .unwrap_or_else(|| panic!("no {kind_and_name} in {:?}", pdfs()))
}

/// The text of each page, whitespace removed (pdftotext ends pages with
/// a form feed).
fn pages(pdf: &Path) -> Vec<String> {
    let out = Process::new("pdftotext")
        .arg("-layout")
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let mut pages: Vec<String> = text
        .split('\u{c}')
        .map(|p| p.chars().filter(|c| !c.is_whitespace()).collect())
        .collect();
    pages.pop(); // after the last form feed
    pages
}

/// Attribute `name` of an XML-ish tag line from `pdftotext -bbox`.
fn attr(line: &str, name: &str) -> f64 {
    let key = format!("{name}=\"");
    let start = line.find(&key).unwrap() + key.len();
    let end = start + line[start..].find('"').unwrap();
    line[start..end].parse().unwrap()
}

const MM: f64 = 72.0 / 25.4;

/// Documents with a layout of their own rather than the 公文 one: the
/// certificate (a landscape frame) and the 问卷调查统计表 (a statistical
/// table with bar charts, no 版记).
fn own_layout(pdf: &Path) -> bool {
    let name = pdf.to_string_lossy();
    name.contains("命名证书") || name.contains("问卷调查统计表")
}

#[test]
fn no_word_runs_past_the_text_block() {
    if !poppler() {
        return;
    }
    for pdf in pdfs() {
        if own_layout(&pdf) {
            continue; // its own frame, checked below
        }
        let out = Process::new("pdftotext")
            .arg("-bbox")
            .arg(&pdf)
            .arg("-")
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        let (mut left, mut right, mut page) = (0.0, 0.0, 0);
        for line in text.lines() {
            if line.contains("<page ") {
                page += 1;
                let width = attr(line, "width");
                // Portrait: 订口 28 mm, block 156 mm; landscape attachment
                // pages: 37 mm, block 225 mm.
                (left, right) = if width < 700.0 {
                    (28.0 * MM, (28.0 + 156.0) * MM)
                } else {
                    (37.0 * MM, (37.0 + 225.0) * MM)
                };
            } else if line.contains("<word ") {
                let (x0, x1) = (attr(line, "xMin"), attr(line, "xMax"));
                // Half a character of slack: poppler boxes a full-width
                // mark that Typst set half-width at a line start or end by
                // its full advance.
                assert!(
                    x0 >= left - 9.0 && x1 <= right + 9.0,
                    "{} page {page}: word outside the text block ({left:.0}–{right:.0} pt): {line}",
                    pdf.display()
                );
            }
        }
        assert!(page > 0);
    }
}

#[test]
fn certificate_is_one_landscape_page_with_the_number_and_honour() {
    if !poppler() {
        return;
    }
    let cert = pdf("金星社区-命名证书");
    let pages = pages(&cert);
    assert_eq!(pages.len(), 1);
    let text = &pages[0];
    for part in [
        "证书编号：",
        "盘龙区金星社区：",
        "昆明市城乡社区治理创新试点",
        "特发此证。",
    ] {
        assert!(text.contains(part), "{part} missing: {text}");
    }
    let info = Process::new("pdfinfo").arg(&cert).output().unwrap();
    let info = String::from_utf8(info.stdout).unwrap();
    assert!(
        info.contains("841.89 x 595.276"),
        "not landscape A4: {info}"
    );
}

#[test]
fn score_table_has_item_subtotals_a_total_and_a_header_on_every_page() {
    if !poppler() {
        return;
    }
    let pages = pages(&pdf("金星社区-考评报告"));
    let body = pages.concat();
    // The total stated in the body ("考评总分97.3分（满分100分）") is the
    // one in the table's 合计 row ("97.3/100").
    let after = &body[body.find("考评总分").unwrap() + "考评总分".len()..];
    let total = &after[..after.find('分').unwrap()];
    let after = &after[after.find("满分").unwrap() + "满分".len()..];
    let max = &after[..after.find('分').unwrap()];
    let table: Vec<&String> = pages.iter().filter(|p| p.contains("得分/分值")).collect();
    assert!(table.len() >= 2, "the demo's table spans pages");
    for (i, p) in table.iter().enumerate() {
        assert!(
            p.contains("考评指标标准考评方法结论得分/分值备注"),
            "header missing on table page {i}: {p}"
        );
    }
    let table = table.iter().map(|p| p.as_str()).collect::<String>();
    assert!(
        table.contains(&format!("合计等次：优秀{total}/{max}")),
        "合计 row with {total}/{max} missing: {table}"
    );
    // One subtotal per item of the evaluation system, in order.
    let items = ["Ⅰ-1", "Ⅰ-2", "Ⅰ-3", "Ⅰ-4"];
    let mut at = 0;
    for code in items {
        let found = table[at..]
            .find(code)
            .and_then(|i| table[at + i..].find("小计").map(|j| at + i + j))
            .unwrap_or_else(|| panic!("no {code} 小计 after position {at}"));
        at = found + "小计".len();
    }
    assert_eq!(table.matches("小计").count(), items.len(), "{table}");
}

#[test]
fn progress_table_fits_one_page() {
    if !poppler() {
        return;
    }
    let pages = pages(&pdf("进度汇总表"));
    let with_total: Vec<&String> = pages.iter().filter(|p| p.contains("总计")).collect();
    assert_eq!(with_total.len(), 1, "the table spans pages: {pages:?}");
    let table = with_total[0];
    assert!(
        table.contains("附件") && table.contains("五华区") && table.contains("阳宗海风景区"),
        "{table}"
    );
}

#[test]
fn every_document_ends_with_the_colophon_on_an_even_page() {
    if !poppler() {
        return;
    }
    for pdf in pdfs() {
        if own_layout(&pdf) {
            continue;
        }
        let pages = pages(&pdf);
        assert!(
            pages.len().is_multiple_of(2),
            "{}: {} pages",
            pdf.display(),
            pages.len()
        );
        let last = pages.last().unwrap();
        assert!(last.contains("印发"), "{}: {last}", pdf.display());
        let before: usize = pages[..pages.len() - 1]
            .iter()
            .map(|p| p.matches("印发").count())
            .sum();
        assert_eq!(before, 0, "{}: 版记 before the last page", pdf.display());
    }
}

/// What is left of a page once its page number is taken away.
fn without_page_number(page: &str) -> String {
    let mut p = page.to_string();
    if let Some(i) = p.rfind('—')
        && let Some(j) = p[..i].rfind('—')
        && p[j + '—'.len_utf8()..i].chars().all(|c| c.is_ascii_digit())
    {
        p.replace_range(j..i + '—'.len_utf8(), "");
    }
    p
}

/// No page holds only a 附注, or only the 落款 and 成文日期 (issue 19; GB/T
/// 9704-2012 7.3.5 keeps them with the body): checked on every demo
/// document and on the source's own 54号 通知, whose 附注 once stood alone
/// on its page 2.
#[test]
fn no_page_holds_only_a_note_or_a_signature() {
    if !poppler() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let sample = tmp.path().join("54.pdf");
    let out = Command::cargo_bin("kaoping")
        .unwrap()
        .env_remove("KAOPING_ARCHIVE")
        .args(["render", "tongzhi", "--draft", "--data"])
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/tongzhi-54.json"))
        .arg("-o")
        .arg(&sample)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let date = regex_free_date;
    for pdf in pdfs().into_iter().chain([sample]) {
        for (i, page) in pages(&pdf).iter().enumerate() {
            let rest = without_page_number(page);
            let only_note = rest.starts_with('（') && rest.ends_with('）') && !rest.contains('。');
            assert!(
                !only_note || rest.is_empty(),
                "{}: page {} holds only 附注 {rest}",
                pdf.display(),
                i + 1
            );
            // A page that is just organ names and a date.
            let lone_signature = date(&rest) && rest.chars().count() < 40 && !rest.contains('。');
            assert!(
                !lone_signature,
                "{}: page {} holds only a signature: {rest}",
                pdf.display(),
                i + 1
            );
        }
    }
}

/// Whether `s` ends with a 成文日期 such as 2018年9月18日.
fn regex_free_date(s: &str) -> bool {
    let Some(body) = s.strip_suffix('日') else {
        return false;
    };
    let Some((year_month, day)) = body.rsplit_once('月') else {
        return false;
    };
    let Some((year, month)) = year_month.rsplit_once('年') else {
        return false;
    };
    let digits = |t: &str| !t.is_empty() && t.chars().all(|c| c.is_ascii_digit());
    digits(day) && digits(month) && year.len() >= 4 && digits(&year[year.len() - 4..])
}

/// Every document the demo issues — the 申报汇总表 and the 考评报告 with
/// its 各级考评结论对照 included — embeds every font, declares PDF/A-2b
/// and has only A4 pages (portrait, or landscape for wide tables).
#[test]
fn every_document_is_a4_pdfa_with_embedded_fonts() {
    if !poppler() {
        return;
    }
    let all = pdfs();
    assert!(
        all.iter()
            .any(|p| p.to_string_lossy().contains("申报汇总表")),
        "{all:?}"
    );
    assert!(
        all.iter()
            .any(|p| p.to_string_lossy().contains("初评情况报告")),
        "{all:?}"
    );
    for p in &all {
        let fonts = Process::new("pdffonts").arg(p).output().unwrap();
        let fonts = String::from_utf8_lossy(&fonts.stdout);
        for line in fonts.lines().skip(2) {
            let cols: Vec<&str> = line.split_whitespace().collect();
            let emb = cols.len().checked_sub(5).map(|i| cols[i]);
            assert_eq!(
                emb,
                Some("yes"),
                "{}: font not embedded: {line}",
                p.display()
            );
        }
        let raw = std::fs::read(p).unwrap();
        let raw = String::from_utf8_lossy(&raw);
        assert!(
            raw.contains("<pdfaid:part>2</pdfaid:part>"),
            "{}: not declared PDF/A-2",
            p.display()
        );
        let info = Process::new("pdfinfo")
            .args(["-f", "1", "-l", "999"])
            .arg(p)
            .output()
            .unwrap();
        let info = String::from_utf8_lossy(&info.stdout);
        let sizes: Vec<&str> = info
            .lines()
            .filter(|l| l.starts_with("Page") && l.contains("size:"))
            .collect();
        assert!(!sizes.is_empty(), "{}: no page sizes", p.display());
        for s in sizes {
            assert!(
                s.contains("595.276 x 841.89") || s.contains("841.89 x 595.276"),
                "{}: not A4: {s}",
                p.display()
            );
        }
    }
    let report = pages(&pdf("五华区-翠湖社区-考评报告"));
    assert!(report.iter().any(|p| p.contains("各级考评结论对照")));
}
