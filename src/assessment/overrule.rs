//! The office's override of one standard's final verdict: allowed only
//! with a written reason, kept as a new final version whose record names
//! the standard, the verdict before and after, and the reason. The sheet
//! object stays the one the final result was imported from.

use super::Verdict;
use super::store::{self, AssessmentError, AssessmentRecord, StoredAssessment};
use crate::archive::lock::WriterLock;
use crate::archive::{Archive, ArchiveError};
use crate::catalog::Method;
use crate::event::ObjectRef;
pub use crate::event::assessment::Override;

/// Why typed override fields cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// The indicator is not in the catalog.
    #[error(transparent)]
    Indicator(#[from] crate::catalog::CatalogError),
    /// The method is not one of the four.
    #[error("考评方法“{0}”无效，只能是 材料审核、实地考评、问卷调查、网络（媒体）调查")]
    Method(String),
    /// The verdict is not one of the three.
    #[error("结论“{0}”无效，只能是 达标、基本达标 或 未达标")]
    Verdict(String),
}

impl Override {
    /// An override as typed (an indicator in any written form); `from` is
    /// filled in from the result when it is applied.
    pub fn typed(
        catalog: &crate::catalog::Catalog,
        indicator: &str,
        standard: u32,
        method: &str,
        verdict: &str,
        reason: &str,
    ) -> Result<Override, InputError> {
        let indicator = catalog.indicator(indicator)?.1.code.clone();
        let method = Method::parse(method).ok_or_else(|| InputError::Method(method.into()))?;
        let to = Verdict::parse(verdict).ok_or_else(|| InputError::Verdict(verdict.into()))?;
        Ok(Override {
            indicator,
            standard,
            method,
            from: to,
            to,
            reason: reason.to_string(),
        })
    }
}

/// The remark of an overridden row: the office's reason first, then what
/// the assessors had said, so the problem stays in words.
fn overridden_remark(change: &Override, before: &str) -> String {
    let before = before.trim();
    let mut out = format!(
        "考评办公室改定为{}（原结论{}），理由：{}",
        change.to, change.from, change.reason
    );
    if !before.is_empty() {
        out.push_str(&format!("。原考评意见：{before}"));
    }
    out
}

/// The overrides on top of `community`'s last imported final sheet, in
/// order (each override is a version of its own).
pub fn standing(archive: &Archive, community: &str) -> Result<Vec<Override>, ArchiveError> {
    let mut out = Vec::new();
    for (_, r) in store::records(archive, Some(community))?.into_iter().rev() {
        if r.overrides.is_empty() {
            break;
        }
        out.splice(0..0, r.overrides);
    }
    Ok(out)
}

/// Overrides one row of `community`'s final result (`indicator` given as
/// its canonical code) and stores the result as the next version.
pub fn overrule(
    archive: &Archive,
    lock: &WriterLock,
    community: &str,
    change: Override,
) -> Result<StoredAssessment, AssessmentError> {
    let bad = |why: String| AssessmentError::OutOfOrder {
        community: community.to_string(),
        level: super::level::Level::Final,
        why,
    };
    if change.reason.trim().is_empty() {
        return Err(bad("改定最终结论必须写明理由".into()));
    }
    store::admit_level(archive, community, super::level::Level::Final)?;
    let last = store::latest(archive, community)?;
    let mut assessment = last.assessment.clone();
    let row = assessment
        .results
        .iter_mut()
        .find(|r| {
            r.indicator == change.indicator
                && r.standard == change.standard
                && r.method == change.method
        })
        .ok_or_else(|| {
            bad(format!(
                "最终结果中没有 {} 标准{}（{}）这一条",
                change.indicator, change.standard, change.method
            ))
        })?;
    if row.verdict == change.to {
        return Err(bad(format!(
            "{} 标准{}（{}）的最终结论已经是“{}”，改定前后相同，没有记录；如要改定，请写另一个结论",
            change.indicator, change.standard, change.method, change.to
        )));
    }
    let change = Override {
        from: row.verdict,
        reason: change.reason.trim().to_string(),
        ..change
    };
    row.verdict = change.to;
    row.remark = overridden_remark(&change, &row.remark);
    let results = serde_json::to_vec_pretty(&assessment).map_err(|e| ArchiveError::Io {
        path: archive.root().to_path_buf(),
        source: std::io::Error::other(e),
    })?;
    let io = |source| ArchiveError::Io {
        path: archive.root().to_path_buf(),
        source,
    };
    let put = archive.store().put_bytes(&results).map_err(io)?;
    archive.store().flush().map_err(io)?;
    let version = store::all_records(archive, Some(community))?
        .last()
        .map_or(1, |(_, r)| r.version + 1);
    let mut objects = last.record.objects.clone();
    objects.truncate(1);
    objects.push(ObjectRef {
        sha256: put.digest.hex(),
        size: put.size,
        sm3: None,
    });
    let record = AssessmentRecord {
        version,
        objects,
        overrides: vec![change],
        ..last.record.clone()
    };
    Ok(store::append(archive, lock, record, assessment)?)
}
