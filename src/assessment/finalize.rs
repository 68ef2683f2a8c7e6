//! The city's final result taken from the 专家组: each standard and
//! method gets the experts' aggregate verdict by the office's rule, with
//! the arithmetic kept as the row's remark, recorded as the next final
//! version. The panel itself (each expert's verdict and the arithmetic)
//! is stored as that version's sheet object, so the result can be traced
//! back to the sheets it came from.

use super::level::Level;
use super::panel::{self, PanelRow};
use super::store::{self, AssessmentError, AssessmentRecord, StoredAssessment};
use super::{Assessment, ResultRow};
use crate::archive::lock::WriterLock;
use crate::archive::{Archive, ArchiveError};
use crate::config::Rule;
use crate::event::ObjectRef;

/// The rule's name as printed in the sheet name and messages.
pub fn rule_name(rule: Rule) -> &'static str {
    match rule {
        Rule::Majority => "多数",
        Rule::Mean => "均值",
        Rule::TrimmedMean => "去掉最高最低后的均值",
    }
}

/// The latest expert sheet of `community`: facts and dates for the result.
fn last_expert(archive: &Archive, community: &str) -> Result<StoredAssessment, AssessmentError> {
    let (time, rec) = store::all_records(archive, Some(community))?
        .into_iter()
        .rfind(|(_, r)| r.level == Level::Expert)
        .ok_or_else(|| no_experts(community))?;
    store::load(archive, time, rec)
}

fn no_experts(community: &str) -> AssessmentError {
    AssessmentError::OutOfOrder {
        community: community.to_string(),
        level: Level::Final,
        why:
            "还没有专家提交评估，无法按专家组汇总；请等分配的专家提交后再汇总，或直接导入最终考评表"
                .into(),
    }
}

/// A final row's remark: what each expert said (who said what), then the
/// vote arithmetic beside it, so documents print the problem in words.
pub fn remark(p: &PanelRow) -> String {
    // Experts who wrote the same words are named together.
    let mut grouped: Vec<(Vec<&str>, &str)> = Vec::new();
    for (who, text) in &p.remarks {
        match grouped.iter_mut().find(|(_, t)| *t == text.as_str()) {
            Some((names, _)) => names.push(who),
            None => grouped.push((vec![who.as_str()], text.as_str())),
        }
    }
    let said: Vec<String> = grouped
        .iter()
        .map(|(who, text)| format!("专家 {}：{text}", who.join("、")))
        .collect();
    match said.is_empty() {
        true => format!("（专家组汇总：{}）", p.aggregate.arithmetic),
        false => format!(
            "{}（专家组汇总：{}）",
            said.join("；"),
            p.aggregate.arithmetic
        ),
    }
}

/// The final rows from the panel: the aggregate verdict, the experts as
/// assessor, the latest date any of them gave.
fn rows(rows: &[PanelRow], base: &Assessment) -> Vec<ResultRow> {
    rows.iter()
        .map(|p| {
            let same = base.results.iter().find(|r| {
                r.indicator == p.indicator && r.standard == p.standard && r.method == p.method
            });
            ResultRow {
                indicator: p.indicator.clone(),
                standard: p.standard,
                method: p.method,
                verdict: p.aggregate.verdict,
                score: None,
                assessor: format!("专家组{}人", p.verdicts.len()),
                date: same.and_then(|r| r.date),
                remark: remark(p),
            }
        })
        .collect()
}

/// Records `community`'s final result from its 专家组 under `rule`.
pub fn finalize(
    archive: &Archive,
    lock: &WriterLock,
    community: &str,
    rule: Rule,
) -> Result<StoredAssessment, AssessmentError> {
    store::admit_level(archive, community, Level::Final)?;
    let panel = panel::panel(archive, community, rule)?;
    if panel.is_empty() {
        return Err(no_experts(community));
    }
    let base = last_expert(archive, community)?;
    let assessment = Assessment {
        results: rows(&panel, &base.assessment),
        facts: base.assessment.facts.clone(),
    };
    let io = |source| ArchiveError::Io {
        path: archive.root().to_path_buf(),
        source,
    };
    let sheet = archive
        .store()
        .put_bytes(&to_json(&panel, archive)?)
        .map_err(io)?;
    let results = archive
        .store()
        .put_bytes(&to_json(&assessment, archive)?)
        .map_err(io)?;
    archive.store().flush().map_err(io)?;
    let version = store::all_records(archive, Some(community))?
        .last()
        .map_or(1, |(_, r)| r.version + 1);
    let record = AssessmentRecord {
        community: community.to_string(),
        version,
        sheet: format!("专家组汇总（{}）.json", rule_name(rule)),
        objects: [sheet, results]
            .map(|p| ObjectRef {
                sha256: p.digest.hex(),
                size: p.size,
                sm3: None,
            })
            .to_vec(),
        level: Level::Final,
        expert: None,
        overrides: Vec::new(),
        ..base.record
    };
    Ok(store::append(archive, lock, record, assessment)?)
}

/// Pretty JSON of an object to store.
fn to_json(v: &impl serde::Serialize, archive: &Archive) -> Result<Vec<u8>, ArchiveError> {
    serde_json::to_vec_pretty(v).map_err(|e| ArchiveError::Io {
        path: archive.root().to_path_buf(),
        source: std::io::Error::other(e),
    })
}
