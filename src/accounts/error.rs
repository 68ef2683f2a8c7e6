//! Why an account operation failed, each reason in Chinese for the person
//! managing accounts.

use std::io;
use std::path::PathBuf;

use super::{MIN_PASSWORD_CHARS, Role};
use crate::archive::ArchiveError;
use crate::community::CommunityError;

/// Why an account operation failed.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// The archive could not be read or written.
    #[error(transparent)]
    Archive(#[from] ArchiveError),
    /// The accounts file could not be read or written.
    #[error("无法读写账号文件 {path}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// The accounts file is not valid.
    #[error("账号文件 {path} 格式不对（{reason}），请从备份恢复")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A name is taken.
    #[error("账号 {0} 已存在；要改密码请用 kaoping user passwd {0}")]
    Exists(String),
    /// No such account.
    #[error("没有名为 {0} 的账号（kaoping user list 查看全部账号）")]
    Unknown(String),
    /// The name is not usable.
    #[error("账号名“{0}”不可用：请用 1 至 32 个字符，不含空格、斜杠和控制字符")]
    BadName(String),
    /// The password is too short.
    #[error("密码太短：至少 {MIN_PASSWORD_CHARS} 个字符")]
    ShortPassword,
    /// A community account without its community, or an office account
    /// with one.
    #[error("{0}")]
    Community(String),
    /// The community is not registered.
    #[error(transparent)]
    Unregistered(#[from] CommunityError),
    /// The district is not one of Attachment 1.
    #[error(transparent)]
    District(#[from] crate::districts::UnknownDistrict),
    /// Communities can be assigned only to an expert account.
    #[error("账号 {name} 是{role}账号，只能给专家账号分配社区（kaoping user add 账号 --role expert 开设专家账号）", role = .role.name())]
    NotExpert {
        /// The account.
        name: String,
        /// Its role.
        role: Role,
    },
    /// The community is not assigned to the expert.
    #[error("社区 {community} 没有分配给专家 {name}，无需取消")]
    NotAssigned {
        /// The expert account.
        name: String,
        /// The community.
        community: String,
    },
    /// Hashing failed.
    #[error("无法生成密码摘要：{0}")]
    Hash(String),
}
