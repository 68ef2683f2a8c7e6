//! Records from a phone's offline outbox (the on-site page's IndexedDB
//! queue, or its exported file taken in by `kaoping field import-outbox`):
//! each carries the id the phone made (a UUID) and the phone's time. The
//! id is the idempotency key: a record sent again with the same id and
//! the same content is acknowledged again without a second record; the
//! same id with other content is a conflict, never an overwrite. A photo's
//! bytes arrive first, by hash and in chunks ([`super::chunks`]); its
//! record then names the hash.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::Digest as _;

use super::visit::{self, ClientRef, Finding};
use super::{FieldError, chunks, photo};
use crate::archive::Archive;

/// Most findings one visit record may carry.
pub const MAX_FINDINGS: usize = 200;
/// Longest remark, file name or other text of a record (characters).
pub const MAX_TEXT: usize = 4000;

/// One record of the outbox as the phone sends it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sent {
    /// The phone's id of the record (a UUID).
    pub id: String,
    /// When the phone made it, by its clock (RFC 3339).
    pub phone_time: String,
    /// The point.
    pub point: String,
    /// What it records.
    #[serde(flatten)]
    pub what: SentKind,
}

/// What a record of the outbox records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum SentKind {
    /// The verdicts and remarks of a point's visit.
    #[serde(rename = "考评结论")]
    Visit {
        /// The day of the visit (YYYY-MM-DD).
        date: String,
        /// Per standard: verdict and remark.
        findings: Vec<SentFinding>,
    },
    /// A photo of a standard at the point, by the hash of its bytes.
    #[serde(rename = "照片")]
    Photo {
        /// The standard (`Ⅱ-6/1`).
        standard: String,
        /// SHA-256 of the photo's bytes (lowercase hex).
        sha256: String,
        /// Its file name on the phone.
        name: String,
    },
}

/// One finding as sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SentFinding {
    /// The standard (`Ⅱ-6/1`).
    pub standard: String,
    /// 达标, 基本达标 or 未达标.
    pub verdict: String,
    /// The remark.
    #[serde(default)]
    pub remark: String,
}

/// What the server did with a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Outcome {
    /// Stored now.
    #[serde(rename = "已保存")]
    Stored,
    /// Stored before (the same id and content): acknowledged again.
    #[serde(rename = "此前已保存")]
    Again,
    /// The same photo was already recorded for this point and standard
    /// (under another id): nothing new stored.
    #[serde(rename = "已有相同照片")]
    SamePhoto,
}

/// A record accepted: what was done, and a photo's record.
#[derive(Debug, Clone)]
pub struct Accepted {
    /// What was done.
    pub outcome: Outcome,
    /// The photo's record, for a photo.
    pub photo: Option<photo::PhotoRecord>,
}

fn bad(field: &'static str, value: &str, why: &str) -> FieldError {
    FieldError::BadField {
        field,
        value: value.chars().take(80).collect(),
        why: why.to_string(),
    }
}

/// Refuses a record whose id, time or texts are malformed or too long.
pub fn check(sent: &Sent) -> Result<(), FieldError> {
    if uuid::Uuid::parse_str(&sent.id).is_err() || sent.id.len() != 36 {
        return Err(bad("记录编号", &sent.id, "应为手机生成的 UUID"));
    }
    if chrono::DateTime::parse_from_rfc3339(&sent.phone_time).is_err() {
        return Err(bad("手机时间", &sent.phone_time, "应为 RFC 3339 时间"));
    }
    let long = |t: &str| t.chars().count() > MAX_TEXT;
    if long(&sent.point) {
        return Err(bad("考评点", &sent.point, "过长"));
    }
    match &sent.what {
        SentKind::Visit { findings, .. } if findings.len() > MAX_FINDINGS => {
            Err(bad("考评结论", &findings.len().to_string(), "条数过多"))
        }
        SentKind::Visit { findings, .. } => findings
            .iter()
            .find(|f| long(&f.remark) || long(&f.standard) || long(&f.verdict))
            .map_or(Ok(()), |f| Err(bad("情况记录", &f.remark, "过长"))),
        SentKind::Photo { sha256, name, .. } => {
            chunks::check_sha(sha256)?;
            match long(name) {
                true => Err(bad("照片文件名", name, "过长")),
                false => Ok(()),
            }
        }
    }
}

/// SHA-256 of what the record says, for `account` in `community`: every
/// field but the id, in a fixed order (serde's field order).
pub fn fingerprint(community: &str, account: &str, sent: &Sent) -> String {
    #[derive(Serialize)]
    struct Content<'a> {
        community: &'a str,
        account: &'a str,
        phone_time: &'a str,
        point: &'a str,
        what: &'a SentKind,
    }
    let content = Content {
        community,
        account,
        phone_time: &sent.phone_time,
        point: &sent.point,
        what: &sent.what,
    };
    // Serialising plain strings and vectors cannot fail.
    let bytes = serde_json::to_vec(&content).unwrap_or_default();
    hex::encode(sha2::Sha256::digest(&bytes))
}

/// The record of the log that carries client id `id`, if any: its
/// content fingerprint and, for a photo, the record.
fn earlier(
    archive: &Archive,
    id: &str,
) -> Result<Option<(String, Option<photo::PhotoRecord>)>, FieldError> {
    use crate::event::Event;
    let found = super::from_log(archive, |e| match e {
        Event::FieldVisit(v) => v
            .client
            .as_ref()
            .filter(|c| c.id == id)
            .map(|c| (c.content.clone(), None)),
        Event::FieldPhoto(p) => match &p.client {
            Some(c) if c.id == id => Some((c.content.clone(), Some(p.clone()))),
            _ => None,
        },
        _ => None,
    })?;
    Ok(found.into_iter().next())
}

/// Takes in one record of `account`'s outbox for `community`, under the
/// writer lock: acknowledged again when its id was stored with the same
/// content, a conflict when with other content, else checked and stored
/// by the same rules as online (an assessor of the community, a point of
/// it, a standard checked there, a photo's size, type and EXIF).
pub fn submit(at: super::Recording<'_>, sent: &Sent) -> Result<Accepted, FieldError> {
    let super::Recording {
        archive,
        community,
        account,
        ..
    } = at;
    super::check_assessor(account, community)?;
    check(sent)?;
    let content = fingerprint(&community.id, &account.name, sent);
    if let Some((before, photo)) = earlier(archive, &sent.id)? {
        return match before == content {
            true => Ok(Accepted {
                outcome: Outcome::Again,
                photo,
            }),
            false => Err(FieldError::Conflict {
                id: sent.id.clone(),
            }),
        };
    }
    let client = ClientRef {
        id: sent.id.clone(),
        phone_time: sent.phone_time.clone(),
        content,
    };
    match &sent.what {
        SentKind::Visit { date, findings } => {
            let date = NaiveDate::parse_from_str(date, "%Y-%m-%d")
                .map_err(|_| bad("考评日期", date, "应写成 2026-12-01 这样的日期"))?;
            let findings: Vec<Finding> = findings
                .iter()
                .map(|f| Finding {
                    standard: f.standard.clone(),
                    verdict: f.verdict.clone(),
                    remark: f.remark.clone(),
                })
                .collect();
            let what = (sent.point.as_str(), &findings[..], date, Some(client));
            visit::record_from(at, what)?;
            Ok(Accepted {
                outcome: Outcome::Stored,
                photo: None,
            })
        }
        SentKind::Photo {
            standard,
            sha256,
            name,
        } => {
            let blob = chunks::open(archive, account, sha256)?;
            let incoming = photo::Incoming {
                point: &sent.point,
                standard,
                path: blob.path(),
                name,
                client: Some(client),
            };
            let stored = photo::store(at, &incoming)?;
            blob.done();
            Ok(Accepted {
                outcome: match stored.duplicate {
                    true => Outcome::SamePhoto,
                    false => Outcome::Stored,
                },
                photo: Some(stored.record),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent(remark: &str) -> Sent {
        Sent {
            id: "0b7d3f9e-5c1a-4e2b-9a6f-3d8c2e1f4a5b".into(),
            phone_time: "2026-12-01T15:04:05+08:00".into(),
            point: "P1".into(),
            what: SentKind::Visit {
                date: "2026-12-01".into(),
                findings: vec![SentFinding {
                    standard: "Ⅱ-6/1".into(),
                    verdict: "达标".into(),
                    remark: remark.into(),
                }],
            },
        }
    }

    #[test]
    fn the_fingerprint_follows_the_content_not_the_id() {
        let a = sent("好");
        let mut b = a.clone();
        b.id = "1b7d3f9e-5c1a-4e2b-9a6f-3d8c2e1f4a5b".into();
        assert_eq!(
            fingerprint("WH-001", "王明", &a),
            fingerprint("WH-001", "王明", &b)
        );
        assert_ne!(
            fingerprint("WH-001", "王明", &a),
            fingerprint("WH-001", "王明", &sent("差"))
        );
        assert_ne!(
            fingerprint("WH-001", "王明", &a),
            fingerprint("WH-001", "李华", &a)
        );
    }

    #[test]
    fn malformed_records_are_refused() {
        let mut s = sent("好");
        assert!(check(&s).is_ok());
        s.id = "not-a-uuid".into();
        assert!(check(&s).unwrap_err().to_string().contains("UUID"));
        let mut s = sent(&"长".repeat(MAX_TEXT + 1));
        assert!(check(&s).is_err());
        s.what = SentKind::Photo {
            standard: "Ⅱ-6/1".into(),
            sha256: "AB".into(),
            name: "a.jpg".into(),
        };
        assert!(check(&s).is_err());
    }

    #[test]
    fn the_wire_format_names_kinds_in_chinese() {
        let json = serde_json::to_string(&sent("好")).unwrap();
        assert!(json.contains(r#""kind":"考评结论""#), "{json}");
        let back: Sent = serde_json::from_str(&json).unwrap();
        assert_eq!(back, sent("好"));
    }
}
