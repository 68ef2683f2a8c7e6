//! Issuing with the rendering outside the writer lock, so that servers
//! sharing one archive render in parallel: the numbers are reserved in a
//! short write ([`reserve`]), the documents made with no lock held
//! ([`make_reserved`]), and registered in a second short write
//! ([`commit`]). A batch that fails gives its numbers back
//! ([`give_back`]): returned when nothing later was drawn from their
//! sequences, voided (作废) otherwise. A reservation nobody commits (the
//! server was killed) is voided when its time runs out
//! ([`super::book::Book::expired`]).

use std::time::Duration;

use super::book::Book;
use super::make::{self, Made};
use super::number::{Numbered, number_all};
use super::signing::check_keys;
use super::{Draft, FollowEvents, IssueError, Issued, refuse_future};
use crate::archive::lock::WriterLock;
use crate::archive::{Archive, ArchiveError};
use crate::event::Event;
use crate::event::issuance::{Reservation, ReservedNumber, Returned, Voided};
use crate::meter::Meter;
use crate::render::Engine;

/// A batch whose numbers are reserved.
pub struct Reserved {
    id: String,
    numbered: Vec<Numbered>,
    numbers: Vec<ReservedNumber>,
}

impl Reserved {
    /// The numbers reserved, in the batch's order.
    pub fn numbers(&self) -> impl Iterator<Item = &str> {
        self.numbers.iter().map(|n| n.number.as_str())
    }
}

/// Numbers `drafts` and records the numbers as reserved for `hold`
/// (voiding any reservation whose time ran out). The caller holds the
/// writer lock only for this.
pub fn reserve(
    archive: &Archive,
    lock: &WriterLock,
    engine: &Engine,
    drafts: Vec<Draft>,
    hold: Duration,
) -> Result<Reserved, IssueError> {
    refuse_future(&drafts)?;
    check_keys(engine, &drafts)?;
    let records = archive.records()?;
    let book = Book::of(&records);
    let now = crate::clock::now();
    let mut events = book.expired(now);
    let numbered = number_all(&book.taken, drafts)?;
    let numbers: Vec<ReservedNumber> = numbered.iter().map(reserved_number).collect();
    let until = now + chrono::Duration::from_std(hold).unwrap_or(chrono::Duration::MAX);
    let id = random_id(archive)?;
    events.push(Event::Reservation(Reservation {
        id: id.clone(),
        numbers: numbers.clone(),
        until: until.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        holder: holder(),
    }));
    // Registered before the reservation is written, so that no moment is
    // left in which an interrupt would stop the command with it open.
    give_back_on_stop(archive, &id, &numbers);
    append(archive, lock, events)?;
    Ok(Reserved {
        id,
        numbered,
        numbers,
    })
}

/// Renders, signs and stores the reserved batch; no lock is needed (the
/// files go into a store of their own, written whole and
/// content-addressed).
pub fn make_reserved(
    archive: &Archive,
    engine: &Engine,
    reserved: &Reserved,
    progress: &dyn Meter,
) -> Result<Made, IssueError> {
    let store = archive
        .store()
        .unlocked()
        .map_err(|source| ArchiveError::Io {
            path: archive.root().join("tmp"),
            source,
        })?;
    make::make(archive, &store, engine, &reserved.numbered, progress)
}

/// Registers the made batch under its reserved numbers, unless the
/// reservation was voided meanwhile (its time ran out and another issuer
/// voided it): then nothing is registered.
pub fn commit(
    archive: &Archive,
    lock: &WriterLock,
    reserved: Reserved,
    made: Made,
    follow: &FollowEvents,
) -> Result<Vec<Issued>, IssueError> {
    let records = archive.records()?;
    let book = Book::of(&records);
    if !book.is_open(&reserved.id) {
        return Err(IssueError::Lapsed {
            numbers: reserved.numbers().collect::<Vec<_>>().join("、"),
        });
    }
    // Other lapsed reservations are voided with this write; this batch's
    // own, though late, is still whole and is used.
    let mut events: Vec<Event> = book
        .expired(crate::clock::now())
        .into_iter()
        .filter(|e| !matches!(e, Event::NumbersVoided(v) if v.reservation == reserved.id))
        .collect();
    let (issued, registered) = make::register(&records, reserved.numbered, made, follow);
    events.extend(registered);
    // From the moment the numbers are committed the caller must deliver
    // the files: an interrupt now waits until it has.
    crate::interrupt::hold();
    append(archive, lock, events)?;
    Ok(issued)
}

/// Gives the reservation back because the batch was not made (`reason`):
/// its numbers are drawn again when no later number of their sequences
/// was given out meanwhile, and voided otherwise, so that the register
/// never skips a number silently.
/// Returns the numbers voided (none when they were given back to be
/// drawn again).
pub fn give_back(
    archive: &Archive,
    lock: &WriterLock,
    reserved: &Reserved,
    reason: &str,
) -> Result<Vec<String>, IssueError> {
    give_back_numbers(archive, lock, &reserved.id, &reserved.numbers, reason)
}

fn give_back_numbers(
    archive: &Archive,
    lock: &WriterLock,
    id: &str,
    numbers: &[ReservedNumber],
    reason: &str,
) -> Result<Vec<String>, IssueError> {
    let book = Book::of(&archive.records()?);
    if !book.is_open(id) {
        return Ok(Vec::new());
    }
    let voided = book.later_than(numbers);
    let event = if voided {
        Event::NumbersVoided(Voided {
            reservation: id.to_string(),
            numbers: numbers.to_vec(),
            reason: format!("签发没有完成（{reason}），其后的文号已经发出，按作废处理"),
        })
    } else {
        Event::NumbersReturned(Returned {
            reservation: id.to_string(),
            reason: reason.to_string(),
        })
    };
    append(archive, lock, vec![event])?;
    Ok(match voided {
        true => numbers.iter().map(|n| n.number.clone()).collect(),
        false => Vec::new(),
    })
}

/// Gives the reservation back if an interrupt (Ctrl+C) stops the command
/// before it registers the batch.
fn give_back_on_stop(archive: &Archive, id: &str, numbers: &[ReservedNumber]) {
    let (root, id, numbers) = (
        archive.root().to_path_buf(),
        id.to_string(),
        numbers.to_vec(),
    );
    crate::interrupt::on_stop(move || {
        let archive = Archive::new(&root);
        if let Ok(lock) = archive.lock(true, |_| {}) {
            let reason = "签发命令被中断（Ctrl+C）";
            let _ = give_back_numbers(&archive, &lock, &id, &numbers, reason);
        }
    });
}

fn append(archive: &Archive, lock: &WriterLock, events: Vec<Event>) -> Result<(), IssueError> {
    if events.is_empty() {
        return Ok(());
    }
    archive
        .log()
        .append_all(lock, events)
        .map_err(ArchiveError::from)?;
    Ok(())
}

fn reserved_number(n: &Numbered) -> ReservedNumber {
    ReservedNumber {
        number: n.number.clone(),
        sequence: n.sequence.clone(),
        year: n.year,
        serial: n.serial,
        kind: n.draft.kind.clone(),
        title: n.draft.meta.title.clone(),
        recipient: n.draft.recipient.clone(),
    }
}

/// This process, as a void's reason names it.
fn holder() -> String {
    let host = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
    format!("进程 {}，主机 {}", std::process::id(), host.trim())
}

/// A random id for a reservation.
fn random_id(archive: &Archive) -> Result<String, IssueError> {
    let mut b = [0u8; 12];
    getrandom::fill(&mut b).map_err(|e| ArchiveError::Io {
        path: archive.root().to_path_buf(),
        source: std::io::Error::other(e.to_string()),
    })?;
    Ok(hex::encode(b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::issuance::{DocKind, Reservation};

    fn reservation(id: &str, serial: u32) -> Event {
        Event::Reservation(Reservation {
            id: id.into(),
            numbers: vec![ReservedNumber {
                number: format!("办〔2026〕{serial}号"),
                sequence: crate::event::issuance::Sequence::Document("办".into()),
                year: 2026,
                serial,
                kind: DocKind::Progress,
                title: "进度汇总表".into(),
                recipient: "各区".into(),
            }],
            until: "2099-01-01T00:00:00Z".into(),
            holder: "进程 1".into(),
        })
    }

    /// A batch that fails after a later number was drawn has its numbers
    /// voided, and says which; the latest batch's are given back (none
    /// voided), and a batch already closed is left as it is.
    #[test]
    fn give_back_says_which_numbers_it_voided() {
        let dir = tempfile::tempdir().unwrap();
        let archive = Archive::new(dir.path());
        let lock = archive.lock(false, |_| {}).unwrap();
        archive
            .log()
            .append_all(&lock, vec![reservation("a", 1), reservation("b", 2)])
            .unwrap();
        let numbers = |id: &str| match Book::of(&archive.records().unwrap()).is_open(id) {
            true => "open",
            false => "closed",
        };
        let first = reservation("a", 1);
        let Event::Reservation(a) = &first else {
            unreachable!()
        };
        let voided = give_back_numbers(&archive, &lock, "a", &a.numbers, "渲染失败").unwrap();
        assert_eq!(voided, ["办〔2026〕1号"]);
        assert_eq!(numbers("a"), "closed");
        let Event::Reservation(b) = reservation("b", 2) else {
            unreachable!()
        };
        assert!(
            give_back_numbers(&archive, &lock, "b", &b.numbers, "渲染失败")
                .unwrap()
                .is_empty()
        );
        assert!(
            give_back_numbers(&archive, &lock, "a", &a.numbers, "再次")
                .unwrap()
                .is_empty()
        );
        let kinds: Vec<_> = archive
            .records()
            .unwrap()
            .iter()
            .map(|r| r.event.name())
            .collect();
        assert_eq!(kinds.len(), 4, "{kinds:?}");
    }
}
