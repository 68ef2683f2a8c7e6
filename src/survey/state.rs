//! The survey as the log has it: every copy issued (by number and by the
//! SHA-256 of its link token) and its answer, if any. Built from the whole
//! log, or kept up to date by reading only what was appended since
//! ([`Survey::refresh`], for the server).

use std::collections::HashMap;

use crate::archive::log::Record;
use crate::archive::{Archive, ArchiveError};
use crate::event::Event;

use super::answer::AnswerRecord;
use super::copies::IssuedCopy;

/// One issued copy and its answer.
#[derive(Debug, Clone)]
pub struct Copy {
    /// Community id.
    pub community: String,
    /// The copy as issued.
    pub issued: IssuedCopy,
    /// When it was issued.
    pub issued_at: String,
    /// Its answer and when it was recorded.
    pub answer: Option<(String, AnswerRecord)>,
}

/// Every copy of every community.
#[derive(Debug, Default, Clone)]
pub struct Survey {
    /// Copies in the order issued.
    pub copies: Vec<Copy>,
    by_number: HashMap<String, usize>,
    by_token: HashMap<String, usize>,
    /// Double-entry entries by number, until the copy has its answer.
    entries: HashMap<String, Vec<super::double::Entry>>,
    /// Open links: token hash → (community, point, enabled).
    open_links: HashMap<String, (String, String, bool)>,
    /// Closed surveys by community.
    closed: HashMap<String, super::close::Closing>,
    /// Open-link answers and when they were recorded.
    pub open_answers: Vec<(String, super::open::OpenAnswer)>,
    /// Where this state stands in the log.
    cursor: crate::archive::log::Cursor,
}

impl Survey {
    /// The survey of the whole log.
    pub fn load(archive: &Archive) -> Result<Survey, ArchiveError> {
        let mut s = Survey::default();
        s.refresh(archive)?;
        Ok(s)
    }

    /// Applies the records appended since the last call.
    pub fn refresh(&mut self, archive: &Archive) -> Result<(), ArchiveError> {
        for rec in archive.log().follow(&mut self.cursor)? {
            self.apply(&rec);
        }
        Ok(())
    }

    /// Applies one log record.
    pub fn apply(&mut self, rec: &Record) {
        match &rec.event {
            Event::SurveyCopies(batch) => {
                for c in &batch.copies {
                    let i = self.copies.len();
                    self.by_number.insert(c.number.clone(), i);
                    self.by_token.insert(c.token_sha256.clone(), i);
                    self.copies.push(Copy {
                        community: batch.community.clone(),
                        issued: c.clone(),
                        issued_at: rec.time.clone(),
                        answer: None,
                    });
                }
            }
            Event::SurveyAnswer(a) => {
                if let Some(&i) = self.by_number.get(&a.number)
                    && self.copies[i].answer.is_none()
                {
                    self.copies[i].answer = Some((rec.time.clone(), a.clone()));
                }
            }
            Event::SurveyEntry(e) => {
                let answered = self
                    .by_number(&e.answer.number)
                    .is_some_and(|c| c.answer.is_some());
                if !answered {
                    let list = self.entries.entry(e.answer.number.clone()).or_default();
                    list.push(e.clone());
                }
            }
            Event::SurveyOpenLink(l) => {
                for v in self.open_links.values_mut() {
                    if v.0 == l.community && v.1 == l.point {
                        v.2 = false;
                    }
                }
                if l.enabled {
                    let v = (l.community.clone(), l.point.clone(), true);
                    self.open_links.insert(l.token_sha256.clone(), v);
                }
            }
            Event::SurveyOpenAnswer(a) => self.open_answers.push((rec.time.clone(), a.clone())),
            Event::SurveyClose(c) => self.close(&c.community, &rec.time, c.by),
            Event::Document(d) if d.kind == super::kind() => {
                if let Some(c) = &d.community {
                    self.close(c, &rec.time, super::close::ClosedBy::Issued);
                }
            }
            _ => {}
        }
    }

    /// Marks `community` closed at `time` (the first closing stands).
    fn close(&mut self, community: &str, time: &str, by: super::close::ClosedBy) {
        self.closed
            .entry(community.to_string())
            .or_insert_with(|| super::close::Closing {
                time: time.to_string(),
                by,
            });
    }

    /// When and why `community`'s survey closed, if it did.
    pub fn closed(&self, community: &str) -> Option<&super::close::Closing> {
        self.closed.get(community)
    }

    /// Why copy `number` takes no web answer now, if it takes none: closed
    /// survey, or entered from paper already (an answered copy is told
    /// apart by the caller, which thanks rather than refuses).
    pub fn web_refusal(&self, number: &str) -> Option<super::SurveyError> {
        let copy = self.by_number(number)?;
        if let Err(e) = super::close::check_open(self, &copy.community) {
            return Some(e);
        }
        (!self.entries(number).is_empty()).then(|| super::SurveyError::PaperEntered {
            number: number.to_string(),
        })
    }

    /// The double-entry entries of copy `number` not yet settled.
    pub fn entries(&self, number: &str) -> &[super::double::Entry] {
        self.entries.get(number).map_or(&[], Vec::as_slice)
    }

    /// The community and point of the enabled open link hashing to `sha`.
    pub fn open_link(&self, sha: &str) -> Option<(&str, &str)> {
        self.open_links
            .get(sha)
            .filter(|v| v.2)
            .map(|v| (v.0.as_str(), v.1.as_str()))
    }

    /// The open-link answers of `community` with their point.
    pub fn open_of(&self, community: &str) -> impl Iterator<Item = &super::open::OpenAnswer> {
        self.open_answers
            .iter()
            .map(|(_, a)| a)
            .filter(move |a| a.answer.community == community)
    }

    /// The copy numbered `number`.
    pub fn by_number(&self, number: &str) -> Option<&Copy> {
        self.by_number.get(number).map(|&i| &self.copies[i])
    }

    /// The copy whose link token hashes to `sha256`.
    pub fn by_token_hash(&self, sha256: &str) -> Option<&Copy> {
        self.by_token.get(sha256).map(|&i| &self.copies[i])
    }

    /// The copies of `community`.
    pub fn of(&self, community: &str) -> impl Iterator<Item = &Copy> {
        self.copies.iter().filter(move |c| c.community == community)
    }
}

/// The SHA-256 (hex) of a link token, as the log keeps it.
pub fn token_hash(token: &str) -> String {
    crate::archive::store::Digest::of(token.as_bytes()).hex()
}
