//! The accounts records of the log: the `data` of each kind and the values
//! it holds. The accounts module re-exports them where they used to live.

use serde::{Deserialize, Serialize};

/// What happened to an account (the log's `account` record; never the
/// password or its hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountChange {
    /// What was done.
    pub action: AccountAction,
    /// The account.
    pub name: String,
    /// Its role, when added.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// Its community, when added as a community account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub community: Option<String>,
    /// Its district, when added as a district or 街道 account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub district: Option<String>,
    /// Its 街道（乡镇）, when added as a 街道 account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
    /// The communities assigned or unassigned, for an expert account.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub communities: Vec<String>,
}

/// The kinds of account change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AccountAction {
    /// Opened.
    Add,
    /// Password set anew.
    Password,
    /// Removed.
    Remove,
    /// Communities assigned to an expert.
    Assign,
    /// Communities taken from an expert.
    Unassign,
}

/// What an account may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Community or 街道 staff: sees and hands in for one community.
    Community,
    /// The assessment office: sees everything, issues documents.
    Office,
    /// Staff of one of the 18 units of Attachment 1: sees that unit's
    /// communities.
    District,
    /// A member of the city's 专家组: sees the communities assigned.
    Expert,
    /// Staff of a 街道（乡镇）: sees its pilot communities and hands in the
    /// evidence of the standards addressed to the 街道, once for all.
    Street,
}
