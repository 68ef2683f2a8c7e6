//! Which numbers the register has given out: those of registered
//! documents, those reserved for documents being rendered, and those
//! voided (作废). A reservation not used by its time is voided by whoever
//! next numbers a document, so that every number in a sequence is either
//! a registered document or a voided number, never silently skipped.

use chrono::{DateTime, Utc};

use super::Sequence;
use crate::archive::log::Record;
use crate::event::Event;
use crate::event::issuance::{Reservation, ReservedNumber, Voided};

/// A number given out, with what the register says of it.
#[derive(Debug, Clone)]
pub(super) struct Taken {
    pub(super) sequence: Sequence,
    pub(super) year: i32,
    pub(super) serial: u32,
    pub(super) number: String,
    /// When it was given out (RFC 3339).
    pub(super) time: String,
    /// The title of its document.
    pub(super) title: String,
}

/// The numbers given out, and the reservations still open.
#[derive(Debug, Default)]
pub(super) struct Book {
    pub(super) taken: Vec<Taken>,
    /// Reservations neither used, given back nor voided.
    pub(super) open: Vec<(String, Reservation)>,
}

impl Book {
    /// The book after log `records`.
    pub(super) fn of(records: &[Record]) -> Book {
        let mut book = Book::default();
        let mut used = std::collections::HashSet::new();
        for rec in records {
            match &rec.event {
                Event::Document(d) => {
                    used.insert(d.number.clone());
                    book.taken.push(Taken {
                        sequence: d.sequence.clone(),
                        year: d.year,
                        serial: d.serial,
                        number: d.number.clone(),
                        time: rec.time.clone(),
                        title: d.title.clone(),
                    });
                }
                Event::Reservation(r) => book.open.push((rec.time.clone(), r.clone())),
                Event::NumbersVoided(v) => {
                    book.close(&v.reservation);
                    book.taken
                        .extend(v.numbers.iter().map(|n| taken(n, &rec.time)));
                }
                Event::NumbersReturned(r) => book.close(&r.reservation),
                _ => {}
            }
        }
        // A batch registers all its numbers in one write: one used number
        // means the reservation was used.
        book.open
            .retain(|(_, r)| !r.numbers.iter().any(|n| used.contains(&n.number)));
        let held: Vec<Taken> = book
            .open
            .iter()
            .flat_map(|(time, r)| r.numbers.iter().map(move |n| taken(n, time)))
            .collect();
        book.taken.extend(held);
        book
    }

    fn close(&mut self, id: &str) {
        self.open.retain(|(_, r)| r.id != id);
    }

    /// Whether reservation `id` is still open.
    pub(super) fn is_open(&self, id: &str) -> bool {
        self.open.iter().any(|(_, r)| r.id == id)
    }

    /// The void records of the open reservations whose time ran out
    /// before `now`.
    pub(super) fn expired(&self, now: DateTime<Utc>) -> Vec<Event> {
        self.open
            .iter()
            .filter(|(_, r)| {
                DateTime::parse_from_rfc3339(&r.until).map_or(true, |until| until < now)
            })
            .map(|(time, r)| {
                Event::NumbersVoided(Voided {
                    reservation: r.id.clone(),
                    numbers: r.numbers.clone(),
                    reason: format!(
                        "此文号于 {} 为正在生成的公文预留，到 {} 仍未登记（签发的服务器中断、出错或超时；预留者：{}），按作废处理",
                        crate::clock::show(time),
                        crate::clock::show(&r.until),
                        r.holder
                    ),
                })
            })
            .collect()
    }

    /// Whether a number later than one of `numbers` (a reservation's) in
    /// the same sequence and year has been given out by anyone else: then giving `numbers`
    /// back would leave a gap, and they are voided instead.
    pub(super) fn later_than(&self, numbers: &[ReservedNumber]) -> bool {
        let own: Vec<&str> = numbers.iter().map(|n| n.number.as_str()).collect();
        numbers.iter().filter(|n| n.serial > 0).any(|n| {
            self.taken.iter().any(|t| {
                t.sequence == n.sequence
                    && t.year == n.year
                    && t.serial > n.serial
                    && !own.contains(&t.number.as_str())
            })
        })
    }
}

fn taken(n: &ReservedNumber, time: &str) -> Taken {
    Taken {
        sequence: n.sequence.clone(),
        year: n.year,
        serial: n.serial,
        number: n.number.clone(),
        time: time.to_string(),
        title: n.title.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::issuance::{DocKind, Returned};

    fn num(serial: u32) -> ReservedNumber {
        ReservedNumber {
            number: format!("办〔2026〕{serial}号"),
            sequence: Sequence::Document("办".into()),
            year: 2026,
            serial,
            kind: DocKind::Progress,
            title: "进度汇总表".into(),
            recipient: "各区".into(),
        }
    }

    fn rec(event: Event) -> Record {
        Record {
            seq: 1,
            prev: String::new(),
            time: "2026-12-06T10:00:00Z".into(),
            account: None,
            event,
        }
    }

    fn reservation(id: &str, serials: &[u32], until: &str) -> Record {
        rec(Event::Reservation(Reservation {
            id: id.into(),
            numbers: serials.iter().map(|s| num(*s)).collect(),
            until: until.into(),
            holder: "进程 1".into(),
        }))
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    #[test]
    fn open_reservations_hold_their_numbers_until_they_lapse() {
        let records = vec![
            reservation("a", &[1, 2], "2026-12-06T10:10:00Z"),
            reservation("b", &[3], "2026-12-06T10:20:00Z"),
        ];
        let book = Book::of(&records);
        assert!(book.is_open("a") && book.is_open("b"));
        let serials: Vec<u32> = book.taken.iter().map(|t| t.serial).collect();
        assert_eq!(serials, [1, 2, 3]);
        assert!(book.expired(at("2026-12-06T10:05:00Z")).is_empty());
        let lapsed = book.expired(at("2026-12-06T10:15:00Z"));
        assert_eq!(lapsed.len(), 1);
        let Event::NumbersVoided(v) = &lapsed[0] else {
            panic!("not a void: {lapsed:?}")
        };
        assert_eq!(v.reservation, "a");
        assert_eq!(v.numbers.len(), 2);
        assert!(v.reason.contains("作废"), "{}", v.reason);
    }

    #[test]
    fn returned_numbers_are_free_and_voided_ones_stay_taken() {
        let mut records = vec![reservation("a", &[1], "2026-12-06T10:10:00Z")];
        records.push(rec(Event::NumbersReturned(Returned {
            reservation: "a".into(),
            reason: "x".into(),
        })));
        let book = Book::of(&records);
        assert!(!book.is_open("a"));
        assert!(book.taken.is_empty());
        records.push(reservation("b", &[1], "2026-12-06T10:10:00Z"));
        records.push(rec(Event::NumbersVoided(Voided {
            reservation: "b".into(),
            numbers: vec![num(1)],
            reason: "y".into(),
        })));
        let book = Book::of(&records);
        assert!(!book.is_open("b"));
        assert_eq!(book.taken.len(), 1);
        assert!(book.expired(at("2027-01-01T00:00:00Z")).is_empty());
    }

    #[test]
    fn a_gap_is_left_only_when_a_later_number_was_given_out() {
        let records = vec![
            reservation("a", &[1], "2026-12-06T10:10:00Z"),
            reservation("b", &[2], "2026-12-06T10:10:00Z"),
        ];
        let book = Book::of(&records);
        assert!(book.later_than(&[num(1)]));
        assert!(!book.later_than(&[num(2)]));
    }
}
