//! 归档 and 移交 actions (the office only): file a phase's records, write
//! its 移交 package, and check a package as the receiving 档案馆 does
//! (which needs no archive at all).

use std::path::Path;

use super::{ActionError, Ctx};
use crate::config::Config;
use crate::event::community::Batch;
use crate::meter::Meter;
use crate::records::check::{Report, Stage, package::Options};
use crate::records::flow::{self, Filed, Sent};
use crate::records::phase_of;
use crate::render::Engine;

/// The phase numbered `n`, or why not.
pub fn phase(n: u8) -> Result<Batch, ActionError> {
    phase_of(n)
        .ok_or_else(|| ActionError::Invalid(format!("没有第 {n} 阶段：--phase 只能是 1、2 或 3")))
}

/// Files every record of phase `n` not filed yet, with the 归档-stage
/// 四性检测; copies of the papers go into `out`.
pub fn file(
    c: &Ctx,
    config: &Config,
    n: u8,
    out: &Path,
    progress: &dyn Meter,
) -> Result<Filed, ActionError> {
    c.office_only()?;
    let phase = phase(n)?;
    let lock = c.lock()?;
    Ok(flow::file_phase(
        c.archive, &lock, config, phase, out, progress,
    )?)
}

/// Writes the 移交 package of phase `n` at `target` and checks it.
pub fn transfer(
    c: &Ctx,
    config: &Config,
    n: u8,
    target: &Path,
    progress: &dyn Meter,
) -> Result<Sent, ActionError> {
    c.office_only()?;
    let phase = phase(n)?;
    let lock = c.lock()?;
    Ok(flow::transfer_phase(
        c.archive, &lock, config, phase, target, progress,
    )?)
}

/// The 长期保存-stage 四性检测 of what is filed (phase `n`, or all).
pub fn keep_check(
    c: &Ctx,
    config: &Config,
    n: Option<u8>,
    out: &Path,
    progress: &dyn Meter,
) -> Result<(Report, Vec<std::path::PathBuf>), ActionError> {
    c.office_only()?;
    let phase = n.map(phase).transpose()?;
    Ok(flow::keep_check(c.archive, config, phase, out, progress)?)
}

/// What the receiving side asks of a check.
#[derive(Debug, Clone, Default)]
pub struct Receipt<'a> {
    /// The SM3 printed on the 移交接收登记表.
    pub sm3: Option<&'a str>,
    /// A ClamAV database.
    pub virus_db: Option<&'a Path>,
}

/// The receiving 档案馆's 四性检测 of the package at `dir`, run without an
/// archive; the report's PDF and JSON go into `out`.
pub fn check(
    dir: &Path,
    r: Receipt,
    out: &Path,
    progress: &dyn Meter,
) -> Result<(Report, Vec<std::path::PathBuf>), ActionError> {
    if let Some(sm3) = r.sm3 {
        let ok = sm3.trim().len() == 64 && sm3.trim().chars().all(|c| c.is_ascii_hexdigit());
        if !ok {
            return Err(ActionError::Invalid(format!(
                "--sm3 “{sm3}” 不是 SM3 摘要：应为登记表上印的 64 位十六进制数字"
            )));
        }
    }
    let engine = Engine::new(None)?;
    let opts = Options {
        stage: Stage::Receipt,
        expected_sm3: r.sm3,
        virus_db: r.virus_db,
    };
    Ok(flow::check_package(dir, opts, &engine, out, progress)?)
}
