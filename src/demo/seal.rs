//! The demo's own seal: a red ring with a star and 演示专用章 (drawn for
//! the demo, imitating no real organ's seal), set as the office's seal
//! so that the demo's documents show where a seal is printed.

use crate::archive::ArchiveError;
use crate::config::Config;
use crate::root::ArchiveRoot;

/// The seal image.
const PNG: &[u8] = include_bytes!("../../data/demo-seal.png");
/// Where the demo keeps it, relative to the archive root.
const PATH: &str = "keys/演示专用章.png";

/// Writes the seal into the archive and names it in `kaoping.toml` (and
/// in `config`) as the first organ's seal.
pub(super) fn install(root: &ArchiveRoot, config: &mut Config) -> Result<(), ArchiveError> {
    let io = |path: &std::path::Path| {
        let path = path.to_path_buf();
        move |source| ArchiveError::Io { path, source }
    };
    let file = root.dir().join(PATH);
    crate::fsutil::create_dir_durable(crate::fsutil::parent_of(&file)).map_err(io(&file))?;
    crate::fsutil::write_atomic(&file, PNG).map_err(io(&file))?;
    let Some(first) = config.organs.first_mut() else {
        return Ok(());
    };
    first.seal = Some(PATH.to_string());
    let path = root.config_path();
    let text = std::fs::read_to_string(&path).map_err(io(&path))?;
    let line = format!("prefix = \"{}\"\n", first.prefix);
    let with_seal = text.replacen(&line, &format!("{line}seal = \"{PATH}\"\n"), 1);
    crate::fsutil::write_atomic(&path, with_seal.as_bytes()).map_err(io(&path))
}
