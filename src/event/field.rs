//! The field records of the log: the `data` of each kind and the values
//! it holds. The field module re-exports them where they used to live.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::archive::ObjectRef;
use super::assessment::{Level, Verdict};

/// A standard, as records name it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct StdKey {
    /// Canonical indicator code (`Ⅱ-3`).
    pub indicator: String,
    /// Standard number within it.
    pub standard: u32,
}

/// A stored file of a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredFile {
    /// The name it was uploaded under (kept as data, never a path).
    pub name: String,
    /// Its object.
    pub object: ObjectRef,
}

/// A point as the log keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Point {
    /// Community id.
    pub community: String,
    /// Its id within the community (`P1`, …).
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its kind.
    pub kind: PointKind,
    /// Its address.
    pub address: String,
    /// Latitude (WGS-84 degrees), if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lat: Option<f64>,
    /// Longitude, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lon: Option<f64>,
    /// The 实地考评 standards checked here; empty means all of them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub standards: Vec<StdKey>,
}

/// What kind of place a point is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PointKind {
    /// 社区综合服务中心.
    #[serde(rename = "社区综合服务中心")]
    ServiceCentre,
    /// 小区.
    #[serde(rename = "小区")]
    Estate,
    /// 楼院.
    #[serde(rename = "楼院")]
    Compound,
    /// 网格点位.
    #[serde(rename = "网格点位")]
    GridSpot,
    /// 其他.
    #[serde(rename = "其他")]
    Other,
}

/// A photo as the log keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhotoRecord {
    /// Community id.
    pub community: String,
    /// Point id.
    pub point: String,
    /// The standard.
    #[serde(flatten)]
    pub key: StdKey,
    /// The assessor's account.
    pub assessor: String,
    /// The assessor's level.
    pub level: Level,
    /// The file (original bytes).
    pub file: StoredFile,
    /// Its format, by content.
    pub format: ImageFormat,
    /// When the server received it (RFC 3339, UTC).
    pub received: String,
    /// What its EXIF says.
    pub exif: PhotoFacts,
    /// Why it is flagged, if it is.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<Flag>,
    /// The phone's own id of the record, when it came through the
    /// offline outbox.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<ClientRef>,
}

/// The phone's own id of a record captured on site (see
/// `crate::field::outbox`): the idempotency key of a resend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientRef {
    /// The id the phone made (a UUID), one per record.
    pub id: String,
    /// When the phone made the record, by its own clock (RFC 3339).
    pub phone_time: String,
    /// SHA-256 of the record's content as the server read it: a resend
    /// with the same id must carry the same.
    pub content: String,
}

/// A flag with its particulars.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Flag {
    /// What.
    pub kind: FlagKind,
    /// The particulars, in Chinese.
    pub detail: String,
}

/// Why a photo is flagged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FlagKind {
    /// No readable EXIF (no 拍摄时间 to check).
    #[serde(rename = "无EXIF信息")]
    NoExif,
    /// 拍摄时间 after the server received it.
    #[serde(rename = "拍摄时间在将来")]
    Future,
    /// 拍摄时间 long before the visit.
    #[serde(rename = "拍摄时间过早")]
    TooOld,
    /// GPS far from the point's coordinates.
    #[serde(rename = "拍摄位置偏远")]
    FarAway,
}

/// Image formats accepted as photos.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImageFormat {
    /// JPEG.
    #[serde(rename = "JPEG")]
    Jpeg,
    /// PNG.
    #[serde(rename = "PNG")]
    Png,
    /// HEIC/HEIF (phones' default on some systems).
    #[serde(rename = "HEIC")]
    Heic,
    /// WebP.
    #[serde(rename = "WebP")]
    Webp,
}

/// What a photo's EXIF says.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PhotoFacts {
    /// 拍摄时间 (DateTimeOriginal, else DateTime), RFC 3339 with the
    /// photo's offset or, without one, `zone`'s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taken: Option<String>,
    /// GPS latitude and longitude (degrees, south and west negative).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gps: Option<(f64, f64)>,
    /// Whether the photo has readable EXIF at all.
    pub has_exif: bool,
}

/// A visit as the log keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VisitRecord {
    /// Community id.
    pub community: String,
    /// Point id.
    pub point: String,
    /// The assessor's account.
    pub assessor: String,
    /// The assessor's level.
    pub level: Level,
    /// The day of the visit.
    pub date: NaiveDate,
    /// The findings.
    pub rows: Vec<VisitRow>,
    /// The phone's own id of the record, when it came through the
    /// offline outbox.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<ClientRef>,
}

/// One standard's finding at a point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VisitRow {
    /// The standard.
    #[serde(flatten)]
    pub key: StdKey,
    /// The verdict.
    pub verdict: Verdict,
    /// What was observed.
    #[serde(default)]
    pub remark: String,
    /// SHA-256 of the photos of this standard at this point.
    #[serde(default)]
    pub photos: Vec<String>,
}

/// A scanned paper form as the log keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScanRecord {
    /// Community id.
    pub community: String,
    /// Point id.
    pub point: String,
    /// Who uploaded it.
    pub assessor: String,
    /// The file.
    pub file: StoredFile,
}

/// A media record as the log keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MediaRecord {
    /// Community id.
    pub community: String,
    /// The standard.
    #[serde(flatten)]
    pub key: StdKey,
    /// The address, as typed (never fetched).
    pub url: String,
    /// The page's title.
    pub title: String,
    /// Where.
    pub platform: Platform,
    /// When it was published, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<NaiveDate>,
    /// When the assessor checked it.
    pub checked: NaiveDate,
    /// What was found.
    pub finding: String,
    /// The capture.
    pub file: StoredFile,
    /// Its format.
    pub format: CaptureFormat,
    /// Who recorded it.
    pub assessor: String,
}

/// Where it was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Platform {
    /// 政府网站.
    #[serde(rename = "政府网站")]
    GovSite,
    /// 微信公众号.
    #[serde(rename = "微信公众号")]
    WeChat,
    /// 媒体报道.
    #[serde(rename = "媒体报道")]
    Media,
    /// 其他.
    #[serde(rename = "其他")]
    Other,
}

/// A capture's format, by content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CaptureFormat {
    /// PDF.
    #[serde(rename = "PDF")]
    Pdf,
    /// PNG screenshot.
    #[serde(rename = "PNG")]
    Png,
    /// MHTML web archive.
    #[serde(rename = "MHTML")]
    Mhtml,
    /// WARC web archive.
    #[serde(rename = "WARC")]
    Warc,
}

/// An import as the log keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GridRecord {
    /// Community id.
    pub community: String,
    /// The export as submitted.
    pub file: StoredFile,
    /// The 实地考评 standards it is evidence for.
    pub standards: Vec<StdKey>,
    /// Its summary.
    pub summary: Summary,
}

/// What an export adds up to.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Events.
    pub total: usize,
    /// Events whose state is resolved (办结, 已处置, 已解决, 结案, 完成).
    pub resolved: usize,
    /// Events per category.
    pub by_category: BTreeMap<String, usize>,
    /// Events per state.
    pub by_state: BTreeMap<String, usize>,
    /// Events per point.
    pub by_point: BTreeMap<String, usize>,
}

/// A photo's flags as re-evaluated against its visit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reflag {
    /// Community id.
    pub community: String,
    /// Point id.
    pub point: String,
    /// The standard.
    #[serde(flatten)]
    pub key: StdKey,
    /// The assessor's account.
    pub assessor: String,
    /// SHA-256 of the photo.
    pub sha256: String,
    /// The time the photo was judged against (RFC 3339).
    pub reference: String,
    /// The photo's flags from now on.
    #[serde(default)]
    pub flags: Vec<Flag>,
}
