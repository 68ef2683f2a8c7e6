//! Why a rectification step was refused; nothing is written then.

use std::path::PathBuf;

use chrono::NaiveDate;

use crate::archive::ArchiveError;

/// Why a rectification step was refused.
#[derive(Debug, thiserror::Error)]
pub enum RectifyError {
    /// The archive could not be read or written.
    #[error(transparent)]
    Archive(#[from] ArchiveError),
    /// The community is not registered.
    #[error(transparent)]
    Community(#[from] crate::community::CommunityError),
    /// Recording the new assessment failed.
    #[error(transparent)]
    Assessment(#[from] crate::assessment::store::AssessmentError),
    /// The district is unknown.
    #[error(transparent)]
    District(#[from] crate::districts::UnknownDistrict),
    /// No such item.
    #[error("没有编号为“{id}”的整改事项；用 kaoping rectify list 查看所有整改事项")]
    UnknownItem {
        /// The id given.
        id: String,
    },
    /// No such item for this community, as told to a web user (naming
    /// neither the id nor any community, so ids cannot be probed).
    #[error("这个社区没有这个编号的整改事项；请从本社区的整改事项列表中选择")]
    NoSuchItem,
    /// The item is another community's.
    #[error("整改事项 {id} 属于社区 {owner}，不是 {community} 的，不能由它答复或复查")]
    NotOfCommunity {
        /// Item id.
        id: String,
        /// The community it was sent for.
        community: String,
        /// The community it belongs to.
        owner: String,
    },
    /// The item is closed already.
    #[error("整改事项 {id} 已经销号，不能再答复或复查")]
    AlreadyClosed {
        /// Item id.
        id: String,
    },
    /// The item is answered and waits for its re-check.
    #[error("整改事项 {id} 已经答复，正在等待复查；复查退回后才能再次答复")]
    AlreadyAnswered {
        /// Item id.
        id: String,
    },
    /// The item has no answer to re-check.
    #[error("整改事项 {id} 目前为“{status}”，社区还没有答复，不能复查")]
    NotAnswered {
        /// Item id.
        id: String,
        /// Its state.
        status: &'static str,
    },
    /// A required text is empty.
    #[error("请填写{what}；没有保存")]
    Empty {
        /// What is missing.
        what: &'static str,
    },
    /// An evidence file name is not acceptable.
    #[error(
        "证明材料的文件名“{name}”不可用（不能为空、不能含路径或控制字符、不能以点或空格结尾、不能是 CON、NUL、COM1 等 Windows 保留名称）；请改名后再上传"
    )]
    BadFileName {
        /// The name.
        name: String,
    },
    /// An evidence file could not be read.
    #[error("无法读取证明材料 {path}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// Items are still to be answered before the report.
    #[error("社区 {community} 还有整改事项没有答复，全部答复后才能报送整改情况报告：\n  {items}")]
    Unanswered {
        /// Community id.
        community: String,
        /// The items, one a line.
        items: String,
    },
    /// No answered item for a report.
    #[error("社区 {community} 没有等待复查的整改答复，不需要报送整改情况报告")]
    NothingToReport {
        /// Community id.
        community: String,
    },
    /// Nothing overdue to supervise.
    #[error(
        "{district}在 {today} 没有逾期未销号的整改事项，不需要督办通知；没有发文、没有占用文号"
    )]
    NothingOverdue {
        /// District.
        district: String,
        /// The day checked.
        today: NaiveDate,
    },
    /// A deadline that is not in the future.
    #[error("期限 {deadline} 不在今天（{today}）之后，请给出将来的日期")]
    DeadlineNotAfter {
        /// The deadline given.
        deadline: NaiveDate,
        /// Today.
        today: NaiveDate,
    },
}

impl RectifyError {
    /// The error as told to a web user, who is not to learn which items
    /// other communities have: another community's item and an unknown
    /// one read exactly alike ([`RectifyError::NoSuchItem`]).
    pub fn concealed(self) -> RectifyError {
        match self {
            RectifyError::NotOfCommunity { .. } | RectifyError::UnknownItem { .. } => {
                RectifyError::NoSuchItem
            }
            e => e,
        }
    }
}
