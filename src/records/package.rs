//! The 移交 package: one DA/T 48 封装包 per record under `封装包/`, the
//! 移交清单 (XML, signed with a detached CMS signature beside it, and as a
//! workbook), the 移交-stage 四性检测报告 (PDF and JSON) and the 移交接收
//! 登记表. Written into a hidden folder next to the target and renamed
//! into place when complete, so a half-written package never appears.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use super::{RecordsError, io_at};
use crate::sign::keys::OrganKey;

/// The 移交清单 file.
pub const CATALOGUE: &str = "移交清单.xml";
/// Its detached CMS signature (DER).
pub const CATALOGUE_SIG: &str = "移交清单.xml.p7s";
/// The 移交清单 workbook.
pub const CATALOGUE_XLSX: &str = "移交清单.xlsx";
/// The folder of 封装包.
pub const EEP_DIR: &str = "封装包";
/// The sender's check report.
pub const REPORT_PDF: &str = "四性检测报告.pdf";
/// The sender's check result.
pub const REPORT_JSON: &str = "四性检测结果.json";
/// The 移交接收登记表.
pub const HANDOVER_PDF: &str = "移交接收登记表.pdf";

/// One record in the 移交清单.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// 档号.
    #[serde(rename = "档号")]
    pub code: String,
    /// 题名.
    #[serde(rename = "题名")]
    pub title: String,
    /// 责任者.
    #[serde(rename = "责任者")]
    pub author: String,
    /// 文件编号.
    #[serde(rename = "文件编号", default)]
    pub number: String,
    /// 日期.
    #[serde(rename = "日期")]
    pub date: String,
    /// 保管期限.
    #[serde(rename = "保管期限")]
    pub retention: String,
    /// 计算机文件数.
    #[serde(rename = "文件数")]
    pub files: u64,
    /// Bytes of its computer files.
    #[serde(rename = "字节数")]
    pub bytes: u64,
    /// The 封装包's path in the package.
    #[serde(rename = "封装包")]
    pub package: String,
    /// The 封装包 file's size.
    #[serde(rename = "封装包字节数")]
    pub package_bytes: u64,
    /// SM3 of the 封装包 file.
    #[serde(rename = "封装包SM3")]
    pub package_sm3: String,
    /// SHA-256 of the 封装包 file.
    #[serde(rename = "封装包SHA256")]
    pub package_sha256: String,
}

/// The 移交清单.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename = "移交清单")]
pub struct Catalogue {
    /// 移交单位.
    #[serde(rename = "移交单位")]
    pub from: String,
    /// 接收单位.
    #[serde(rename = "接收单位")]
    pub to: String,
    /// 全宗号.
    #[serde(rename = "全宗号")]
    pub fonds_code: String,
    /// 全宗名称.
    #[serde(rename = "全宗名称")]
    pub fonds: String,
    /// 机构或问题 (in the 档号, when used).
    #[serde(rename = "机构或问题", default)]
    pub section: String,
    /// The phase.
    #[serde(rename = "阶段")]
    pub phase: String,
    /// When the package was made.
    #[serde(rename = "移交时间")]
    pub time: String,
    /// 件数.
    #[serde(rename = "件数")]
    pub count: u64,
    /// Bytes of all records' computer files.
    #[serde(rename = "总字节数")]
    pub bytes: u64,
    /// The records.
    #[serde(rename = "档案", default)]
    pub entries: Vec<Entry>,
}

impl Catalogue {
    /// The XML text with its declaration.
    pub fn to_xml(&self) -> Result<String, RecordsError> {
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let mut ser = quick_xml::se::Serializer::new(&mut out);
        ser.indent(' ', 2);
        self.serialize(ser)
            .map_err(|e| RecordsError::Invalid(format!("移交清单无法生成：{e}")))?;
        out.push('\n');
        Ok(out)
    }
}

/// A package folder being written: files go into a hidden sibling folder
/// that becomes `target` on [`Writing::finish`].
pub struct Writing {
    target: PathBuf,
    tmp: PathBuf,
}

impl Writing {
    /// Starts a package at `target`, which must not exist yet (or be an
    /// empty folder).
    pub fn start(target: &Path) -> Result<Writing, RecordsError> {
        // An empty folder made beforehand (e.g. on a disc to burn) is
        // taken; anything else is never overwritten.
        let empty = std::fs::read_dir(target).is_ok_and(|mut d| d.next().is_none());
        if empty {
            std::fs::remove_dir(target).map_err(io_at(target))?;
        }
        if target.exists() {
            return Err(RecordsError::Invalid(format!(
                "{} 已经存在：请换一个移交包文件夹名，或先把旧的移走（kaoping 不覆盖已有的移交包）",
                target.display()
            )));
        }
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| {
                RecordsError::Invalid(format!("{} 不是一个文件夹名", target.display()))
            })?;
        let parent = crate::fsutil::parent_of(target).to_path_buf();
        let tmp = parent.join(format!(".{name}.写入中-{}", std::process::id()));
        if tmp.exists() {
            std::fs::remove_dir_all(&tmp).map_err(io_at(&tmp))?;
        }
        std::fs::create_dir_all(tmp.join(EEP_DIR)).map_err(io_at(&tmp))?;
        Ok(Writing {
            target: target.to_path_buf(),
            tmp,
        })
    }

    /// The folder being written.
    pub fn dir(&self) -> &Path {
        &self.tmp
    }

    /// Writes `bytes` at `rel` (durably).
    pub fn put(&self, rel: &str, bytes: &[u8]) -> Result<(), RecordsError> {
        let path = self.tmp.join(rel);
        crate::outfile::write(&path, bytes, false).map_err(|e| RecordsError::Invalid(e.to_string()))
    }

    /// Moves the finished package into place.
    pub fn finish(self) -> Result<PathBuf, RecordsError> {
        std::fs::rename(&self.tmp, &self.target).map_err(io_at(&self.target))?;
        Ok(self.target.clone())
    }

    /// Removes what was written (on failure).
    pub fn abandon(self) {
        let _ = std::fs::remove_dir_all(&self.tmp);
    }
}

/// The 封装包 file name of a 档号 (letters, digits and `-` only, as 档号
/// are made).
pub fn eep_name(code: &str) -> String {
    format!("{EEP_DIR}/{code}.xml")
}

/// The catalogue entry of a written 封装包.
pub fn entry(meta: &super::metadata::Metadata, eep: &super::eep_write::Written) -> Entry {
    let (sm3, sha) = (eep.sm3.clone(), eep.sha256.clone());
    Entry {
        code: meta.code.code.clone(),
        title: meta.content.title.clone(),
        author: meta.content.author.clone(),
        number: meta.content.number.clone(),
        date: meta.content.date.clone(),
        retention: meta.retention.clone(),
        files: meta.file_count,
        bytes: meta.files.iter().map(|f| f.size).sum(),
        package: eep_name(&meta.code.code),
        package_bytes: eep.bytes,
        package_sm3: sm3,
        package_sha256: sha,
    }
}

/// The detached CMS signature of the catalogue's bytes.
pub fn sign_catalogue(key: &OrganKey, xml: &[u8]) -> Result<Vec<u8>, RecordsError> {
    Ok(crate::sign::cms::sign_digest(key, &Sha256::digest(xml))?)
}
