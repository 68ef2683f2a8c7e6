//! Group commit of web answers: concurrent answers are appended to the log
//! together, with one write and one `fsync` for the batch, and each is
//! acknowledged only after the `fsync` that covers it. The first answer to
//! arrive while no batch is being written becomes the leader and writes
//! every answer queued meanwhile, batch after batch, until the queue is
//! empty; the others wait for their result. Each answer is checked (copy
//! issued, not yet answered — also not earlier in the same batch — values
//! on their scale) under the writer lock, against the log as it is.

use std::sync::Mutex;
use std::sync::mpsc;

use super::AppState;
use crate::archive::{Archive, ArchiveError};
use crate::event::Event;
use crate::survey::answer::{self, AnswerRecord, Channel, Given, Rules};
use crate::survey::{Questionnaire, SurveyError};

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

/// The queue of answers waiting to be written.
#[derive(Default)]
pub struct Committer {
    queue: Mutex<Queue>,
}

fn locked<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Committer {
    /// Queues the answer to copy `number` and waits until it is durable
    /// (or refused). Call on a blocking thread.
    pub fn submit(
        &self,
        state: &AppState,
        q: &Questionnaire,
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
                write_batch(state, q, jobs);
            }
        }
        result.recv().unwrap_or_else(|_| {
            Outcome::Failed("答卷没有写入（服务器内部错误），请重新提交".into())
        })
    }
}

/// Checks and writes one batch, then answers every job of it.
fn write_batch(state: &AppState, q: &Questionnaire, jobs: Vec<Job>) {
    let archive = Archive::new(state.root());
    let fail = |jobs: Vec<Job>, e: &dyn std::fmt::Display| {
        for j in jobs {
            let _ = j.reply.send(Outcome::Failed(e.to_string()));
        }
    };
    let lock = match archive.lock(true, |_| {}) {
        Ok(l) => l,
        Err(e) => return fail(jobs, &e),
    };
    let mut survey = locked(&state.0.survey.survey);
    if let Err(e) = survey.refresh(&archive) {
        return fail(jobs, &e);
    }
    let rules = Rules {
        q,
        settings: &state.0.config.survey,
    };
    let mut taken: Vec<(Job, AnswerRecord)> = Vec::new();
    for job in jobs {
        let result = answer::prepare(&survey, rules, &job.number, Channel::Web, &job.given);
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
    let events = taken
        .iter()
        .map(|(_, a)| Event::SurveyAnswer(a.clone()))
        .collect();
    let written = archive
        .log()
        .append_all(&lock, events)
        .map_err(ArchiveError::from);
    let refreshed = written.and_then(|_| survey.refresh(&archive));
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
