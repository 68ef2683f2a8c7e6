//! The questionnaire as data: `data/questionnaire.toml` compiled in, or the
//! office's `questionnaire.toml` in the archive root in its place. Loading
//! checks every question against the catalog (a 问卷调查 standard), every
//! scale reference and every id, so a typo is reported, never printed.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::catalog::{Catalog, Method};

/// The built-in questionnaire.
pub const BUILTIN: &str = include_str!("../../data/questionnaire.toml");
/// File name of the office's questionnaire in the archive root.
pub const OVERRIDE_FILE: &str = "questionnaire.toml";

/// A scale: its choices, best first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scale {
    /// Its name, e.g. 满意度.
    pub id: String,
    /// The choices, best first.
    pub choices: Vec<String>,
}

/// One question about a 问卷调查 standard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// Id, e.g. `Q1` (also the column name in paper-entry tables).
    pub id: String,
    /// `指标编号/标准序号`, e.g. `Ⅱ-14/4`.
    pub standard: String,
    /// The question as residents read it.
    pub text: String,
    /// The scale's id.
    pub scale: String,
}

/// A question about the respondent (no personal data).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Respondent {
    /// Id, e.g. `R1`.
    pub id: String,
    /// The question.
    pub text: String,
    /// Its choices.
    pub choices: Vec<String>,
}

/// The open question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Open {
    /// Id, e.g. `O1`.
    pub id: String,
    /// The question.
    pub text: String,
}

/// The whole questionnaire.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Questionnaire {
    /// Title printed on every copy.
    pub title: String,
    /// The greeting above the questions.
    pub intro: String,
    /// The scales.
    pub scales: Vec<Scale>,
    /// The assessment questions.
    pub questions: Vec<Question>,
    /// Questions about the respondent.
    #[serde(default)]
    pub respondent: Vec<Respondent>,
    /// The open question.
    pub open: Open,
}

/// A questionnaire that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum QuestionnaireError {
    /// Copies of the questionnaire in use are already out.
    #[error(
        "已经印出 {copies} 份编号问卷，不能再换问卷（已答的问卷会对不上题目）。要换问卷，请在印制问卷之前进行"
    )]
    AlreadyPrinted {
        /// Copies printed.
        copies: usize,
    },
    /// The archive could not record it.
    #[error(transparent)]
    Archive(#[from] crate::archive::ArchiveError),
    /// Not readable.
    #[error("无法读取问卷文件 {path}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// Not valid TOML of the expected shape.
    #[error("问卷文件 {path} 格式有误：{reason}")]
    Syntax {
        /// The file.
        path: PathBuf,
        /// What is wrong, with the line.
        reason: String,
    },
    /// A field refers to something that does not exist.
    #[error("问卷文件 {path} 中 {id}：{reason}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// The question's id.
        id: String,
        /// What is wrong and how to fix it.
        reason: String,
    },
}

/// Where the questionnaire in use comes from: `(text, path for messages)`.
fn source(root: Option<&Path>) -> Result<(String, PathBuf), QuestionnaireError> {
    if let Some(root) = root {
        let path = root.join(OVERRIDE_FILE);
        match crate::storage::register::read(root, OVERRIDE_FILE) {
            Ok(Some(bytes)) => {
                let text = String::from_utf8(bytes).map_err(|e| QuestionnaireError::Read {
                    path: path.clone(),
                    source: std::io::Error::new(std::io::ErrorKind::InvalidData, e),
                })?;
                return Ok((text, path));
            }
            Ok(None) => {}
            Err(source) => return Err(QuestionnaireError::Read { path, source }),
        }
    }
    Ok((
        BUILTIN.to_string(),
        PathBuf::from("内置问卷 data/questionnaire.toml"),
    ))
}

/// Puts the questionnaire `text` (read from `path`) in use in place of
/// the built-in one: checked first, refused once any copy is printed, then
/// kept as the archive's register (a file locally, a database row when
/// distributed) and logged. The caller holds the writer lock.
pub fn install(
    archive: &crate::archive::Archive,
    lock: &crate::archive::lock::WriterLock,
    text: &str,
    path: &Path,
    catalog: &Catalog,
) -> Result<Questionnaire, QuestionnaireError> {
    let q = Questionnaire::parse(text, path, catalog)?;
    let copies = super::state::Survey::load(archive)?.copies.len();
    if copies > 0 {
        return Err(QuestionnaireError::AlreadyPrinted { copies });
    }
    let root = archive.root();
    crate::storage::register::write(root, OVERRIDE_FILE, text.as_bytes()).map_err(|source| {
        QuestionnaireError::Read {
            path: root.join(OVERRIDE_FILE),
            source,
        }
    })?;
    let set = crate::event::QuestionnaireSet {
        sha256: crate::archive::store::Digest::of(text.as_bytes()).hex(),
        questions: q.questions.len(),
        source: path.display().to_string(),
    };
    archive
        .log()
        .append(lock, crate::event::Event::Questionnaire(set))
        .map_err(crate::archive::ArchiveError::from)?;
    Ok(q)
}

impl Questionnaire {
    /// The questionnaire of archive `root` (its override, else the
    /// built-in), checked against `catalog`.
    pub fn load(root: Option<&Path>, catalog: &Catalog) -> Result<Self, QuestionnaireError> {
        let (text, path) = source(root)?;
        Self::parse(&text, &path, catalog)
    }

    /// Parses and checks questionnaire text.
    pub fn parse(text: &str, path: &Path, catalog: &Catalog) -> Result<Self, QuestionnaireError> {
        let q: Questionnaire = toml::from_str(text).map_err(|e| QuestionnaireError::Syntax {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        q.check(path, catalog)?;
        Ok(q)
    }

    fn check(&self, path: &Path, catalog: &Catalog) -> Result<(), QuestionnaireError> {
        let bad = |id: &str, reason: String| QuestionnaireError::Invalid {
            path: path.to_path_buf(),
            id: id.to_string(),
            reason,
        };
        let mut ids = BTreeSet::new();
        let all_ids = self
            .questions
            .iter()
            .map(|q| &q.id)
            .chain(self.respondent.iter().map(|r| &r.id))
            .chain([&self.open.id]);
        for id in all_ids {
            if !ids.insert(id.as_str()) {
                return Err(bad(id, "题号重复，每道题的 id 须不同".into()));
            }
            if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
                return Err(bad(id, "题号只能用字母和数字，如 Q1".into()));
            }
        }
        for s in &self.scales {
            if s.choices.len() < 2 {
                return Err(bad(&s.id, "量表至少要有两个选项".into()));
            }
        }
        for r in &self.respondent {
            if r.choices.len() < 2 {
                return Err(bad(&r.id, "至少要有两个选项".into()));
            }
        }
        for q in &self.questions {
            if self.scale(&q.scale).is_none() {
                return Err(bad(
                    &q.id,
                    format!("没有名为“{}”的量表（[[scales]]）", q.scale),
                ));
            }
            let (ind, n) = split_standard(&q.standard).ok_or_else(|| {
                bad(
                    &q.id,
                    format!("标准“{}”应写成“指标编号/标准序号”，如 Ⅱ-14/4", q.standard),
                )
            })?;
            let (_, ind, s) = catalog
                .standard(ind, n)
                .map_err(|e| bad(&q.id, e.to_string()))?;
            if !s.methods.contains(&Method::Questionnaire) {
                return Err(bad(
                    &q.id,
                    format!("{} 标准{} 不用问卷调查考评", ind.code, s.number),
                ));
            }
        }
        if self.questions.is_empty() {
            return Err(bad("questions", "至少要有一道考评题".into()));
        }
        Ok(())
    }

    /// The scale named `id`.
    pub fn scale(&self, id: &str) -> Option<&Scale> {
        self.scales.iter().find(|s| s.id == id)
    }

    /// The choices of question or respondent item `id` (none for the open
    /// question or an unknown id).
    pub fn choices(&self, id: &str) -> Option<&[String]> {
        if let Some(q) = self.questions.iter().find(|q| q.id == id) {
            return self.scale(&q.scale).map(|s| s.choices.as_slice());
        }
        self.respondent
            .iter()
            .find(|r| r.id == id)
            .map(|r| r.choices.as_slice())
    }

    /// Every closed item's id, in order: questions, then respondent items.
    pub fn closed_ids(&self) -> Vec<&str> {
        self.questions
            .iter()
            .map(|q| q.id.as_str())
            .chain(self.respondent.iter().map(|r| r.id.as_str()))
            .collect()
    }

    /// The 问卷调查 standards asked about, as `(indicator, number)`, in
    /// first-seen order.
    pub fn standards(&self) -> Vec<(String, u32)> {
        let mut out: Vec<(String, u32)> = Vec::new();
        for q in &self.questions {
            if let Some((i, n)) = split_standard(&q.standard)
                && !out.iter().any(|(a, b)| a == i && *b == n)
            {
                out.push((i.to_string(), n));
            }
        }
        out
    }
}

/// Splits `Ⅱ-14/4` into the indicator and the standard's number.
pub fn split_standard(s: &str) -> Option<(&str, u32)> {
    let (ind, n) = s.rsplit_once('/')?;
    Some((ind.trim(), n.trim().parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_asks_about_every_questionnaire_standard_and_only_those() {
        let c = Catalog::builtin();
        let q = Questionnaire::parse(BUILTIN, Path::new("内置"), c).unwrap();
        let mut want: Vec<(String, u32)> = c
            .standards()
            .filter(|(_, _, s)| s.methods.contains(&Method::Questionnaire))
            .map(|(_, i, s)| (i.code.clone(), s.number))
            .collect();
        let mut got = q.standards();
        want.sort();
        got.sort();
        assert_eq!(got, want);
        for (_, i, s) in c.standards() {
            let n = q
                .questions
                .iter()
                .filter(|x| x.standard == format!("{}/{}", i.code, s.number))
                .count();
            assert!(n <= 3, "{} {} has {n} questions", i.code, s.number);
        }
    }

    #[test]
    fn a_typo_in_a_standard_code_is_refused_naming_the_question() {
        let c = Catalog::builtin();
        let text = BUILTIN.replacen("Ⅱ-14/4", "Ⅱ-14/9", 1);
        let e = Questionnaire::parse(&text, Path::new("q.toml"), c).unwrap_err();
        assert!(e.to_string().contains("Q5"), "{e}");
        let text = BUILTIN.replacen("Ⅱ-1/3", "Ⅱ-1/1", 1);
        let e = Questionnaire::parse(&text, Path::new("q.toml"), c).unwrap_err();
        assert!(e.to_string().contains("不用问卷调查"), "{e}");
        let text = BUILTIN.replacen("scale = \"知晓\"", "scale = \"知道\"", 1);
        assert!(Questionnaire::parse(&text, Path::new("q.toml"), c).is_err());
    }
}
