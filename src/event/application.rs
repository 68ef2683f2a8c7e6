//! The application records of the log: the `data` of each kind and the values
//! it holds. The application module re-exports them where they used to live.

use serde::{Deserialize, Serialize};

use super::community::{Batch, CommunityKind};

/// An application as the log keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApplicationRecord {
    /// Its number (from 1, in the order received).
    pub number: u32,
    /// What was proposed.
    #[serde(flatten)]
    pub proposal: Proposal,
}

/// A decision as the log keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionRecord {
    /// The application decided.
    pub number: u32,
    /// The decision.
    #[serde(flatten)]
    pub decision: Decision,
}

/// What a district hands in for one community.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Proposal {
    /// The district (one of Attachment 1's 18 units).
    pub district: String,
    /// The community's name.
    pub name: String,
    /// 城市社区 or “村改居”社区.
    #[serde(rename = "type")]
    pub kind: CommunityKind,
    /// The phase it is proposed for.
    pub batch: Batch,
    /// Its 街道（乡镇）, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
    /// 居民户数, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub households: Option<u32>,
    /// 社区综合服务设施面积 in square metres, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facility_area: Option<f64>,
    /// 社区基本情况, free text.
    #[serde(default)]
    pub situation: String,
    /// 推荐理由.
    pub reason: String,
}

/// The office's answer to an application.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "decision")]
pub enum Decision {
    /// Approved: registered as pilot community `community`.
    #[serde(rename = "批准")]
    Approved {
        /// The registered community's id.
        community: String,
        /// Why it was approved beyond the district's task number, if it was.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        over_quota: Option<String>,
    },
    /// Returned to the district.
    #[serde(rename = "退回")]
    Returned {
        /// Why.
        reason: String,
    },
}
