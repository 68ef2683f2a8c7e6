//! The XML parts of an OFD package (GB/T 33190-2016) as serde types, and
//! their serialisation with quick-xml. Element and attribute order follows
//! the standard's schemas; numbers arrive already formatted (millimetres,
//! see [`super::units`]) so that the output is byte-for-byte deterministic.

use serde::Serialize;

use crate::render::RenderError;

/// The OFD namespace.
pub const NS: &str = "http://www.ofdspec.org/2016";

/// `OFD.xml`, the package's entry.
#[derive(Debug, Serialize)]
pub struct Ofd {
    #[serde(rename = "@xmlns:ofd")]
    pub ns: &'static str,
    #[serde(rename = "@Version")]
    pub version: &'static str,
    #[serde(rename = "@DocType")]
    pub doc_type: &'static str,
    #[serde(rename = "ofd:DocBody")]
    pub body: DocBody,
}

#[derive(Debug, Serialize)]
pub struct DocBody {
    #[serde(rename = "ofd:DocInfo")]
    pub info: DocInfo,
    #[serde(rename = "ofd:DocRoot")]
    pub root: String,
    /// The signature list, when the package is signed.
    #[serde(rename = "ofd:Signatures", skip_serializing_if = "Option::is_none")]
    pub signatures: Option<String>,
}

/// `DocInfo`, in the schema's element order.
#[derive(Debug, Serialize)]
pub struct DocInfo {
    #[serde(rename = "ofd:DocID")]
    pub id: String,
    #[serde(rename = "ofd:Title")]
    pub title: String,
    #[serde(rename = "ofd:Author")]
    pub author: String,
    #[serde(rename = "ofd:CreationDate")]
    pub creation_date: String,
    #[serde(rename = "ofd:Creator")]
    pub creator: &'static str,
}

/// `Doc_0/Document.xml`.
#[derive(Debug, Serialize)]
pub struct Document {
    #[serde(rename = "@xmlns:ofd")]
    pub ns: &'static str,
    #[serde(rename = "ofd:CommonData")]
    pub common: CommonData,
    #[serde(rename = "ofd:Pages")]
    pub pages: Pages,
}

#[derive(Debug, Serialize)]
pub struct CommonData {
    #[serde(rename = "ofd:MaxUnitID")]
    pub max_unit_id: u32,
    #[serde(rename = "ofd:PageArea")]
    pub page_area: Area,
    #[serde(rename = "ofd:PublicRes")]
    pub public_res: &'static str,
    #[serde(rename = "ofd:DocumentRes")]
    pub document_res: &'static str,
}

/// A page area: its physical box, `"0 0 width height"` in mm.
#[derive(Debug, Serialize)]
pub struct Area {
    #[serde(rename = "ofd:PhysicalBox")]
    pub physical_box: String,
}

#[derive(Debug, Serialize)]
pub struct Pages {
    #[serde(rename = "ofd:Page")]
    pub pages: Vec<PageRef>,
}

#[derive(Debug, Serialize)]
pub struct PageRef {
    #[serde(rename = "@ID")]
    pub id: u32,
    #[serde(rename = "@BaseLoc")]
    pub base_loc: String,
}

/// A resource file (`PublicRes.xml`, `DocumentRes.xml`).
#[derive(Debug, Serialize)]
pub struct Res {
    #[serde(rename = "@xmlns:ofd")]
    pub ns: &'static str,
    #[serde(rename = "@BaseLoc")]
    pub base_loc: &'static str,
    #[serde(rename = "ofd:Fonts", skip_serializing_if = "Option::is_none")]
    pub fonts: Option<Fonts>,
    #[serde(rename = "ofd:MultiMedias", skip_serializing_if = "Option::is_none")]
    pub media: Option<MultiMedias>,
}

#[derive(Debug, Serialize)]
pub struct Fonts {
    #[serde(rename = "ofd:Font")]
    pub fonts: Vec<Font>,
}

#[derive(Debug, Serialize)]
pub struct Font {
    #[serde(rename = "@ID")]
    pub id: u32,
    #[serde(rename = "@FontName")]
    pub name: String,
    #[serde(rename = "@FamilyName")]
    pub family: String,
    #[serde(rename = "ofd:FontFile")]
    pub file: String,
}

#[derive(Debug, Serialize)]
pub struct MultiMedias {
    #[serde(rename = "ofd:MultiMedia")]
    pub media: Vec<MultiMedia>,
}

#[derive(Debug, Serialize)]
pub struct MultiMedia {
    #[serde(rename = "@ID")]
    pub id: u32,
    #[serde(rename = "@Type")]
    pub kind: &'static str,
    #[serde(rename = "@Format")]
    pub format: &'static str,
    #[serde(rename = "ofd:MediaFile")]
    pub file: String,
}

/// `Pages/Page_N/Content.xml`.
#[derive(Debug, Serialize)]
pub struct Page {
    #[serde(rename = "@xmlns:ofd")]
    pub ns: &'static str,
    #[serde(rename = "ofd:Area")]
    pub area: Area,
    #[serde(rename = "ofd:Content")]
    pub content: Content,
}

#[derive(Debug, Serialize)]
pub struct Content {
    #[serde(rename = "ofd:Layer")]
    pub layer: Layer,
}

#[derive(Debug, Serialize)]
pub struct Layer {
    #[serde(rename = "@ID")]
    pub id: u32,
    #[serde(rename = "$value")]
    pub objects: Vec<Object>,
}

/// One graphic unit of a page, in painting order.
#[derive(Debug, Serialize)]
pub enum Object {
    #[serde(rename = "ofd:TextObject")]
    Text(TextObject),
    #[serde(rename = "ofd:PathObject")]
    Path(PathObject),
    #[serde(rename = "ofd:ImageObject")]
    Image(ImageObject),
}

/// A colour: `"r g b"` in the default RGB space, with an optional alpha.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Color {
    #[serde(rename = "@Value")]
    pub value: String,
    #[serde(rename = "@Alpha", skip_serializing_if = "Option::is_none")]
    pub alpha: Option<u8>,
}

#[derive(Debug, Serialize)]
pub struct TextObject {
    #[serde(rename = "@ID")]
    pub id: u32,
    #[serde(rename = "@Boundary")]
    pub boundary: String,
    #[serde(rename = "@CTM", skip_serializing_if = "Option::is_none")]
    pub ctm: Option<String>,
    #[serde(rename = "@Font")]
    pub font: u32,
    #[serde(rename = "@Size")]
    pub size: String,
    #[serde(rename = "@HScale", skip_serializing_if = "Option::is_none")]
    pub hscale: Option<String>,
    #[serde(rename = "ofd:FillColor")]
    pub fill: Color,
    #[serde(rename = "ofd:CGTransform", skip_serializing_if = "Vec::is_empty")]
    pub transforms: Vec<CgTransform>,
    #[serde(rename = "ofd:TextCode")]
    pub code: TextCode,
}

/// Which glyphs draw a run of characters when the font's cmap does not
/// say it (ligatures, locale forms).
#[derive(Debug, Serialize)]
pub struct CgTransform {
    #[serde(rename = "@CodePosition")]
    pub position: usize,
    #[serde(rename = "@CodeCount")]
    pub code_count: usize,
    #[serde(rename = "@GlyphCount")]
    pub glyph_count: usize,
    #[serde(rename = "ofd:Glyphs")]
    pub glyphs: String,
}

#[derive(Debug, Serialize)]
pub struct TextCode {
    #[serde(rename = "@X")]
    pub x: String,
    #[serde(rename = "@Y")]
    pub y: String,
    #[serde(rename = "@DeltaX", skip_serializing_if = "Option::is_none")]
    pub delta_x: Option<String>,
    #[serde(rename = "@DeltaY", skip_serializing_if = "Option::is_none")]
    pub delta_y: Option<String>,
    #[serde(rename = "$text")]
    pub text: String,
}

#[derive(Debug, Serialize)]
pub struct PathObject {
    #[serde(rename = "@ID")]
    pub id: u32,
    #[serde(rename = "@Boundary")]
    pub boundary: String,
    #[serde(rename = "@LineWidth", skip_serializing_if = "Option::is_none")]
    pub line_width: Option<String>,
    #[serde(rename = "@Stroke")]
    pub stroke: bool,
    #[serde(rename = "@Fill")]
    pub fill: bool,
    #[serde(rename = "@Rule", skip_serializing_if = "Option::is_none")]
    pub rule: Option<&'static str>,
    #[serde(rename = "ofd:StrokeColor", skip_serializing_if = "Option::is_none")]
    pub stroke_color: Option<Color>,
    #[serde(rename = "ofd:FillColor", skip_serializing_if = "Option::is_none")]
    pub fill_color: Option<Color>,
    #[serde(rename = "ofd:AbbreviatedData")]
    pub data: String,
}

#[derive(Debug, Serialize)]
pub struct ImageObject {
    #[serde(rename = "@ID")]
    pub id: u32,
    #[serde(rename = "@Boundary")]
    pub boundary: String,
    #[serde(rename = "@CTM")]
    pub ctm: String,
    #[serde(rename = "@ResourceID")]
    pub resource: u32,
}

/// `value` as an XML document with root element `root`.
pub fn to_xml<T: Serialize>(root: &str, value: &T) -> Result<Vec<u8>, RenderError> {
    let body = quick_xml::se::to_string_with_root(root, value)
        .map_err(|e| RenderError::Ofd(format!("XML 序列化失败：{e}")))?;
    let mut out = String::with_capacity(body.len() + 40);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&body);
    Ok(out.into_bytes())
}
