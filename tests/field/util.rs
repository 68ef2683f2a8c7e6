//! Shared by the field tests: generated photos with EXIF, an archive with
//! a district and an expert, and the capture files.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

/// The point P1's coordinates (翠湖).
pub const AT: (f64, f64) = (25.0431, 102.7062);

/// A JPEG photo taken `days_ago` days ago at `gps`, or without EXIF.
pub fn photo(
    dir: &Path,
    name: &str,
    exif: Option<(i64, Option<(f64, f64)>)>,
    seed: u32,
) -> PathBuf {
    let jpg = kaoping::field::exif::sample_jpeg(96, 72, seed);
    let bytes = match exif {
        Some((days_ago, gps)) => {
            let t = chrono::Local::now().naive_local() - chrono::Duration::days(days_ago);
            kaoping::field::exif::with_exif(&jpg, Some(t), gps)
        }
        None => jpg,
    };
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// A taken time in the future.
pub fn future_photo(dir: &Path, name: &str) -> PathBuf {
    let t = NaiveDate::from_ymd_opt(2099, 1, 1)
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap();
    let bytes = kaoping::field::exif::with_exif(
        &kaoping::field::exif::sample_jpeg(32, 32, 9),
        Some(t),
        None,
    );
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// A minimal PDF capture.
pub fn pdf(dir: &Path, name: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, b"%PDF-1.4\n% capture of a web page\n%%EOF\n").unwrap();
    p
}

/// A grid-platform export as CSV.
pub fn grid_csv(dir: &Path) -> PathBuf {
    let p = dir.join("网格事件.csv");
    std::fs::write(
        &p,
        "事件编号,点位,事件类别,上报时间,处置状态\nE1,一网格,环境卫生,2026-10-01,已办结\nE2,一网格,环境卫生,2026-10-03,处置中\nE3,二网格,矛盾纠纷,2026-10-05,已办结\nE4,二网格,安全隐患,2026-10-09,已办结\n",
    )
    .unwrap();
    p
}

/// Events of the archive's log of `kind`.
pub fn events(archive: &Path, kind: &str) -> Vec<serde_json::Value> {
    std::fs::read_to_string(archive.join("log.jsonl"))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| v["kind"] == kind)
        .collect()
}
