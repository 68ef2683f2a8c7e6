//! A 移交 package delivered as one ZIP (on a disc or by mail): unpacked
//! into a temporary folder for the package check, with the same entry
//! checks and size limits as evidence ZIPs ([`crate::archive::zipin`]):
//! no paths outside the folder, no zip bombs, names decoded as WPS and
//! Windows write them.

use std::path::{Path, PathBuf};

use super::package::CATALOGUE;
use super::{RecordsError, io_at};
use crate::archive::collect::Source;
use crate::archive::zipin::{self, ZipLimits};

/// Unpacks the ZIP at `zip_path` into `into`; returns the package folder
/// in it (the folder holding 移交清单.xml: the root, or its only folder).
pub fn unpack(zip_path: &Path, into: &Path) -> Result<PathBuf, RecordsError> {
    let unreadable = |problem: String| RecordsError::Unreadable {
        path: zip_path.to_path_buf(),
        problem,
    };
    let listed = zipin::collect_zip(zip_path, ZipLimits::default())
        .map_err(|e| unreadable(e.to_string()))?;
    let mut zip = zipin::open(zip_path).map_err(|e| unreadable(e.to_string()))?;
    for c in &listed.files {
        let Source::Zip(index) = c.source else {
            continue;
        };
        let mut target = into.to_path_buf();
        for i in 0..c.rel.len() {
            target.push(c.rel.component_display(i));
        }
        std::fs::create_dir_all(crate::fsutil::parent_of(&target)).map_err(io_at(&target))?;
        let mut reader = zipin::entry_reader(&mut zip, index)
            .map_err(|e| unreadable(format!("{}：{e}", c.rel)))?;
        let mut file = std::fs::File::create(&target).map_err(io_at(&target))?;
        std::io::copy(&mut reader, &mut file)
            .map_err(|e| unreadable(format!("{}：{}", c.rel, zipin::describe_entry_error(&e))))?;
    }
    if into.join(CATALOGUE).is_file() {
        return Ok(into.to_path_buf());
    }
    let folders: Vec<PathBuf> = std::fs::read_dir(into)
        .map_err(io_at(into))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    match folders.as_slice() {
        [one] if one.join(CATALOGUE).is_file() => Ok(one.clone()),
        _ => Err(unreadable(format!(
            "ZIP 中没有 {CATALOGUE}：请把整个移交包文件夹压缩后再检测"
        ))),
    }
}
