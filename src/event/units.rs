//! The record of a 责任单位 register import (the `data` of `units`): how
//! many units and the register's SHA-256 — never its names' phone
//! numbers, which stay in the register the office alone reads.

use serde::{Deserialize, Serialize};

/// The 责任单位 register replaced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitsSet {
    /// How many units it holds.
    pub units: usize,
    /// SHA-256 of the register's bytes.
    pub sha256: String,
}
