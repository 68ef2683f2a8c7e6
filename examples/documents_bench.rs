//! Benchmark of the office's documents (run through `bench/render.sh`):
//! builds the `kaoping demo` archive in a temporary folder, then renders
//! the demo's 考评报告, 整改通知书 and 命名证书 for 盘龙区金星社区 through
//! the library builders (warm, median of 20), a batch of 100 certificates
//! on one thread and on all cores (`render::parallel::par_map`, as a
//! rayon iterator would nest documents on its stacks), and the report with its evidence
//! manifest grown to 10, 100, 1,000 and 10,000 files.
//!
//!   documents_bench [--emit DIR]        all of the above; with --emit also
//!                                       writes the certificate's Typst
//!                                       source and data to DIR
//!   documents_bench --batch N FILE      only N certificates from the data
//!                                       FILE written by --emit, all cores,
//!                                       no demo (for /usr/bin/time -v)
//!   documents_bench --ofd               OFD beside PDF: the report and 100
//!                                       certificates written as PDF, as
//!                                       OFD and as both from one layout

use std::path::Path;
use std::time::Instant;

use chrono::NaiveDate;
use kaoping::archive::Archive;
use kaoping::archive::manifest::Manifest;
use kaoping::assessment::score::{self, ScoreCard};
use kaoping::assessment::store::{self, StoredAssessment};
use kaoping::catalog::Catalog;
use kaoping::community::{Community, Roster};
use kaoping::config::Config;
use kaoping::documents::{Issuer, certificate, notice, report};
use kaoping::issuance::Draft;
use kaoping::render::parallel::par_map;
use kaoping::render::{Engine, Formats};
use serde_json::{Value, json};

/// What the builders need, loaded once from the demo archive.
struct Demo {
    config: Config,
    community: Community,
    register: Roster,
    stored: StoredAssessment,
    card: ScoreCard,
    evidence: Manifest,
}

fn load(dir: &Path) -> Demo {
    kaoping::demo::run(dir, &kaoping::meter::Silent).expect("demo");
    let root = kaoping::root::ArchiveRoot::new(dir.join("archive"));
    let config = root.load_config(None).expect("config");
    let archive = Archive::new(root.dir());
    let register = archive.communities().expect("register");
    let community = register.get("PL-002").expect("demo community").clone();
    let stored = store::latest(&archive, &community.id).expect("assessment");
    let sub = archive
        .submission(&community.id, Some(stored.record.evidence_version))
        .expect("submission");
    let evidence = archive.manifest(&sub).expect("manifest");
    let card = score::score(&stored.assessment, Catalog::builtin(), &config);
    Demo {
        config,
        community,
        register,
        stored,
        card,
        evidence,
    }
}

fn date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
}

fn report_draft(d: &Demo, evidence: &Manifest) -> Draft {
    let issuer = Issuer::default_of(&d.config);
    report::build(
        &issuer,
        Catalog::builtin(),
        &d.community,
        &d.stored,
        &d.card,
        Some(evidence),
        &report::Levels::default(),
        date(),
    )
}

fn notice_draft(d: &Demo) -> Draft {
    let issuer = Issuer::default_of(&d.config);
    let deadline = NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
    notice::build(
        &issuer,
        Catalog::builtin(),
        &d.community,
        &d.stored,
        &d.card,
        &[],
        notice::When {
            deadline,
            date: date(),
        },
    )
    .expect("notice")
}

fn certificate_draft(d: &Demo) -> Draft {
    let issuer = Issuer::default_of(&d.config);
    // An empty document register: the demo already named this community.
    certificate::build(
        &issuer,
        &d.community,
        &d.register,
        &[],
        &d.card,
        (None, None),
        date(),
    )
    .expect("certificate")
}

/// The draft's data with a number, as the register would give it.
fn numbered(draft: &Draft, n: usize) -> Value {
    with_number(&draft.template, draft.data.clone(), n)
}

fn with_number(template: &str, mut data: Value, n: usize) -> Value {
    let number = if template == "zhengshu" {
        format!("昆社治试证〔2026〕第{n:03}号")
    } else {
        format!("昆社治办〔2026〕{n}号")
    };
    if let Some(o) = data.as_object_mut() {
        o.insert("number".into(), json!(number));
    }
    data
}

/// `n` certificates from a data file, all cores: the process a peak-RSS
/// measurement sees holds only the engine and the batch.
fn batch(n: &str, file: &str) {
    let n: usize = n.parse().expect("count");
    let data: Value = serde_json::from_str(&std::fs::read_to_string(file).expect("data")).unwrap();
    let meta = kaoping::render::DocMeta {
        title: "命名证书".into(),
        author: "昆明市城乡社区治理工作领导小组办公室".into(),
        date: date(),
    };
    let engine = Engine::new(None).expect("engine");
    let t = Instant::now();
    let numbers: Vec<usize> = (0..n).collect();
    par_map(&numbers, |k| {
        engine
            .render(
                "zhengshu",
                &with_number("zhengshu", data.clone(), *k),
                &meta,
            )
            .expect("render")
    });
    println!(
        "{n} certificates, {} threads: {:.0} documents/s",
        rayon::current_num_threads(),
        n as f64 / t.elapsed().as_secs_f64()
    );
}

fn render(engine: &Engine, draft: &Draft, n: usize) -> Vec<u8> {
    engine
        .render(&draft.template, &numbered(draft, n), &draft.meta)
        .expect("render")
}

/// Median and minimum milliseconds of `runs` renders.
fn warm(engine: &Engine, draft: &Draft, runs: usize) -> (f64, f64) {
    render(engine, draft, 0);
    let mut t: Vec<f64> = (0..runs)
        .map(|n| {
            let s = Instant::now();
            render(engine, draft, n + 1);
            s.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    t.sort_by(f64::total_cmp);
    (t[t.len() / 2], t[0])
}

/// Page objects in a PDF written by typst-pdf (`/Type/Page/`; the page
/// tree is `/Type/Pages`).
fn pages(pdf: &[u8]) -> usize {
    let key = b"/Type/Page";
    pdf.windows(key.len() + 1)
        .filter(|w| &w[..key.len()] == key && w[key.len()] != b's')
        .count()
}

/// The demo's manifest grown (or cut) to `n` files by repeating its
/// entries under new names.
fn manifest_of(base: &Manifest, n: usize) -> Manifest {
    let mut m = base.clone();
    m.files = (0..n)
        .map(|i| {
            let mut f = base.files[i % base.files.len()].clone();
            if i >= base.files.len() {
                f.path = format!("{}-{}", i / base.files.len(), f.path);
            }
            f
        })
        .collect();
    m.file_count = n as u64;
    m.total_bytes = m.files.iter().map(|f| f.size).sum();
    m
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--batch") {
        batch(&args[i + 1], &args[i + 2]);
        return;
    }
    let tmp = tempfile::tempdir().expect("temp dir");
    let demo = load(tmp.path());
    let engine = Engine::new(None).expect("engine");
    let cert = certificate_draft(&demo);
    if args.iter().any(|a| a == "--ofd") {
        ofd_beside_pdf(&engine, &report_draft(&demo, &demo.evidence), &cert);
        return;
    }

    if let Some(i) = args.iter().position(|a| a == "--emit") {
        let dir = Path::new(&args[i + 1]);
        std::fs::create_dir_all(dir).unwrap();
        let data = numbered(&cert, 1);
        let source = engine.source(&cert.template, &data, &cert.meta).unwrap();
        std::fs::write(dir.join("certificate.typ"), source).unwrap();
        std::fs::write(dir.join("certificate.json"), data.to_string()).unwrap();
        for (name, draft) in [
            ("report", report_draft(&demo, &demo.evidence)),
            ("notice", notice_draft(&demo)),
        ] {
            let source = engine
                .source(&draft.template, &numbered(&draft, 1), &draft.meta)
                .unwrap();
            std::fs::write(dir.join(format!("{name}.typ")), source).unwrap();
        }
        std::fs::write(
            dir.join("gongwen.typ"),
            include_str!("../templates/gongwen.typ"),
        )
        .unwrap();
    }

    let report = report_draft(&demo, &demo.evidence);
    for (name, draft) in [
        ("考评报告", &report),
        ("整改通知书", &notice_draft(&demo)),
        ("命名证书", &cert),
    ] {
        let p = pages(&render(&engine, draft, 0));
        let (median, min) = warm(&engine, draft, 20);
        println!("warm {name} ({p} pages): median {median:.1} ms (min {min:.1})");
    }

    let keys = kaoping::sign::Keyring::new(&tmp.path().join("archive"), &demo.config);
    for (name, draft) in [("考评报告", &report), ("命名证书", &cert)] {
        let (render_ms, _) = warm(&engine, draft, 20);
        let pdf = render(&engine, draft, 0);
        let mut t: Vec<f64> = (0..20)
            .map(|_| {
                let s = Instant::now();
                keys.sign_pdf(
                    pdf.clone(),
                    &draft.organs,
                    "昆社治办〔2026〕1号",
                    &draft.meta.title,
                )
                .expect("sign");
                s.elapsed().as_secs_f64() * 1e3
            })
            .collect();
        t.sort_by(f64::total_cmp);
        let sign_ms = t[t.len() / 2];
        println!(
            "signing {name}: median {sign_ms:.2} ms beside {render_ms:.1} ms rendering (+{:.1} %)",
            sign_ms / render_ms * 100.0
        );
    }

    let t = Instant::now();
    for n in 0..100 {
        render(&engine, &cert, n);
    }
    let single = 100.0 / t.elapsed().as_secs_f64();
    println!("100 certificates, one thread: {single:.0} documents/s");
    let t = Instant::now();
    for n in 0..100 {
        let pdf = render(&engine, &cert, n);
        keys.sign_pdf(pdf, &cert.organs, "昆社治办〔2026〕1号", &cert.meta.title)
            .expect("sign");
    }
    let signed = 100.0 / t.elapsed().as_secs_f64();
    println!(
        "100 certificates rendered and signed, one thread: {signed:.0} documents/s ({:.1} % slower)",
        (single / signed - 1.0) * 100.0
    );
    let t = Instant::now();
    let numbers: Vec<usize> = (0..100).collect();
    par_map(&numbers, |n| render(&engine, &cert, *n));
    println!(
        "100 certificates, {} threads: {:.0} documents/s",
        rayon::current_num_threads(),
        100.0 / t.elapsed().as_secs_f64()
    );

    for n in [10, 100, 1_000, 10_000] {
        let m = manifest_of(&demo.evidence, n);
        let draft = report_draft(&demo, &m);
        let runs = if n >= 10_000 { 2 } else { 5 };
        let p = pages(&render(&engine, &draft, 0));
        let (median, _) = warm(&engine, &draft, runs);
        println!(
            "report with {n} files in the manifest ({p} pages): {median:.0} ms, {:.2} ms per page",
            median / p as f64
        );
    }
}

/// Milliseconds and bytes of writing `draft` in `formats` (layout
/// included), median of `runs`.
fn timed_as(engine: &Engine, draft: &Draft, formats: Formats, runs: usize) -> (f64, usize) {
    let one = |n: usize| written(engine, draft, formats, n);
    let size = one(0);
    let mut t: Vec<f64> = (0..runs)
        .map(|n| {
            let s = Instant::now();
            one(n + 1);
            s.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    t.sort_by(f64::total_cmp);
    (t[t.len() / 2], size)
}

/// Bytes of `draft` numbered `n` written in `formats`.
fn written(engine: &Engine, draft: &Draft, formats: Formats, n: usize) -> usize {
    let r = engine
        .render_as(&draft.template, &numbered(draft, n), &draft.meta, formats)
        .expect("render");
    r.pdf.map_or(0, |b| b.len()) + r.ofd.map_or(0, |b| b.len())
}

/// The report (median of 11) and 100 certificates one after another, as
/// PDF, as OFD and as both, interleaved so each sees the same machine.
fn ofd_beside_pdf(engine: &Engine, report: &Draft, cert: &Draft) {
    let all = [
        ("PDF", Formats::PDF),
        ("OFD", Formats::OFD),
        ("PDF+OFD", Formats::BOTH),
    ];
    let p = pages(&render(engine, report, 0));
    for (name, f) in all {
        let (ms, size) = timed_as(engine, report, f, 11);
        println!("考评报告 ({p} pages) as {name}: median {ms:.1} ms, {size} bytes");
    }
    for (name, f) in all {
        let s = Instant::now();
        let bytes: usize = (0..100).map(|n| written(engine, cert, f, n)).sum();
        let secs = s.elapsed().as_secs_f64();
        println!(
            "100 certificates as {name}, one thread: {secs:.2} s ({:.0} documents/s), {} bytes each",
            100.0 / secs,
            bytes / 100
        );
    }
}
