//! The empty evidence folder tree handed to a community: one folder per
//! indicator with a standard checked by 材料审核, inside it one folder per
//! such standard holding a short 说明.txt with the standard's text.

use std::io;
use std::path::{Path, PathBuf};

use super::place::standard_folder;
use crate::catalog::{Catalog, Indicator, Standard};
use crate::community::Community;
use crate::fsutil;

/// Name of the note written into each standard folder.
pub const NOTE_FILE: &str = "说明.txt";

/// The note for one standard (CRLF line ends so that Windows Notepad shows
/// the lines; ingest recognises an unchanged note and leaves it out).
pub fn note_text(ind: &Indicator, std: &Standard) -> String {
    let lines = [
        format!("考评指标：{} {}", ind.code, ind.name),
        format!("考评标准{}：{}", std.number, std.text),
        format!(
            "考评方法：{}",
            std.methods
                .iter()
                .map(|m| m.name())
                .collect::<Vec<_>>()
                .join("、")
        ),
        String::new(),
        "请把证明本条标准的材料（文件、照片、扫描件等）放在本文件夹里，可以再建子文件夹。".into(),
        "本说明文件不必删除，提交时会自动略过。".into(),
    ];
    let mut out = lines.join("\r\n");
    out.push_str("\r\n");
    out
}

/// What [`create`] made.
#[derive(Debug, Default)]
pub struct Scaffolded {
    /// Indicator folders.
    pub indicators: usize,
    /// Standard folders.
    pub standards: usize,
    /// Notes written (existing ones are kept).
    pub notes_written: usize,
}

/// Why the tree could not be made.
#[derive(Debug, thiserror::Error)]
#[error("无法在 {path} 建立材料文件夹")]
pub struct ScaffoldError {
    /// What was being created.
    pub path: PathBuf,
    /// The cause.
    #[source]
    pub source: io::Error,
}

/// Creates the tree under `dir` for `community`. Existing folders and
/// files are left as they are, so running it again only adds what is
/// missing.
pub fn create(
    catalog: &Catalog,
    dir: &Path,
    _community: &Community,
) -> Result<Scaffolded, ScaffoldError> {
    let err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ScaffoldError { path, source }
    };
    let mut out = Scaffolded::default();
    for (_, ind) in catalog.indicators() {
        let stds: Vec<&Standard> = ind.material_standards().collect();
        if stds.is_empty() {
            continue;
        }
        out.indicators += 1;
        let ind_dir = dir.join(ind.folder_name());
        for std in stds {
            out.standards += 1;
            let std_dir = ind_dir.join(standard_folder(std.number));
            fsutil::create_dir_durable(&std_dir).map_err(err(&std_dir))?;
            let note = std_dir.join(NOTE_FILE);
            match fsutil::write_new_atomic(&note, note_text(ind, std).as_bytes()) {
                Ok(()) => out.notes_written += 1,
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(err(&note)(e)),
            }
        }
    }
    Ok(out)
}
