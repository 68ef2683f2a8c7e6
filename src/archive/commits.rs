//! What a batch of log records commits besides its lines, for a database
//! that keeps it in tables of its own: the numbers the documents give out
//! and the submission versions the records make current.

use super::log::Record;
use crate::event::Event;
use crate::storage::db::log::{Commits, NumberRow};

/// The commits of `records`, about to be appended.
pub fn of(records: &[Record]) -> Commits {
    let mut out = Commits::default();
    for r in records {
        match &r.event {
            Event::Document(d) => out.numbers.push(NumberRow {
                number: d.number.clone(),
                sequence: String::from(d.sequence.clone()),
                year: d.year,
                serial: i32::try_from(d.serial).unwrap_or(i32::MAX),
                seq: r.seq,
            }),
            Event::Submission(s) => out.versions.push((s.community.clone(), s.version, r.seq)),
            _ => {}
        }
    }
    out
}
