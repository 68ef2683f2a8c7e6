//! The empty evidence folder tree handed to a community: one folder per
//! indicator with a standard checked by 材料审核, inside it one folder per
//! such standard holding a short 说明.txt with the standard's text (the
//! names are [`super::layout`]'s); on disk, or as a ZIP to download.

use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use super::layout::{self, NOTE_FILE, note_text};
use crate::catalog::{Catalog, Standard};
use crate::community::Community;
use crate::fsutil;

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
        for std in stds {
            out.standards += 1;
            let std_dir = layout::standard_dir(dir, ind, std);
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

/// Writes the blank evidence folders of `c` as a ZIP to `out`: one top
/// folder `社区名-材料` holding the tree [`create`] makes.
pub fn write_zip(catalog: &Catalog, c: &Community, out: &Path) -> Result<(), ScaffoldError> {
    let err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ScaffoldError { path, source }
    };
    let dir = tempfile::tempdir().map_err(err(out))?;
    let top = dir
        .path()
        .join(fsutil::safe_name(&format!("{}-材料", c.name)));
    create(catalog, &top, c)?;
    let file = std::fs::File::create(out).map_err(err(out))?;
    let mut zip = zip::ZipWriter::new(file);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for entry in walkdir::WalkDir::new(&top).sort_by_file_name() {
        let entry = entry.map_err(|e| err(&top)(e.into()))?;
        let Ok(rel) = entry.path().strip_prefix(dir.path()) else {
            continue;
        };
        let name = rel.to_string_lossy().replace('\\', "/");
        if entry.file_type().is_dir() {
            zip.add_directory(format!("{name}/"), opts)
                .map_err(|e| err(out)(e.into()))?;
        } else {
            zip.start_file(name, opts).map_err(|e| err(out)(e.into()))?;
            let bytes = std::fs::read(entry.path()).map_err(err(entry.path()))?;
            zip.write_all(&bytes).map_err(err(out))?;
        }
    }
    zip.finish().map_err(|e| err(out)(e.into()))?;
    Ok(())
}
