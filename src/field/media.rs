//! 网络（媒体）调查 records: what an assessor found about a standard on
//! the web or in the media — URL, title, platform, dates, the finding —
//! with the capture file they saved (PDF, PNG, MHTML or WARC, checked by
//! content) stored with its hash. The URL is kept as text: nothing is
//! ever fetched on a user's behalf.

use chrono::NaiveDate;

use super::{FieldError, StdKey, StoredFile};
use crate::accounts::{Account, Role};
use crate::archive::Archive;
use crate::archive::lock::WriterLock;
use crate::catalog::{Catalog, Method};
use crate::community::Community;
pub use crate::event::field::{CaptureFormat, MediaRecord, Platform};

impl Platform {
    /// Every platform.
    pub const ALL: [Platform; 4] = [
        Platform::GovSite,
        Platform::WeChat,
        Platform::Media,
        Platform::Other,
    ];

    /// The printed name.
    pub fn name(self) -> &'static str {
        match self {
            Platform::GovSite => "政府网站",
            Platform::WeChat => "微信公众号",
            Platform::Media => "媒体报道",
            Platform::Other => "其他",
        }
    }

    /// Parses a printed name.
    pub fn parse(s: &str) -> Option<Platform> {
        Platform::ALL.into_iter().find(|p| p.name() == s.trim())
    }
}

impl CaptureFormat {
    /// The format of a capture's first bytes.
    pub fn sniff(head: &[u8]) -> Option<CaptureFormat> {
        if head.starts_with(b"%PDF-") {
            return Some(CaptureFormat::Pdf);
        }
        if head.starts_with(b"\x89PNG\r\n\x1a\n") {
            return Some(CaptureFormat::Png);
        }
        if head.starts_with(b"WARC/") {
            return Some(CaptureFormat::Warc);
        }
        let text = String::from_utf8_lossy(&head[..head.len().min(4096)]).to_ascii_lowercase();
        (text.contains("mime-version:") && text.contains("multipart/related"))
            .then_some(CaptureFormat::Mhtml)
    }
}

/// A media record as typed.
#[derive(Debug, Clone, Default)]
pub struct NewMedia {
    /// Standard as typed.
    pub standard: String,
    /// URL.
    pub url: String,
    /// Title.
    pub title: String,
    /// Platform as typed.
    pub platform: String,
    /// Date published (may be empty).
    pub published: String,
    /// Date checked (empty: today).
    pub checked: String,
    /// Finding.
    pub finding: String,
}

/// Every media record of `community`, in log order.
pub fn list(archive: &Archive, community: &str) -> Result<Vec<MediaRecord>, FieldError> {
    super::from_log(archive, |e| match e {
        crate::event::Event::MediaCapture(m) if m.community == community => Some(m.clone()),
        _ => None,
    })
}

fn bad(field: &'static str, value: &str, why: impl Into<String>) -> FieldError {
    FieldError::BadField {
        field,
        value: value.trim().to_string(),
        why: why.into(),
    }
}

fn date(field: &'static str, s: &str) -> Result<Option<NaiveDate>, FieldError> {
    if s.trim().is_empty() {
        return Ok(None);
    }
    let d = crate::dates::parse(s.trim()).ok_or_else(|| {
        bad(
            field,
            s,
            format!("请写成 {} 这样的日期", crate::dates::FORMS),
        )
    })?;
    let today = crate::dates::today();
    if d > today {
        return Err(bad(field, s, format!("在将来（今天是 {today}）")));
    }
    Ok(Some(d))
}

/// Checks the URL as text: `http(s)://`, no spaces, not too long.
fn url(s: &str) -> Result<String, FieldError> {
    let u = s.trim();
    let scheme = u.get(..8).map(str::to_ascii_lowercase).unwrap_or_default();
    if !(scheme.starts_with("http://") || scheme.starts_with("https://"))
        || u.len() < 11
        || u.len() > 2000
        || u.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(bad(
            "网址",
            s,
            "应为以 http:// 或 https:// 开头、不含空格的完整网址",
        ));
    }
    Ok(u.to_string())
}

/// Records a media finding with its capture. District and expert accounts
/// record the standards checked by 网络（媒体）调查; the office may record
/// any standard it chooses.
pub fn add(
    archive: &Archive,
    lock: &WriterLock,
    catalog: &Catalog,
    community: &Community,
    account: &Account,
    new: &NewMedia,
    capture: super::Upload<'_>,
) -> Result<MediaRecord, FieldError> {
    let super::Upload {
        path: capture,
        name: capture_name,
    } = capture;
    super::check_file_name(capture_name)?;
    let key = recordable_standard(catalog, community, account, &new.standard)?;
    let url = url(&new.url)?;
    if new.title.trim().is_empty() {
        return Err(bad("标题", &new.title, "请填写网页或报道的标题"));
    }
    let platform = Platform::parse(&new.platform).ok_or_else(|| {
        bad(
            "平台",
            &new.platform,
            format!("只能是：{}", Platform::ALL.map(Platform::name).join("、")),
        )
    })?;
    let published = date("发布日期", &new.published)?;
    let checked = date("核查日期", &new.checked)?.unwrap_or_else(crate::dates::today);
    if new.finding.trim().is_empty() {
        return Err(bad("核查结果", &new.finding, "请写明核查发现的情况"));
    }
    let (file, format) = put_capture(archive, capture, capture_name)?;
    let rec = MediaRecord {
        community: community.id.clone(),
        key,
        url,
        title: new.title.trim().to_string(),
        platform,
        published,
        checked,
        finding: new.finding.trim().to_string(),
        file,
        format,
        assessor: account.name.clone(),
    };
    super::append(
        archive,
        lock,
        crate::event::Event::MediaCapture(rec.clone()),
    )?;
    Ok(rec)
}

/// The standard a media finding is recorded for, when `account` may record
/// it: district and expert accounts assess the community and record only
/// standards checked by 网络（媒体）调查; the office records any.
fn recordable_standard(
    catalog: &Catalog,
    community: &Community,
    account: &Account,
    standard: &str,
) -> Result<StdKey, FieldError> {
    if account.role != Role::Office {
        super::check_assessor(account, community)?;
    }
    let key = StdKey::parse(catalog, standard)?;
    let methods: Vec<Method> = catalog
        .standard(&key.indicator, key.standard)
        .map(|(_, _, s)| s.methods.clone())
        .unwrap_or_default();
    if account.role != Role::Office && !methods.contains(&Method::NetworkSurvey) {
        return Err(FieldError::WrongMethod {
            key,
            method: Method::NetworkSurvey,
            methods: methods
                .iter()
                .map(|m| m.name())
                .collect::<Vec<_>>()
                .join("、"),
        });
    }
    Ok(key)
}

/// Reads the capture, checks its format by content and puts it into the
/// store as submitted.
fn put_capture(
    archive: &Archive,
    capture: &std::path::Path,
    capture_name: &str,
) -> Result<(StoredFile, CaptureFormat), FieldError> {
    let bytes = super::read_file(capture)?;
    let format = CaptureFormat::sniff(&bytes).ok_or_else(|| FieldError::BadFile {
        name: capture_name.to_string(),
        why: "按文件内容看不是 PDF、PNG、MHTML 或 WARC 文件；请用浏览器“打印为 PDF”、截图（PNG）或“网页另存为单个文件（MHTML）”保存".into(),
    })?;
    let file = super::store_bytes(archive, capture_name, &bytes)?;
    Ok((file, format))
}
