//! The records of 归档 and 移交 (the `data` of `filing` and `transfer`):
//! what each filing gave a 档号 and what each transfer package carried.
//! A filed record keeps its 档号 for good; a later version is filed as a
//! new record with the next 件号.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::archive::ObjectRef;
use super::community::Batch;
use crate::config::Retention;

/// What a filed record is in the archive.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "类型")]
pub enum FiledSource {
    /// An issued document, by its number.
    #[serde(rename = "公文")]
    Document {
        /// 发文字号 or certificate number.
        number: String,
    },
    /// One version of a community's evidence submission.
    #[serde(rename = "考评材料")]
    Submission {
        /// Community id.
        community: String,
        /// Version number.
        version: u32,
    },
    /// One version of a 街道（乡镇）'s shared evidence.
    #[serde(rename = "街道共享材料")]
    Street {
        /// District (Attachment 1's name).
        district: String,
        /// The 街道（乡镇）.
        street: String,
        /// Version number.
        version: u32,
    },
}

/// One record given a 档号.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FiledItem {
    /// 档号 (全宗号-年度-保管期限代码-[机构或问题-]件号).
    pub code: String,
    /// 年度.
    pub year: i32,
    /// 保管期限.
    pub retention: Retention,
    /// 件号 within 年度 and 保管期限.
    pub piece: u32,
    /// The record.
    pub source: FiledSource,
    /// 题名.
    pub title: String,
    /// 日期 (成文日期, or the day the submission was recorded).
    pub date: NaiveDate,
    /// Number of computer files.
    pub files: u64,
    /// Their bytes.
    pub bytes: u64,
}

/// The data of `filing`: one phase's records filed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filing {
    /// The phase filed.
    pub phase: Batch,
    /// Records given a 档号 by this filing (earlier filings' records keep
    /// theirs).
    pub items: Vec<FiledItem>,
    /// Whether the 四性检测 at 归档 passed.
    pub passed: bool,
    /// The 归档文件目录 (xlsx, PDF) and the 检测报告 (PDF, JSON) stored.
    pub objects: Vec<ObjectRef>,
}

/// The data of `transfer`: a 移交 package written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transferred {
    /// The phase transferred.
    pub phase: Batch,
    /// The package folder's name.
    pub package: String,
    /// Records in it.
    pub items: u64,
    /// Bytes of the records' computer files.
    pub bytes: u64,
    /// SM3 of its 移交清单.xml, printed on the 移交接收登记表.
    pub catalogue_sm3: String,
    /// Whether the 四性检测 at 移交 passed.
    pub passed: bool,
}
