//! The demo's 实地考评 and 网络（媒体）调查: two points of the sample
//! community, the sample expert's visit with generated photos (JPEG with
//! EXIF written here, one without EXIF to show the flag), a scanned form,
//! the visit submitted as the expert's sheet, a 网格管理平台 export and two
//! media captures (a PDF and a PNG screenshot).

use std::path::Path;

use super::{FieldError, Upload, grid, media, photo, point, visit};
use crate::accounts::Account;
use crate::archive::Archive;
use crate::archive::lock::WriterLock;
use crate::catalog::Catalog;
use crate::community::Community;
use crate::config::Config;

/// A small PDF with one empty page, standing in for a printed web page.
const CAPTURE_PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

/// Writes the sample files under `dir` and records them for `community`
/// as `expert` (assigned to it) and the office.
pub fn run(
    archive: &Archive,
    lock: &WriterLock,
    config: &Config,
    dir: &Path,
    community: &Community,
    (expert, office): (&Account, &Account),
) -> Result<(), FieldError> {
    let catalog = Catalog::builtin();
    std::fs::create_dir_all(dir).map_err(super::io_err(archive))?;
    let write = |name: &str, bytes: &[u8]| -> Result<std::path::PathBuf, FieldError> {
        let p = dir.join(name);
        std::fs::write(&p, bytes).map_err(super::io_err(archive))?;
        Ok(p)
    };
    let off = Archive::new(archive.root()).acting_as(&office.name);
    let ex = Archive::new(archive.root()).acting_as(&expert.name);
    let centre = (25.0436, 102.7050);
    for new in [
        point::NewPoint {
            name: format!("{}综合服务中心", community.name),
            kind: "社区综合服务中心".into(),
            address: "翠湖南路 1 号".into(),
            lat: centre.0.to_string(),
            lon: centre.1.to_string(),
            ..Default::default()
        },
        point::NewPoint {
            name: "翠湖小区".into(),
            kind: "小区".into(),
            address: "翠湖北路 8 号".into(),
            standards: "Ⅱ-3/2,Ⅱ-3/3,Ⅱ-10/3".into(),
            ..Default::default()
        },
    ] {
        point::add(&off, lock, catalog, community, &new)?;
    }
    let at = super::Recording {
        archive: &ex,
        lock,
        catalog,
        checks: (&config.field, crate::field::zone(&config.time)),
        community,
        account: expert,
    };
    // Taken an hour before they reach the archive, by the demo's clock.
    let taken = crate::clock::now()
        .with_timezone(&crate::clock::BEIJING)
        .naive_local()
        - chrono::Duration::hours(1);
    let shots = [
        ("P1", "Ⅱ-6/1", "服务中心公示栏.jpg", Some(centre), 1),
        (
            "P1",
            "Ⅱ-6/1",
            "服务中心大厅.jpg",
            Some((centre.0 + 0.0004, centre.1)),
            2,
        ),
        ("P1", "Ⅱ-8/3", "人民调解室.jpg", Some(centre), 3),
        ("P2", "Ⅱ-10/3", "消防通道.jpg", None, 4),
        (
            "P2",
            "Ⅱ-3/2",
            "楼栋长公示牌.jpg",
            Some((25.0450, 102.7046)),
            5,
        ),
    ];
    for (pt, std, name, gps, seed) in shots {
        let jpg = super::exif::sample_jpeg(480, 360, seed);
        // The fourth photo is sent as the phone left it without EXIF; the
        // fifth is an old picture, taken a month before the visit.
        let bytes = match seed {
            4 => jpg,
            5 => super::exif::with_exif(&jpg, Some(taken - chrono::Duration::days(30)), gps),
            _ => super::exif::with_exif(&jpg, Some(taken), gps),
        };
        let path = write(name, &bytes)?;
        let incoming = photo::Incoming {
            point: pt,
            standard: std,
            path: &path,
            name,
            client: None,
        };
        photo::store(at, &incoming)?;
    }
    let finding = |standard: &str, verdict: &str, remark: &str| visit::Finding {
        standard: standard.into(),
        verdict: verdict.into(),
        remark: remark.into(),
    };
    let today = crate::dates::today();
    let visits = [
        (
            "P1",
            [
                finding("Ⅱ-6/1", "达标", "服务事项、办事流程在大厅公示"),
                finding("Ⅱ-8/3", "达标", "人民调解室制度上墙，有近三个月调解记录"),
            ],
        ),
        (
            "P2",
            [
                finding("Ⅱ-3/2", "达标", "楼栋长信息公示"),
                finding("Ⅱ-10/3", "基本达标", "2 号楼消防通道有少量杂物"),
            ],
        ),
    ];
    for (point, findings) in &visits {
        visit::record(at, (*point, findings.as_slice(), today))?;
    }
    let scan = write("P1-实地考评表扫描件.pdf", CAPTURE_PDF)?;
    visit::attach_scan(
        &ex,
        lock,
        community,
        expert,
        "P1",
        &scan,
        "P1-实地考评表扫描件.pdf",
    )?;
    visit::submit(&ex, lock, catalog, community, expert, None)?;
    // The 街道's grid platform export, imported by the office.
    let table = write(
        "网格管理平台导出.csv",
        "事件编号,点位,事件类别,上报时间,处置状态,办结时间\nWG-001,翠湖小区,环境卫生,2019-10-08,已办结,2019-10-09\nWG-002,翠湖小区,消防安全,2019-10-15,已办结,2019-10-16\nWG-003,综合服务中心,矛盾纠纷,2019-10-21,已办结,2019-10-25\nWG-004,翠湖小区,环境卫生,2019-11-02,处置中,\nWG-005,综合服务中心,民生服务,2019-11-11,已办结,2019-11-12\n".as_bytes(),
    )?;
    grid::import(
        &off,
        lock,
        catalog,
        community,
        &table,
        "网格管理平台导出.csv",
        "Ⅱ-10/3,Ⅱ-6/1",
    )?;
    // Two media captures.
    let mut png = Vec::new();
    let img = image::RgbImage::from_fn(320, 200, |x, y| {
        image::Rgb([240, (x % 255) as u8, (y % 255) as u8])
    });
    let _ = image::ImageEncoder::write_image(
        image::codecs::png::PngEncoder::new(&mut png),
        img.as_raw(),
        320,
        200,
        image::ExtendedColorType::Rgb8,
    );
    for (standard, url, title, platform, file, bytes) in [
        (
            "Ⅱ-9/2",
            "https://www.km.gov.cn/example/cuihu-yishi",
            "翠湖社区召开居民议事会",
            "政府网站",
            "政府网站存档.pdf",
            CAPTURE_PDF.to_vec(),
        ),
        (
            "Ⅱ-9/3",
            "https://mp.weixin.qq.com/s/example-cuihu",
            "翠湖社区公众号发布服务清单",
            "微信公众号",
            "公众号截图.png",
            png,
        ),
    ] {
        let path = write(file, &bytes)?;
        let new = media::NewMedia {
            standard: standard.into(),
            url: url.into(),
            title: title.into(),
            platform: platform.into(),
            published: "2019-10-12".into(),
            checked: String::new(),
            finding: "信息公开及时，内容与社区台账一致".into(),
        };
        media::add(
            &ex,
            lock,
            catalog,
            community,
            expert,
            &new,
            Upload {
                path: &path,
                name: file,
            },
        )?;
    }
    Ok(())
}
