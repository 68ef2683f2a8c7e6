//! The limits every table file is held to, in one place, and the checks
//! that run BEFORE a reader allocates anything for a workbook: the file's
//! size; for the zipped formats (`.xlsx`, `.ods`) the size each part
//! really unpacks to and its compression ratio; for each sheet the area
//! it uses and the range it declares (see [`super::survey`]); and the
//! length of the text in one cell. A workbook over a limit is refused
//! with a [`TableError::TooLarge`] naming the file, the sheet and what is
//! too large, so a small hostile file can never make the process allocate
//! gigabytes (or abort).

use std::io::{Cursor, Read};
use std::path::Path;

use super::TableError;
use super::place::column_letters;
use crate::sizes::size_text;

/// Most rows a sheet may use (the last used row's number).
pub const MAX_ROWS: u32 = 20_000;
/// Most columns a sheet may use (256 = column IV, as old Excel).
pub const MAX_COLUMNS: u32 = 256;
/// Most cells in the rectangle a sheet uses (rows × columns).
pub const MAX_CELLS: u64 = 2_000_000;
/// Largest table file, and most bytes a workbook may unpack to.
pub const MAX_UNPACKED: u64 = 64 << 20;
/// Highest compression ratio of one part of a zipped workbook larger than
/// [`RATIO_FLOOR`].
pub const MAX_RATIO: u64 = 100;
/// Parts up to this size are not ratio-checked (small XML compresses
/// very well without being dangerous).
pub const RATIO_FLOOR: u64 = 1 << 20;
/// Most parts in a zipped workbook.
pub const MAX_PARTS: usize = 10_000;
/// Most characters in one cell (Excel's own limit).
pub const MAX_TEXT: usize = 32_767;

/// A refusal of `path` (in `sheet`, if any) because `what` is too large.
pub fn too_large(path: &Path, sheet: Option<&str>, what: String) -> TableError {
    TableError::TooLarge {
        path: path.to_path_buf(),
        sheet: sheet.map(str::to_string),
        what,
    }
}

/// Refuses a table file larger than [`MAX_UNPACKED`].
pub fn check_file_size(path: &Path, size: u64) -> Result<(), TableError> {
    if size > MAX_UNPACKED {
        return Err(too_large(
            path,
            None,
            format!(
                "文件有 {}，超过上限 {}",
                size_text(size),
                size_text(MAX_UNPACKED)
            ),
        ));
    }
    Ok(())
}

/// Checks the parts of a zipped workbook by the bytes they really unpack
/// to (not the sizes they declare): at most [`MAX_PARTS`] parts, at most
/// [`MAX_UNPACKED`] in all, no large part compressed more than
/// [`MAX_RATIO`]:1. A ZIP the reader cannot list is left to the workbook
/// reader, which says it is damaged.
pub fn check_zip(path: &Path, bytes: &[u8]) -> Result<(), TableError> {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    if zip.len() > MAX_PARTS {
        return Err(too_large(
            path,
            None,
            format!("含有 {} 个部件，超过上限 {MAX_PARTS} 个", zip.len()),
        ));
    }
    let mut total = 0u64;
    for i in 0..zip.len() {
        let Ok(mut part) = zip.by_index(i) else {
            continue;
        };
        let packed = part.compressed_size().max(1);
        let name = part.name().map(|n| n.into_owned()).unwrap_or_default();
        let room = MAX_UNPACKED - total;
        let mut sink = std::io::sink();
        let Ok(size) = std::io::copy(&mut (&mut part).take(room + 1), &mut sink) else {
            continue;
        };
        total += size;
        if total > MAX_UNPACKED {
            return Err(too_large(
                path,
                None,
                format!("解压后超过 {}（疑似“压缩炸弹”）", size_text(MAX_UNPACKED)),
            ));
        }
        if size > RATIO_FLOOR && size / packed > MAX_RATIO {
            return Err(too_large(
                path,
                None,
                format!(
                    "其中的部件“{name}”由 {} 解压为 {}，压缩比超过 {MAX_RATIO}:1（疑似“压缩炸弹”）",
                    size_text(packed),
                    size_text(size)
                ),
            ));
        }
    }
    Ok(())
}

/// The rectangle a sheet uses or declares, 0-based and inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Extent {
    /// First row and column.
    pub start: (u32, u32),
    /// Last row and column.
    pub end: (u32, u32),
}

impl Extent {
    /// The one-cell extent at `pos`.
    pub fn at(pos: (u32, u32)) -> Extent {
        Extent {
            start: pos,
            end: pos,
        }
    }

    /// Grows to take in `pos`.
    pub fn add(&mut self, pos: (u32, u32)) {
        self.start = (self.start.0.min(pos.0), self.start.1.min(pos.1));
        self.end = (self.end.0.max(pos.0), self.end.1.max(pos.1));
    }

    /// Grows an optional extent to take in `pos`.
    pub fn grow(extent: &mut Option<Extent>, pos: (u32, u32)) {
        match extent {
            Some(e) => e.add(pos),
            None => *extent = Some(Extent::at(pos)),
        }
    }

    /// The range as Excel writes it (`A1:XFD1048576`).
    pub fn a1(&self) -> String {
        format!(
            "{}{}:{}{}",
            column_letters(self.start.1),
            u64::from(self.start.0) + 1,
            column_letters(self.end.1),
            u64::from(self.end.0) + 1
        )
    }

    /// Rows of the rectangle.
    fn rows(&self) -> u64 {
        u64::from(self.end.0).saturating_sub(u64::from(self.start.0)) + 1
    }

    /// Columns laid out per row: from column A to the last used one.
    fn columns(&self) -> u64 {
        u64::from(self.end.1) + 1
    }

    /// What about it is over the limits, if anything: said of a used
    /// range (`declared` false) or of a declared one.
    pub fn excess(&self, declared: bool) -> Option<String> {
        let (reach, range) = if declared {
            ("声明用到", "声明的范围")
        } else {
            ("用到了", "用到的范围")
        };
        let (last_row, last_col) = (u64::from(self.end.0) + 1, u64::from(self.end.1) + 1);
        if last_row > u64::from(MAX_ROWS) {
            Some(format!(
                "{reach}第 {last_row} 行（{range} {}），超过上限 {MAX_ROWS} 行",
                self.a1()
            ))
        } else if last_col > u64::from(MAX_COLUMNS) {
            Some(format!(
                "{reach}第 {last_col} 列（{} 列，{range} {}），超过上限 {MAX_COLUMNS} 列（IV 列）",
                column_letters(self.end.1),
                self.a1()
            ))
        } else if self.rows() * self.columns() > MAX_CELLS {
            Some(format!(
                "{range} {} 有 {} 行 × {} 列 = {} 个格子，超过上限 {MAX_CELLS} 个",
                self.a1(),
                self.rows(),
                self.columns(),
                self.rows() * self.columns()
            ))
        } else {
            None
        }
    }
}

/// Refuses the used extent of `sheet` when it is over the limits.
pub fn check_used(path: &Path, sheet: &str, used: Option<Extent>) -> Result<(), TableError> {
    match used.and_then(|e| e.excess(false)) {
        Some(what) => Err(too_large(path, Some(sheet), what)),
        None => Ok(()),
    }
}

/// Refuses a range a sheet declares (its `dimension`) that is over the
/// limits, before any reader sizes anything by it.
pub fn check_declared(path: &Path, sheet: &str, declared: Extent) -> Result<(), TableError> {
    match declared.excess(true) {
        Some(what) => Err(too_large(path, Some(sheet), what)),
        None => Ok(()),
    }
}

/// Refuses a cell whose text is longer than [`MAX_TEXT`] characters.
pub fn check_text(path: &Path, sheet: &str, pos: (u32, u32), text: &str) -> Result<(), TableError> {
    // Bytes bound characters from above: count only when it may matter.
    if text.len() <= MAX_TEXT {
        return Ok(());
    }
    let chars = text.chars().count();
    if chars <= MAX_TEXT {
        return Ok(());
    }
    Err(too_large(
        path,
        Some(sheet),
        format!(
            "格子 {}{} 有 {chars} 个字，超过上限 {MAX_TEXT} 个（Excel 一个格子最多能放这么多）",
            column_letters(pos.1),
            u64::from(pos.0) + 1
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extents_over_the_limits_say_what_is_too_large() {
        let far = Extent {
            start: (0, 0),
            end: (1_048_575, 16_383),
        };
        assert_eq!(far.a1(), "A1:XFD1048576");
        assert!(far.excess(true).unwrap().contains("第 1048576 行"));
        let wide = Extent {
            start: (0, 0),
            end: (0, 300),
        };
        assert!(wide.excess(false).unwrap().contains("超过上限 256 列"));
        let big = Extent {
            start: (0, 0),
            end: (19_000, 200),
        };
        assert!(big.excess(false).unwrap().contains("个格子"));
        let fine = Extent {
            start: (3, 0),
            end: (5_000, 40),
        };
        assert_eq!(fine.excess(false), None);
    }

    #[test]
    fn long_text_is_refused_by_characters_not_bytes() {
        let p = Path::new("表.xlsx");
        assert!(check_text(p, "S", (0, 0), &"字".repeat(MAX_TEXT)).is_ok());
        let e = check_text(p, "S", (2, 1), &"a".repeat(MAX_TEXT + 1)).unwrap_err();
        assert!(e.to_string().contains("格子 B3"), "{e}");
    }
}
