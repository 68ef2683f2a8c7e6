//! A filed record's content and facts read from the archive: the issued
//! document's files (PDF, OFD, SM2 signature) or a submission version's
//! evidence files, each with its stored hash, and what the log says about
//! who did what to it.

use super::RecordsError;
use super::metadata::{Action, Agent, Facts};
use crate::archive::Archive;
use crate::archive::log::Record;
use crate::archive::store::Digest;
use crate::community::Roster;
use crate::event::Event;
use crate::event::records::{FiledItem, FiledSource};

/// One computer file of a record: its name in the package and its object.
#[derive(Debug, Clone)]
pub struct Part {
    /// The file name (the register's PDF name, or the evidence's path).
    pub name: String,
    /// The stored object.
    pub digest: Digest,
    /// Its recorded SM3, when the log has one.
    pub sm3: Option<String>,
}

/// What a filed record is made of.
#[derive(Debug, Clone)]
pub struct Content {
    /// What the log says about it.
    pub facts: Facts,
    /// Its files.
    pub parts: Vec<Part>,
}

fn missing(item: &FiledItem) -> RecordsError {
    RecordsError::Invalid(format!(
        "档号 {} 的记录（{}）在档案库日志中找不到；档案库可能已损坏，请先运行 kaoping verify",
        item.code, item.title
    ))
}

fn digest(hex: &str, item: &FiledItem) -> Result<Digest, RecordsError> {
    Digest::from_hex(hex).ok_or_else(|| missing(item))
}

/// The name of the `i`-th object of an issued document, from its
/// register record: the PDF first, the OFD the record names, and the
/// detached SM2 signatures.
fn document_part_name(doc: &crate::issuance::IssuedRecord, i: usize, sha: &str) -> String {
    let ofd = doc
        .ofd_file_name()
        .filter(|_| doc.ofd.as_deref() == Some(sha));
    match (i, ofd) {
        (0, _) => doc.file_name.clone(),
        (_, Some(name)) => name,
        _ => format!("{}.{i}.sig", doc.file_name),
    }
}

fn document(records: &[Record], item: &FiledItem, number: &str) -> Result<Content, RecordsError> {
    let (rec, doc) = records
        .iter()
        .rev()
        .find_map(|r| match &r.event {
            Event::Document(d) if d.number == number => Some((r, d)),
            _ => None,
        })
        .ok_or_else(|| missing(item))?;
    let mut parts = Vec::new();
    for (i, o) in doc.objects.iter().enumerate() {
        let d = digest(&o.sha256, item)?;
        parts.push(Part {
            name: document_part_name(doc, i, &o.sha256),
            digest: d,
            sm3: o.sm3.clone(),
        });
    }
    let organs = doc.organs.join("、");
    let actions = ["登记", "签发"]
        .into_iter()
        .map(|a| Action {
            action: a.into(),
            time: rec.time.clone(),
            agent: rec.account.clone().unwrap_or_else(|| organs.clone()),
        })
        .collect();
    let agents = doc
        .organs
        .iter()
        .map(|o| Agent {
            kind: "单位".into(),
            name: o.clone(),
        })
        .collect();
    Ok(Content {
        facts: Facts {
            number: doc.number.clone(),
            author: organs,
            kind: doc.kind.name().to_string(),
            recipient: doc.recipient.clone(),
            actions,
            agents,
        },
        parts,
    })
}

fn submission(
    archive: &Archive,
    records: &[Record],
    roster: &Roster,
    item: &FiledItem,
    (community, version): (&str, u32),
) -> Result<Content, RecordsError> {
    let sub = records
        .iter()
        .find_map(|r| match &r.event {
            Event::Submission(s) if s.community == community && s.version == version => {
                Some(crate::archive::Submission {
                    seq: r.seq,
                    time: r.time.clone(),
                    record: s.clone(),
                })
            }
            _ => None,
        })
        .ok_or_else(|| missing(item))?;
    let manifest = archive.manifest(&sub)?;
    let who = roster
        .get(community)
        .map(|c| format!("{}{}", c.district, c.name))
        .unwrap_or_else(|_| community.to_string());
    let parts = manifest
        .files
        .iter()
        .map(|f| {
            Ok(Part {
                name: f.path.clone(),
                digest: digest(&f.sha256, item)?,
                sm3: None,
            })
        })
        .collect::<Result<Vec<_>, RecordsError>>()?;
    Ok(handed_in(
        who,
        sub.record.submitter.clone(),
        &sub.time,
        parts,
    ))
}

/// Evidence handed in by `who` (a person `by`, when known) at `time`.
fn handed_in(who: String, by: Option<String>, time: &str, parts: Vec<Part>) -> Content {
    let mut agents = vec![Agent {
        kind: "单位".into(),
        name: who.clone(),
    }];
    if let Some(p) = &by {
        agents.push(Agent {
            kind: "个人".into(),
            name: p.clone(),
        });
    }
    Content {
        facts: Facts {
            number: String::new(),
            author: who.clone(),
            kind: "考评材料".into(),
            recipient: String::new(),
            actions: vec![Action {
                action: "提交".into(),
                time: time.to_string(),
                agent: by.unwrap_or(who),
            }],
            agents,
        },
        parts,
    }
}

fn street(
    records: &[Record],
    item: &FiledItem,
    (district, street, version): (&str, &str, u32),
) -> Result<Content, RecordsError> {
    let (rec, ev) = records
        .iter()
        .find_map(|r| match &r.event {
            Event::Street(s)
                if s.district == district && s.street == street && s.version == version =>
            {
                Some((r, s))
            }
            _ => None,
        })
        .ok_or_else(|| missing(item))?;
    let who = format!("{district}{street}");
    let parts = ev
        .files
        .iter()
        .zip(&ev.objects)
        .map(|(f, o)| {
            Ok(Part {
                name: f.placed.clone(),
                digest: digest(&o.sha256, item)?,
                sm3: o.sm3.clone(),
            })
        })
        .collect::<Result<Vec<_>, RecordsError>>()?;
    Ok(handed_in(who, ev.by.clone(), &rec.time, parts))
}

/// The content and facts of a filed record.
pub fn load(
    archive: &Archive,
    records: &[Record],
    roster: &Roster,
    item: &FiledItem,
) -> Result<Content, RecordsError> {
    match &item.source {
        FiledSource::Document { number } => document(records, item, number),
        FiledSource::Submission { community, version } => {
            submission(archive, records, roster, item, (community, *version))
        }
        FiledSource::Street {
            district,
            street: name,
            version,
        } => street(records, item, (district, name, *version)),
    }
}

/// A stored object's bytes, checked against its hash on the way.
pub fn read(archive: &Archive, part: &Part) -> Result<Vec<u8>, RecordsError> {
    let mut out = Vec::new();
    archive
        .store()
        .copy_verified(&part.digest, &mut out)
        .map_err(|source| RecordsError::Io {
            path: archive.root().join(&part.name),
            source,
        })?;
    Ok(out)
}
