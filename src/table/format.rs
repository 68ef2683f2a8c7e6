//! Which kind of table a file is, decided from its bytes: CSV text, an
//! Office Open XML workbook (`.xlsx`), an OpenDocument spreadsheet
//! (`.ods`) or an old binary workbook (`.xls`, also WPS `.et`). A file
//! whose name promises a workbook but holds text or a web page is refused,
//! as is a workbook encrypted with a password to open.

use std::io::Cursor;
use std::path::Path;

use super::TableError;

/// What a table file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated text (UTF-8 or GBK).
    Csv,
    /// Office Open XML workbook.
    Xlsx,
    /// Old binary Excel workbook.
    Xls,
    /// OpenDocument spreadsheet.
    Ods,
}

impl Format {
    /// How the format is named in messages.
    pub fn name(self) -> &'static str {
        match self {
            Format::Csv => "CSV 表格",
            Format::Xlsx => "Excel 工作簿（.xlsx）",
            Format::Xls => "旧版 Excel 工作簿（.xls）",
            Format::Ods => "OpenDocument 工作簿（.ods）",
        }
    }
}

const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const WORKBOOK_EXTS: [&str; 5] = ["xlsx", "xlsm", "xls", "ods", "et"];

/// Decides the format of `bytes`, read from `path`.
pub fn detect(path: &Path, bytes: &[u8]) -> Result<Format, TableError> {
    if bytes.starts_with(b"PK\x03\x04") {
        return zip_format(path, bytes);
    }
    if bytes.starts_with(&OLE_MAGIC) {
        // An encrypted .xlsx is an OLE container holding the real
        // workbook in a stream of this name (MS-OFFCRYPTO).
        if contains_utf16(bytes, "EncryptedPackage") {
            return Err(TableError::Encrypted {
                path: path.to_path_buf(),
            });
        }
        return Ok(Format::Xls);
    }
    let ext = extension(path);
    let claimed_workbook = WORKBOOK_EXTS.contains(&ext.as_str());
    if looks_like_html(bytes) {
        return Err(TableError::Disguised {
            path: path.to_path_buf(),
            claimed: if claimed_workbook {
                "Excel 工作簿"
            } else {
                "CSV 表格"
            },
            real: "网页（HTML）",
        });
    }
    if claimed_workbook {
        return Err(TableError::Disguised {
            path: path.to_path_buf(),
            claimed: "Excel 工作簿",
            real: "纯文本（CSV）",
        });
    }
    Ok(Format::Csv)
}

/// Whether `bytes` start like a workbook (a ZIP or an OLE container).
pub fn is_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&OLE_MAGIC)
}

fn extension(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default()
}

/// `.xlsx` and `.ods` are both ZIP files; their entries tell them apart.
fn zip_format(path: &Path, bytes: &[u8]) -> Result<Format, TableError> {
    let corrupt = |detail: String| TableError::Corrupt {
        path: path.to_path_buf(),
        kind: "工作簿",
        detail,
    };
    let zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| corrupt(e.to_string()))?;
    let names: Vec<String> = zip
        .file_names()
        .filter_map(Result::ok)
        .map(|n| n.into_owned())
        .collect();
    let has = |n: &str| names.iter().any(|x| x == n);
    if has("xl/workbook.xml") {
        Ok(Format::Xlsx)
    } else if has("content.xml") || has("mimetype") {
        Ok(Format::Ods)
    } else if names.iter().any(|n| n.starts_with("word/")) {
        Err(TableError::Disguised {
            path: path.to_path_buf(),
            claimed: "表格",
            real: "Word 文档",
        })
    } else {
        Err(corrupt("其中没有工作表".into()))
    }
}

fn contains_utf16(bytes: &[u8], needle: &str) -> bool {
    let pattern: Vec<u8> = needle.encode_utf16().flat_map(u16::to_le_bytes).collect();
    bytes
        .windows(pattern.len())
        .any(|w| w == pattern.as_slice())
}

fn looks_like_html(bytes: &[u8]) -> bool {
    let start = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let head: Vec<u8> = start
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take(256)
        .map(u8::to_ascii_lowercase)
        .collect();
    ["<!doctype html", "<html", "<table", "<?xml", "<meta"]
        .iter()
        .any(|t| head.starts_with(t.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_named_as_a_workbook_is_refused() {
        let err = detect(Path::new("a.xlsx"), "编号,名称\n".as_bytes()).unwrap_err();
        assert!(err.to_string().contains("纯文本"), "{err}");
        let err = detect(Path::new("a.xls"), b"<html><table></table></html>").unwrap_err();
        assert!(err.to_string().contains("网页"), "{err}");
        assert_eq!(detect(Path::new("a.csv"), b"a,b\n").unwrap(), Format::Csv);
        assert_eq!(detect(Path::new("a"), b"a,b\n").unwrap(), Format::Csv);
    }

    #[test]
    fn an_encrypted_workbook_is_named_as_one() {
        let mut bytes = OLE_MAGIC.to_vec();
        bytes.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
        assert!(matches!(
            detect(Path::new("x.xlsx"), &bytes),
            Err(TableError::Encrypted { .. })
        ));
        assert_eq!(detect(Path::new("x.xls"), &OLE_MAGIC).unwrap(), Format::Xls);
    }
}
