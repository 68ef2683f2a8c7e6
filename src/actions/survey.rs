//! The survey's actions for the office and the clerks: the questionnaire
//! in use, printing numbered copies, paper answers (imported or entered
//! one at a time, with double entry), open links, closing a survey and
//! recording its verdicts. The public's answers through a link are in
//! [`super::survey_link`].

use std::path::Path;

use super::{ActionError, Caller, Ctx};
use crate::accounts::Role;
use crate::archive::lock::WriterLock;
use crate::assessment::store::{At, StoredAssessment};
use crate::catalog::Catalog;
use crate::community::Community;
use crate::config::SurveySettings;
use crate::render::Engine;
use crate::scope::{self, Access};
use crate::survey::answer::{self, AnswerRecord, Channel, Given, Rules};
use crate::survey::close::{self, ClosedBy};
use crate::survey::copies::{self, CopiesIssued, PrintedCopy};
use crate::survey::double::{self, Mismatch, Outcome};
use crate::survey::state::Survey;
use crate::survey::stats::{self, Tally};
use crate::survey::{Questionnaire, SurveyError, number, open, paper, print};

/// Refuses accounts that are not clerks of paper copies (the office's or
/// a district's); the console is the office's own.
fn clerk_only(ctx: &Ctx) -> Result<(), ActionError> {
    match ctx.caller {
        Caller::Account(a) if !matches!(a.role, Role::Office | Role::District) => {
            Err(scope::Denied::NotInScope.into())
        }
        _ => Ok(()),
    }
}

/// Whether the caller may see community `id` (the console sees all).
fn sees(ctx: &Ctx, roster: &crate::community::Roster, id: &str) -> bool {
    roster
        .get(id)
        .is_ok_and(|c| ctx.community(roster, &c.id, Access::Read).is_ok())
}

/// Installs the office's own questionnaire from `text` (read from
/// `file`) in place of the built-in one.
pub fn install(ctx: &Ctx, text: &str, file: &Path) -> Result<Questionnaire, ActionError> {
    ctx.office_only()?;
    let lock = ctx.lock()?;
    Ok(
        crate::survey::questionnaire::install(ctx.archive, &lock, text, file, Catalog::builtin())
            .map_err(SurveyError::from)?,
    )
}

/// What to print: `copies` copies of `community` over `points`, rendered
/// with `pdf` (none: links only).
pub struct PrintOrder<'a> {
    /// Community id.
    pub community: &'a str,
    /// How many copies.
    pub copies: u32,
    /// The points the copies are shared over.
    pub points: &'a [String],
    /// The engine and questionnaire to render with, and the address the
    /// QR codes link to; none for links only.
    pub pdf: Option<(&'a Engine, &'a Questionnaire)>,
    /// The server's public address, if known.
    pub base_url: Option<&'a str>,
}

/// Copies numbered and rendered under the writer lock, not yet recorded:
/// the caller checks it can hand them out, then [`PrintJob::record`]s.
pub struct PrintJob<'a> {
    lock: WriterLock,
    batch: CopiesIssued,
    archive: &'a crate::archive::Archive,
    /// The community printed for.
    pub community: Community,
    /// The copies, in order.
    pub printed: Vec<PrintedCopy>,
    /// The PDF of the copies and the 发放登记表, if asked for.
    pub pdf: Option<Vec<u8>>,
}

/// Copies recorded: the community, the copies and their PDF.
pub struct Printed {
    /// The community printed for.
    pub community: Community,
    /// The copies, in order.
    pub printed: Vec<PrintedCopy>,
    /// The PDF, if asked for.
    pub pdf: Option<Vec<u8>>,
}

impl PrintJob<'_> {
    /// Records the numbers (and lets the writer lock go).
    pub fn record(self) -> Result<Printed, ActionError> {
        copies::record(self.archive, &self.lock, self.batch)?;
        drop(self.lock);
        Ok(Printed {
            community: self.community,
            printed: self.printed,
            pdf: self.pdf,
        })
    }
}

/// Numbers and renders new copies (the office, or the community's
/// district); nothing is recorded until [`PrintJob::record`].
pub fn print<'a>(ctx: &Ctx<'a>, order: PrintOrder<'_>) -> Result<PrintJob<'a>, ActionError> {
    clerk_only(ctx)?;
    let roster = ctx.roster()?;
    let community = ctx
        .community(&roster, order.community, Access::Read)?
        .clone();
    let lock = ctx.lock()?;
    let (printed, batch) = copies::prepare(ctx.archive, &community, order.copies, order.points)?;
    let pdf = match order.pdf {
        None => None,
        Some((engine, q)) => Some(print::render(
            engine,
            q,
            &community,
            &printed,
            order.base_url,
            crate::dates::today(),
        )?),
    };
    Ok(PrintJob {
        lock,
        batch,
        archive: ctx.archive,
        community,
        printed,
        pdf,
    })
}

/// Imports a table of paper answers, all or none (without double entry).
pub fn import_paper(
    ctx: &Ctx,
    rules: Rules<'_>,
    file: &Path,
    bytes: &[u8],
) -> Result<Vec<AnswerRecord>, ActionError> {
    ctx.office_only()?;
    let lock = ctx.lock()?;
    Ok(paper::import(ctx.archive, &lock, rules, file, bytes)?)
}

/// The clerk named for double entry, which must be given.
pub fn entry_clerk(clerk: Option<&str>) -> Result<&str, ActionError> {
    clerk.map(str::trim).filter(|c| !c.is_empty()).ok_or_else(|| {
        ActionError::Invalid(
            "kaoping.toml 中开启了双录入（[survey] double_entry = true）：请用 --clerk 写明录入员，两位不同录入员的录入一致后才计入".into(),
        )
    })
}

/// What a table imported as one clerk's entries led to.
#[derive(Debug, Default)]
pub struct Entered {
    /// Copies now counted (a second clerk agreed).
    pub counted: usize,
    /// Copies waiting for a second entry.
    pub waiting: usize,
    /// Copies whose entries disagree.
    pub differ: Vec<String>,
}

/// Imports a table of paper answers as `clerk`'s entries under double
/// entry: copies count once a second clerk's entry agrees.
pub fn import_entries(
    ctx: &Ctx,
    rules: Rules<'_>,
    file: &Path,
    bytes: &[u8],
    clerk: &str,
) -> Result<Entered, ActionError> {
    ctx.office_only()?;
    let lock = ctx.lock()?;
    let records = paper::check(ctx.archive, rules, file, bytes)?;
    let survey = Survey::load(ctx.archive)?;
    let mut events = Vec::new();
    let mut done = Entered::default();
    for r in records {
        let number = r.number.clone();
        let (ev, outcome) = double::enter(&survey, r, clerk)?;
        events.extend(ev);
        match outcome {
            Outcome::Counted => done.counted += 1,
            Outcome::Waiting => done.waiting += 1,
            Outcome::Mismatch(_) => done.differ.push(number),
        }
    }
    append(ctx, &lock, events)?;
    Ok(done)
}

fn append(
    ctx: &Ctx,
    lock: &WriterLock,
    events: Vec<crate::event::Event>,
) -> Result<(), ActionError> {
    ctx.archive
        .log()
        .append_all(lock, events)
        .map_err(crate::archive::ArchiveError::from)?;
    Ok(())
}

/// How one paper copy entered on the web ended.
#[derive(Debug)]
pub enum CopyEntered {
    /// Recorded as the copy's answer (no double entry).
    Answer(AnswerRecord),
    /// Double entry: what this entry led to.
    Entry(Outcome),
}

/// Enters one paper copy typed as `typed` (the office's or a district's
/// clerk; a district's clerk only its own communities' copies, others
/// are refused as never issued, so no one learns which exist).
pub fn enter_copy(
    ctx: &Ctx,
    rules: Rules<'_>,
    typed: &str,
    given: &Given,
) -> Result<(String, CopyEntered), ActionError> {
    clerk_only(ctx)?;
    let (number, parts) = number::parse(typed).map_err(SurveyError::from)?;
    if !sees(ctx, &ctx.roster()?, &parts.community) {
        return Err(SurveyError::NotIssued(number).into());
    }
    let lock = ctx.lock()?;
    let survey = Survey::load(ctx.archive)?;
    let a = answer::prepare(&survey, rules, &number, Channel::Paper, given)?;
    if !rules.settings.double_entry {
        let a = answer::submit(ctx.archive, &lock, a)?;
        return Ok((number, CopyEntered::Answer(a)));
    }
    let clerk = ctx.account_of().map_or("", |a| a.name.as_str());
    let (events, outcome) = double::enter(&survey, a, clerk)?;
    append(ctx, &lock, events)?;
    Ok((number, CopyEntered::Entry(outcome)))
}

/// The unresolved double-entry mismatches the caller may see (of
/// `community` if given; none of all when `double_entry` is off).
pub fn mismatches(
    ctx: &Ctx,
    double_entry: bool,
    community: Option<&str>,
) -> Result<Vec<Mismatch>, ActionError> {
    if community.is_none() && !double_entry {
        return Ok(Vec::new());
    }
    let roster = ctx.roster()?;
    if let Some(id) = community {
        ctx.community(&roster, id, Access::Read)?;
    }
    let survey = Survey::load(ctx.archive)?;
    Ok(double::mismatches(&survey, community)
        .into_iter()
        .filter(|m| sees(ctx, &roster, &m.community))
        .collect())
}

/// Settles the mismatch of copy `number` by taking `clerk`'s entry (a
/// copy the caller may not see is refused as never issued).
pub fn resolve(ctx: &Ctx, number: &str, clerk: &str) -> Result<AnswerRecord, ActionError> {
    clerk_only(ctx)?;
    let roster = ctx.roster()?;
    let lock = ctx.lock()?;
    let survey = Survey::load(ctx.archive)?;
    let mine = survey
        .by_number(number)
        .is_some_and(|c| sees(ctx, &roster, &c.community));
    if !mine {
        return Err(SurveyError::NotIssued(number.to_string()).into());
    }
    Ok(double::resolve(ctx.archive, &lock, &survey, number, clerk)?)
}

/// Enables a new open link of `community` at `point` (its token), or
/// with `off` ends it (none).
pub fn open_link(
    ctx: &Ctx,
    community: &str,
    point: &str,
    off: bool,
) -> Result<Option<String>, ActionError> {
    ctx.office_only()?;
    ctx.community(&ctx.roster()?, community, Access::Read)?;
    let lock = ctx.lock()?;
    if off {
        open::disable(ctx.archive, &lock, community, point)?;
        return Ok(None);
    }
    Ok(Some(open::enable(ctx.archive, &lock, community, point)?))
}

/// The statistics of `community`'s survey.
pub fn tally(
    ctx: &Ctx,
    q: &Questionnaire,
    settings: &SurveySettings,
    community: &str,
) -> Result<Tally, ActionError> {
    ctx.community(&ctx.roster()?, community, Access::Read)?;
    let survey = Survey::load(ctx.archive)?;
    Ok(stats::tally(&survey, q, settings, community))
}

/// The office's hold on `community`'s survey: the community, the writer
/// lock and the survey as it stands.
fn office_survey(
    ctx: &Ctx,
    community: &str,
) -> Result<(Community, crate::archive::lock::WriterLock, Survey), ActionError> {
    ctx.office_only()?;
    let c = ctx
        .community(&ctx.roster()?, community, Access::Read)?
        .clone();
    let lock = ctx.lock()?;
    let survey = Survey::load(ctx.archive)?;
    Ok((c, lock, survey))
}

/// Closes `community`'s survey (the office); gives the community.
pub fn close(ctx: &Ctx, community: &str) -> Result<Community, ActionError> {
    let (c, lock, survey) = office_survey(ctx, community)?;
    close::close(ctx.archive, &lock, &survey, &c.id, ClosedBy::Office)?;
    Ok(c)
}

/// What recording a survey's verdicts stored.
pub struct Recorded {
    /// The community.
    pub community: Community,
    /// The new version of the assessment.
    pub stored: StoredAssessment,
    /// How many 问卷 standards were written.
    pub written: usize,
    /// The statistics the verdicts come from.
    pub tally: Tally,
}

/// Writes the verdicts of `community`'s survey into its assessment at
/// `at`, as a new version.
pub fn record(
    ctx: &Ctx,
    rules: Rules<'_>,
    community: &str,
    at: At<'_>,
) -> Result<Recorded, ActionError> {
    let (c, lock, survey) = office_survey(ctx, community)?;
    let tally = stats::tally(&survey, rules.q, rules.settings, &c.id);
    let scratch = tempfile::tempdir().map_err(|e| ActionError::Invalid(e.to_string()))?;
    let (stored, written) = crate::survey::record::record(
        ctx.archive,
        &lock,
        &c,
        &tally,
        at,
        crate::dates::today(),
        scratch.path(),
    )?;
    Ok(Recorded {
        community: c,
        stored,
        written,
        tally,
    })
}
