//! The images an OFD carries: each distinct image once, as a
//! `MultiMedia` resource of `DocumentRes.xml` with its file under `Res/`.
//! PNG and JPEG files go in unchanged (both are OFD image formats); other
//! kinds (SVG, GIF, WebP) are refused rather than silently left out.

use std::collections::HashMap;

use typst::visualize::{ExchangeFormat, Image, ImageKind, RasterFormat};

use super::{Files, Ids, xml};
use crate::render::RenderError;

/// The images used so far, in order of first use. Keyed by Typst's
/// image, which hashes in constant time (its hash is computed once), so a
/// large picture drawn on every page is neither rehashed nor copied again.
#[derive(Default)]
pub struct ImageSet {
    media: Vec<(xml::MultiMedia, typst::foundations::Bytes)>,
    index: HashMap<Image, u32>,
}

impl ImageSet {
    /// The resource ID of `image`, added at its first use.
    pub fn add(&mut self, image: &Image, ids: &mut Ids) -> Result<u32, RenderError> {
        let (format, ext, data) = match image.kind() {
            ImageKind::Raster(raster) => match raster.format() {
                RasterFormat::Exchange(ExchangeFormat::Png) => ("PNG", "png", raster.data()),
                RasterFormat::Exchange(ExchangeFormat::Jpg) => ("JPEG", "jpg", raster.data()),
                _ => return Err(unsupported("PNG、JPEG 以外的位图")),
            },
            ImageKind::Svg(_) => {
                return Err(unsupported("SVG 图片（例如 SVG 印章，请改用 PNG 印章）"));
            }
            ImageKind::Pdf(_) => return Err(unsupported("PDF 图片")),
        };
        if let Some(id) = self.index.get(image) {
            return Ok(*id);
        }
        let id = ids.next();
        self.index.insert(image.clone(), id);
        let entry = xml::MultiMedia {
            id,
            kind: "Image",
            format,
            file: format!("image_{id}.{ext}"),
        };
        self.media.push((entry, data.clone()));
        Ok(id)
    }

    /// The `MultiMedia` resources and their files (name under `Res/`).
    pub fn finish(self) -> (Vec<xml::MultiMedia>, Files) {
        self.media
            .into_iter()
            .map(|(entry, data)| {
                let file = entry.file.clone();
                (entry, (file, data.to_vec()))
            })
            .unzip()
    }
}

fn unsupported(what: &str) -> RenderError {
    RenderError::Ofd(format!("OFD 暂不支持{what}"))
}
