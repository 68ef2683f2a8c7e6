//! Benchmark of the rendering engine (run through `bench/render.sh`):
//! a warm one-page official notice, a 100-document batch in one process on
//! one thread and on all cores (one shared `Engine`, one `World` per
//! document over the process-wide fonts), and resident memory across a
//! 1,000-document batch. With `--emit DIR` it also writes the Typst source
//! of the benchmark document to DIR for the `typst` CLI comparison.

use std::time::Instant;

use kaoping::render::parallel::par_map;
use kaoping::render::{DocMeta, Engine};
use serde_json::{Value, json};

fn notice(n: usize) -> Value {
    json!({
        "issuers": ["昆明市城乡社区治理工作领导小组办公室"],
        "number": format!("昆社治办〔2026〕{n}号"),
        "title": "关于开展第一批城乡社区治理创新试点评估验收的通知",
        "recipients": "各县（市）区城乡社区治理工作领导小组办公室，各开发（度假）园区",
        "body": [
            "根据《关于开展城乡社区治理创新试点建设工作方案》（昆办通〔2018〕54号）要求，市城乡社区治理工作领导小组办公室将对第一批城乡社区治理创新试点开展评估验收。现将有关事项通知如下。",
            {"level": 1, "heading": "一、验收对象"},
            "2018年申报并列入第一批创建名单的35个城乡社区治理创新试点。",
            {"level": 1, "heading": "二、时间安排"},
            {"level": 2, "heading": "（一）社区自查。", "text": "2019年10月15日前，各试点社区对照考评体系逐项自查，形成自查报告。"},
            {"level": 2, "heading": "（二）县级初评。", "text": "2019年10月31日前，各县（市）区完成初评，并将初评结果报市城乡社区治理工作领导小组办公室。"},
        ],
        "date": "2026-11-27",
        "cc": "市委组织部，市民政局",
        "print_date": "2026-11-27",
    })
}

fn meta() -> DocMeta {
    DocMeta {
        title: "关于开展第一批城乡社区治理创新试点评估验收的通知".into(),
        author: "昆明市城乡社区治理工作领导小组办公室".into(),
        date: chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
    }
}

fn rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let engine = Engine::new(None).expect("engine");
    let meta = meta();

    if let Some(i) = args.iter().position(|a| a == "--emit") {
        let dir = std::path::PathBuf::from(&args[i + 1]);
        std::fs::create_dir_all(&dir).unwrap();
        let source = engine.source("tongzhi", &notice(1), &meta).unwrap();
        std::fs::write(dir.join("main.typ"), source).unwrap();
        std::fs::write(
            dir.join("gongwen.typ"),
            include_str!("../templates/gongwen.typ"),
        )
        .unwrap();
    }

    if let Some(i) = args.iter().position(|a| a == "--memory") {
        let total: usize = args[i + 1].parse().unwrap();
        print!("resident memory over {total} documents, one thread (MB, every 500):");
        for n in 0..total {
            if n % 500 == 0 {
                print!(" {:.0}", rss_mb());
                use std::io::Write;
                std::io::stdout().flush().unwrap();
            }
            engine.render("tongzhi", &notice(n), &meta).unwrap();
        }
        println!(" {:.0}", rss_mb());
        return;
    }

    let t = Instant::now();
    let first = engine.render("tongzhi", &notice(1), &meta).unwrap();
    println!(
        "cold first document (fonts parsed, library evaluated): {:.1} ms, {} bytes",
        t.elapsed().as_secs_f64() * 1e3,
        first.len()
    );

    let mut times: Vec<f64> = (0..40)
        .map(|n| {
            let t = Instant::now();
            engine.render("tongzhi", &notice(n + 2), &meta).unwrap();
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    times.sort_by(f64::total_cmp);
    println!(
        "warm one-page document: median {:.1} ms (min {:.1}, max {:.1})",
        times[times.len() / 2],
        times[0],
        times[times.len() - 1]
    );
    profile(&engine, &meta);

    let t = Instant::now();
    for n in 0..100 {
        engine.render("tongzhi", &notice(n), &meta).unwrap();
    }
    let single = 100.0 / t.elapsed().as_secs_f64();
    println!("batch of 100, one thread: {single:.0} documents/s");

    let threads = rayon::current_num_threads();
    let t = Instant::now();
    let numbers: Vec<usize> = (0..100).collect();
    par_map(&numbers, |n| {
        engine.render("tongzhi", &notice(*n), &meta).unwrap()
    });
    let parallel = 100.0 / t.elapsed().as_secs_f64();
    println!("batch of 100, {threads} threads: {parallel:.0} documents/s");

    print!("resident memory over 1,000 documents (MB, every 100):");
    let before = rss_mb();
    print!(" {before:.0}");
    for chunk in 0..10 {
        let numbers: Vec<usize> = (chunk * 100..(chunk + 1) * 100).collect();
        par_map(&numbers, |n| {
            engine.render("tongzhi", &notice(*n), &meta).unwrap()
        });
        print!(" {:.0}", rss_mb());
    }
    println!();
}

fn profile(engine: &Engine, meta: &DocMeta) {
    let t = Instant::now();
    for n in 0..20 {
        engine.source("tongzhi", &notice(n), meta).unwrap();
    }
    println!(
        "  of which template + glyph check: {:.2} ms",
        t.elapsed().as_secs_f64() * 1e3 / 20.0
    );
    let t = Instant::now();
    for _ in 0..20 {
        comemo::evict(8);
    }
    println!(
        "  of which cache eviction: {:.2} ms",
        t.elapsed().as_secs_f64() * 1e3 / 20.0
    );
}
