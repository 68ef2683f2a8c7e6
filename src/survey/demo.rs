//! The survey part of `kaoping demo`: for each sample community 40
//! numbered copies are printed (with QR codes for the demo server's
//! address), most are answered on paper and entered from a table, some
//! through the web path (two of them too fast, so 疑似无效), one paper copy
//! left blank; the tally's verdicts are recorded as the final 问卷调查
//! rows. The sample answers follow a fixed pattern per community, so the
//! demo gives the same figures every time.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::answer::{self, Channel, Given, Rules};
use super::copies::{self, PrintedCopy};
use super::paper::{self, PaperError};
use super::record::{self, RecordError};
use super::state::Survey;
use super::{Questionnaire, SurveyError, print, stats};
use crate::archive::Archive;
use crate::assessment::store::At;
use crate::catalog::Catalog;
use crate::community::Community;
use crate::config::Config;
use crate::render::Engine;

/// The address the demo's copies link to (`kaoping serve`'s default).
pub const DEMO_BASE_URL: &str = "http://127.0.0.1:8080";
/// Copies printed per sample community.
const COPIES: u32 = 40;

/// Why the survey demo stopped.
#[derive(Debug, thiserror::Error)]
pub enum SurveyDemoError {
    /// Survey work.
    #[error(transparent)]
    Survey(#[from] SurveyError),
    /// Paper entry.
    #[error(transparent)]
    Paper(#[from] PaperError),
    /// Recording the verdicts.
    #[error(transparent)]
    Record(#[from] RecordError),
    /// Archive work.
    #[error(transparent)]
    Archive(#[from] crate::archive::ArchiveError),
    /// The questionnaire.
    #[error(transparent)]
    Questionnaire(#[from] super::QuestionnaireError),
    /// Writing sample files.
    #[error("无法写入 {path}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

/// How a sample community's residents answer: answers returned, and out
/// of 20 how many are satisfied.
fn pattern(id: &str) -> (usize, usize) {
    match id {
        "WH-001" => (38, 19),
        "PL-002" => (34, 15),
        _ => (18, 16),
    }
}

const OPEN: [&str; 4] = [
    "希望小区多安排几次周末文艺活动，老年人很喜欢。",
    "楼道灯坏了两个星期才修，反映渠道要更快 #效率 [急] *请重视*",
    "<b>停车难</b>，建议规划临时停车位。",
    "",
];

/// One sample answer: the choice number of each closed item.
fn sample(q: &Questionnaire, i: usize, satisfied_of_20: usize) -> Given {
    let mut given = Given::default();
    for (j, x) in q.questions.iter().enumerate() {
        let happy = (i * 7 + j * 3) % 20 < satisfied_of_20;
        let n = q.choices(&x.id).map_or(1, <[String]>::len);
        let pick = match n {
            5 if happy => 1 + i % 3,
            5 => 4 + i % 2,
            2 => 1 + usize::from(i.is_multiple_of(4)),
            _ => 1 + i % n,
        };
        given.items.insert(x.id.clone(), pick.to_string());
    }
    for (k, r) in q.respondent.iter().enumerate() {
        given
            .items
            .insert(r.id.clone(), (1 + (i + k) % r.choices.len()).to_string());
    }
    given.open = OPEN[i % OPEN.len()].to_string();
    given
}

/// Runs the survey for `communities`; returns what to tell the user.
pub fn run(
    archive: &Archive,
    engine: &Engine,
    config: &Config,
    communities: &[Community],
    dir: &Path,
    date: chrono::NaiveDate,
) -> Result<String, SurveyDemoError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| SurveyDemoError::Io { path, source }
    };
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let q = Questionnaire::load(Some(archive.root()), Catalog::builtin())?;
    let s = &config.survey;
    let mut lines = String::new();
    for c in communities {
        let lock = archive.lock(true, |_| {})?;
        let (printed, batch) = copies::prepare(archive, c, COPIES, &s.points)?;
        let pdf = print::render(engine, &q, c, &printed, Some(DEMO_BASE_URL), date)?;
        copies::record(archive, &lock, batch)?;
        let path = dir.join(format!("{}-{}-问卷{}份.pdf", c.id, c.name, printed.len()));
        write_pdf(&path, &pdf)?;
        let (returned, happy) = pattern(&c.id);
        let web = 6.min(returned);
        // Paper copies first (entered from a table), then the web.
        let table = paper_table(&q, &printed[..returned - web], happy);
        let sheet = dir.join(format!("{}-{}-纸质答卷录入.csv", c.id, c.name));
        std::fs::write(&sheet, &table).map_err(io(&sheet))?;
        let rules = Rules { q: &q, settings: s };
        paper::import(archive, &lock, rules, &sheet, table.as_bytes())?;
        let mut survey = Survey::load(archive)?;
        for (k, copy) in printed[returned - web..returned].iter().enumerate() {
            let mut given = sample(&q, returned - web + k, happy);
            given.seconds = Some(if k < 2 { 12 } else { 95 + 10 * k as u32 });
            let record = answer::prepare(&survey, rules, &copy.number, Channel::Web, &given)?;
            answer::submit(archive, &lock, record)?;
            survey.refresh(archive)?;
        }
        let t = stats::tally(&survey, &q, s, &c.id);
        let _ = writeln!(
            lines,
            "  {}：印出 {} 份（{}），回收 {} 份（纸质 {}、网页 {}），有效 {} 份",
            c.name,
            printed.len(),
            path.file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default(),
            t.returned,
            t.returned - t.web,
            t.web,
            t.valid
        );
        let scratch = tempfile::tempdir().map_err(io(dir))?;
        match record::record(archive, &lock, c, &t, At::default(), date, scratch.path()) {
            Ok((_, n)) => {
                let _ = writeln!(lines, "    {n} 条问卷调查标准的结论已写入最终考评结果");
            }
            Err(RecordError::NoVerdict { .. }) => {
                let _ = writeln!(
                    lines,
                    "    有效答卷少于 {} 份，不作结论（统计表中写明原因）",
                    s.min_valid
                );
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(lines)
}

/// Writes `pdf` to `path` whole (through a temporary file beside it).
fn write_pdf(path: &Path, pdf: &[u8]) -> Result<(), SurveyDemoError> {
    let io = |source| SurveyDemoError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = crate::outfile::temp_beside(path).map_err(io)?;
    std::io::Write::write_all(&mut file, pdf).map_err(io)?;
    crate::outfile::persist(file, path, true)
        .map_err(std::io::Error::other)
        .map_err(io)
}

/// The paper answers of `copies` as a CSV table, as a clerk enters them
/// (choice numbers); the last copy came back blank except its age.
fn paper_table(q: &Questionnaire, copies: &[PrintedCopy], happy: usize) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["问卷编号".to_string()];
    header.extend(q.closed_ids().iter().map(|s| s.to_string()));
    header.push(q.open.id.clone());
    let _ = w.write_record(&header);
    for (i, c) in copies.iter().enumerate() {
        let given = sample(q, i, happy);
        let blank = i + 1 == copies.len();
        let mut row = vec![c.number.clone()];
        for id in q.closed_ids() {
            let v = given.items.get(id).cloned().unwrap_or_default();
            let keep = !blank || q.respondent.first().is_some_and(|r| r.id == id);
            row.push(if keep { v } else { String::new() });
        }
        row.push(if blank {
            String::new()
        } else {
            given.open.clone()
        });
        let _ = w.write_record(&row);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}
