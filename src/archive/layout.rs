//! The evidence-folder layout that `kaoping scaffold` hands out, ingest
//! places files by, and the demo writes: one folder per indicator
//! (`Ⅱ-01 名称`, [`crate::catalog::Indicator::folder_name`]), in it one
//! folder per standard checked by 材料审核 (`标准1`), and in each a
//! 说明.txt that ingest recognises unchanged and leaves out.

use std::path::{Path, PathBuf};

use crate::catalog::{Indicator, Standard};

/// Name of the note written into each standard folder.
pub const NOTE_FILE: &str = "说明.txt";

/// Folder name of standard `n`.
pub fn standard_folder(n: u32) -> String {
    format!("标准{n}")
}

/// The folder of standard `std` of `ind` under `base`.
pub fn standard_dir(base: &Path, ind: &Indicator, std: &Standard) -> PathBuf {
    base.join(ind.folder_name())
        .join(standard_folder(std.number))
}

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
