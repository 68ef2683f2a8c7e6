//! Issuing numbered copies: the sampling plan (copies spread evenly over a
//! community's 考评点), fresh numbers continuing after every earlier print,
//! and a one-time link token of 128 random bits per copy. The batch is
//! recorded in the log (`survey-copies`) with each token's SHA-256 only;
//! the tokens themselves go to the printed copies and nowhere else.

use serde::Serialize;

use super::state::{Survey, token_hash};
use super::{SurveyError, number};
use crate::archive::Archive;
use crate::archive::lock::WriterLock;
use crate::community::Community;
use crate::event::Event;
pub use crate::event::survey::{CopiesIssued, IssuedCopy};

/// Most copies one print may make.
pub const MAX_COPIES: u32 = 2000;

/// A copy to print: its number, point and link token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrintedCopy {
    /// 问卷编号.
    pub number: String,
    /// The 考评点.
    pub point: String,
    /// The link token (only here, never stored).
    pub token: String,
}

/// A new random link token: 16 bytes (128 bits) as 32 hex digits.
pub fn new_token() -> Result<String, SurveyError> {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b)
        .map_err(|e| SurveyError::Request(format!("无法取得随机数，未发放问卷（{e}）")))?;
    Ok(hex::encode(b))
}

/// The plan: how many copies each point gets (`copies` spread evenly, the
/// first points taking the remainder).
pub fn plan(copies: u32, points: &[String]) -> Vec<(String, u32)> {
    let n = points.len().max(1) as u32;
    points
        .iter()
        .enumerate()
        .map(|(i, p)| (p.clone(), copies / n + u32::from((i as u32) < copies % n)))
        .collect()
}

/// Issues `copies` new copies of `community` over `points` and records
/// them. The caller holds the writer lock.
pub fn issue(
    archive: &Archive,
    lock: &WriterLock,
    community: &Community,
    copies: u32,
    points: &[String],
) -> Result<Vec<PrintedCopy>, SurveyError> {
    let (printed, batch) = prepare(archive, community, copies, points)?;
    record(archive, lock, batch)?;
    Ok(printed)
}

/// Records a prepared batch (after its copies were rendered).
pub fn record(
    archive: &Archive,
    lock: &WriterLock,
    batch: CopiesIssued,
) -> Result<(), SurveyError> {
    // Once the numbers are recorded the caller must hand out their
    // copies: an interrupt now waits until it has.
    crate::interrupt::hold();
    archive
        .log()
        .append(lock, Event::SurveyCopies(batch))
        .map_err(crate::archive::ArchiveError::from)?;
    Ok(())
}

/// The next `copies` copies of `community` and the batch that records
/// them; nothing is written. Call under the writer lock, and
/// [`record`] before releasing it, so no number is handed out twice.
pub fn prepare(
    archive: &Archive,
    community: &Community,
    copies: u32,
    points: &[String],
) -> Result<(Vec<PrintedCopy>, CopiesIssued), SurveyError> {
    if copies == 0 || copies > MAX_COPIES {
        return Err(SurveyError::Request(format!(
            "份数应在 1 到 {MAX_COPIES} 之间，收到 {copies}"
        )));
    }
    let points: Vec<String> = points.iter().map(|p| p.trim().to_string()).collect();
    if points.is_empty()
        || points
            .iter()
            .any(|p| p.is_empty() || p.chars().count() > 40)
    {
        return Err(SurveyError::Request(
            "考评点名称不能为空，也不能超过 40 个字".into(),
        ));
    }
    let survey = Survey::load(archive)?;
    // Points keep their number across prints; serials continue.
    let mut known: Vec<String> = Vec::new();
    let mut last = 0;
    for c in survey.of(&community.id) {
        if !known.contains(&c.issued.point) {
            known.push(c.issued.point.clone());
        }
        if let Ok((_, p)) = number::parse(&c.issued.number) {
            last = last.max(p.serial);
        }
    }
    if last + copies > 9999 {
        return Err(SurveyError::Request(format!(
            "社区 {} 已发放 {last} 份，再印 {copies} 份会超过编号上限 9999",
            community.id
        )));
    }
    let mut out = Vec::new();
    for (point, n) in plan(copies, &points) {
        if !known.contains(&point) {
            known.push(point.clone());
        }
        let index = known.iter().position(|k| *k == point).unwrap_or(0) as u32 + 1;
        for _ in 0..n {
            last += 1;
            out.push(PrintedCopy {
                number: number::format(&community.id, index, last),
                point: point.clone(),
                token: new_token()?,
            });
        }
    }
    let batch = CopiesIssued {
        community: community.id.clone(),
        copies: out
            .iter()
            .map(|c| IssuedCopy {
                number: c.number.clone(),
                point: c.point.clone(),
                token_sha256: token_hash(&c.token),
            })
            .collect(),
    };
    Ok((out, batch))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plan_spreads_copies_evenly() {
        let p = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            plan(50, &p(&["甲", "乙", "丙"])),
            vec![("甲".into(), 17), ("乙".into(), 17), ("丙".into(), 16)]
        );
        assert_eq!(
            plan(1, &p(&["甲", "乙"])),
            vec![("甲".into(), 1), ("乙".into(), 0)]
        );
    }

    #[test]
    fn tokens_carry_128_random_bits() {
        let a = new_token().unwrap();
        assert_eq!(a.len(), 32);
        assert_ne!(a, new_token().unwrap());
    }
}
