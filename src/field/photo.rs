//! On-site photos: each stored the moment it arrives (the original bytes
//! in the content-addressed store, a `field-photo` event naming the
//! community, point, standard, assessor and level), its EXIF 拍摄时间 and
//! GPS recorded beside the server's receive time, and flagged — never
//! refused — when it has no EXIF, was taken in the future, long before the
//! visit, or far from the point. The same photo sent again for the same
//! standard is recognised by its hash and not recorded twice.

use std::io::Read;
use std::path::Path;

use super::exif::{self, ImageFormat, PhotoFacts};
use super::{FieldError, StdKey, StoredFile, check_assessor, point};
use crate::accounts::Account;
use crate::archive::Archive;
use crate::catalog::Catalog;
use crate::config::FieldSettings;
use crate::event::ObjectRef;
pub use crate::event::field::{Flag, FlagKind, PhotoRecord};

/// What storing a photo did.
#[derive(Debug, Clone)]
pub struct Stored {
    /// The photo's record (the earlier one for a duplicate).
    pub record: PhotoRecord,
    /// Whether the same photo had already been recorded for this point and
    /// standard (nothing new was stored).
    pub duplicate: bool,
}

/// A photo to store.
pub struct Incoming<'a> {
    /// Point id, as sent.
    pub point: &'a str,
    /// Standard, as sent.
    pub standard: &'a str,
    /// The staged or given file.
    pub path: &'a Path,
    /// Its name as the user called it.
    pub name: &'a str,
    /// The phone's own id of the record, when it came through the offline
    /// outbox.
    pub client: Option<crate::event::field::ClientRef>,
}

/// Every photo recorded for `community`, in log order.
pub fn list(archive: &Archive, community: &str) -> Result<Vec<PhotoRecord>, FieldError> {
    let mut out = Vec::new();
    for r in archive.records()?.iter() {
        match &r.event {
            crate::event::Event::FieldPhoto(p) if p.community == community => out.push(p.clone()),
            crate::event::Event::FieldPhotoFlags(f) => super::reflag::apply(&mut out, f),
            _ => {}
        }
    }
    Ok(out)
}

/// Checks that `standard` is one of `point`'s 实地考评 standards.
pub fn standard_at(
    catalog: &Catalog,
    p: &point::Point,
    standard: &str,
) -> Result<StdKey, FieldError> {
    let key = StdKey::parse(catalog, standard)?;
    if !point::onsite(catalog, &key) {
        let methods = catalog
            .standard(&key.indicator, key.standard)
            .map(|(_, _, s)| {
                s.methods
                    .iter()
                    .map(|m| m.name())
                    .collect::<Vec<_>>()
                    .join("、")
            })
            .unwrap_or_default();
        return Err(FieldError::WrongMethod {
            key,
            method: crate::catalog::Method::OnSite,
            methods,
        });
    }
    if !p.checks(&key) {
        return Err(FieldError::NotAtPoint {
            point: p.id.clone(),
            name: p.name.clone(),
            key,
        });
    }
    Ok(key)
}

/// Stores one photo for `account`'s on-site assessment of `community`.
/// Refused, with nothing stored, when the account may not assess it, the
/// point is not the community's, the standard is not checked there, the
/// file is over the size limit, not an image by its content, or larger in
/// pixels than [`super::picture::MAX_PIXELS`] allows.
pub fn store(at: super::Recording<'_>, incoming: &Incoming<'_>) -> Result<Stored, FieldError> {
    let (archive, community, account) = (at.archive, at.community, at.account);
    let (settings, zone) = at.checks;
    let level = check_assessor(account, community)?;
    let p = point::get(archive, &community.id, incoming.point)?;
    let key = standard_at(at.catalog, &p, incoming.standard)?;
    super::check_file_name(incoming.name)?;
    let read_err = super::read_err(incoming.path);
    let size = std::fs::metadata(incoming.path).map_err(read_err)?.len();
    let bad = |why: String| FieldError::BadFile {
        name: incoming.name.to_string(),
        why,
    };
    if size > settings.max_photo_bytes() {
        return Err(bad(format!(
            "照片大小 {} 超过上限 {}（kaoping.toml 中 [field] max_photo_mb）",
            crate::sizes::size_text(size),
            crate::sizes::size_text(settings.max_photo_bytes())
        )));
    }
    let mut head = [0u8; 16];
    let n = read_head(incoming.path, &mut head).map_err(read_err)?;
    let format = ImageFormat::sniff(&head[..n]).ok_or_else(|| {
        bad(
            "按文件内容看不是照片（只接受 JPEG、PNG、HEIC、WebP 图片），请用相机拍摄或选择照片"
                .into(),
        )
    })?;
    super::picture::check_dimensions(incoming.path).map_err(bad)?;
    let (digest, _) = crate::archive::store::hash_reader(open(incoming.path).map_err(read_err)?)
        .map_err(read_err)?;
    if let Some(earlier) = earlier(archive, &community.id, &p.id, &key, account, &digest.hex())? {
        return Ok(Stored {
            record: earlier,
            duplicate: true,
        });
    }
    let facts = exif_of(incoming.path, zone).map_err(read_err)?;
    let received = crate::archive::log::now_rfc3339();
    let flags = flags(&facts, &received, &p, settings);
    let file = put(archive, incoming)?;
    let record = PhotoRecord {
        community: community.id.clone(),
        point: p.id.clone(),
        key,
        assessor: account.name.clone(),
        level,
        file,
        format,
        received,
        exif: facts,
        flags,
        client: incoming.client.clone(),
    };
    let event = crate::event::Event::FieldPhoto(record.clone());
    super::append(archive, at.lock, event)?;
    Ok(Stored {
        record,
        duplicate: false,
    })
}

/// The photo `account` already stored with this content, at this point,
/// for this standard, if any.
fn earlier(
    archive: &Archive,
    community: &str,
    point: &str,
    key: &StdKey,
    account: &Account,
    sha256: &str,
) -> Result<Option<PhotoRecord>, FieldError> {
    Ok(list(archive, community)?.into_iter().find(|r| {
        r.file.object.sha256 == sha256
            && r.point == point
            && r.key == *key
            && r.assessor == account.name
    }))
}

/// Puts the uploaded photo into the store, as submitted.
fn put(archive: &Archive, incoming: &Incoming<'_>) -> Result<StoredFile, FieldError> {
    let read_err = super::read_err(incoming.path);
    let put = archive
        .store()
        .put_reader(open(incoming.path).map_err(read_err)?)
        .map_err(super::io_err(archive))?;
    archive.store().flush().map_err(super::io_err(archive))?;
    Ok(StoredFile {
        name: incoming.name.to_string(),
        object: ObjectRef {
            sha256: put.digest.hex(),
            size: put.size,
            sm3: None,
        },
    })
}

fn open(path: &Path) -> std::io::Result<std::io::BufReader<std::fs::File>> {
    Ok(std::io::BufReader::new(std::fs::File::open(path)?))
}

fn read_head(path: &Path, head: &mut [u8]) -> std::io::Result<usize> {
    let mut f = std::fs::File::open(path)?;
    let mut n = 0;
    while n < head.len() {
        match f.read(&mut head[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// The EXIF of the file: read from at most its first 1 MiB (where JPEG
/// and PNG keep it), so a large photo is not read into memory whole.
fn exif_of(path: &Path, zone: chrono::FixedOffset) -> std::io::Result<PhotoFacts> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(1 << 20)
        .read_to_end(&mut bytes)?;
    Ok(exif::read(&bytes, zone))
}

/// The flags a photo earns.
pub fn flags(facts: &PhotoFacts, received: &str, p: &point::Point, s: &FieldSettings) -> Vec<Flag> {
    let mut out = Vec::new();
    let flag = |kind, detail: String| Flag { kind, detail };
    match facts
        .taken
        .as_deref()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
    {
        None => out.push(flag(
            FlagKind::NoExif,
            if facts.has_exif {
                "EXIF 中没有拍摄时间".into()
            } else {
                "照片没有 EXIF 信息，无法核对拍摄时间和位置".into()
            },
        )),
        Some(t) => {
            if let Ok(r) = chrono::DateTime::parse_from_rfc3339(received) {
                let ahead = t.signed_duration_since(r);
                if ahead > chrono::Duration::minutes(10) {
                    out.push(flag(
                        FlagKind::Future,
                        format!("拍摄时间 {} 晚于收到时间", t.format("%Y-%m-%d %H:%M")),
                    ));
                }
                out.extend(super::reflag::too_old(t, r, "收到", s));
            }
        }
    }
    if let (Some(at), Some(gps)) = (p.coordinates(), facts.gps) {
        let d = exif::distance_m(at, gps);
        if d > s.max_distance_m {
            out.push(flag(
                FlagKind::FarAway,
                format!(
                    "拍摄位置距考评点约 {d:.0} 米（上限 {:.0} 米）",
                    s.max_distance_m
                ),
            ));
        }
    }
    out
}
