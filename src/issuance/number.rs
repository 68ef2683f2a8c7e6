//! Allocating numbers: the next serial of each sequence and year after
//! the register, or a number given in the data (refused when already
//! registered); and how a 发文字号 and a certificate number are written.

use chrono::Datelike;

use super::book::Taken;
use super::{Draft, IssueError, Numbering, Sequence};

/// Formats a 发文字号: prefix, year in 〔〕, serial, 号.
pub fn document_number(prefix: &str, year: i32, serial: u32) -> String {
    format!("{prefix}〔{year}〕{serial}号")
}

/// Formats a certificate number: prefix, year in 〔〕, 第, three digits, 号.
pub fn certificate_number(prefix: &str, year: i32, serial: u32) -> String {
    format!("{prefix}〔{year}〕第{serial:03}号")
}

/// A draft with its number, its data completed with it.
pub(super) struct Numbered {
    pub(super) draft: Draft,
    pub(super) sequence: Sequence,
    pub(super) year: i32,
    pub(super) number: String,
    pub(super) serial: u32,
    /// The number of the document it cites, if any.
    pub(super) basis: Option<String>,
}

/// Numbers every draft after the numbers `existing` given out (registered,
/// reserved or voided): the next serial of its sequence and year, or the
/// number given (refused if given out before).
pub(super) fn number_all(
    existing: &[Taken],
    drafts: Vec<Draft>,
) -> Result<Vec<Numbered>, IssueError> {
    let mut numbered = Vec::with_capacity(drafts.len());
    let mut taken: Vec<(Sequence, i32, u32)> = existing
        .iter()
        .map(|t| (t.sequence.clone(), t.year, t.serial))
        .collect();
    for mut d in drafts {
        let year = d.meta.date.year();
        let key = d.numbering.sequence();
        let (number, serial) = match &d.numbering {
            Numbering::Given(n) => {
                if let Some(t) = existing.iter().find(|t| &t.number == n) {
                    return Err(IssueError::DuplicateNumber {
                        number: n.clone(),
                        time: t.time.clone(),
                        title: t.title.clone(),
                    });
                }
                (n.clone(), 0)
            }
            Numbering::Document { prefix } | Numbering::Certificate { prefix } => {
                let serial = taken
                    .iter()
                    .filter(|(k, y, _)| *k == key && *y == year)
                    .map(|(_, _, s)| *s)
                    .max()
                    .unwrap_or(0)
                    + 1;
                taken.push((key.clone(), year, serial));
                let number = match d.numbering {
                    Numbering::Certificate { .. } => certificate_number(prefix, year, serial),
                    _ => document_number(prefix, year, serial),
                };
                (number, serial)
            }
        };
        if let Some(obj) = d.data.as_object_mut() {
            obj.insert("number".into(), serde_json::Value::String(number.clone()));
        }
        numbered.push(Numbered {
            draft: d,
            sequence: key,
            year,
            number,
            serial,
            basis: None,
        });
    }
    // A draft citing another of the batch gets that one's number.
    for i in 0..numbered.len() {
        let Some(cited) = numbered[i].draft.cites else {
            continue;
        };
        let Some(basis) = numbered.get(cited).map(|c| c.number.clone()) else {
            continue;
        };
        if let Some(obj) = numbered[i].draft.data.as_object_mut() {
            obj.insert("decision".into(), serde_json::Value::String(basis.clone()));
        }
        numbered[i].basis = Some(basis);
    }
    Ok(numbered)
}
