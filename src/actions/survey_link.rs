//! Answering the questionnaire through a link, the public's actions (no
//! account): a numbered copy's link or a point's open link. Keeps the
//! survey as the log has it (refreshed on each use) and commits web
//! answers in groups: concurrent answers are appended to the log
//! together, with one write and one `fsync` for the batch, and each is
//! acknowledged only after the `fsync` that covers it. The first answer
//! to arrive while no batch is being written becomes the leader and
//! writes every answer queued meanwhile, batch after batch, until the
//! queue is empty; the others wait for their result. Each answer is
//! checked (copy issued, not yet answered — also not earlier in the same
//! batch — values on their scale) under the writer lock, against the log
//! as it is.

use std::sync::mpsc;
use std::sync::{Mutex, MutexGuard};

use super::ActionError;
use crate::archive::{Archive, ArchiveError};
use crate::event::Event;
use crate::survey::SurveyError;
use crate::survey::answer::{self, AnswerRecord, Channel, Given, Rules};
use crate::survey::open;
use crate::survey::state::Survey;

/// How one queued answer ended.
#[derive(Debug)]
pub enum Outcome {
    /// Durable in the log.
    Stored,
    /// The copy already has an answer.
    Answered,
    /// An answer is off its scale or missing (the message names it).
    Bad(String),
    /// The copy takes no answer now (survey closed, entered from paper).
    Refused(String),
    /// The archive failed; nothing of the batch was written.
    Failed(String),
}

struct Job {
    number: String,
    given: Given,
    reply: mpsc::Sender<Outcome>,
}

#[derive(Default)]
struct Queue {
    jobs: Vec<Job>,
    leader: bool,
}

/// The survey as the server last read it, and the answers waiting for
/// their group commit.
#[derive(Default)]
pub struct Answering {
    survey: Mutex<Survey>,
    queue: Mutex<Queue>,
}

/// The writer lock, waited for quietly. The public has no account and
/// no role to check: what it may answer is decided by the link alone.
fn writer(archive: &Archive) -> Result<crate::archive::lock::WriterLock, ActionError> {
    super::Ctx {
        archive,
        caller: super::Caller::Console,
        wait: super::Wait::Quiet,
    }
    .lock()
}

fn locked<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Answering {
    /// The survey brought up to date with the log.
    fn fresh(&self, archive: &Archive) -> Result<MutexGuard<'_, Survey>, ActionError> {
        let mut s = locked(&self.survey);
        s.refresh(archive)?;
        Ok(s)
    }

    /// The copy whose token hashes to `sha`, as the log has it now: its
    /// number and whether it is answered.
    pub fn copy(
        &self,
        archive: &Archive,
        sha: &str,
    ) -> Result<Option<(String, bool)>, ActionError> {
        let s = self.fresh(archive)?;
        Ok(s.by_token_hash(sha)
            .map(|c| (c.issued.number.clone(), c.answer.is_some())))
    }

    /// Why the copy numbered `number` takes no answer now (the survey is
    /// closed, or it was entered from paper), as last read.
    pub fn refusal(&self, number: &str) -> Option<SurveyError> {
        locked(&self.survey).web_refusal(number)
    }

    /// The community and point of the enabled open link `sha`, if any.
    pub fn open_link(
        &self,
        archive: &Archive,
        sha: &str,
    ) -> Result<Option<(String, String)>, ActionError> {
        let s = self.fresh(archive)?;
        Ok(s.open_link(sha)
            .map(|(c, p)| (c.to_string(), p.to_string())))
    }

    /// Refuses when `community`'s survey is closed, as last read.
    pub fn check_open(&self, community: &str) -> Result<(), SurveyError> {
        crate::survey::close::check_open(&locked(&self.survey), community)
    }

    /// Records an open-link answer from `device` through link `sha`,
    /// durably.
    pub fn answer_open(
        &self,
        archive: &Archive,
        rules: Rules<'_>,
        sha: &str,
        device: &str,
        given: &Given,
    ) -> Result<(), ActionError> {
        let lock = writer(archive)?;
        let survey = self.fresh(archive)?;
        let a = open::prepare(&survey, rules, sha, device, given, chrono::Utc::now())?;
        drop(survey);
        open::submit(archive, &lock, a)?;
        Ok(())
    }

    /// Queues the answer to copy `number` and waits until it is durable
    /// (or refused). Call on a blocking thread.
    pub fn answer(
        &self,
        archive: &Archive,
        rules: Rules<'_>,
        number: String,
        given: Given,
    ) -> Outcome {
        let (reply, result) = mpsc::channel();
        let lead = {
            let mut queue = locked(&self.queue);
            queue.jobs.push(Job {
                number,
                given,
                reply,
            });
            !std::mem::replace(&mut queue.leader, true)
        };
        if lead {
            loop {
                let jobs = {
                    let mut queue = locked(&self.queue);
                    if queue.jobs.is_empty() {
                        queue.leader = false;
                        break;
                    }
                    std::mem::take(&mut queue.jobs)
                };
                self.write_batch(archive, rules, jobs);
            }
        }
        result.recv().unwrap_or_else(|_| {
            Outcome::Failed("答卷没有写入（服务器内部错误），请重新提交".into())
        })
    }

    /// Checks and writes one batch, then answers every job of it.
    fn write_batch(&self, archive: &Archive, rules: Rules<'_>, jobs: Vec<Job>) {
        let fail = |jobs: Vec<Job>, e: &dyn std::fmt::Display| {
            for j in jobs {
                let _ = j.reply.send(Outcome::Failed(e.to_string()));
            }
        };
        let lock = match writer(archive) {
            Ok(l) => l,
            Err(e) => return fail(jobs, &e),
        };
        let mut survey = locked(&self.survey);
        if let Err(e) = survey.refresh(archive) {
            return fail(jobs, &e);
        }
        let taken = check_batch(&survey, rules, jobs);
        let events = taken
            .iter()
            .map(|(_, a)| Event::SurveyAnswer(a.clone()))
            .collect();
        let written = archive
            .log()
            .append_all(&lock, events)
            .map_err(ArchiveError::from);
        let refreshed = written.and_then(|_| survey.refresh(archive));
        drop(survey);
        drop(lock);
        match refreshed {
            Ok(()) => {
                for (job, _) in taken {
                    let _ = job.reply.send(Outcome::Stored);
                }
            }
            Err(e) => fail(taken.into_iter().map(|(j, _)| j).collect(), &e),
        }
    }
}

/// Checks each job of a batch: answers the refused ones at once, gives
/// the others with their records.
fn check_batch(survey: &Survey, rules: Rules<'_>, jobs: Vec<Job>) -> Vec<(Job, AnswerRecord)> {
    let mut taken: Vec<(Job, AnswerRecord)> = Vec::new();
    for job in jobs {
        let result = answer::prepare(survey, rules, &job.number, Channel::Web, &job.given);
        let outcome = match result {
            Ok(a) if taken.iter().any(|(_, b)| b.number == a.number) => Outcome::Answered,
            Ok(a) => {
                taken.push((job, a));
                continue;
            }
            Err(SurveyError::Answered { .. }) => Outcome::Answered,
            Err(e @ SurveyError::BadAnswer { .. }) => Outcome::Bad(e.to_string()),
            Err(e @ (SurveyError::Closed { .. } | SurveyError::PaperEntered { .. })) => {
                Outcome::Refused(e.to_string())
            }
            Err(e) => Outcome::Failed(e.to_string()),
        };
        let _ = job.reply.send(outcome);
    }
    taken
}
