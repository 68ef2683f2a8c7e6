//! Why a 督查 or 调研 was refused; nothing is written then.

use std::path::PathBuf;

use chrono::NaiveDate;

use crate::archive::ArchiveError;

/// Why a 督查 or 调研 was refused.
#[derive(Debug, thiserror::Error)]
pub enum InspectionError {
    /// The archive could not be read or written.
    #[error(transparent)]
    Archive(#[from] ArchiveError),
    /// The accounts could not be read.
    #[error(transparent)]
    Accounts(#[from] crate::accounts::AccountError),
    /// A community is not registered.
    #[error(transparent)]
    Community(#[from] crate::community::CommunityError),
    /// A district is not one of Attachment 1's.
    #[error(transparent)]
    District(#[from] crate::districts::UnknownDistrict),
    /// A field is missing or empty.
    #[error("{what}没有填写：{fix}")]
    Missing {
        /// The field.
        what: &'static str,
        /// How to fill it in.
        fix: &'static str,
    },
    /// A text is too long.
    #[error("{what}太长（{chars} 字），最多 {max} 字；请精简后再记录")]
    TooLong {
        /// The field.
        what: String,
        /// Its length in characters.
        chars: usize,
        /// The limit.
        max: usize,
    },
    /// Too many entries of one kind.
    #[error("{what}太多（{count} 项），一次最多 {max} 项；请分几次记录")]
    TooMany {
        /// What.
        what: &'static str,
        /// How many were given.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// A date lies after today.
    #[error("{what} {date} 晚于今天（{today}），还没有发生，不能记录")]
    Future {
        /// Which date.
        what: &'static str,
        /// The date.
        date: NaiveDate,
        /// Today.
        today: NaiveDate,
    },
    /// The deadline is not after the day of the 督查.
    #[error("整改期限 {deadline} 应晚于{kind}的日期 {date}")]
    Deadline {
        /// The kind's name.
        kind: &'static str,
        /// The deadline.
        deadline: NaiveDate,
        /// The day of the 督查.
        date: NaiveDate,
    },
    /// No such account.
    #[error("参加人员中的账号“{name}”不存在；请写已有账号的登录名（kaoping user list 可查看）")]
    UnknownAccount {
        /// The name given.
        name: String,
    },
    /// A finding's indicator or standard is not in Attachment 2.
    #[error("第 {n} 条发现情况：{reason}")]
    Standard {
        /// The finding's number, from 1.
        n: usize,
        /// What is wrong.
        reason: String,
    },
    /// A finding is not in the form `社区编号:指标-标准:情况`.
    #[error(
        "发现情况“{text}”的格式不对：应为“社区编号:指标-标准:情况”，例如“WH-001:Ⅱ-2-1:活动室被挪作他用”；不涉及具体标准时写“WH-001::情况”"
    )]
    Form {
        /// The text given.
        text: String,
    },
    /// A district account recorded outside its district, or a kind only
    /// the office records.
    #[error("{0}")]
    NotAllowed(String),
    /// An evidence file name is not acceptable.
    #[error("证明材料的文件名“{name}”不能使用：请改成不含 / \\ 和控制字符的普通文件名")]
    BadFileName {
        /// The name, escaped.
        name: String,
    },
    /// An evidence file is too large.
    #[error("证明材料 {path} 有 {size} 字节，超过单个文件 {max} 字节的上限；请压缩或拆分后再记录")]
    FileTooLarge {
        /// The file.
        path: PathBuf,
        /// Its size.
        size: u64,
        /// The limit.
        max: u64,
    },
    /// An evidence file could not be read.
    #[error("读取证明材料 {path} 失败：{source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// No such 督查 or 调研.
    #[error("没有编号为“{id}”的督查或调研记录；用 kaoping inspection list 查看")]
    Unknown {
        /// The id given.
        id: String,
    },
}
