//! A community's kind and batch, as application records hold them. The
//! community module re-exports them where they used to live.

use serde::{Deserialize, Serialize};

/// Urban community or “村改居” community (Attachment 1's two kinds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum CommunityKind {
    /// 城市社区.
    #[serde(rename = "城市社区")]
    Urban,
    /// “村改居”社区.
    #[serde(rename = "“村改居”社区")]
    VillageToResidence,
}

/// The three batches (阶段) of the pilot programme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Batch {
    /// 第一阶段 (2018年9月—2019年底).
    #[serde(rename = "第一阶段")]
    First,
    /// 第二阶段.
    #[serde(rename = "第二阶段")]
    Second,
    /// 第三阶段.
    #[serde(rename = "第三阶段")]
    Third,
}
