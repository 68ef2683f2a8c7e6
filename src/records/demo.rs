//! The demo's last step: 第一阶段 filed, its 移交 package written, and the
//! package checked as the 档案馆 would, with the SM3 from the 登记表.

use std::path::{Path, PathBuf};

use super::RecordsError;
use super::check::{Stage, package::Options};
use super::flow;
use crate::archive::Archive;
use crate::config::Config;
use crate::event::community::Batch;
use crate::meter::Meter;
use crate::render::Engine;

/// What the demo's 归档 and 移交 did.
#[derive(Debug, Clone)]
pub struct Demo {
    /// Records filed.
    pub filed: usize,
    /// The folder with the 归档文件目录 and its check report.
    pub papers: PathBuf,
    /// The 移交 package.
    pub package: PathBuf,
    /// SM3 of its 移交清单.
    pub catalogue_sm3: String,
    /// The receiving side's check passed.
    pub received: bool,
    /// The folder with the receiving side's report.
    pub receipt: PathBuf,
}

/// Files 第一阶段 into `dir/第一阶段归档`, transfers it to `dir/移交包` and
/// checks the package into `dir/接收检测`.
pub fn run(
    archive: &Archive,
    config: &Config,
    engine: &Engine,
    dir: &Path,
    progress: &dyn Meter,
) -> Result<Demo, RecordsError> {
    let papers = dir.join("第一阶段归档");
    let target = dir.join("移交包");
    let lock = archive.lock(true, |_| {})?;
    let filed = flow::file_phase(archive, &lock, config, Batch::First, &papers, progress)?;
    let sent = flow::transfer_phase(archive, &lock, config, Batch::First, &target, progress)?;
    drop(lock);
    let receipt = dir.join("接收检测");
    let opts = Options {
        stage: Stage::Receipt,
        expected_sm3: Some(&sent.catalogue_sm3),
        virus_db: config.archives.clamav_database.as_deref(),
    };
    let (report, _) = flow::check_package(&sent.package, opts, engine, &receipt, progress)?;
    Ok(Demo {
        filed: filed.total,
        papers,
        package: sent.package,
        catalogue_sm3: sent.catalogue_sm3,
        received: report.passed,
        receipt,
    })
}
