//! What the 考评报告 says about the 实地考评 and 网络（媒体）调查
//! evidence: a paragraph in its 基本情况, an attachment citing for each
//! standard its on-site records (point, assessor, time, photo count, short
//! hashes), grid data and media captures, and an attachment of photo
//! pages (a grid of photos with point, standard, time and short hash under
//! each). Photos on the pages are thumbnails made for the page; the
//! originals stay in the archive.

use super::data::{Attachment, Cell, Para, Photo, Row, Table};
use crate::archive::Archive;
use crate::archive::store::Digest;
use crate::catalog::Catalog;
use crate::config::TimeSettings;
use crate::field::StdKey;
use crate::field::evidence::Evidence;

/// Most photos the photo pages carry; the rest are in the BagIt export.
pub const MAX_PHOTOS: usize = 60;

/// The field evidence of a report: the records and the photo pages.
#[derive(Debug, Clone, Default)]
pub struct FieldPart {
    /// The records.
    pub evidence: Evidence,
    /// The photo pages' photos.
    pub photos: Vec<Photo>,
    /// Photos that could not be shown (a format without thumbnail, or over
    /// [`MAX_PHOTOS`]).
    pub not_shown: usize,
    /// How times are shown.
    pub time: TimeSettings,
}

/// A JPEG thumbnail of an image's bytes, at most 640×480, or `None` for a
/// format that cannot be decoded here (HEIC) or an image over the limits
/// (see [`crate::field::picture`]).
pub fn thumbnail(bytes: &[u8]) -> Option<Vec<u8>> {
    crate::field::picture::thumbnail(bytes)
}

impl FieldPart {
    /// The field evidence of `community`, with thumbnails of its photos
    /// read (verified) from the store.
    pub fn load(
        archive: &Archive,
        community: &str,
        time: &TimeSettings,
    ) -> Result<FieldPart, crate::field::FieldError> {
        let evidence = Evidence::load(archive, community)?;
        let mut photos = Vec::new();
        let mut not_shown = 0;
        for p in &evidence.photos {
            let original = || {
                let d = Digest::from_hex(&p.file.object.sha256)?;
                let mut bytes = Vec::new();
                archive.store().copy_verified(&d, &mut bytes).ok()?;
                Some(bytes)
            };
            let thumb = (photos.len() < MAX_PHOTOS)
                .then(|| {
                    crate::field::picture::stored_thumbnail(
                        archive,
                        &p.file.object.sha256,
                        original,
                    )
                })
                .flatten();
            match thumb {
                Some(jpeg) => {
                    let name = evidence
                        .points
                        .iter()
                        .find(|x| x.id == p.point)
                        .map_or("", |x| x.name.as_str());
                    let taken = p
                        .exif
                        .taken
                        .as_deref()
                        .map_or("拍摄时间未知".to_string(), |t| {
                            format!("拍摄 {}", time.show(t))
                        });
                    let flags = if p.flags.is_empty() {
                        String::new()
                    } else {
                        format!(
                            "；⚠{}",
                            p.flags
                                .iter()
                                .map(|f| f.detail.as_str())
                                .collect::<Vec<_>>()
                                .join("；")
                        )
                    };
                    photos.push(Photo {
                        jpeg,
                        caption: format!(
                            "{} {} · {}\n{}，{}，{}{flags}",
                            p.point,
                            name,
                            p.key,
                            taken,
                            p.assessor,
                            p.file.short()
                        ),
                    });
                }
                None => not_shown += 1,
            }
        }
        Ok(FieldPart {
            evidence,
            photos,
            not_shown,
            time: time.clone(),
        })
    }

    /// Whether there is anything to report.
    pub fn is_empty(&self) -> bool {
        self.evidence.is_empty()
    }

    /// The sentence of 基本情况 on the on-site and media evidence.
    pub fn paragraph(&self) -> Para {
        let e = &self.evidence;
        let points: std::collections::BTreeSet<&str> =
            e.visits.iter().map(|(_, v)| v.point.as_str()).collect();
        Para::from(format!(
            "实地考评在 {} 个考评点留有现场记录 {} 份、照片 {} 张（原件及其哈希保存在档案库中）、纸质考评表扫描件 {} 份，网格化考评数据 {} 份，网络（媒体）调查记录 {} 条，逐条标准的引证见附件“实地考评和网络（媒体）调查证据”，现场照片见附件“现场照片”。",
            points.len(),
            e.visits.len(),
            e.photos.len(),
            e.scans.len(),
            e.grids.len(),
            e.media.len()
        ))
    }

    /// The attachments: the citations per standard, then the photo pages.
    pub fn attachments(&self, catalog: &Catalog) -> Vec<Attachment> {
        let mut rows = Vec::new();
        for (_, ind, s) in catalog.standards() {
            let key = StdKey {
                indicator: ind.code.clone(),
                standard: s.number,
            };
            for (method, lines) in [
                ("实地考评", self.evidence.onsite_lines(&key, &self.time)),
                ("网络（媒体）调查", self.evidence.media_lines(&key)),
            ] {
                for line in lines {
                    rows.push(Row::Plain(vec![
                        Cell::from(ind.code.clone()),
                        Cell::from(format!("标准{}", s.number)),
                        Cell::from(method),
                        Cell::left(line),
                    ]));
                }
            }
        }
        let mut out = vec![Attachment {
            name: "实地考评和网络（媒体）调查证据".into(),
            landscape: true,
            body: vec!["照片和网页存档以 SHA-256 哈希的前 12 位引证，原件可用 kaoping cat 哈希 取出，或见该社区的 BagIt 导出包。".into()],
            table: Some(Table::compact(&["指标", "标准", "方法", "证据"], &[1.2, 1.2, 1.8, 10.0], rows)),
            ..Attachment::default()
        }];
        if !self.photos.is_empty() {
            let mut body = Vec::new();
            if self.not_shown > 0 {
                body.push(format!("另有 {} 张照片未在此列出（格式无法生成缩略图或超过 {MAX_PHOTOS} 张），原件见档案库。", self.not_shown));
            }
            out.push(Attachment {
                name: "现场照片".into(),
                body,
                photos: self.photos.clone(),
                ..Attachment::default()
            });
        }
        out
    }
}
