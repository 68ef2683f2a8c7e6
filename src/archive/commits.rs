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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn submissions_commit_their_versions_and_other_records_nothing() {
        let lines = [
            r#"{"seq":1,"prev":"0","time":"t","kind":"submission","data":{"community":"WH-001","version":2,"root_hash":"ab","file_count":1,"total_bytes":1,"source":"s"}}"#,
            r#"{"seq":2,"prev":"0","time":"t","kind":"verify-doc","data":{"sha256":"00","registered":null}}"#,
        ];
        let records: Vec<Record> = lines
            .iter()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let c = of(&records);
        assert_eq!(c.versions, vec![("WH-001".to_string(), 2, 1)]);
        assert!(c.numbers.is_empty());
    }
}
