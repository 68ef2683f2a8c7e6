//! The field form (实地考评表): an A4 page per point listing the 实地考评
//! standards checked there with boxes for the verdict, lines for the
//! record, the assessor's signature and date, and a QR code opening the
//! point's on-site page at the server's public address (`[server]
//! public_url` in `kaoping.toml`); without an address the page says how
//! to set it instead.

use serde::Serialize;

use super::{FieldError, point};
use crate::archive::Archive;
use crate::catalog::Catalog;
use crate::community::Community;
use crate::config::Config;
use crate::render::{DocMeta, Engine, RenderError};

/// Printed instead of the QR code when no public address is set.
pub const NO_ADDRESS_HINT: &str =
    "未设置服务地址，不印二维码。请在 kaoping.toml 的 [server] 中写 public_url = \"https://…\"";

#[derive(Serialize)]
struct StdLine {
    code: String,
    text: String,
}

/// The data of the `shidi` template: the community and a page a point.
#[derive(Serialize)]
struct FormData<'a> {
    community: FormCommunity<'a>,
    points: Vec<PointPage>,
    hint: &'static str,
}

/// The community the form is for.
#[derive(Serialize)]
struct FormCommunity<'a> {
    id: &'a str,
    name: &'a str,
    district: &'a str,
}

#[derive(Serialize)]
struct PointPage {
    id: String,
    name: String,
    kind: &'static str,
    address: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    qr: Option<String>,
    standards: Vec<StdLine>,
}

/// A rendered form.
pub struct FormPdf {
    /// The PDF.
    pub bytes: Vec<u8>,
    /// The addresses its QR codes open (empty without a public address).
    pub urls: Vec<String>,
}

/// Why a form could not be made.
#[derive(Debug, thiserror::Error)]
pub enum FormError {
    /// Reading points failed, or a point is unknown.
    #[error(transparent)]
    Field(#[from] FieldError),
    /// Rendering failed.
    #[error(transparent)]
    Render(#[from] RenderError),
}

/// The address of a point's on-site page under `base`.
pub fn page_url(base: &str, community: &str, point: &str) -> String {
    const KEEP: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    let enc = |s: &str| percent_encoding::utf8_percent_encode(s, KEEP).to_string();
    format!(
        "{}/c/{}/field?point={}",
        base.trim_end_matches('/'),
        enc(community),
        enc(point)
    )
}

/// The QR code of `text` as an SVG image (black modules on white, with the
/// quiet zone).
pub fn qr_svg(text: &str) -> Option<String> {
    let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
    let w = code.width();
    let colors = code.to_colors();
    let size = w + 8;
    let mut path = String::new();
    for (i, c) in colors.iter().enumerate() {
        if *c == qrcode::Color::Dark {
            path.push_str(&format!("M{} {}h1v1h-1z", i % w + 4, i / w + 4));
        }
    }
    Some(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" shape-rendering=\"crispEdges\"><rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/><path d=\"{path}\" fill=\"#000\"/></svg>"
    ))
}

/// The points the form of `community` has a page for: `only`, or every
/// point; without points yet, one page for the whole community that
/// lists every 实地考评 standard.
fn on_form(
    archive: &Archive,
    community: &Community,
    only: Option<&str>,
) -> Result<Vec<point::Point>, FieldError> {
    let points = match only {
        Some(id) => vec![point::get(archive, &community.id, id)?],
        None => point::list(archive, &community.id)?,
    };
    if !points.is_empty() {
        return Ok(points);
    }
    Ok(vec![point::Point {
        community: community.id.clone(),
        id: String::new(),
        name: "（尚未设置考评点）".into(),
        kind: point::PointKind::Other,
        address: String::new(),
        lat: None,
        lon: None,
        standards: Vec::new(),
    }])
}

/// The form of `community`: every point, or only `only`.
pub fn pdf(
    archive: &Archive,
    engine: &Engine,
    config: &Config,
    community: &Community,
    only: Option<&str>,
) -> Result<FormPdf, FormError> {
    let catalog = Catalog::builtin();
    let points = on_form(archive, community, only)?;
    let base = config
        .server
        .public_url
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty());
    let mut urls = Vec::new();
    let pages: Vec<PointPage> = points
        .iter()
        .map(|p| {
            let url = base.map(|b| {
                page_url(b, &community.id, &p.id)
                    .trim_end_matches("?point=")
                    .to_string()
            });
            urls.extend(url.clone());
            PointPage {
                id: p.id.clone(),
                name: p.name.clone(),
                kind: p.kind.name(),
                address: p.address.clone(),
                qr: url.as_deref().and_then(qr_svg),
                url,
                standards: p
                    .checked(catalog)
                    .iter()
                    .map(|k| StdLine {
                        code: format!("{}\n标准{}", k.indicator, k.standard),
                        text: k.text(catalog).to_string(),
                    })
                    .collect(),
            }
        })
        .collect();
    let data = FormData {
        community: FormCommunity {
            id: &community.id,
            name: &community.name,
            district: &community.district,
        },
        points: pages,
        hint: NO_ADDRESS_HINT,
    };
    let meta = DocMeta {
        title: format!("实地考评表（{}）", community.name),
        author: config
            .organs
            .first()
            .map(|o| o.name.clone())
            .unwrap_or_default(),
        date: crate::dates::today(),
    };
    let bytes = engine.render("shidi", &data, &meta)?;
    Ok(FormPdf { bytes, urls })
}
